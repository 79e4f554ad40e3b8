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
    defer { try? FileManager.default.removeItem(atPath: dir) }
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
    defer { try? FileManager.default.removeItem(atPath: dir) }
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
    defer { try? FileManager.default.removeItem(atPath: dir) }
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

  @Test("a run's summary.json and checkpoint keep their schedules in the config's coding")
  func summaryCoding() throws {
    let data = try JSONEncoder().encode(Self.setting())
    let json = try JSONValue.parse(String(decoding: data, as: UTF8.self))
    let schedule = try #require(json["schedule"])
    #expect(Set(schedule.keys) == ["family", "start", "end", "tau", "clip_min", "zero_terminal_snr"])
    #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == Self.setting())
  }
}

/// `schedtui curve --config` on a run folder's file (the "done when").
@Suite struct RunConfigCommandTests {
  @Test("curve --config DIR/config.json prints exactly what curve with the run's flags prints")
  func curveFromRunFolder() throws {
    let dir = temporaryFolder("run-config-cli")
    defer { try? FileManager.default.removeItem(atPath: dir) }
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
