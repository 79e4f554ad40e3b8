import Foundation

/// Which optimiser updates the weights.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
  /// Adam with decoupled weight decay (Loshchilov & Hutter).
  case adamw
  /// LAMB (You et al.): Adam's step rescaled per tensor by ‖w‖ / ‖step‖, as the paper uses.
  case lamb
}

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

  /// One update of `params` from `grads` (already clipped) at learning rate `lr`.
  ///
  /// AdamW: p −= lr·(m̂/(√v̂ + ε) + wd·p). LAMB: the same direction r, scaled per tensor of
  /// `layout` by the trust ratio ‖p‖/‖r‖ (1 when either norm is 0). `grads` is overwritten with r.
  public func update(
    params: Tensor, grads: Tensor, layout: ParameterLayout, settings s: OptimizerSettings,
    lr: Double
  ) {
    updates += 1
    let b1 = Float(s.beta1), b2 = Float(s.beta2), eps = Float(s.epsilon)
    let wd = Float(s.weightDecay), lrF = Float(lr)
    let c1 = Float(1 / (1 - Foundation.pow(s.beta1, Double(updates))))
    let c2 = Float(1 / (1 - Foundation.pow(s.beta2, Double(updates))))
    let p = params.data, g = grads.data, m = m.data, v = v.data
    switch s.kind {
    case .adamw:
      // 8 lanes at a time, then the tail: the same arithmetic either way.
      let n = params.count
      var i = 0
      #if !DEBUG
      while i + 8 <= n {
        let gi = load8(g, i), pi = load8(p, i)
        let mi = b1 * load8(m, i) + (1 - b1) * gi
        let vi = b2 * load8(v, i) + (1 - b2) * gi * gi
        store8(mi, m, i)
        store8(vi, v, i)
        store8(pi - lrF * ((mi * c1) / ((vi * c2).squareRoot() + eps) + wd * pi), p, i)
        i += 8
      }
      #endif
      while i < n {
        let gi = g[i]
        let mi = b1 * m[i] + (1 - b1) * gi
        let vi = b2 * v[i] + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= lrF * ((mi * c1) / ((vi * c2).squareRoot() + eps) + wd * p[i])
        i += 1
      }
    case .lamb:
      for entry in layout.entries {
        let o = entry.offset
        var pNorm: Double = 0, rNorm: Double = 0
        for i in o..<(o + entry.count) {
          let gi = g[i]
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
    }
  }
}
