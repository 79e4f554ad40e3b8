import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

@Suite struct TrainingRunTests {
  func config(_ objective: (Parameterization, LossWeighting)? = nil) -> TrainingConfig {
    var c = tinyConfig(steps: 6)
    c.checkpointEvery = 3
    c.sampleSteps = 2
    if let (p, w) = objective {
      c.prediction = p
      c.weighting = w
    }
    return c
  }

  @Test(
    "stop at step 3, resume, finish: the same weights and losses as one uninterrupted run",
    arguments: [
      (Parameterization.x0, LossWeighting.minSNR), (.edm, .epsMSE), (.eps, .x0MSE), (.v, .edm),
    ])
  func resumeMatchesStraightRun(prediction: Parameterization, weighting: LossWeighting) throws {
    func config() -> TrainingConfig { self.config((prediction, weighting)) }
    let a = temporaryFolder("straight")
    let b = temporaryFolder("resumed")
    let straight = try TrainingRun(config: config(), directory: a)
    straight.logEvery = 1
    let whole = try straight.run()
    #expect(whole.completed && whole.steps == 6)

    let first = try TrainingRun(config: config(), directory: b)
    first.logEvery = 1
    let stopped = try first.run(shouldStop: { first.trainer.completedSteps >= 3 })
    #expect(!stopped.completed && stopped.steps == 3)
    #expect(!FileManager.default.fileExists(atPath: b + "/summary.json"))
    let second = try TrainingRun(resuming: b)
    second.logEvery = 1
    #expect(second.trainer.completedSteps == 3)
    let resumed = try second.run()
    #expect(resumed.completed && resumed.steps == 6)

    let ca = try Checkpoint.read(from: a + "/checkpoint.bin")
    let cb = try Checkpoint.read(from: b + "/checkpoint.bin")
    #expect(ca.params == cb.params)  // bitwise: the random stream and Adam state were restored
    #expect(ca.ema == cb.ema)
    func losses(_ dir: String) throws -> [Double] {
      try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        .map { $0["loss"] as! Double }
    }
    let la = try losses(a)
    let lb = try losses(b)
    #expect(la.count == 6)
    #expect(la == lb)
    for file in ["samples.png", "summary.json", "metrics.jsonl", "checkpoint.bin"] {
      #expect(FileManager.default.fileExists(atPath: b + "/" + file), "\(file) missing")
    }
    let summary =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: b + "/summary.json"))) as! [String: Any]
    for key in [
      "config", "steps", "batch", "train_seconds", "examples_per_second", "final_loss",
      "loss_by_log_snr", "held_out_error_by_log_snr", "held_out_bits_per_dim", "held_out_bound",
    ] {
      #expect(summary[key] != nil, "summary.json lacks \(key)")
    }
    // The score's curve is on the standard grid, rising, one point per λ of −12…12.
    let curve = summary["held_out_error_by_log_snr"] as? [[String: Double]] ?? []
    #expect(curve.map { $0["log_snr"] ?? .nan } == (-12...12).map(Double.init))
    #expect(curve.allSatisfy { ($0["error"] ?? -1) >= 0 })
    // The objective is recorded in the run's own words.
    let recorded = summary["config"] as? [String: Any]
    #expect(recorded?["prediction"] as? String == prediction.rawValue)
    #expect(recorded?["weighting"] as? String == weighting.rawValue)
  }

  @Test("a folder that already holds a run is not overwritten")
  func refusesToOverwrite() throws {
    let dir = temporaryFolder("taken")
    var c = config()
    c.steps = 1
    _ = try TrainingRun(config: c, directory: dir).run()
    #expect(throws: TrainingError.self) { try TrainingRun(config: c, directory: dir) }
  }

  @Test("missing and corrupt checkpoints are reported with their path")
  func badCheckpoints() throws {
    let dir = temporaryFolder("bad")
    #expect(throws: CheckpointError.missing(path: dir + "/checkpoint.bin")) {
      try TrainedModel(directory: dir)
    }
    try AtomicFile.write("not a checkpoint", to: dir + "/checkpoint.bin")
    do {
      _ = try TrainedModel(directory: dir)
      Issue.record("a corrupt checkpoint loaded")
    } catch let error as CheckpointError {
      #expect("\(error)".contains(dir + "/checkpoint.bin"))
    }
  }

  @Test("bad settings name the option, the value and what is allowed")
  func validation() {
    var c = TrainingConfig()
    c.resolution = 12
    // The data's own sides, worded as the config reader words them (README "Config format").
    #expect(
      throws: FieldError(
        field: "--resolution", value: "12", allowed: "one of 8, 16, 32 for data digits",
        source: .commandLine)
    ) {
      try c.validate()
    }
    c.data = .patches
    c.resolution = 64
    c.model = .mlpS
    #expect(throws: FieldError.self) { try c.validate() }
    c = TrainingConfig()
    c.optimizer.learningRate = -1
    #expect(
      throws: FieldError(
        field: "--lr", value: "-1.0", allowed: "a number in (0, 1]", source: .commandLine)
    ) {
      try c.validate()
    }
    // The same refusal in a file and in the explorer: the field named as each place names it.
    #expect(
      throws: FieldError(
        field: "training.lr", value: "-1.0", allowed: "a number in (0, 1]", source: .file("run"))
    ) {
      try c.validate(source: .file("run"))
    }
    #expect(
      throws: FieldError(
        field: "learning rate", value: "-1.0", allowed: "a number in (0, 1]", source: .explorer)
    ) {
      try c.validate(source: .explorer)
    }
  }

  @Test("an exploding run stops with the step and what to try")
  func divergence() throws {
    var c = tinyConfig(steps: 200)
    c.optimizer.learningRate = 1
    c.optimizer.warmupSteps = 0
    c.optimizer.gradientClip = 0
    let run = try TrainingRun(config: c)
    do {
      _ = try run.run()
      Issue.record("lr = 1 without clipping trained for 200 steps without diverging")
    } catch let error as TrainingError {
      let text = "\(error)"
      #expect(text.contains("diverged at step") && text.contains("--lr"), "\(text)")
    }
  }
}

@Suite struct TrainingJobTests {
  func waitForOutcome(_ job: TrainingJob) -> TrainingJob.Outcome? {
    for _ in 0..<600 {
      if let o = job.outcome { return o }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
  }

  @Test("a background job posts every step's report in order and finishes with its summary")
  func runsInBackground() throws {
    var c = tinyConfig(steps: 5)
    c.sampleSteps = 2
    let job = TrainingJob(config: c, previewEvery: 2, previewCount: 4)
    job.start()
    guard case .finished(let summary)? = waitForOutcome(job) else {
      Issue.record("the job did not finish")
      return
    }
    let events = job.drain()
    let steps = events.compactMap {
      if case .step(let r) = $0 { return r.step } else { return nil }
    }
    #expect(steps == [1, 2, 3, 4, 5])
    #expect(
      events.contains { if case .samples(_, _, 4) = $0 { return true } else { return false } })
    #expect(summary.completed && summary.steps == 5)
    #expect(job.drain().isEmpty)
  }

  @Test("cancel stops the job before its next step with an incomplete summary")
  func cancels() throws {
    let job = TrainingJob(config: tinyConfig(steps: 100_000))
    job.start()
    job.cancel()
    guard case .finished(let summary)? = waitForOutcome(job) else {
      Issue.record("the job did not stop")
      return
    }
    #expect(!summary.completed && summary.steps < 100_000)
  }
}

@Suite struct TrainingSampleReproductionTests {
  @Test(
    "sampling a finished run with its settings and seed reproduces its summary's Fréchet distance")
  func reproduces() throws {
    let dir = temporaryFolder("reproduce")
    var c = tinyConfig(steps: 2)
    c.evalSamples = 20
    c.sampleSteps = 3
    let summary = try TrainingRun(config: c, directory: dir).run()
    let trained = try TrainedModel(directory: dir)
    let images = try trained.sample(
      labels: trained.labels(20), settings: trained.config.samplerSettings, seed: c.seed)
    let d = try DigitsClassifier.shared().frechetDistance(images, count: 20, size: 8)
    #expect(summary.frechetDistance == d)
  }
}
