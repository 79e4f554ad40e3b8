import Foundation
import Schedules

/// The three curves the explorer and `schedtui plot` draw for one setting.
public struct CurveSet: Sendable {
  /// γ(t) of the schedule itself (b does not change γ; see ``equivalentGamma``).
  public var gamma: [(x: Double, y: Double)]
  /// γ at b = 1 with the same logSNR as the scaled process (nil when b = 1).
  public var equivalentGamma: [(x: Double, y: Double)]?
  /// logSNR(t) of the scaled process: the schedule's own + 2·log b.
  public var logSNR: [(x: Double, y: Double)]
  /// logSNR(t) at b = 1 (nil when b = 1): the scaled curve is this one moved by 2·log b.
  public var unscaledLogSNR: [(x: Double, y: Double)]?
  /// The density of logSNR under ``sampling`` (t ~ U(0, 1) by default): x = logSNR,
  /// y = p(logSNR).
  public var density: [(x: Double, y: Double)]
  /// The setting's b, which the flow velocity's weighting depends on.
  public var inputScale: Double
  /// How training draws its noise levels, which ``density`` is the density of.
  public var sampling: TimestepSampling = .uniform
}

/// Samples settings into curves.
public enum Curves {
  /// The widest logSNR range the plots show: Algorithm 1's clip at 1e−9 is logSNR ≈ −20.7.
  public static let logSNRRange: ClosedRange<Double> = -20...20

  /// `samples + 1` evenly spaced points of each curve of `setting` (nil if it is invalid).
  ///
  /// The density is Schedules' exact p(λ) under `sampling` at each sampled t, placed at the
  /// scaled λ: p_t(t)/|dλ/dt| when t is drawn (1/|dλ/dt| for uniform, and b shifts the whole
  /// density by 2·log b), the Gaussian in λ for lognormal (which b does not move). Where γ is
  /// clipped it is 0 (that stretch is a point mass, ``Schedules/NoiseProcess/clippedMass(sampling:)``).
  public static func sample(
    _ setting: Setting, samples: Int, sampling: TimestepSampling = .uniform
  ) -> CurveSet? {
    guard let process = try? setting.process() else { return nil }
    let schedule = process.schedule
    let n = max(samples, 2)
    let scaled = setting.inputScale != 1
    let shift = 2 * Foundation.log(setting.inputScale)
    var gamma: [(x: Double, y: Double)] = []
    var equivalent: [(x: Double, y: Double)] = []
    var logSNR: [(x: Double, y: Double)] = []
    var unscaled: [(x: Double, y: Double)] = []
    var density: [(x: Double, y: Double)] = []
    gamma.reserveCapacity(n + 1)
    logSNR.reserveCapacity(n + 1)
    density.reserveCapacity(n + 1)
    for i in 0...n {
      let t = Double(i) / Double(n)
      gamma.append((t, schedule.gamma(t)))
      let base = schedule.logSNR(t)
      logSNR.append((t, base + shift))
      density.append((base + shift, process.logSNRDensity(atT: t, sampling: sampling)))
      if scaled {
        unscaled.append((t, base))
        equivalent.append((t, process.equivalentGammaAtUnitScale(t)))
      }
    }
    return CurveSet(
      gamma: gamma, equivalentGamma: scaled ? equivalent : nil,
      logSNR: logSNR, unscaledLogSNR: scaled ? unscaled : nil, density: density,
      inputScale: setting.inputScale, sampling: sampling)
  }

  /// How a density's title names the sampling: `t ~ U(0,1)`, `t ~ logit-normal:0:1`,
  /// `λ ~ lognormal:-1.2:1.2` (λ itself is drawn there).
  public static func samplingText(_ sampling: TimestepSampling) -> String {
    switch sampling {
    case .uniform: return "t ~ U(0,1)"
    case .logNormal: return "λ ~ " + sampling.name
    default: return "t ~ " + sampling.name
    }
  }

  /// The logSNR range the plots show for `sets`: the curves' logSNR over t ∈ [0.01, 0.99] (the
  /// ends go to ±∞ or sit on the clip), widened to multiples of 5, at least 10 wide, inside
  /// ``logSNRRange``. Shared by all the curves so that b's shift shows against the pins.
  public static func logSNRBounds(_ sets: [CurveSet]) -> ClosedRange<Double> {
    var lo = Double.infinity
    var hi = -Double.infinity
    for c in sets {
      for p in c.logSNR where p.x >= 0.01 && p.x <= 0.99 && p.y.isFinite {
        lo = min(lo, p.y)
        hi = max(hi, p.y)
      }
    }
    guard lo <= hi else { return logSNRRange }
    lo = max(logSNRRange.lowerBound, (lo / 5).rounded(.down) * 5)
    hi = min(logSNRRange.upperBound, (hi / 5).rounded(.up) * 5)
    while hi - lo < 10 {
      if hi < logSNRRange.upperBound { hi += 5 }
      if hi - lo < 10, lo > logSNRRange.lowerBound { lo -= 5 }
    }
    return lo...hi
  }

  /// A y range [0, top] for density curves: the largest density inside the plotted logSNR range
  /// with 10% headroom, at least 0.05.
  public static func densityTop(
    _ curves: [[(x: Double, y: Double)]], within range: ClosedRange<Double> = logSNRRange
  ) -> Double {
    var top = 0.0
    for c in curves {
      for p in c where range.contains(p.x) && p.y.isFinite { top = max(top, p.y) }
    }
    return max(0.05, top * 1.1)
  }
}

// MARK: - Effective weighting (Kingma & Gao 2023)

extension Curves {
  /// The objective the weighting plot shows: ε-output, the chosen weighting, min-SNR's γ (the
  /// training setup's; Hang et al.'s 5 by default) and σ_d (the setup's when a run measured it,
  /// else EDM's own 0.5); the plot's title says which γ and σ_d it used.
  public static func plotObjective(
    _ weighting: LossWeighting, minSNRGamma: Double = 5, dataRMS: Double? = nil,
    inputScale: Double = 1
  ) -> Objective {
    Objective(
      prediction: .eps, weighting: weighting, minSNRGamma: minSNRGamma, dataRMS: dataRMS ?? 0.5,
      inputScale: inputScale)
  }

  /// The effective weighting over logSNR of training with the curves' own t-sampling (the
  /// density `curves.density` was drawn under) and `objective`: the density of λ times the
  /// objective's weight,
  ///
  /// ```
  /// E_t[w(λ_t)·‖ε̂ − ε‖²] = ∫ p(λ)·w(λ)·E‖ε̂ − ε‖² dλ
  /// ```
  ///
  /// so p(λ)·w(λ) is the weighting function of Kingma & Gao (2023) that the schedule and the
  /// objective together imply. `curves.density` has x = λ of the scaled process, which is the λ
  /// the objective's weight is a function of; the flow velocity's also needs the set's own b.
  public static func effectiveWeighting(
    _ curves: CurveSet, _ objective: Objective
  ) -> [(x: Double, y: Double)] {
    var objective = objective
    objective.inputScale = curves.inputScale
    return curves.density.map { p in (p.x, p.y * objective.weight(logSNR: p.x)) }
  }

  /// w(λ) at `samples + 1` evenly spaced λ of `range`.
  public static func weight(
    _ objective: Objective, over range: ClosedRange<Double>, samples: Int
  ) -> [(x: Double, y: Double)] {
    let n = max(samples, 2)
    return (0...n).map { i in
      let lambda = range.lowerBound + (range.upperBound - range.lowerBound) * Double(i) / Double(n)
      return (lambda, objective.weight(logSNR: lambda))
    }
  }

  /// log10 of each y (a y ≤ 0 becomes −∞, which a chart draws as leaving through the bottom).
  public static func log10(_ curve: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
    curve.map { ($0.x, $0.y > 0 ? Foundation.log10($0.y) : -.infinity) }
  }

  /// A y range for log10 curves over `range` of x: from the largest value (rounded up to a
  /// whole decade) down at most `decades` decades to the smallest, at least one decade wide.
  public static func logBounds(
    _ curves: [[(x: Double, y: Double)]], within range: ClosedRange<Double>, decades: Double = 4
  ) -> ClosedRange<Double> {
    var lo = Double.infinity
    var hi = -Double.infinity
    for c in curves {
      for p in c where range.contains(p.x) && p.y.isFinite {
        lo = min(lo, p.y)
        hi = max(hi, p.y)
      }
    }
    guard lo <= hi else { return -1...0 }
    let top = (hi + 1e-9).rounded(.up)
    let bottom = max(lo.rounded(.down), top - decades)
    return min(bottom, top - 1)...top
  }
}
