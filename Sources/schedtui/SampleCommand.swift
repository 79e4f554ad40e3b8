import ArgumentParser
import Engine
import Foundation
import Schedules

/// `schedtui sample`: draws samples from a trained run.
struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Draw samples from a `schedtui train` run, as a PNG grid or a CSV.",
    discussion: """
      Uses the run's EMA weights, prediction type, input scale and normalisation. A .png \
      output is a grid (one class per column for digits); a .csv output has one sample per \
      row, pixel values in [0, 1], row-major, no header.
      """)

  @Option(
    name: .customLong("run"),
    help: ArgumentHelp("The run's folder (holds checkpoint.bin).", valueName: "dir"))
  var runDirectory: String
  @Option(parsing: .unconditional, help: "Number of samples, 1…100000 (default 100).")
  var count = 100
  @Option(
    parsing: .unconditional,
    help: "Sampling steps, \(TrainingLimits.sampleSteps.text) (default: the run's, usually 100).")
  var steps: Int?
  // The training settings sampling takes over (--sampler, --guidance), generated from their
  // declarations (``TrainingSetting/all``) as `train`'s are.
  @OptionGroup var settings: SampleSettingOptions
  @Option(parsing: .unconditional, help: "DDIM's η in [0, 1]: 0 is deterministic (default 0).")
  var eta: Double = 0
  @Option(
    help: ArgumentHelp(
      "Inference schedule: family[:start:end:tau], e.g. cosine or cosine:0.2:1:1 "
        + "(default: the run's, cosine).",
      valueName: "spec"))
  var inference: String?
  @Option(
    parsing: .unconditional,
    help: "Class of every sample, 0…9 (default: cycle through the classes).")
  var label: Int?
  @Option(parsing: .unconditional, help: "Seed of the sampling noise (default 0).")
  var seed: UInt64 = 0
  @OptionGroup var threads: ThreadsOption
  @Flag(
    help: "Also print the samples' Fréchet distance to the held-out digits and their copy rate (needs --count ≥ 2), and the run's held-out error per logSNR and bound in bits/dim.")
  var score = false
  @OptionGroup var evalGrid: EvalGridOption
  @Option(
    parsing: .unconditional,
    help: "With --score: held-out images the bound averages over (default: the run's eval_samples, all when 0).")
  var evalSamples: Int?
  @Option(
    help: ArgumentHelp("Output file: .png (grid) or .csv (one sample per row).", valueName: "file"))
  var output: String

  @Flag(help: ArgumentHelp(OutputFile.overwriteHelp))
  var overwrite = false

  func validate() throws {
    try CommandLineCheck.whole("--count", count, 1...100_000)
    try CommandLineCheck.whole("--steps", steps, TrainingLimits.sampleSteps)
    guard eta.isFinite, (0...1).contains(eta) else {
      throw CommandLineCheck.refuse("--eta", eta, "a number in [0, 1]")
    }
    if let guidance = settings.guidance, !(guidance.isFinite && TrainingLimits.guidance.contains(guidance)) {
      throw CommandLineCheck.refuse(
        "--guidance", guidance, "a number in \(TrainingLimits.guidance.interval)")
    }
    if let label, !(0...9).contains(label) {
      throw CommandLineCheck.refuse("--label", label, "a digit class 0 … 9")
    }
    if score, count < 2 {
      throw ValidationError("--score needs --count 2 or more (a covariance needs two samples).")
    }
    try CommandLineCheck.whole("--eval-samples", evalSamples, 1...100_000)
    let ext = (output as NSString).pathExtension.lowercased()
    guard ext == "png" || ext == "csv" else {
      throw CommandLineCheck.refuse(
        "--output", output, "the name must end in .png (a grid) or .csv (one sample per row)")
    }
    if let inference { _ = try Sample.parseInference(inference) }
  }

  /// `family[:start:end:tau]` → a validated spec.
  static func parseInference(_ text: String) throws -> ScheduleSpec {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard let family = ScheduleFamily(rawValue: parts[0]) else {
      throw CommandLineCheck.refuse(
        "--inference", text, "the family must be one of " + ScheduleFamily.namesList)
    }
    var spec = ScheduleSpec(family: family)
    if parts.count > 1 {
      guard parts.count == 4, let s = Double(parts[1]), let e = Double(parts[2]),
        let t = Double(parts[3])
      else {
        throw CommandLineCheck.refuse(
          "--inference", text, "write family or family:start:end:tau (e.g. cosine:0.2:1:1)")
      }
      spec.start = s
      spec.end = e
      spec.tau = t
    }
    do { _ = try Schedule(spec) } catch {
      throw CommandLineCheck.refuse("--inference", text, error.description)
    }
    return spec
  }

  /// The run's held-out error per logSNR and bits/dim, measured again from its weights.
  func printHeldOutScore(_ trained: TrainedModel) throws {
    let data = try Dataset.load(trained.config)
    let n = evalSamples ?? trained.config.evalSamples
    let score = try HeldOutScore.measure(
      model: trained.model, params: trained.ema.data, config: trained.config, data: data,
      count: n > 0 ? n : data.heldOutCount,
      grid: try evalGrid.grid())
    Train.scoreLines(
      curve: score.curve, bound: score.bound, training: score.trainingCurve,
      trained: HeldOutScore.trainedRange(trained.config)
    ).forEach { print($0) }
  }

  func run() throws {
    let csv = (output as NSString).pathExtension.lowercased() == "csv"
    try OutputFile.checkReplace(
      output, kind: csv ? .samplesCSV : .png, overwrite: overwrite, option: "--output")
    threads.apply()
    let trained = try TrainedModel(directory: runDirectory)
    let unlabelled = trained.model.shape.classes == 0
    var settings = trained.config.samplerSettings
    if let sampler = self.settings.sampler { settings.kind = sampler }
    if let steps { settings.steps = steps }
    settings.eta = eta
    if let guidance = self.settings.guidance { settings.guidance = guidance }
    if let inference { settings.schedule = try Sample.parseInference(inference) }
    if unlabelled, label != nil || (self.settings.guidance ?? 0) != 0 {
      throw ValidationError(
        "--label and --guidance need a class-conditional run; \(runDirectory) was trained on "
          + "unlabelled "
          + "\(trained.config.dataName).")
    }
    let labels = label.map { [Int32](repeating: Int32($0), count: count) } ?? trained.labels(count)
    let images = try trained.sample(labels: labels, settings: settings, seed: seed)
    if csv {
      try AtomicFile.write(
        SampleGrid.csv(images, count: count, pixels: trained.model.shape.pixels), to: output)
    } else {
      try SampleGrid.writePNG(images, count: count, shape: trained.model.shape, to: output)
    }
    if score, trained.config.dataFolder != nil {
      // No classifier knows the user's images: the held-out score alone.
      try printHeldOutScore(trained)
    } else if score {
      let shape = trained.model.shape
      let d = try DigitsClassifier.shared().frechetDistance(
        images, count: count, channels: shape.channels, size: shape.height)
      var line = String(
        format: "Fréchet distance %.2f to held-out digits over %d samples (lower is better)", d,
        count)
      if trained.config.data == .digits {
        let rate = try CopyDetector.shared().copyRate(
          images, count: count, channels: shape.channels, size: shape.height)
        line += String(format: ", copy rate %.0f%% (held-out digits: 5%%)", 100 * rate)
      }
      print(line)
      try printHeldOutScore(trained)
    }
    print(
      "wrote \(count) samples (\(settings.kind.rawValue), \(settings.steps) steps, "
        + "guidance \(settings.guidance)) from \(runDirectory) to \(output)")
  }
}
