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
    #expect(throws: FieldError.self) { try Dataset.patches(resolution: 8) }
  }

  @Test("CSV: one sample per row, values mapped from [−1, 1] to [0, 1], no header")
  func csv() {
    let text = SampleGrid.csv([-1, 0, 1, 0.5, -2, 3], count: 2, pixels: 3)
    #expect(text == "0,0.5,1\n0.75,0,1\n")
  }

  /// Two 1×1 RGB images, 2 columns, each enlarged 2×, framed: 1 + 2 + 1 + 2 + 1 = 7 wide, 4 high.
  @Test("the sample grid: images enlarged, a one-pixel gap and frame, [−1, 1] → [0, 1]")
  func sampleGridTile() {
    let images: [Float] = [-1, 0, 1, 0.5, -2, 3]  // image 0 (−1, 0, 1), image 1 (0.5, −2, 3)
    let g = SampleGrid.tile(
      images, count: 2, channels: 3, height: 1, width: 1, columns: 2, scale: 2, frame: true,
      background: 0.125)
    #expect(g.width == 7 && g.height == 4)
    func px(_ x: Int, _ y: Int) -> [Float] { Array(g.values[3 * (y * 7 + x)..<3 * (y * 7 + x + 1)]) }
    #expect(px(0, 0) == [0.125, 0.125, 0.125])  // the frame
    #expect(px(1, 1) == [0, 0.5, 1] && px(2, 2) == [0, 0.5, 1])  // image 0, both copies
    #expect(px(3, 1) == [0.125, 0.125, 0.125])  // the gap
    #expect(px(4, 1) == [0.75, 0, 1] && px(5, 2) == [0.75, 0, 1])  // image 1, clamped
    #expect(px(6, 3) == [0.125, 0.125, 0.125])
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

/// Run folders written before the objective was split: a config without `weighting`.
@Suite struct OlderObjectiveTests {
  func decode(prediction: String, scale: Double) throws -> TrainingConfig {
    let json = "{\"prediction\": \"\(prediction)\", \"inputScale\": \(scale)}"
    return try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
  }

  @Test("an old run trained with its prediction's own MSE, and is read so")
  func ownWeighting() throws {
    #expect(try decode(prediction: "x0", scale: 1).weighting == .x0MSE)
    #expect(try decode(prediction: "v", scale: 1).weighting == .vMSE)
    #expect(try decode(prediction: "eps", scale: 0.5).weighting == .epsMSE)
  }

  @Test("an old x0 or v run at b ≠ 1 is refused: its targets were in b-scaled units")
  func refusedAtOtherScales() {
    for p in ["x0", "v"] {
      #expect {
        try decode(prediction: p, scale: 0.5)
      } throws: { error in
        let m = "\(error)"
        return m.contains("predicted \(p) at input scale b = 0.5") && m.contains("Train it again")
      }
    }
  }
}
