import ArgumentParser
import Engine
import Foundation
import Schedules

extension DiffusersExport.PredictionType: ExpressibleByArgument {}
extension TrainFlags.Trainer: ExpressibleByArgument {}

/// `schedtui export`: the chosen schedule as a schedtui JSON config and/or a diffusers folder.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract:
      "Write the chosen schedule as a JSON config (--output) or a diffusers folder (--diffusers).",
    discussion: """
      --output FILE writes schedtui's versioned JSON config (see the README's "Config format"); \
      `schedtui curve --config FILE` and the explorer read it back exactly.

      --diffusers DIR writes DIR/scheduler_config.json for diffusers' DDPMScheduler, carrying γ as \
      trained_betas on --steps T steps (ᾱ_i = γ(i/T), β_i = 1 − ᾱ_i/ᾱ_{i−1}), plus \
      DIR/schedtui_config.json. A rectified-flow schedule is written as a \
      FlowMatchEulerDiscreteScheduler config instead: its shift as `shift`, its Flux μ as \
      use_dynamic_shifting with base_shift/max_shift/base_image_seq_len/max_image_seq_len and \
      time_shift_type. With --scale b ≠ 1 and normalisation on, the exported γ is the \
      equivalent b = 1 schedule γb²/(γb² + 1 − γ), which is exact. Warnings (capped β, zero \
      terminal SNR) go to standard error. Files are written atomically.

      Examples:
        schedtui export --family cosine --start 0.2 --end 1 --tau 1 --scale 0.5 --output c.json
        schedtui export --preset sd3 --diffusers out/scheduler
        schedtui export --preset sd3 --train-flags kohya
        schedtui export --config c.json --diffusers out/scheduler --steps 1000 \\
          --prediction-type v_prediction
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(help: ArgumentHelp("Write the JSON config to this file.", valueName: "file"))
  var output: String?

  @Option(help: ArgumentHelp("Write a diffusers scheduler folder here.", valueName: "dir"))
  var diffusers: String?

  @Flag(help: ArgumentHelp(OutputFile.overwriteHelp))
  var overwrite = false

  @Option(
    parsing: .unconditional,
    help: "diffusers: number of steps T in [2, 1000000] (default: T of a ddpm-* family, else 1000)."
  )
  var steps: Int?

  @Option(
    parsing: .unconditional,
    help: "diffusers: cap on β, in (0, 1] (default 0.999).")
  var maxBeta = 0.999

  @Option(
    help:
      ArgumentHelp(
        "diffusers: epsilon, v_prediction or sample (default: the config's "
          + "training.prediction, else epsilon).")
  )
  var predictionType: DiffusersExport.PredictionType?

  @Option(
    parsing: .unconditional,
    help: "Sampling steps stored in the config, in [1, 100000] (default 100 or the config's).")
  var inferenceSteps: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Write the sampling σ list for N steps in [1, 100000] (N + 1 numbers, the last 0) as a "
        + "JSON array to --output FILE (instead of the config), or to standard output.",
      valueName: "n"))
  var sigmas: Int?

  @Option(
    help: ArgumentHelp(
      "Write a self-contained Python module (NumPy, or PyTorch tensors) with gamma, logsnr, "
        + "noisy and the objective's coefficients.", valueName: "file.py"))
  var python: String?

  @Option(
    name: .customLong("train-flags"),
    help: ArgumentHelp(
      "Print the flags that reproduce this rectified-flow setting's t-sampling, shift, output "
        + "and weighting in diffusers' SD3/Flux training scripts or kohya's Flux trainer; what "
        + "has no equivalent is named.", valueName: "diffusers|kohya"))
  var trainFlags: TrainFlags.Trainer?

  // --t-sampling, declared with its setting (``TrainingSetting/all``).
  @OptionGroup var settings: ExportSettingOptions

  @OptionGroup(
    title:
      "Objective, for --python and --train-flags (default: the config's training section, else "
      + "as train's)")
  var objective: ObjectiveOptions

  @Option(
    name: .customLong("data-rms"), parsing: .unconditional,
    help: ArgumentHelp(
      "--python: σ_d, the data's RMS, > 0, used by edm (default: measured on the config's "
        + "training data as train does, or 1 without a training section)."))
  var dataRMS: Double?

  func validate() throws {
    guard output != nil || diffusers != nil || sigmas != nil || python != nil || trainFlags != nil
    else {
      throw ValidationError(
        "Say where to write: --output FILE (JSON config), --diffusers DIR, --sigmas N (σ list, "
          + "to standard output without --output), --python FILE.py and/or --train-flags "
          + "diffusers|kohya.")
    }
    if settings.tSampling != nil, trainFlags == nil {
      throw ValidationError("--t-sampling only applies with --train-flags diffusers|kohya.")
    }
    try validateHandOff()
    if let trainFlags { _ = try Export.trainFlags(trainFlags, schedule.config(), options: self) }
    if diffusers == nil {
      if steps != nil { throw ValidationError("--steps only applies with --diffusers DIR.") }
      if predictionType != nil {
        throw ValidationError("--prediction-type only applies with --diffusers DIR.")
      }
    }
    if let steps, !(2...1_000_000).contains(steps) {
      throw ValidationError("--steps \(steps) is not allowed: a whole number in [2, 1000000].")
    }
    guard maxBeta.isFinite, maxBeta > 0, maxBeta <= 1 else {
      throw ValidationError("--max-beta \(maxBeta) is not allowed: a number in (0, 1].")
    }
    if let inferenceSteps, !(1...100_000).contains(inferenceSteps) {
      throw ValidationError(
        "--inference-steps \(inferenceSteps) is not allowed: a whole number in [1, 100000].")
    }
  }

  func run() throws {
    // No output may replace a file schedtui did not write (nor, ever, a run's or sweep's
    // file): checked before anything is computed.
    if let output {
      try OutputFile.checkReplace(
        output, kind: sigmas == nil ? .config : .sigmaList, overwrite: overwrite,
        option: "--output")
    }
    if let python {
      try OutputFile.checkReplace(python, kind: .python, overwrite: overwrite, option: "--python")
    }
    if let diffusers {
      try OutputFile.checkDiffusersFolder(diffusers, overwrite: overwrite, option: "--diffusers")
    }
    var config = try schedule.config()
    if let inferenceSteps { config.inference.steps = inferenceSteps }
    // Everything is computed before anything is written: a failure writes nothing.
    let diffusersFiles = try diffusers.map { _ in try Export.diffusersFiles(config, options: self) }
    let handOff = try handOffFiles(config)
    let flags = try trainFlags.map { try Export.trainFlags($0, config, options: self) }
    if let output, sigmas == nil {
      try AtomicFile.write(config.encoded(), to: output)
      print("wrote \(output)")
    }
    try writeHandOff(handOff)
    if let dir = diffusers, let (files, warnings) = diffusersFiles {
      try Export.writeFolder(dir, files: files)
      for w in warnings {
        printError("warning: \(w)")
      }
      report("wrote \(dir)/scheduler_config.json (\(files.count) files)")
    }
    if let flags { print(flags.text, terminator: "") }
  }

  /// `--train-flags`: the config's t-sampling and objective (the options over its training
  /// section) in the trainer's flags.
  static func trainFlags(_ trainer: TrainFlags.Trainer, _ config: Config, options: Export) throws
    -> TrainFlags
  {
    var section = config.training ?? TrainingSection()
    options.objective.apply(to: &section)
    let (prediction, weighting, skip) = (section.prediction, section.weighting, section.x0Skip)
    if let given = options.objective.x0Skip, skip != nil {
      // No trainer's flags train schedtui's x0 output, with its skip or without: asked for on
      // this command line, it is refused.
      throw CommandLineCheck.refuse(
        "--x0-skip", given,
        "none with --train-flags: \(trainer.rawValue)'s flags have no x0 output to skip")
    }
    var sampling = section.tSampling
    if let text = options.settings.tSampling { sampling = try CommandLineCheck.tSampling(text) }
    var flags: TrainFlags
    do {
      flags = try TrainFlags(
        trainer, process: config.noiseProcess(), tSampling: sampling, prediction: prediction,
        weighting: weighting)
    } catch {
      throw ValidationError(options.schedule.describe(error))
    }
    // The config's skip (or the x0 output's default) is named, not dropped silently: the
    // flags are the rest of the setting, which a default export must still give.
    if let skip, prediction == .x0 {
      for i in flags.scripts.indices {
        flags.scripts[i].missing.append(
          "the x0 output's skip path (training.x0_skip \(String(format: "%g", skip)), "
            + "schedtui's default for the x0 output here is "
            + "\(String(format: "%g", section.x0SkipOfX0Output))): x̂0 = c·z/α + (1 − c)·F, c = sigmoid(λ − "
            + "λ_s); this trainer's flags have no such path")
      }
    }
    return flags
  }

  /// The folder's files (name, text) and the warnings, for `config`.
  static func diffusersFiles(_ config: Config, options: Export) throws
    -> ([(String, String)], [String])
  {
    let process: NoiseProcess
    do {
      process = try config.noiseProcess()
    } catch {
      throw ValidationError(options.schedule.describe(error))
    }
    if config.schedule.family == .rectifiedFlow {
      if let p = options.predictionType {
        throw ValidationError(
          "--prediction-type \(p.rawValue) is not allowed with a rectified-flow schedule: its "
            + "export is a FlowMatchEulerDiscreteScheduler, which has no prediction_type (it "
            + "steps with a velocity); drop the option.")
      }
      let export: FlowMatchExport
      do {
        export = try FlowMatchExport(
          process: process, trainSteps: options.steps ?? SamplerSteps.flowTrainSteps,
          prediction: config.training?.prediction)
      } catch {
        throw ValidationError(options.schedule.describe(error))
      }
      return (
        [
          ("schedtui_config.json", config.encoded()),
          ("scheduler_config.json", export.schedulerConfig),
        ], export.warnings
      )
    }
    guard
      let prediction = options.predictionType
        ?? DiffusersExport.PredictionType(config.training?.prediction)
    else {
      throw ValidationError(
        DiffusersExport.flowHasNone + "; give --prediction-type to export it for another output.")
    }
    let export = try DiffusersExport(
      process: process, steps: options.steps ?? DiffusersExport.defaultSteps(for: config.schedule),
      maxBeta: options.maxBeta, predictionType: prediction)
    return (
      [
        ("schedtui_config.json", config.encoded()),
        ("scheduler_config.json", export.schedulerConfig),
      ], export.warnings
    )
  }

  /// Writes `files` into `dir`: a new folder appears whole (built beside it, then renamed); in
  /// an existing folder each file is replaced atomically, `scheduler_config.json` last.
  static func writeFolder(_ dir: String, files: [(String, String)]) throws {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: dir, isDirectory: &isDir) {
      guard isDir.boolValue else {
        throw ValidationError("--diffusers \(dir) is a file; give a folder (new or existing).")
      }
      for (name, text) in files {
        try AtomicFile.write(text, to: (dir as NSString).appendingPathComponent(name))
      }
      return
    }
    let url = URL(fileURLWithPath: dir).standardizedFileURL
    let tmp = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    defer { try? fm.removeItem(at: tmp) }
    for (name, text) in files {
      try AtomicFile.write(text, to: tmp.appendingPathComponent(name).path)
    }
    guard rename(tmp.path, url.path) == 0 else {
      throw ExportFolderError(path: dir, reason: String(cString: strerror(errno)))
    }
  }
}

/// A diffusers folder that could not be put in place.
struct ExportFolderError: Error, CustomStringConvertible {
  let path: String
  let reason: String
  var description: String { "cannot create the folder \(path): \(reason)" }
}
