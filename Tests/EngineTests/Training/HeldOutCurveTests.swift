import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// Issue 20's check "the per-λ error falls as λ grows for every trained run", on a run small
/// enough for every `swift test` (and the release kernel tests, as part of
/// ``TrainingTrainerTests``).
extension TrainingTrainerTests {
  /// The λ grid of the held-out score at step 2, −12 … 12.
  static let curveGrid = stride(from: -12.0, through: 12, by: 2).map { $0 }

  /// A narrow MLP-S (64 units) trained `steps` steps on the 8×8 digits with the default
  /// objective (x0 with min-SNR-5) and `x0Skip`, scored as `summary.json` is: the EMA weights'
  /// held-out error per λ on the first 100 held-out digits.
  static func heldOutCurve(x0Skip: Double?, steps: Int = 400) throws -> [Double] {
    var c = tinyConfig(steps: steps, seed: 1)
    c.batch = 64
    c.optimizer.learningRate = 3e-3
    c.optimizer.warmupSteps = 20
    c.x0Skip = x0Skip
    let t = try tinyTrainer(c, hidden: 64)
    for _ in 0..<steps { _ = t.step() }
    let count = 100
    let images = Array(t.dataset.heldOut.prefix(count * t.dataset.pixels))
    return HeldOutScore.errors(
      model: t.model, params: t.ema.data, objective: t.objective, inputScale: c.inputScale,
      normalize: c.normalize, conditioning: HeldOutScore.conditioningRange(t.process),
      images: images, count: count, lambdas: curveGrid, batch: count)
  }

  /// The rises of a curve from one grid point to the next, relative: (e(λ+2) − e(λ))/e(λ).
  static func rises(_ curve: [Double]) -> [Double] {
    zip(curve, curve.dropFirst()).map { ($1 - $0) / $0 }
  }

  @Test("a trained run's held-out error falls as λ grows with the x0 skip; without it, it stops falling")
  func heldOutErrorFalls() throws {
    // 1% of slack: where the input is almost all noise (λ ≤ −8) the curve is flat at the data's
    // variance and a trained network's wiggles there are a fraction of a percent; the floor of
    // the plain x0 output rises by several percent per step (README "Training").
    let skip = try Self.heldOutCurve(x0Skip: 4)
    for (i, rise) in Self.rises(skip).enumerated() {
      #expect(
        rise < 0.01,
        "x0 skip 4: e(\(Self.curveGrid[i + 1])) = \(skip[i + 1]) after e(\(Self.curveGrid[i])) = \(skip[i])")
    }
    // Above λ_s z/α takes over: the error falls by more than e^{-1} per step of 2.
    #expect(skip.last! < 0.01 * skip[Self.curveGrid.firstIndex(of: 4)!], "\(skip)")
    // The check can fail: the plain x0 output trained the same way stops falling at its floor
    // (here 0.072 from λ = 4 to 12, rising by up to 2% a step).
    let plain = try Self.heldOutCurve(x0Skip: nil)
    #expect(plain.last! > 0.5 * plain[Self.curveGrid.firstIndex(of: 4)!], "plain x0: \(plain)")
  }
}

@Suite struct X0SkipCodingTests {
  @Test("a run recorded without x0_skip is the plain x0 output; one with it reads back")
  func runRecord() throws {
    var c = TrainingConfig()
    c.x0Skip = 4.5
    let data = try JSONEncoder().encode(c)
    #expect(try JSONDecoder().decode(TrainingConfig.self, from: data).objective().x0Skip == 4.5)
    var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["x0Skip"] as? Double == 4.5)
    object["x0Skip"] = nil
    let old = try JSONSerialization.data(withJSONObject: object)
    #expect(try JSONDecoder().decode(TrainingConfig.self, from: old).objective().x0Skip == nil)
  }

  @Test("the config's training.x0_skip: \"none\" or λ_s, written so that either reads back")
  func configSection() throws {
    for skip in [nil, 4.0] {
      var c = TrainingConfig()
      c.x0Skip = skip
      let text = Config(c).encoded()
      #expect(text.contains(skip == nil ? "\"x0_skip\": \"none\"" : "\"x0_skip\": 4"), "\(text)")
      #expect(TrainingConfig(try Config.decode(text, file: "config.json")).x0Skip == skip)
    }
    let bad = Config(TrainingConfig()).encoded().replacingOccurrences(
      of: "\"x0_skip\": \"none\"", with: "\"x0_skip\": \"off\"")
    #expect(throws: ConfigError.self) { try Config.decode(bad, file: "config.json") }
  }

  @Test("a skip with another output, or out of range, is refused naming the option and the output")
  func refused() throws {
    var c = TrainingConfig()
    c.prediction = .eps
    c.x0Skip = 4
    #expect(throws: FieldError.self) { try c.validate() }
    do throws(FieldError) {
      try c.validate()
    } catch {
      #expect(error.field == "--x0-skip" && error.value == "4 with prediction eps", "\(error)")
    }
    c.prediction = .x0
    #expect(throws: Never.self) { try c.validate() }
    c.x0Skip = 41
    do throws(FieldError) {
      try c.validate(source: .file("config.json"))
      Issue.record("x0_skip 41 was taken")
    } catch {
      #expect(error.field == "training.x0_skip" && error.value == "41", "\(error)")
    }
  }
}
