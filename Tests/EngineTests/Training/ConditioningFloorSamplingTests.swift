import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// A denoiser that outputs x0 = 0 and records every logSNR it is told.
final class LevelRecorder: ClosedFormDenoiser {
  let shape = ModelShape(kind: .mlpS, channels: 1, height: 2, width: 2, classes: 0)
  let layout = ParameterLayout()
  var out: [Float] = []
  var told: [Float] = []

  func output(x: UnsafeBufferPointer<Float>, logSNR: Float) -> [Float] {
    told.append(logSNR)
    return [Float](repeating: 0, count: x.count)
  }
}

/// The network is told no λ below the run's conditioning floor, when sampling and when scoring
/// (DECISIONS.md 2026-12-06); the floor's values are ``ConditioningFloorTests``'.
@Suite struct ConditioningFloorSamplingTests {
  @Test("the sampler tells the network max(λ, floor): the cosine inference schedule's first steps sit below −6.9")
  func sampler() throws {
    var settings = SamplerSettings()
    settings.steps = 100
    for floor in [-Trainer.logSNRLimit, -6.9] {
      let model = LevelRecorder()
      var rng = Xoshiro256(seed: 1)
      _ = try Sampler.sample(
        model: model, params: [Float](repeating: 0, count: 1), objective: Objective(prediction: .x0),
        inputScale: 1, normalize: false, conditioningFloor: floor, settings: settings, labels: [0],
        using: &rng)
      // Cosine, 100 steps, γ = cos²(πt/2) clipped at 1e-9: t = 1 has λ = ln(1e-9/(1 − 1e-9))
      // = −20.7233, t = 0.99 and 0.98 have 2·ln cot(πt/2) = −8.307 and −6.920, every later
      // step is above −6.9 (−6.108 at 0.97).
      let lowest = try #require(model.told.min())
      #expect(model.told.count == 100)
      if floor > -40 {
        #expect(lowest == Float(floor) && model.told.filter { $0 == Float(floor) }.count == 3)
      } else {
        #expect(abs(Double(lowest) - -20.72326583594641) < 1e-4, "\(model.told.prefix(3))")
      }
    }
  }

  @Test("the held-out score tells the network the same floor; above it, λ itself")
  func score() throws {
    // The x0 output under its own x0-MSE: its loss weight on the output is 1 at every λ, so the
    // floor is the draws' alone, ln(0.001/0.999) = −6.907.
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    let range = HeldOutScore.conditioningRange(
      process, sampling: .uniform, objective: Objective(prediction: .x0))
    let model = LevelRecorder()
    _ = HeldOutScore.errors(
      model: model, params: [Float](repeating: 0, count: 1), objective: Objective(prediction: .x0),
      inputScale: 1, normalize: false, conditioning: range, images: [0.5, -0.5, 0.25, 0],
      count: 1, lambdas: [-12, -8, -6, 0], batch: 1)
    let floor = Float(Foundation.log(0.001 / 0.999))
    #expect(model.told.count == 4)
    for (told, expected) in zip(model.told, [floor, floor, -6, 0]) {
      #expect(abs(told - expected) < 1e-5, "\(model.told)")
    }
  }

  @Test("a run's floor is its schedule's, t-sampling's and objective's: γ = 1 − t, uniform, b = 1")
  func runFloor() throws {
    // ε output under ε-MSE: weight 1 everywhere, the draws' floor ln(0.001/0.999).
    var c = TrainingConfig()
    c.schedule = ScheduleSpec(family: .linear)
    c.inputScale = 1
    c.prediction = .eps
    c.weighting = .epsMSE
    #expect(abs(try c.conditioningFloor() - Foundation.log(0.001 / 0.999)) < 1e-6)
    // The x0 output under min-SNR-5 without a skip: its weight e^λ puts a millionth of it below
    // −6.2683 (ConditioningFloorTests/weightShareByHand, the closed form), above the draws'.
    c.prediction = .x0
    c.weighting = .minSNR
    c.minSNRGamma = 5
    c.x0Skip = nil
    #expect(abs(try c.conditioningFloor() - -6.268320138092) < 2e-3)
    let process = try NoiseProcess(schedule: Schedule(c.schedule))
    let range = HeldOutScore.conditioningRange(process, sampling: .uniform, objective: c.objective())
    #expect(abs(range.lowerBound - -6.268320138092) < 2e-3 && range.upperBound == 40)
  }
}
