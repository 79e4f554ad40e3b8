import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

@Suite struct TrainingDataTests {
  @Test("patches: greyscale, in [−1, 1], the requested size and count, the same for the same seed")
  func patches() throws {
    let a = try Dataset.patches(resolution: 16, count: 40, heldOut: 8, seed: 1)
    let b = try Dataset.patches(resolution: 16, count: 40, heldOut: 8, seed: 1)
    #expect(a.channels == 1 && a.height == 16 && a.classes == 0)
    #expect(a.trainCount == 40 && a.heldOutCount == 8)
    #expect(a.train.allSatisfy { $0 >= -1 && $0 <= 1 })
    #expect(a.train == b.train)
    // Not flat: photographs have structure.
    let mean = a.train.reduce(0, +) / Float(a.train.count)
    let spread = a.train.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(a.train.count)
    #expect(spread > 0.01)
    #expect(throws: DatasetError.self) { try Dataset.patches(resolution: 8) }
  }

  @Test("CSV: one sample per row, values mapped from [−1, 1] to [0, 1], no header")
  func csv() {
    let text = SampleGrid.csv([-1, 0, 1, 0.5, -2, 3], count: 2, pixels: 3)
    #expect(text == "0,0.5,1\n0.75,0,1\n")
  }

  @Test("a JSON config's training section becomes the run's settings")
  func fromConfig() throws {
    let text = """
      {"schedtui_config_version": 1, "schedule": {"family": "cosine", "start": 0.2},
       "input_scale": 0.5, "normalize": false,
       "inference": {"schedule": {"family": "linear"}, "steps": 40},
       "training": {"model": "convres-s", "steps": 70, "batch": 9, "lr": 0.002, "seed": 5,
                    "data": "patches", "resolution": 32, "prediction": "v",
                    "sampler": "ddim", "guidance": 0.5}}
      """
    let c = TrainingConfig(try Config.decode(text, file: "test.json"))
    #expect(c.schedule.family == .cosine && c.schedule.start == 0.2)
    #expect(c.inputScale == 0.5 && !c.normalize)
    #expect(c.sampleSchedule.family == .linear && c.sampleSteps == 40)
    #expect(c.model == .convResS && c.steps == 70 && c.batch == 9 && c.seed == 5)
    #expect(c.optimizer.learningRate == 0.002)
    #expect(c.data == .patches && c.resolution == 32 && c.prediction == .v)
    #expect(c.sampler == .ddim && c.guidance == 0.5)
    // And a run config survives its own JSON (checkpoints and summary.json).
    let back = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(c))
    #expect(back == c)
  }
}
