import Foundation
import Schedules
import TestSupport
import Testing

/// The objective's coefficients against formulas written out here from their sources, not from
/// Objective.swift: x0 = (x_t − σε)/α (the noising solved for x0); Salimans & Ho's v; Karras et
/// al. (2022) Table 1's VE preconditioning; Kingma & Gao (2023)'s weightings; Hang et al.
/// (2023)'s min-SNR-γ.
@Suite struct ObjectiveTests {
  /// (α, σ) pairs from high noise to low noise, with b ≠ 1 (α² + σ² ≠ 1).
  static let levels: [(Double, Double)] = [(0.05, 0.999), (0.35, 0.9), (0.7, 0.6), (1.4, 0.2)]

  @Test("every parameterisation: ε̂ and x̂0 from the target F* are ε and x0 exactly")
  func targetsInvert() {
    var rng = SplitMixForTests(seed: 11)
    let objectives =
      Parameterization.allCases.map { Objective(prediction: $0, dataRMS: 0.8) }
      + [-1.0, 2.5, 6].map { Objective(prediction: .x0, x0Skip: $0) }
    for o in objectives {
      let p = "\(o.prediction) skip \(o.x0Skip ?? .nan)"
      for (a, s) in Self.levels {
        let x0 = rng.nextUnit() * 2 - 1
        let eps = rng.nextUnit() * 4 - 2
        let xt = a * x0 + s * eps
        let k = o.coefficients(alpha: a, sigma: s)
        let f = k.targetEps * eps + k.targetX0 * x0
        #expect(isClose(k.skip * xt + k.out * f, eps, rtol: 1e-12, atol: 1e-12), "\(p) ε̂")
        #expect(isClose(k.x0Skip * xt + k.x0Out * f, x0, rtol: 1e-12, atol: 1e-12), "\(p) x̂0")
      }
    }
  }

  @Test("each output's target is what its name says: ε, x0, v = α'ε − σ'x0, and EDM's F")
  func targetsByName() {
    let d = 0.8
    for (a, s) in Self.levels {
      let n = (a * a + s * s).squareRoot()
      func k(_ p: Parameterization) -> Objective.Coefficients {
        Objective(prediction: p, dataRMS: d).coefficients(alpha: a, sigma: s)
      }
      #expect(k(.eps).targetEps == 1 && k(.eps).targetX0 == 0)
      #expect(k(.x0).targetEps == 0 && k(.x0).targetX0 == 1)
      // v in the variance-preserving frame α' = α/n, σ' = σ/n.
      #expect(isClose(k(.v).targetEps, a / n, rtol: 1e-14))
      #expect(isClose(k(.v).targetX0, -s / n, rtol: 1e-14))
      // Karras et al. Table 1 (VE, σ_VE = σ/α, x_VE = x_t/α):
      //   c_skip = σ_d²/(σ_VE² + σ_d²), c_out = σ_VE·σ_d/√(σ_VE² + σ_d²),
      //   D(x) = c_skip·x_VE + c_out·F_EDM.  schedtui's F is −F_EDM (v's sign), so
      //   x̂0 = (c_skip/α)·x_t − c_out·F.
      let sv = s / a
      let cSkip = d * d / (sv * sv + d * d)
      let cOut = sv * d / (sv * sv + d * d).squareRoot()
      #expect(isClose(k(.edm).x0Skip, cSkip / a, rtol: 1e-13))
      #expect(isClose(k(.edm).x0Out, -cOut, rtol: 1e-13))
      // EDM's F target has unit variance for data of RMS d: Var = targetEps² + targetX0²·d².
      let variance = k(.edm).targetEps * k(.edm).targetEps + pow(k(.edm).targetX0 * d, 2)
      #expect(isClose(variance, 1, rtol: 1e-13))
      // v is EDM for unit-variance data.
      let unit = Objective(prediction: .edm, dataRMS: 1).coefficients(alpha: a, sigma: s)
      #expect(isClose(unit.targetEps, k(.v).targetEps, rtol: 1e-14))
      #expect(isClose(unit.skip, k(.v).skip, rtol: 1e-14))
    }
  }

  @Test("weightings at a few λ, by hand: ε 1, x0 e^-λ, v 1 + e^-λ, min-SNR-5, EDM with σ_d 0.5")
  func weightings() {
    func w(_ weighting: LossWeighting, _ lambda: Double) -> Double {
      Objective(prediction: .eps, weighting: weighting, minSNRGamma: 5, dataRMS: 0.5)
        .weight(logSNR: lambda)
    }
    #expect(w(.epsMSE, -3) == 1 && w(.epsMSE, 4) == 1)
    #expect(isClose(w(.x0MSE, 0), 1, rtol: 1e-15))
    #expect(isClose(w(.x0MSE, log(4)), 0.25, rtol: 1e-15))
    #expect(isClose(w(.vMSE, 0), 2, rtol: 1e-15))
    #expect(isClose(w(.vMSE, -log(3)), 4, rtol: 1e-14))
    // min(SNR, 5)/SNR: 1 while SNR ≤ 5, then 5/SNR.
    #expect(w(.minSNR, 0) == 1)
    #expect(isClose(w(.minSNR, log(5)), 1, rtol: 1e-14))
    #expect(isClose(w(.minSNR, log(20)), 0.25, rtol: 1e-14))
    // Kingma & Gao's EDM: (e^-λ + 0.5²)/0.5² = 1 + 4e^-λ.
    #expect(isClose(w(.edm, 0), 5, rtol: 1e-15))
    #expect(isClose(w(.edm, log(2)), 3, rtol: 1e-14))
  }

  @Test("each prediction's own weighting makes the loss the plain MSE of its output")
  func ownWeightingIsPlainMSE() {
    for p in Parameterization.allCases where p != .edm {
      let o = Objective(prediction: p)
      for (a, s) in Self.levels {
        #expect(isClose(o.coefficients(alpha: a, sigma: s).weight, 1, rtol: 1e-12), "\(p)")
      }
    }
    // EDM's weighting on EDM's output: λ(σ)·c_out² = 1 (Karras et al., section 5).
    let edm = Objective(prediction: .edm, weighting: .edm, dataRMS: 0.6)
    for (a, s) in Self.levels {
      #expect(isClose(edm.coefficients(alpha: a, sigma: s).weight, 1, rtol: 1e-12))
    }
  }

  @Test("the paper's ε-MSE on EDM's output weights F by s²/(s² + σ²), s = α·σ_d")
  func edmUnderEpsMSE() {
    let d = 0.8
    let o = Objective(prediction: .edm, weighting: .epsMSE, dataRMS: d)
    for (a, s) in Self.levels {
      let signal = a * d
      let expected = signal * signal / (signal * signal + s * s)
      #expect(isClose(o.coefficients(alpha: a, sigma: s).weight, expected, rtol: 1e-13))
    }
  }

  @Test("flow: the target is rectified flow's dx/dt = ε − b·x0, and flow-MSE is 1/(1 − t)² on it")
  func flowVelocity() throws {
    // Rectified flow at shift 1 and b: x_t = (1 − t)·b·x0 + t·ε, so dx_t/dt = ε − b·x0, and
    // schedtui's x_t is that divided by n = √((1 − t)² + t²): √γ = (1 − t)/n, σ = t/n.
    for b in [1.0, 0.5, 2.0] {
      for t in [0.1, 0.5, 0.9] {
        let n = ((1 - t) * (1 - t) + t * t).squareRoot()
        let a = b * (1 - t) / n
        let s = t / n
        let o = Objective(prediction: .flow, weighting: .epsMSE, inputScale: b)
        let k = o.coefficients(alpha: a, sigma: s)
        #expect(isClose(k.targetEps, 1, rtol: 1e-14) && isClose(k.targetX0, -b, rtol: 1e-13))
        // x̂0 from the RF process: x_RF = n·x_t, and x0 = (x_RF − t·v)/b.
        #expect(isClose(k.x0Skip, n / b, rtol: 1e-13), "b \(b) t \(t)")
        #expect(isClose(k.x0Out, -t / b, rtol: 1e-13), "b \(b) t \(t)")
        // ε̂ = x_RF + (1 − t)·v: ε = x_RF + (1 − t)(ε − b·x0) rearranged.
        #expect(isClose(k.skip, n, rtol: 1e-13) && isClose(k.out, 1 - t, rtol: 1e-13))
        // ‖v̂ − v‖² = ‖ε̂ − ε‖²/(1 − t)²: flow-MSE is w = 1/(1 − t)² on the ε-MSE.
        let lambda = 2 * (log(a) - log(s))
        let flow = Objective(prediction: .eps, weighting: .flowMSE, inputScale: b)
        #expect(isClose(flow.weight(logSNR: lambda), 1 / ((1 - t) * (1 - t)), rtol: 1e-12))
        #expect(isClose(flow.coefficients(alpha: a, sigma: s).weight, 1 / ((1 - t) * (1 - t)), rtol: 1e-12))
      }
    }
  }

  @Test("the x0 skip by hand: x̂0 = c·x_t/α + (1 − c)·F with c = sigmoid(λ − λ_s)")
  func x0Skip() {
    // λ = 2·ln(α/σ) for each level, written out: x̂0 = c·x_t/α + (1−c)·F, so
    // ε̂ = (x_t − α·x̂0)/σ = ((1−c)/σ)·x_t − (α(1−c)/σ)·F, and x̂0 = x0 at
    // F* = x0 − (c/(1−c))·(σ/α)·ε.
    for lambdaS in [-2.0, 1.0, 4.0] {
      let o = Objective(prediction: .x0, weighting: .minSNR, x0Skip: lambdaS)
      for (a, s) in Self.levels {
        let lambda = 2 * log(a / s)
        let c = 1 / (1 + exp(lambdaS - lambda))
        let k = o.coefficients(alpha: a, sigma: s)
        #expect(isClose(k.x0Skip, c / a, rtol: 1e-12), "λ_s \(lambdaS) α \(a)")
        #expect(isClose(k.x0Out, 1 - c, rtol: 1e-12))
        #expect(isClose(k.skip, (1 - c) / s, rtol: 1e-12))
        #expect(isClose(k.out, -a * (1 - c) / s, rtol: 1e-12))
        #expect(isClose(k.targetEps, -(c / (1 - c)) * (s / a), rtol: 1e-12) && k.targetX0 == 1)
        // min-SNR-5's w on the ε-MSE times out²; divergence is judged on (1−c)²·‖F − F*‖².
        let w = min(1, 5 / exp(lambda))
        #expect(isClose(k.weight, w * pow(a * (1 - c) / s, 2), rtol: 1e-12))
        #expect(isClose(k.judged, (1 - c) * (1 - c), rtol: 1e-12))
      }
    }
    // At λ = λ_s the skip carries half: (α, σ) = (1.4, 0.2) has λ = 2·ln 7.
    let half = Objective(prediction: .x0, x0Skip: 2 * log(7.0)).coefficients(alpha: 1.4, sigma: 0.2)
    #expect(isClose(half.x0Skip, 0.5 / 1.4, rtol: 1e-12) && isClose(half.x0Out, 0.5, rtol: 1e-12))
    #expect(isClose(half.targetEps, -1 / 7.0, rtol: 1e-12))
    // Far below λ_s it is the plain x0 output; far above, x̂0 is z/α.
    let plain = Objective(prediction: .x0).coefficients(alpha: 0.7, sigma: 0.6)
    let low = Objective(prediction: .x0, x0Skip: 40).coefficients(alpha: 0.7, sigma: 0.6)
    #expect(isClose(low.x0Out, plain.x0Out, rtol: 1e-15) && low.x0Skip < 1e-17)
    #expect(isClose(low.out, plain.out, rtol: 1e-15) && isClose(low.skip, plain.skip, rtol: 1e-15))
    let high = Objective(prediction: .x0, x0Skip: -20).coefficients(alpha: 0.7, sigma: 0.6)
    #expect(isClose(high.x0Skip, 1 / 0.7, rtol: 1e-8) && high.x0Out < 1e-8)
    // Without a skip: the x0 output exactly as before the skip existed.
    #expect(plain.x0Skip == 0 && plain.x0Out == 1 && plain.targetEps == 0 && plain.judged == 1)
  }
}
