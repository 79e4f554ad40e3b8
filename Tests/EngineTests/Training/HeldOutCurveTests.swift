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
  /// objective (x0 with min-SNR-5) and `x0Skip` (`.none`: the config's default skip, `.some(nil)`:
  /// the plain x0 output), scored as `summary.json` is: the EMA weights' held-out error per λ
  /// on the first 100 held-out digits.
  static func heldOutCurve(
    x0Skip: Double?? = .none, steps: Int = 400, lambdas: [Double] = curveGrid
  ) throws -> [Double] {
    var c = tinyConfig(steps: steps, seed: 1)
    c.batch = 64
    c.optimizer.learningRate = 3e-3
    c.optimizer.warmupSteps = 20
    if let x0Skip { c.x0Skip = x0Skip }
    let t = try tinyTrainer(c, hidden: 64)
    for _ in 0..<steps { _ = t.step() }
    let count = 100
    let images = Array(t.dataset.heldOut.prefix(count * t.dataset.pixels))
    return HeldOutScore.errors(
      model: t.model, params: t.ema.data, objective: t.objective, inputScale: c.inputScale,
      normalize: c.normalize, conditioning: HeldOutScore.conditioningRange(
        t.process, sampling: c.tSampling, objective: t.objective),
      images: images, count: count, lambdas: lambdas, batch: count)
  }

  /// The rises of a curve from one grid point to the next, relative: (e(λ+2) − e(λ))/e(λ).
  static func rises(_ curve: [Double]) -> [Double] {
    zip(curve, curve.dropFirst()).map { ($1 - $0) / $0 }
  }

  @Test("a default run's held-out error falls as λ grows; the plain x0 output's stops falling")
  func heldOutErrorFalls() throws {
    // 1% of slack: where the input is almost all noise (λ ≤ −8) the curve is flat at the data's
    // variance and a trained network's wiggles there are a fraction of a percent; the floor of
    // the plain x0 output rises by several percent per step (README "Training"). Measured with
    // the default (λ_s = 8): 0.376 at λ = −12 falling every step to 3.0e-5 at 12.
    // Below the conditioning floor (λ −7.75 for this run's cosine schedule and skip) the network is told one
    // level and only z's signal grows: there the curve may not rise at all (before the floor it
    // wandered by up to 3.6 % on 64 px UNet-S runs, DECISIONS.md 2026-12-06).
    let floor = try tinyConfig(steps: 1, seed: 1).conditioningFloor()
    let low = (0...4).map { floor - 4 + Double($0) }
    let both = try Self.heldOutCurve(lambdas: Self.curveGrid + low)
    let standard = Array(both.prefix(Self.curveGrid.count))
    for (i, rise) in Self.rises(standard).enumerated() {
      #expect(
        rise < 0.01,
        "default: e(\(Self.curveGrid[i + 1])) = \(standard[i + 1]) after e(\(Self.curveGrid[i])) = \(standard[i])")
    }
    let below = Array(both.suffix(low.count))
    for i in 1..<below.count {
      #expect(below[i] <= below[i - 1], "below the floor \(floor), at \(low): \(below)")
    }
    // Above λ_s z/α takes over: the error falls by more than e^{-1} per step of 2.
    #expect(standard.last! < 0.01 * standard[Self.curveGrid.firstIndex(of: 4)!], "\(standard)")
    // The check can fail: the plain x0 output trained the same way stops falling at its floor
    // (here 0.072 from λ = 4 to 12, rising by up to 2% a step).
    let plain = try Self.heldOutCurve(x0Skip: .some(nil))
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
    var off = TrainingConfig()
    off.x0Skip = nil
    let bad = Config(off).encoded().replacingOccurrences(
      of: "\"x0_skip\": \"none\"", with: "\"x0_skip\": \"off\"")
    #expect(throws: ConfigError.self) { try Config.decode(bad, file: "config.json") }
  }

  @Test("the x0 output's default skip is λ_s = 8; another output, a run recorded without the key and a config naming another output have none")
  func defaults() throws {
    // 8: the decision of DECISIONS.md 2026-12-05 (the highest crossover with clean samples).
    #expect(TrainingSection().x0Skip == 8 && TrainingConfig().objective().x0Skip == 8)
    #expect(TrainingSection(prediction: .eps).x0Skip == nil)
    #expect(TrainingSection(prediction: .x0, x0Skip: .some(nil)).x0Skip == nil)
    // A new run records its skip. The explorer changes the output alone: the x0 output's
    // default left beside another output is valid and unused.
    let recorded = try #require(
      JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingConfig())) as? [String: Any])
    #expect(recorded["x0Skip"] as? Double == 8)
    var eps = TrainingConfig()
    eps.prediction = .eps
    #expect(throws: Never.self) { try eps.validate() }
    eps.x0Skip = 6
    #expect(throws: FieldError.self) { try eps.validate() }
    // A config file naming another output, without the key, gets that output's default (none),
    // as it gets its weighting; one without either key gets the x0 output's 8.
    let text = Config(TrainingConfig()).encoded()
    var object = try #require(
      JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    var section = try #require(object["training"] as? [String: Any])
    section["x0_skip"] = nil
    object["training"] = section
    let bare = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    #expect(TrainingConfig(try Config.decode(bare, file: "c.json")).x0Skip == 8)
    section["prediction"] = "eps"
    section["weighting"] = nil
    object["training"] = section
    let other = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    #expect(TrainingConfig(try Config.decode(other, file: "c.json")).x0Skip == nil)
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

@Suite struct HeldOutRiseTests {
  typealias P = HeldOutScore.Point
  static func curve(_ e: [Double]) -> [P] {
    e.enumerated().map { P(logSNR: Double($0.offset), error: $0.element) }
  }

  @Test("a held-out rise of 1 % or more is found, and named memorisation only where the training images' error falls")
  func rises() {
    // Hand-made: 0.50 → 0.51 is +2 %, 0.40 → 0.403 is +0.75 % (under 1 %: not a rise).
    let held = Self.curve([1, 0.5, 0.51, 0.4, 0.403])
    let falling = Self.curve([1, 0.4, 0.3, 0.2, 0.1])
    let found = HeldOutScore.rises(curve: held, training: falling)
    #expect(found.count == 1)
    #expect(found.first?.from == 1 && found.first?.to == 2)
    #expect(isClose(found.first?.heldOut ?? 0, 0.02, rtol: 1e-12))
    #expect(isClose(found.first?.training ?? 0, -0.25, rtol: 1e-12))
    #expect(found.first?.memorised == true)
    let note = HeldOutScore.riseNotes(curve: held, training: falling)
    #expect(note.count == 1)
    #expect(note.first.map { $0.contains("λ 1→2 +2.0 % (training images -25.0 %)") && $0.contains("memorisation") } == true, "\(note)")
    // The training images' error rising too (+3 %) is not memorisation: the network is worse there.
    let both = HeldOutScore.riseNotes(curve: held, training: Self.curve([1, 0.4, 0.412, 0.2, 0.1]))
    #expect(both.count == 1)
    #expect(both.first.map { !$0.contains("memorisation") && $0.contains("worse there") } == true)
    // A rise reaching below the trained range (here λ ≥ 1.5) is named as outside it, whatever
    // the training images did.
    let outside = HeldOutScore.riseNotes(curve: held, training: falling, trained: 1.5...9)
    #expect(outside.count == 1 && outside.first?.contains("outside the λ the run trained on (1.5…9)") == true, "\(outside)")
    #expect(HeldOutScore.riseNotes(curve: falling, training: nil).isEmpty)
    #expect(HeldOutScore.rises(curve: held, training: nil).first?.memorised == false)
  }
}
