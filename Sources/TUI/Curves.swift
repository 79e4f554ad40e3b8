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
  /// The density of logSNR when t ~ U(0, 1): x = logSNR, y = p(logSNR).
  public var density: [(x: Double, y: Double)]
}

/// Samples settings into curves.
public enum Curves {
  /// The widest logSNR range the plots show: Algorithm 1's clip at 1e−9 is logSNR ≈ −20.7.
  public static let logSNRRange: ClosedRange<Double> = -20...20

  /// `samples + 1` evenly spaced points of each curve of `setting` (nil if it is invalid).
  ///
  /// The density is Schedules' analytic p(λ) = 1 / |dλ/dt| at each sampled t, placed at the
  /// scaled λ (b shifts the whole density by 2·log b). Where γ is clipped it is 0 (that stretch
  /// is a point mass, reported by ``Schedules/Schedule/clippedMass``).
  public static func sample(_ setting: Setting, samples: Int) -> CurveSet? {
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
      density.append((base + shift, schedule.logSNRDensity(atT: t)))
      if scaled {
        unscaled.append((t, base))
        equivalent.append((t, process.equivalentGammaAtUnitScale(t)))
      }
    }
    return CurveSet(
      gamma: gamma, equivalentGamma: scaled ? equivalent : nil,
      logSNR: logSNR, unscaledLogSNR: scaled ? unscaled : nil, density: density)
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
