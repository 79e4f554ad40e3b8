import RealModule
import Schedules
import TestSupport
import Testing

/// Properties every family must have, checked on a default spec and a zero-terminal-SNR one.
@Suite struct FamilyInvariantTests {
  static let ts = (0...400).map { Double($0) / 400 } + [1e-7, 0.5 - 1e-9, 1 - 1e-7]

  static func schedules(_ family: ScheduleFamily) throws -> [Schedule] {
    var rescaled = ScheduleSpec(family: family)
    rescaled.zeroTerminalSNR = true
    var small = ScheduleSpec(family: family)
    small.trainSteps = 7
    return [
      try Schedule(ScheduleSpec(family: family)), try Schedule(rescaled), try Schedule(small),
    ]
  }

  @Test("γ is non-increasing and within [clipMin, 1]", arguments: ScheduleFamily.allCases)
  func monotoneAndBounded(family: ScheduleFamily) throws {
    for s in try Self.schedules(family) {
      var previous = Double.infinity
      for t in Self.ts.sorted() {
        let g = s.gamma(t)
        #expect(g >= s.spec.clipMin && g <= 1, "\(family) γ(\(t)) = \(g)")
        #expect(g <= previous, "\(family) γ rises at t = \(t)")
        previous = g
      }
    }
  }

  @Test("logSNR = log(γ/(1−γ))", arguments: ScheduleFamily.allCases)
  func logSNRMatchesGamma(family: ScheduleFamily) throws {
    for s in try Self.schedules(family) {
      for t in Self.ts {
        let g = s.gamma(t)
        let lambda = s.logSNR(t)
        if g == 1 {
          #expect(lambda == .infinity)
          continue
        }
        // The logSNR families compute λ directly; γ rounds to within an ulp, so log(γ/(1−γ))
        // carries a relative error ~ε/(1−γ) in its 1 − γ: that is the tolerance's floor.
        let fromGamma = Double.log(g) - Double.log(onePlus: -g)
        let atol = 4 * Double.ulpOfOne / (1 - g)
        #expect(isClose(lambda, fromGamma, rtol: 1e-12, atol: atol), "\(family) t = \(t)")
      }
    }
  }

  @Test("t(γ) inverts γ(t) to 1e-12", arguments: ScheduleFamily.allCases)
  func inverseRoundTrips(family: ScheduleFamily) throws {
    for s in try Self.schedules(family) {
      for t in stride(from: 0.02, through: 0.98, by: 0.04) {
        let g = s.gamma(t)
        guard g > s.spec.clipMin, g < 1 else { continue }
        let back = try s.t(forGamma: g)
        #expect(isClose(s.gamma(back), g, rtol: 1e-12), "\(family) γ = \(g)")
        let lambda = s.logSNR(t)
        #expect(isClose(s.logSNR(s.t(forLogSNR: lambda)), lambda, rtol: 1e-12, atol: 1e-12))
      }
      #expect(try s.t(forGamma: 1) == 0)
      #expect(try s.t(forGamma: 0) == 1)
    }
  }

  @Test(
    "the analytic dλ/dt agrees with a central finite difference", arguments: ScheduleFamily.allCases
  )
  func derivativeMatchesFiniteDifference(family: ScheduleFamily) throws {
    for s in try Self.schedules(family) {
      let steps = Double(s.spec.family.isDiscrete ? s.spec.trainSteps : 1)
      for t in stride(from: 0.05, through: 0.95, by: 0.05) {
        // Keep the stencil inside one discrete step (λ has kinks at the grid points k/T).
        let h = 1e-6 / steps
        let mid = family.isDiscrete ? (Double(Int(t * steps)) + 0.5) / steps : t
        let g = s.gamma(mid)
        guard g > 2 * s.spec.clipMin, g < 1 - 1e-6 else { continue }
        let fd = (s.logSNR(mid + h) - s.logSNR(mid - h)) / (2 * h)
        #expect(isClose(s.dLogSNRdt(mid), fd, rtol: 1e-5), "\(family) t = \(mid)")
      }
    }
  }

  @Test(
    "the logSNR density integrates to 1 − clipped mass over λ", arguments: ScheduleFamily.allCases)
  func densityIntegratesToOne(family: ScheduleFamily) throws {
    for s in try Self.schedules(family) {
      // ∫ p(λ) dλ by the trapezoid rule on a fine t grid (λ spacing from logSNR, density from
      // its own derivative code), skipping the infinite ends; what is missing is the mass of
      // the clipped stretches and the thin tails beyond the grid's first and last points.
      let n = 20_000
      var total = 0.0
      var previous: (lambda: Double, p: Double)? = nil
      for i in 1..<n {
        let t = Double(i) / Double(n)
        let point = (lambda: s.logSNR(t), p: s.logSNRDensity(atT: t))
        if let q = previous, q.lambda.isFinite, point.lambda.isFinite {
          total += 0.5 * (q.p + point.p) * abs(q.lambda - point.lambda)
        }
        previous = point
      }
      let expected = 1 - s.clippedMass
      #expect(abs(total - expected) < 2e-3, "\(family): ∫p dλ = \(total), expected \(expected)")
    }
  }
}
