import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// A run folder stores its setup in the config format that `--config` and the explorer read
/// (issue 12, part 2).
@Suite struct RunConfigFileTests {
  /// A tiny run with a setting far from every default, so a field that is not carried shows.
  static func setting() -> TrainingConfig {
    var c = tinyConfig(steps: 4)
    c.schedule = ScheduleSpec(family: .sigmoid, start: -2, end: 2.5, tau: 0.7)
    c.inputScale = 0.5
    c.normalize = false
    c.prediction = .v
    c.weighting = .edm
    c.minSNRGamma = 3
    c.optimizer.kind = .lamb
    c.optimizer.learningRate = 2e-3
    c.optimizer.warmupSteps = 1
    c.optimizer.emaDecay = 0.99
    c.labelDropout = 0.2
    c.seed = 11
    c.batch = 6
    c.sampler = .ddim
    c.sampleSteps = 3
    c.guidance = 2.5
    c.sampleSchedule = ScheduleSpec(family: .cosine, start: 0.2)
    c.checkpointEvery = 2
    return c
  }

  /// What `--config FILE` does with a file: read it and decode it (ScheduleOptions.loadConfig).
  static func load(_ path: String) throws -> Config {
    try Config.decode(String(contentsOfFile: path, encoding: .utf8), file: path)
  }

  @Test("a trained run's config.json gives back its schedule, b, normalisation and training setup")
  func newRun() throws {
    let dir = temporaryFolder("run-config")
    let run = try TrainingRun(config: Self.setting(), directory: dir)
    _ = try run.run()
    let config = try Self.load(dir + "/config.json")
    // Expected values are the ones set above, written out again by hand.
    #expect(config.schedule == ScheduleSpec(family: .sigmoid, start: -2, end: 2.5, tau: 0.7))
    #expect(config.inputScale == 0.5)
    #expect(config.normalize == false)
    #expect(config.inference.schedule == ScheduleSpec(family: .cosine, start: 0.2))
    #expect(config.inference.steps == 3)
    let t = try #require(config.training)
    #expect(t.model == .mlpS && t.data == .digits && t.resolution == 8)
    #expect(t.steps == 4 && t.batch == 6 && t.seed == 11 && t.lr == 2e-3)
    #expect(t.prediction == .v && t.weighting == .edm && t.minSNRGamma == 3)
    #expect(t.sampler == .ddim && t.guidance == 2.5)
    #expect(t.optimizer == .lamb && t.warmup == 1 && t.ema == 0.99 && t.labelDropout == 0.2)
    #expect(t.evalSamples == 0 && t.checkpointEvery == 2)
    // And as the engine reads it back: the same setting, but for σ_d, which the run measures.
    var trained = run.config
    trained.dataRMS = nil
    #expect(TrainingConfig(config) == trained)
  }

  @Test("a resumed run writes config.json too: a folder from before it gains one with the new steps")
  func resumedRun() throws {
    let dir = temporaryFolder("run-config-resume")
    let first = try TrainingRun(config: Self.setting(), directory: dir)
    _ = try first.run(shouldStop: { first.trainer.completedSteps >= 2 })
    // As a run folder written before config.json existed.
    try FileManager.default.removeItem(atPath: dir + "/config.json")
    let second = try TrainingRun(resuming: dir, steps: 6)
    #expect(second.trainer.completedSteps == 2)
    let config = try Self.load(dir + "/config.json")
    #expect(config.training?.steps == 6)
    #expect(config.schedule == ScheduleSpec(family: .sigmoid, start: -2, end: 2.5, tau: 0.7))
    #expect(config.inputScale == 0.5)
  }

  @Test("a sweep folder's config.json is the shared setup with the grid's first cell")
  func sweepFolder() throws {
    let dir = temporaryFolder("sweep-config")
    let grid = SweepGrid(
      resolutions: [16, 8], scales: [0.7, 1],
      families: [try SweepFamily(parsing: "cosine:0.2:1:1")], repeats: 1, seed: 5)
    var settings = SweepSettings()
    settings.steps = 40
    settings.batch = 12
    settings.guidance = 0.5
    _ = try SweepRunner(
      directory: dir, grid: grid, settings: settings.recorded(resolutions: grid.resolutions),
      setup: settings.setup(grid: grid))
    let config = try Self.load(dir + "/config.json")
    #expect(config.schedule == ScheduleSpec(family: .cosine, start: 0.2))
    #expect(config.inputScale == 0.7)
    #expect(config.training?.resolution == 16)
    #expect(config.training?.steps == 40 && config.training?.batch == 12)
    #expect(config.training?.guidance == 0.5 && config.training?.seed == 5)
  }

  @Test("every field of a training section survives the engine's config and back")
  func sectionRoundTrip() {
    // Every field away from its default.
    let section = TrainingSection(
      model: .convResS, steps: 77, batch: 5, lr: 0.25, seed: 9, data: .patches, resolution: 32,
      prediction: .edm, weighting: .vMSE, minSNRGamma: 2, sampler: .ddim, guidance: 3,
      optimizer: .lamb, warmup: 7, ema: 0.5, labelDropout: 0.3, evalSamples: 0,
      checkpointEvery: 11)
    let config = Config(schedule: ScheduleSpec(family: .linear), training: section)
    #expect(TrainingConfig(config).section == section)
  }

  @Test("a checkpoint header's config as schedtui wrote it before 2026-12-01 still reads")
  func olderCheckpointConfig() throws {
    // The old layout by hand: every spec field under its Swift name; no config.json existed.
    let spec = #"""
      {"family": "sigmoid", "start": -2, "end": 2.5, "tau": 0.7, "clipMin": 1e-9,
       "trainSteps": 1000, "betaStart": 0.0001, "betaEnd": 0.02, "baseResolution": 64,
       "resolution": 64, "sigmaMin": 0.002, "sigmaMax": 80, "rho": 7, "laplaceMu": 0,
       "laplaceBeta": 0.5, "shift": 1, "zeroTerminalSNR": false}
      """#
    let text = """
      {"schedule": \(spec), "inputScale": 0.5, "normalize": false, "prediction": "v",
       "weighting": "edm", "minSNRGamma": 3, "labelDropout": 0.2, "data": "digits",
       "resolution": 8, "model": "mlp-s", "steps": 4, "batch": 6, "seed": 11,
       "sampleSchedule": \(spec.replacingOccurrences(of: "sigmoid", with: "cosine")),
       "sampler": "ddim", "sampleSteps": 3, "eta": 0, "guidance": 2.5, "evalSamples": 0,
       "checkpointEvery": 2}
      """
    let c = try JSONDecoder().decode(TrainingConfig.self, from: Data(text.utf8))
    #expect(c.schedule == ScheduleSpec(family: .sigmoid, start: -2, end: 2.5, tau: 0.7))
    #expect(c.sampleSchedule.family == .cosine && c.sampleSchedule.tau == 0.7)
    #expect(c.inputScale == 0.5 && !c.normalize && c.prediction == .v && c.weighting == .edm)
    #expect(c.model == .mlpS && c.steps == 4 && c.batch == 6 && c.seed == 11)
    #expect(c.sampler == .ddim && c.guidance == 2.5 && c.labelDropout == 0.2)
    // Keys it does not hold keep their defaults (the optimiser here).
    #expect(c.optimizer == OptimizerSettings())
  }

  @Test("a run's summary.json and checkpoint keep their schedules in the config's coding")
  func summaryCoding() throws {
    let data = try JSONEncoder().encode(Self.setting())
    let json = try JSONValue.parse(String(decoding: data, as: UTF8.self))
    let schedule = try #require(json["schedule"])
    #expect(Set(schedule.keys) == ["family", "start", "end", "tau", "clip_min", "zero_terminal_snr"])
    #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == Self.setting())
  }
}

/// `schedtui curve --config` on a run folder's file (the issue's "done when").
@Suite struct RunConfigCommandTests {
  @Test("curve --config DIR/config.json prints exactly what curve with the run's flags prints")
  func curveFromRunFolder() throws {
    let dir = temporaryFolder("run-config-cli")
    let (status, output, error) = try SchedtuiCommand.run([
      "train", "--family", "sigmoid", "--start", "-2", "--end", "2.5", "--tau", "0.7",
      "--scale", "0.5", "--no-normalize", "--steps", "2", "--batch", "4", "--eval-samples", "0",
      "--threads", "1", "--out", dir,
    ])
    #expect(status == 0, "\(output)\(error)")
    let fromFile = try SchedtuiCommand.run(["curve", "--config", dir + "/config.json"])
    let fromFlags = try SchedtuiCommand.run([
      "curve", "--family", "sigmoid", "--start", "-2", "--end", "2.5", "--tau", "0.7",
      "--scale", "0.5", "--no-normalize",
    ])
    #expect(fromFile.status == 0 && fromFlags.status == 0, "\(fromFile.error)\(fromFlags.error)")
    #expect(!fromFile.output.isEmpty)
    #expect(fromFile.output == fromFlags.output)
  }
}

/// Damaged files and bad values are told as field errors, never in Swift's words (issue 12,
/// part 3).
@Suite struct UserFacingErrorTests {
  static let internalWords = ["DecodingError", "Debug description", "inputScale", "CodingKeys"]

  static func isClean(_ text: String) -> Bool { !internalWords.contains { text.contains($0) } }

  /// A sweep folder whose sweep.json holds `text`.
  func damagedSweep(_ text: String) throws -> String {
    let dir = temporaryFolder("damaged-sweep")
    try text.write(toFile: dir + "/sweep.json", atomically: true, encoding: .utf8)
    return dir
  }

  @Test(
    "a damaged sweep.json names the file and the field, and what was expected there",
    arguments: [
      ("{\"schedtui_sweep_version\": 1, \"resolutions\": \"8\"}", "resolutions: expected a list"),
      ("garbage{", "not valid JSON"),
      ("{\"schedtui_sweep_version\": 1}", "resolutions: missing"),
      ("[1, 2]", "the top level: expected an object"),
    ])
  func damagedSweepFile(text: String, expected: String) throws {
    let dir = try damagedSweep(text)
    do {
      _ = try SweepState.open(path: dir + "/sweep.json")
      Issue.record("opened a damaged sweep.json")
    } catch {
      #expect(error.description.hasPrefix(dir + "/sweep.json: "), "\(error)")
      #expect(error.description.contains(expected), "\(error)")
      #expect(Self.isClean(error.description), "\(error)")
    }
    let e = JSONProblem.fieldError(
      DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Debug description")),
      file: "x.json")
    #expect(e.description == "x.json: not valid JSON")
  }

  @Test(
    "bad values on the command line and in a config name the option or the key, the value and what is allowed",
    arguments: [
      (["train", "--batch", "70000"], "--batch 70000 is not allowed: a whole number in 1 … 4096."),
      (["train", "--scale=-1"], "--scale -1.0 is not allowed: a number > 0"),
      (["sweep", "--lr", "2"], "--lr 2.0 is not allowed: a number in (0, 1]."),
      (["sample", "--run", "x", "--output", "s.png", "--guidance", "30"],
       "--guidance 30.0 is not allowed: a number in [0, 20]."),
      (["train", "--min-snr-gamma", "0"], "--min-snr-gamma 0.0 is not allowed: a number in [1e-6, 1e6]."),
    ])
  func commandLine(arguments: [String], expected: String) throws {
    let (status, _, error) = try SchedtuiCommand.run(arguments)
    #expect(status != 0)
    #expect(error.contains(expected), "\(error)")
    #expect(Self.isClean(error), "\(error)")
  }

  @Test("a config file's bad value is told with its line and column by curve --config")
  func configOnCommandLine() throws {
    let dir = temporaryFolder("bad-config")
    let path = dir + "/c.json"
    try """
      {"schedtui_config_version": 1,
       "schedule": {"family": "linear"},
       "input_scale": -2}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let (status, _, error) = try SchedtuiCommand.run(["curve", "--config", path])
    #expect(status != 0)
    // Line 3 is ` "input_scale": -2}`: the value starts at column 17.
    #expect(error.contains("\(path):3:17: input_scale: -2.0 is not allowed: a number > 0"), "\(error)")
    #expect(Self.isClean(error), "\(error)")
  }
}

/// What the engine knows per model, switched over exhaustively (issue 12, part 1).
@Suite struct ModelDefaultsTests {
  @Test("auto: MLP-S up to 32 px, UNet-S above at sides a multiple of 8, ConvRes-S at the others; a folder UNet-S at every side it takes; budgets as README \"Training\" states them")
  func defaults() {
    let sides = [8, 16, 24, 32, 36, 40, 48, 60, 64]
    for kind in DataKind.allCases {
      #expect(
        sides.map { ModelKind.automatic(resolution: $0, data: .builtIn(kind)) }
          == [.mlpS, .mlpS, .mlpS, .mlpS, .convResS, .unetS, .unetS, .convResS, .unetS])
    }
    // A folder of the user's photographs: MLP-S memorised 235 of them at 8, 16 and 32 px
    // (README "Which model for your own images"); at 24 px UNet-S is not measured but takes
    // the side, and the folder rule is one rule.
    #expect(
      sides.map { ModelKind.automatic(resolution: $0, data: .folder("photos")) }
        == [.unetS, .unetS, .unetS, .unetS, .convResS, .unetS, .unetS, .convResS, .unetS])
    #expect(ModelKind.mlpS.defaultSteps == 5000 && ModelKind.convResS.defaultSteps == 1000)
    #expect(ModelKind.mlpS.defaultBatch == 256 && ModelKind.convResS.defaultBatch == 32)
    #expect(ModelKind.mlpS.defaultLearningRate == 1e-3)
    #expect(ModelKind.convResS.defaultLearningRate == 5e-4)
    // UNet-S: 1,500 × 16 at 1e-3 keeps a 64 px run under 5 minutes on the slow VM (README
    // "UNet-S at 64×64").
    #expect(ModelKind.unetS.defaultSteps == 1500 && ModelKind.unetS.defaultBatch == 16)
    #expect(ModelKind.unetS.defaultLearningRate == 1e-3)
    #expect(ModelKind.mlpS.defaultEvalSamples == 500 && ModelKind.convResS.defaultEvalSamples == 250)
    // The engine's own default config is MLP-S's budget.
    let c = TrainingConfig()
    #expect(c.model == .mlpS && c.steps == 5000 && c.batch == 256 && c.evalSamples == 500)
  }

  @Test("each data kind's classes, known without loading it, are the loaded data's")
  func dataClasses() throws {
    for kind in DataKind.allCases {
      let data = try Dataset.load(kind, resolution: kind.resolutions[0], seed: 0)
      #expect(data.classes == kind.classes, "\(kind)")
    }
    #expect(DataKind.digits.classes == 10 && DataKind.patches.classes == 0)
  }

  @Test("a model at a side it is not built for is refused naming both models' ranges")
  func largestResolution() {
    var c = TrainingConfig()
    c.data = .patches
    c.resolution = 64
    #expect(throws: FieldError(
      field: "--model", value: "mlp-s at 64×64",
      allowed: "mlp-s up to 32 pixels; convres-s at any resolution; unet-s at sides a multiple of 8", source: .commandLine)) {
      try c.validate()
    }
    c.model = .convResS
    #expect(throws: Never.self) { try c.validate() }
    // UNet-S folds 2×2 and pools twice: a folder at 36 px was a crash in the model's
    // precondition (`train --data DIR --resolution 33 --model unet-s`), now a refusal.
    c.data = .digits
    c.dataFolder = "photos"
    c.resolution = 36
    c.model = .unetS
    #expect(throws: FieldError(
      field: "--model", value: "unet-s at 36×36",
      allowed: "mlp-s up to 32 pixels; convres-s at any resolution; unet-s at sides a multiple of 8", source: .commandLine)) {
      try c.validate()
    }
    c.resolution = 40
    #expect(throws: Never.self) { try c.validate() }
  }
}

/// The command line names the schedule's parameters as ``ScheduleField/option`` says, which the
/// errors quote.
@Suite struct ScheduleOptionNameTests {
  @Test("curve --help lists every schedule field's option")
  func optionsAreTheFieldsOptions() throws {
    let help = try SchedtuiCommand.run(["curve", "--help"]).output
    for field in ScheduleField.allCases {
      #expect(help.contains(field.option + " "), "\(field.option)")
    }
  }
}
