import RealModule
import Schedules
import TestSupport
import Testing

@Suite struct ScheduleTests {
  @Test("linear γ is 1 − t and its logSNR is log((1−t)/t) (hand derivation)")
  func linearByHand() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    for t in [0.1, 0.25, 0.5, 0.9] {
      #expect(isClose(s.gamma(t), 1 - t, rtol: 1e-15))
      #expect(isClose(s.logSNR(t), Double.log((1 - t) / t), rtol: 1e-13))
    }
    #expect(s.gamma(1) == 1e-9)
  }

  @Test("input scale b shifts logSNR by exactly 2·log b")
  func inputScaleShift() throws {
    let s = try Schedule(ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 1))
    let p = try NoiseProcess(schedule: s, inputScale: 0.5)
    for t in [0.1, 0.5, 0.8] {
      #expect(isClose(p.logSNR(t) - s.logSNR(t), 2 * Double.log(0.5), rtol: 1e-12))
    }
  }

  @Test("a zero temperature is rejected with a message naming tau")
  func rejectsZeroTau() {
    #expect(throws: ScheduleError.invalid(field: "tau", value: "0.0", allowed: "a number > 0")) {
      try Schedule(ScheduleSpec(family: .sigmoid, tau: 0))
    }
  }

  // MARK: - Golden values

  @Test("Algorithm 1 matches the paper's NumPy code to 1e-12 on every Table 3 row and more")
  func algorithm1Golden() throws {
    let golden = try Fixtures.load("schedules_golden.json")
    let ts = Fixtures.doubles(golden["t"])
    let cases = try Fixtures.cases(golden["algorithm1"])
    #expect(cases.count >= 20)
    for c in cases {
      let s = try Schedule(c.spec)
      let expected = Fixtures.doubles(c.json["gamma"])
      for (t, want) in zip(ts, expected) {
        // γ = (v_end − output)/(v_end − v_start) cancels where output ≈ v_end (γ → clipMin):
        // one ulp of difference in exp/cos between NumPy and Swift is ~1e-16 *absolute* in γ,
        // which is 1e-7 relative at γ = 1e-9. So an absolute floor of 8ε applies, and only
        // matters where γ < 1e-3; everywhere else the test is 1e-12 relative.
        #expect(isClose(s.gamma(t), want, rtol: 1e-12, atol: 8 * .ulpOfOne), "\(c) at t = \(t)")
      }
      #expect(maxRelativeDifference(ts.map { s.gamma($0) }, expected) <= 1e-9, "\(c)")
    }
  }

  @Test("every other family matches its paper's formula written independently in NumPy")
  func familiesGolden() throws {
    let golden = try Fixtures.load("schedules_golden.json")
    let ts = Fixtures.doubles(golden["t"])
    let cases = try Fixtures.cases(golden["families"])
    let covered = Set(cases.map(\.spec.family))
    let others = Set(ScheduleFamily.allCases).subtracting([.linear, .cosine, .sigmoid])
    #expect(covered.isSuperset(of: others))
    for c in cases {
      let s = try Schedule(c.spec)
      let expected = Fixtures.doubles(c.json["gamma"])
      for (t, want) in zip(ts, expected) {
        // The logSNR families compute γ = sigmoid(λ) in a different order than NumPy's
        // 1/(1+exp(−λ)) on an array; both are within a few ulps, far inside 1e-12.
        #expect(isClose(s.gamma(t), want, rtol: 1e-12), "\(c) at t = \(t)")
      }
    }
  }

  @Test("discrete families match the real diffusers alphas_cumprod (float32)")
  func diffusersGolden() throws {
    let golden = try Fixtures.load("diffusers_golden.json")
    let cases = try Fixtures.cases(golden["settings"])
    #expect(Set(cases.map(\.spec.family)) == [.ddpmLinear, .ddpmScaledLinear, .ddpmCosine])
    for c in cases {
      let s = try Schedule(c.spec)
      let steps = Double(c.spec.trainSteps)
      let indices = Fixtures.doubles(c.json["index"])
      let expected = Fixtures.doubles(c.json["alphas_cumprod"])
      for (k, want) in zip(indices, expected) {
        let got = s.gamma((k + 1) / steps)
        // diffusers builds β in float32 (linspace, or a float64 list cast to float32) and
        // multiplies 1 − β in float32: each of up to T factors carries ~2^-24 relative rounding,
        // so after T = 1000 steps ~1e-5 relative (worst case T·2^-24 = 6e-5) is expected. With
        // the zero-terminal-SNR rescale the last ᾱ is 0 (we clip to clipMin), and the ones just
        // before it are differences of nearly equal float32 square roots: there the error is
        // absolute, ~√ᾱ·2^-23, so an absolute floor of 1e-6 applies to those tiny values only.
        let atol = c.spec.zeroTerminalSNR ? 1e-6 : 0
        #expect(
          isClose(got, max(want, c.spec.clipMin), rtol: 6e-5, atol: atol),
          "\(c) k = \(Int(k)): \(got) vs diffusers \(want)")
      }
    }
  }

  @Test("between grid points a discrete schedule has constant β: log γ is linear in t")
  func discreteInterpolation() throws {
    let s = try Schedule(ScheduleSpec(family: .ddpmLinear, trainSteps: 10))
    let betas = try Schedule.diffusersBetas(s.spec)
    // ᾱ after 3 steps, times (1 − β₄)^w within step 4: constant β inside the step.
    let a3 = (0..<3).reduce(1.0) { $0 * (1 - betas[$1]) }
    let w = 0.3
    #expect(isClose(s.gamma((3 + w) / 10), a3 * Double.pow(1 - betas[3], w), rtol: 1e-13))
    #expect(s.gamma(0) == 1)
  }

  // MARK: - Hand derivations of the density

  @Test("linear: the logSNR density is p = t(1 − t) (hand derivation)")
  func linearDensity() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    for t in [0.01, 0.2, 0.5, 0.77, 0.99] {
      #expect(isClose(s.logSNRDensity(atT: t), t * (1 - t), rtol: 1e-12))
      let lambda = s.logSNR(t)
      #expect(isClose(s.logSNRDensity(atLogSNR: lambda), t * (1 - t), rtol: 1e-9))
    }
  }

  @Test("rectified flow without shift: p(λ) = e^(λ/2) / (2(1 + e^(λ/2))²) (hand derivation)")
  func rectifiedFlowDensity() throws {
    // λ = 2 log((1−t)/t) ⇒ t = 1/(1 + e^(λ/2)), |dt/dλ| = ½ e^(λ/2)/(1 + e^(λ/2))².
    let s = try Schedule(ScheduleSpec(family: .rectifiedFlow))
    for lambda in [-6.0, -1, 0, 2.5, 8] {
      let e = Double.exp(lambda / 2)
      #expect(isClose(s.logSNRDensity(atLogSNR: lambda), e / (2 * (1 + e) * (1 + e)), rtol: 1e-9))
    }
  }

  @Test("laplace: λ is Laplace-distributed, p(λ) = exp(−|λ−μ|/β)/(2β) (hand derivation)")
  func laplaceDensity() throws {
    let s = try Schedule(ScheduleSpec(family: .laplace, laplaceMu: 0.7, laplaceBeta: 1.3))
    for lambda in [-5.0, -1, 0.7, 2, 6] {
      let want = Double.exp(-abs(lambda - 0.7) / 1.3) / (2 * 1.3)
      #expect(isClose(s.logSNRDensity(atLogSNR: lambda), want, rtol: 1e-9))
    }
  }

  @Test("the clipped stretch of t is a point mass: linear with clipMin c clips t ≥ 1 − c")
  func clippedMassByHand() throws {
    let s = try Schedule(ScheduleSpec(family: .linear, clipMin: 0.01))
    #expect(isClose(s.clippedMass, 0.01, rtol: 1e-12))
    #expect(s.logSNRDensity(atT: 0.995) == 0)
    #expect(isClose(try s.t(forGamma: 0.01), 0.99, rtol: 1e-15))
  }

  // MARK: - Validation

  @Test(
    "degenerate parameters are rejected naming the field, never turned into NaN",
    arguments: [
      (ScheduleSpec(family: .cosine, start: 0.5, end: 0.5), "end"),
      (ScheduleSpec(family: .cosine, start: 0.6, end: 0.2), "end"),
      (ScheduleSpec(family: .cosine, start: 0, end: 1.5), "end"),
      (ScheduleSpec(family: .cosine, start: -0.1, end: 1), "start"),
      (ScheduleSpec(family: .cosine, tau: -1), "tau"),
      (ScheduleSpec(family: .sigmoid, start: .nan), "start"),
      (ScheduleSpec(family: .sigmoid, start: 800, end: 900, tau: 1), "start"),
      (ScheduleSpec(family: .linear, clipMin: 0), "clipMin"),
      (ScheduleSpec(family: .linear, clipMin: .infinity), "clipMin"),
      (ScheduleSpec(family: .ddpmLinear, trainSteps: 1), "trainSteps"),
      (ScheduleSpec(family: .ddpmCosine, trainSteps: 0), "trainSteps"),
      (ScheduleSpec(family: .ddpmLinear, betaStart: 0), "betaStart"),
      (ScheduleSpec(family: .ddpmScaledLinear, betaEnd: 1), "betaEnd"),
      (ScheduleSpec(family: .shiftedCosine, resolution: 0), "resolution"),
      (ScheduleSpec(family: .shiftedCosine, baseResolution: -64), "baseResolution"),
      (ScheduleSpec(family: .edm, sigmaMin: 80, sigmaMax: 80), "sigmaMax"),
      (ScheduleSpec(family: .edm, sigmaMin: 0), "sigmaMin"),
      (ScheduleSpec(family: .edm, rho: 0), "rho"),
      (ScheduleSpec(family: .laplace, laplaceBeta: 0), "laplaceBeta"),
      (ScheduleSpec(family: .laplace, laplaceMu: .nan), "laplaceMu"),
      (ScheduleSpec(family: .rectifiedFlow, shift: 0), "shift"),
    ])
  func rejectsDegenerate(spec: ScheduleSpec, field: String) {
    do {
      _ = try Schedule(spec)
      Issue.record("\(spec) was accepted")
    } catch {
      // ScheduleError has one case: a switch, so a new case cannot skip these checks.
      switch error {
      case .invalid(let got, _, let allowed):
        #expect(got == field)
        #expect(!allowed.isEmpty)
      }
    }
  }

  @Test("a non-positive input scale is rejected naming inputScale")
  func rejectsBadScale() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    for b in [0.0, -1, .nan] {
      #expect(throws: ScheduleError.self) { try NoiseProcess(schedule: s, inputScale: b) }
    }
  }

  @Test("a γ outside [0, 1] has no t")
  func inverseRejects() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    #expect(throws: ScheduleError.self) { try s.t(forGamma: 1.5) }
    #expect(throws: ScheduleError.self) { try s.t(forGamma: .nan) }
  }
}
