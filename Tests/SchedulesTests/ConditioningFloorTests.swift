import Foundation
import Testing

@testable import Schedules

/// The level below which a run's training drew 0.1 % of its examples: the lowest λ its network
/// is told when sampling and scoring. Expected values by hand, NumPy-free: Φ⁻¹(0.999) =
/// 3.090232306167813 (Python's statistics.NormalDist().inv_cdf).
@Suite struct ConditioningFloorTests {
  static let probit999 = 3.090232306167813

  @Test("uniform t: λ(t = 0.999); γ = 1 − t gives ln(0.001/0.999), and b moves it by 2·ln b")
  func uniform() throws {
    let linear = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    #expect(abs(linear.conditioningFloor(sampling: .uniform) - Foundation.log(0.001 / 0.999)) < 1e-6)
    #expect(abs(linear.shareBelow(logSNR: Foundation.log(0.001 / 0.999), sampling: .uniform) - 0.001) < 1e-12)
    let half = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)), inputScale: 0.5)
    #expect(
      abs(half.conditioningFloor(sampling: .uniform) - (Foundation.log(0.001 / 0.999) + 2 * Foundation.log(0.5)))
        < 1e-6)
  }

  @Test("logit-normal on rectified flow: λ = 2·ln((1 − t)/t) at t = sigmoid(Φ⁻¹(0.999)), i.e. −2·Φ⁻¹(0.999)")
  func logitNormal() throws {
    let flow = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .rectifiedFlow)))
    let floor = flow.conditioningFloor(sampling: .logitNormal(mean: 0, std: 1))
    #expect(abs(floor - -2 * Self.probit999) < 1e-6, "\(floor)")
  }

  @Test("lognormal draws λ = −2(P_mean + P_std·n): its 0.1 % quantile, −2(P_mean + P_std·Φ⁻¹(0.999))")
  func logNormal() throws {
    let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    let floor = p.conditioningFloor(sampling: .logNormal(mean: -1.2, std: 1.2))
    #expect(abs(floor - -2 * (-1.2 + 1.2 * Self.probit999)) < 1e-6, "\(floor)")
  }

  @Test("a schedule clipped at its noisy end keeps its lowest λ when the clipped mass is above 0.1 %")
  func clipped() throws {
    // γ = 1 − t clipped at 0.01 from t = 0.99: 1 % of uniform draws sit at its lowest λ.
    var spec = ScheduleSpec(family: .linear)
    spec.clipMin = 0.01
    let p = try NoiseProcess(schedule: Schedule(spec))
    #expect(abs(p.conditioningFloor(sampling: .uniform) - Foundation.log(0.01 / 0.99)) < 1e-6)
  }
}
