import Foundation
import Schedules

/// The optimiser's hyper-parameters (defaults: the paper's β1 0.9, β2 0.999, weight decay 0.01).
public struct OptimizerSettings: Codable, Sendable, Equatable {
  public var kind: OptimizerKind = .adamw
  public var learningRate: Double = 1e-3
  public var beta1: Double = 0.9
  public var beta2: Double = 0.999
  public var epsilon: Double = 1e-8
  public var weightDecay: Double = 0.01
  /// Linear warm-up over this many steps, then cosine decay to 0 at the last step.
  public var warmupSteps: Int = 100
  /// Global gradient-norm clip; 0 turns clipping off.
  public var gradientClip: Double = 1
  /// EMA decay of the sampling weights (ramped up early: min(decay, (1+s)/(10+s))).
  public var emaDecay: Double = 0.999

  public init() {}

  /// The learning rate at step `step` (0-based) of `total`: linear warm-up, then
  /// lr · ½(1 + cos(π·(step − warmup)/(total − warmup))).
  public func learningRate(step: Int, total: Int) -> Double {
    let warmup = Swift.min(warmupSteps, Swift.max(total - 1, 0))
    if step < warmup { return learningRate * Double(step + 1) / Double(warmup) }
    let span = Double(Swift.max(total - warmup, 1))
    let progress = Swift.min(Double(step - warmup) / span, 1)
    return learningRate * 0.5 * (1 + Foundation.cos(Double.pi * progress))
  }
}

/// Adam's state for one flat parameter buffer: m and v share the parameters' layout.
public final class OptimizerState {
  public let m: Tensor
  public let v: Tensor
  /// Updates taken so far (Adam's bias correction uses it).
  public var updates = 0

  public init(count: Int) {
    m = Tensor([count])
    v = Tensor([count])
  }

  /// One update of `params` from `gradScale · grads` at learning rate `lr`, then (when `ema` is
  /// given) the EMA step ema = emaKeep·ema + (1 − emaKeep)·p on the updated weights.
  ///
  /// AdamW: p −= lr·(m̂/(√v̂ + ε) + wd·p). LAMB: the same direction r, scaled per tensor of
  /// `layout` by the trust ratio ‖p‖/‖r‖ (1 when either norm is 0); `grads` is overwritten with
  /// r. AdamW fuses the gradient scale (clipping) and the EMA into its one pass over memory,
  /// split over two threads: on a small model that pass costs as much as a layer's products.
  public func update(
    params: Tensor, grads: Tensor, layout: ParameterLayout, settings s: OptimizerSettings,
    lr: Double, gradScale: Float = 1, ema: Tensor? = nil, emaKeep: Float = 0
  ) {
    updates += 1
    let b1 = Float(s.beta1)
    let b2 = Float(s.beta2)
    let eps = Float(s.epsilon)
    let wd = Float(s.weightDecay)
    let lrF = Float(lr)
    let c1 = Float(1 / (1 - Foundation.pow(s.beta1, Double(updates))))
    let c2 = Float(1 / (1 - Foundation.pow(s.beta2, Double(updates))))
    let p = params.data
    let g = grads.data
    let m = m.data
    let v = v.data
    let e = ema?.data
    let keep = emaKeep
    switch s.kind {
    case .adamw:
      parallelRanges(params.count) { lo, hi in
        // 8 lanes at a time, then the tail: the same arithmetic either way.
        var i = lo
        #if !DEBUG
          while i + 8 <= hi {
            let gi = load8(g, i) * gradScale
            let pi = load8(p, i)
            let mi = b1 * load8(m, i) + (1 - b1) * gi
            let vi = b2 * load8(v, i) + (1 - b2) * gi * gi
            store8(mi, m, i)
            store8(vi, v, i)
            let updated = pi - lrF * ((mi * c1) / ((vi * c2).squareRoot() + eps) + wd * pi)
            store8(updated, p, i)
            if let e { store8(keep * load8(e, i) + (1 - keep) * updated, e, i) }
            i += 8
          }
        #endif
        while i < hi {
          let gi = g[i] * gradScale
          let mi = b1 * m[i] + (1 - b1) * gi
          let vi = b2 * v[i] + (1 - b2) * gi * gi
          m[i] = mi
          v[i] = vi
          p[i] -= lrF * ((mi * c1) / ((vi * c2).squareRoot() + eps) + wd * p[i])
          if let e { e[i] = keep * e[i] + (1 - keep) * p[i] }
          i += 1
        }
      }
    case .lamb:
      for entry in layout.entries {
        let o = entry.offset
        var pNorm: Double = 0
        var rNorm: Double = 0
        for i in o..<(o + entry.count) {
          let gi = g[i] * gradScale
          let mi = b1 * m[i] + (1 - b1) * gi
          let vi = b2 * v[i] + (1 - b2) * gi * gi
          m[i] = mi
          v[i] = vi
          let r = (mi * c1) / ((vi * c2).squareRoot() + eps) + wd * p[i]
          g[i] = r
          pNorm += Double(p[i]) * Double(p[i])
          rNorm += Double(r) * Double(r)
        }
        let trust = pNorm > 0 && rNorm > 0 ? Float((pNorm / rNorm).squareRoot()) : 1
        let scale = lrF * trust
        for i in o..<(o + entry.count) { p[i] -= scale * g[i] }
      }
      if let e {
        for i in 0..<params.count { e[i] = keep * e[i] + (1 - keep) * p[i] }
      }
    }
  }
}
