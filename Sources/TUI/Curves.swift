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
  /// The fixed logSNR range of the plots: wide enough for Algorithm 1's clip at 1e−9
  /// (logSNR ≈ −20.7) and fixed so that changing b visibly moves the curve instead of the axis.
  public static let logSNRRange: ClosedRange<Double> = -20...20

  /// `samples + 1` evenly spaced points of each curve of `setting` (nil if it is invalid).
  ///
  /// The density is the change of variables p(λ) = 1 / |dλ/dt| evaluated per sampling interval
  /// (Δt / |Δλ| at the interval's midpoint λ); intervals where λ does not move (the clip at
  /// clipMin, a point mass, not a density) are left out.
  public static func sample(_ setting: Setting, samples: Int) -> CurveSet? {
    guard let process = try? setting.process() else { return nil }
    let n = max(samples, 2)
    let shift = 2 * Foundation.log(setting.inputScale)
    var gamma: [(x: Double, y: Double)] = []
    var equivalent: [(x: Double, y: Double)] = []
    var logSNR: [(x: Double, y: Double)] = []
    var unscaled: [(x: Double, y: Double)] = []
    gamma.reserveCapacity(n + 1)
    logSNR.reserveCapacity(n + 1)
    for i in 0...n {
      let t = Double(i) / Double(n)
      gamma.append((t, process.schedule.gamma(t)))
      let base = process.schedule.logSNR(t)
      logSNR.append((t, base + shift))
      if setting.inputScale != 1 {
        unscaled.append((t, base))
        equivalent.append((t, process.equivalentGammaAtUnitScale(t)))
      }
    }
    return CurveSet(
      gamma: gamma, equivalentGamma: setting.inputScale != 1 ? equivalent : nil,
      logSNR: logSNR, unscaledLogSNR: setting.inputScale != 1 ? unscaled : nil,
      density: density(logSNR, dt: 1 / Double(n)))
  }

  static func density(_ logSNR: [(x: Double, y: Double)], dt: Double) -> [(x: Double, y: Double)] {
    var out: [(x: Double, y: Double)] = []
    out.reserveCapacity(logSNR.count)
    for i in 1..<logSNR.count {
      let a = logSNR[i - 1].y, b = logSNR[i].y
      guard a.isFinite, b.isFinite else { continue }
      let dl = abs(b - a)
      guard dl > 1e-12 else { continue }
      out.append((0.5 * (a + b), dt / dl))
    }
    out.sort { $0.x < $1.x }
    return out
  }

  /// A y range [0, top] for density curves: the largest density inside the plotted logSNR range
  /// with 10% headroom, at least 0.05.
  public static func densityTop(_ curves: [[(x: Double, y: Double)]]) -> Double {
    var top = 0.0
    for c in curves {
      for p in c where logSNRRange.contains(p.x) && p.y.isFinite { top = max(top, p.y) }
    }
    return max(0.05, top * 1.1)
  }
}
