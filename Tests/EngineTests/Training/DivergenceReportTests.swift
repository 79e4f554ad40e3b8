import Foundation
import TestSupport
import Testing

@testable import Engine

/// Divergence messages say only what is true (issue 13, finding 7).
@Suite struct DivergenceReportTests {
  /// Trains `c` in `dir` until it diverges; returns what the run reports.
  func diverge(_ c: TrainingConfig, in dir: String) throws -> String {
    let run = try TrainingRun(config: c, directory: dir)
    do {
      _ = try run.run()
    } catch let error as TrainingError {
      return run.divergenceReport(error)
    }
    Issue.record("lr = 1 without clipping did not diverge")
    return ""
  }

  /// 200 steps at lr = 1 without warm-up or clipping: it diverges within a few steps.
  func exploding(checkpointEvery: Int = 2) -> TrainingConfig {
    var c = tinyConfig(steps: 200)
    c.checkpointEvery = checkpointEvery
    c.optimizer.learningRate = 1
    c.optimizer.warmupSteps = 0
    c.optimizer.gradientClip = 0
    return c
  }

  @Test("diverging before the first checkpoint says none was written, and no clipping advice")
  func noCheckpointYet() throws {
    let dir = temporaryFolder("diverge-early")
    let text = try diverge(exploding(checkpointEvery: 150), in: dir)
    #expect(text.contains("No checkpoint was written"), "\(text)")
    #expect(!text.contains("is kept"), "\(text)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/checkpoint.bin"))
  }

  @Test("diverging after a checkpoint names its step and path, which really exist")
  func checkpointKept() throws {
    let dir = temporaryFolder("diverge-late")
    let text = try diverge(exploding(checkpointEvery: 1), in: dir)
    let path = dir + "/checkpoint.bin"
    let step = try Checkpoint.read(from: path).header.step
    #expect(text.contains("The checkpoint of step \(step) is kept at \(path)"), "\(text)")
  }

  @Test("the advice leaves out what the run already does: clipping on, LAMB chosen")
  func adviceFitsTheRun() throws {
    let run = try TrainingRun(config: tinyConfig())
    let error = TrainingError.diverged(step: 2, loss: 1e9, learningRate: 0.9)
    let plain = run.divergenceReport(error)
    #expect(!plain.contains("clipping") && plain.contains("--optimizer lamb"), "\(plain)")
    var c = tinyConfig()
    c.optimizer.kind = .lamb
    let lamb = try TrainingRun(config: c).divergenceReport(error)
    #expect(!lamb.contains("--optimizer lamb") && lamb.contains("--lr (e.g. 0.3)"), "\(lamb)")
    // The tests' own runs with clipping off are told about it.
    #expect(try TrainingRun(config: exploding()).divergenceReport(error).contains("clipping"))
  }
}
