import Foundation
import Testing

@testable import Schedules

/// The lowest λ a run's network is told when sampling and scoring: the higher of the level below
/// which its training drew 0.1 % of its examples (`drawnFloor`) and the level below which those
/// carried a millionth of its loss weight (`weightedFloor`). Expected values by hand, NumPy-free:
/// Φ⁻¹(0.999) = 3.090232306167813 (Python's statistics.NormalDist().inv_cdf); and from
/// scripts/golden_conditioning_floor.py (SciPy's adaptive quadrature on the paper's schedules).
@Suite struct ConditioningFloorTests {
  static let probit999 = 3.090232306167813

  @Test("uniform t: λ(t = 0.999); γ = 1 − t gives ln(0.001/0.999), and b moves it by 2·ln b")
  func uniform() throws {
    let linear = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    #expect(abs(linear.drawnFloor(sampling: .uniform, limit: 40) - Foundation.log(0.001 / 0.999)) < 1e-6)
    #expect(abs(linear.shareBelow(logSNR: Foundation.log(0.001 / 0.999), sampling: .uniform) - 0.001) < 1e-12)
    let half = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)), inputScale: 0.5)
    #expect(
      abs(half.drawnFloor(sampling: .uniform, limit: 40) - (Foundation.log(0.001 / 0.999) + 2 * Foundation.log(0.5)))
        < 1e-6)
  }

  @Test("logit-normal on rectified flow: λ = 2·ln((1 − t)/t) at t = sigmoid(Φ⁻¹(0.999)), i.e. −2·Φ⁻¹(0.999)")
  func logitNormal() throws {
    let flow = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .rectifiedFlow)))
    let floor = flow.drawnFloor(sampling: .logitNormal(mean: 0, std: 1), limit: 40)
    #expect(abs(floor - -2 * Self.probit999) < 1e-6, "\(floor)")
  }

  @Test("lognormal draws λ = −2(P_mean + P_std·n): its 0.1 % quantile, −2(P_mean + P_std·Φ⁻¹(0.999))")
  func logNormal() throws {
    let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    let floor = p.drawnFloor(sampling: .logNormal(mean: -1.2, std: 1.2), limit: 40)
    #expect(abs(floor - -2 * (-1.2 + 1.2 * Self.probit999)) < 1e-6, "\(floor)")
  }

  @Test("a schedule clipped at its noisy end keeps its lowest λ when the clipped mass is above 0.1 %")
  func clipped() throws {
    // γ = 1 − t clipped at 0.01 from t = 0.99: 1 % of uniform draws sit at its lowest λ.
    var spec = ScheduleSpec(family: .linear)
    spec.clipMin = 0.01
    let p = try NoiseProcess(schedule: Schedule(spec))
    #expect(abs(p.drawnFloor(sampling: .uniform, limit: 40) - Foundation.log(0.01 / 0.99)) < 1e-6)
  }

  /// The x0 output under min-SNR-5 without a skip on γ = 1 − t, uniform t, b = 1: p(λ) =
  /// σ(λ)σ(−λ) and W = min(e^λ, 5), so p·W = σ(λ)² up to ln 5 and 5σ(λ)σ(−λ) above; ∫ σ² =
  /// ln(1 + e^λ) − σ(λ) and ∫ σ(λ)σ(−λ) = σ(λ) give the total ln 6 − 5/6 + 5·(1 − 5/6) = ln 6
  /// and the share below L ≤ ln 5, (ln(1 + e^L) − σ(L))/ln 6.
  @Test("the weight share below λ by hand: (ln(1 + e^L) − σ(L))/ln 6 for the x0 output, min-SNR-5, γ = 1 − t")
  func weightShareByHand() throws {
    let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    let objective = Objective(prediction: .x0, weighting: .minSNR, minSNRGamma: 5)
    func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    func share(_ l: Double) -> Double { (Foundation.log1p(Foundation.exp(l)) - sigmoid(l)) / Foundation.log(6) }
    for l in [-12.0, -8, -6.27, -4, -1, 1] {
      let got = p.weightShareBelow(logSNR: l, sampling: .uniform, objective: objective)
      #expect(abs(got / share(l) - 1) < 1e-3, "λ \(l): \(got) against \(share(l))")
    }
    // share(L) = 1e-6 solved by bisection on the closed form.
    var (lo, hi) = (-20.0, 0.0)
    for _ in 0..<200 { let m = (lo + hi) / 2; if share(m) < 1e-6 { lo = m } else { hi = m } }
    #expect(abs(p.weightedFloor(sampling: .uniform, objective: objective, limit: 40) - lo) < 2e-3)
    #expect(abs(lo - -6.268320138092) < 1e-9)
    // The run's floor is the higher: the weight's −6.27 over the draws' −6.91.
    #expect(abs(p.conditioningFloor(sampling: .uniform, objective: objective) - lo) < 2e-3)
  }

  @Test("every case of the SciPy fixture: the drawn floor, the weighted floor, the run's floor and the weight shares")
  func matchesQuadrature() throws {
    let cases = try Fixtures.cases(in: "conditioning_floor_golden.json", key: "cases", count: 9)
    for c in cases {
      let b = try #require(c.json["b"]?.doubleValue)
      let sampling = try TimestepSampling(parsing: try #require(c.json["t_sampling"]?.stringValue))
      let o = try #require(c.json["objective"])
      let prediction = try #require(Parameterization(rawValue: o["prediction"]?.stringValue ?? ""))
      let weighting = try #require(LossWeighting(rawValue: o["weighting"]?.stringValue ?? ""))
      let objective = Objective(
        prediction: prediction, weighting: weighting, minSNRGamma: o["min_snr_gamma"]?.doubleValue ?? 5,
        inputScale: b, x0Skip: o["x0_skip"]?.doubleValue)
      let p = try NoiseProcess(schedule: Schedule(c.spec), inputScale: b)
      let drawn = try #require(c.json["drawn"]?.doubleValue)
      let weighted = try #require(c.json["weighted"]?.doubleValue)
      let floor = try #require(c.json["floor"]?.doubleValue)
      #expect(abs(p.drawnFloor(sampling: sampling, limit: 40) - drawn) < 1e-6, "\(c)")
      #expect(abs(p.weightedFloor(sampling: sampling, objective: objective, limit: 40) - weighted) < 2e-3, "\(c)")
      #expect(abs(p.conditioningFloor(sampling: sampling, objective: objective) - floor) < 2e-3, "\(c)")
      guard case .object(let shares) = try #require(c.json["weight_share_below"]) else {
        Issue.record("\(c): weight_share_below is not an object")
        continue
      }
      #expect(shares.count == 3)
      for (key, value) in shares {
        let l = try #require(Double(key))
        let expected = try #require(value.doubleValue)
        let got = p.weightShareBelow(logSNR: l, sampling: sampling, objective: objective)
        #expect(abs(got / expected - 1) < 2e-3, "\(c) λ \(l): \(got) against \(expected)")
      }
    }
  }

  @Test("any setting a run file may hold gives a finite floor within ±40: every output and weighting, b and the densities at their limits")
  func settingsAtTheirLimits() throws {
    let samplings: [TimestepSampling] = [
      .uniform, .logitNormal(mean: -1e6, std: 1e6), .logNormal(mean: 1e6, std: 1e-6),
      .logNormal(mean: 0, std: 1e6),
    ]
    for b in [NoiseProcess.inputScaleRange.lowerBound, NoiseProcess.inputScaleRange.upperBound] {
      let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .cosine)), inputScale: b)
      for prediction in Parameterization.allCases {
        // Its own weighting, and min-SNR at both ends of γ (the weight's extremes).
        let weightings = [
          (prediction.ownWeighting, 5.0), (.minSNR, TrainingLimits.minSNRGammaMin),
          (.minSNR, TrainingLimits.minSNRGammaMax),
        ]
        for (weighting, gamma) in weightings {
          let objective = Objective(
            prediction: prediction, weighting: weighting, minSNRGamma: gamma, dataRMS: 1e-3,
            inputScale: b, x0Skip: prediction == .x0 ? 40 : nil)
          for sampling in samplings {
            let floor = p.conditioningFloor(sampling: sampling, objective: objective)
            #expect(
              floor.isFinite && abs(floor) <= 40,
              "b \(b), \(prediction), \(weighting), γ \(gamma), \(sampling.name): \(floor)")
          }
        }
      }
    }
  }
}
