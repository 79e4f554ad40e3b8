// GroupNorm (Wu & He 2018) on the (channels, batch, H, W) layout of the convolutions: UNet-S's
// optional normalisation before each SiLU of its blocks (``BlockNorm``, ``UNetBlock``).
// Backward ACCUMULATES (+=) unless told otherwise, as in Layers.swift. A block's norm is
// always followed by a SiLU, so both passes can take it along (CElementwise's fused loops):
// forward writes SiLU(out) with out, backward starts from SiLU(out)'s gradient. Activations
// are then read once per pass instead of twice.

import CElementwise

/// One GroupNorm of a block: C channels of P pixels per image in G groups, with its affine
/// parameters (`name.gamma`, `name.beta`, C each) and the activations backward needs.
///
/// ```
/// x      (C, B, P)      group g of image b: channels g·C/G ..< (g+1)·C/G, all P pixels
/// μ, σ²  (B, G)         mean and biased variance over those n = P·C/G values
/// out    (C, B, P)      (x − μ)/√(σ² + ε) · γ[c] + β[c],  ε = 1e-5 (torch.nn.GroupNorm's)
/// ```
struct GroupNorm {
  let C: Int, G: Int, P: Int
  /// Parameter offsets of γ and β.
  let gamma: Int, beta: Int
  /// Activations: the output, (μ, 1/σ) per image and group, and backward's per-image sums.
  let out: Int, stats: Int, sums: Int

  init(_ name: String, C: Int, groups: Int, P: Int, layout l: inout ParameterLayout, acts: Scratch) {
    precondition(C % groups == 0, "GroupNorm \(name): \(C) channels do not split into \(groups) groups")
    (self.C, self.G, self.P) = (C, groups, P)
    gamma = l.add("\(name).gamma", [C])
    beta = l.add("\(name).beta", [C])
    out = acts.add { $0 * C * P }
    stats = acts.add { $0 * groups * 2 }
    sums = acts.add { $0 * C * 2 }
  }

  /// Writes out and, when given, act (C, B, P) = SiLU(out).
  func forward(
    P params: UnsafePointer<Float>, A: Scratch, inp: UnsafePointer<Float>,
    act: UnsafeMutablePointer<Float>? = nil, B: Int
  ) {
    Layers.groupNormForward(
      out: A[out], stats: A[stats], inp: inp, gamma: params + gamma, beta: params + beta,
      C: C, G: G, B: B, P: P, silu: act)
  }

  /// dinp (C, B, P) += (or, without `accumulate`, =) ∂/∂x of dact (C, B, P), the gradient of
  /// SiLU(out); γ's and β's gradients accumulate. dout (C, B, P) is overwritten with out's
  /// gradient (work space).
  func backwardThroughSiLU(
    P params: UnsafePointer<Float>, G grads: UnsafeMutablePointer<Float>, A: Scratch,
    inp: UnsafePointer<Float>, dact: UnsafePointer<Float>, dout: UnsafeMutablePointer<Float>,
    dinp: UnsafeMutablePointer<Float>, B: Int, accumulate: Bool = true
  ) {
    Layers.groupNormBackward(
      dinp: dinp, dgamma: grads + gamma, dbeta: grads + beta,
      dout: .throughSiLU(dact: dact, out: A[out], into: dout), inp: inp,
      stats: A[stats], gamma: params + gamma, sums: A[sums], C: C, G: G, B: B, P: P,
      accumulate: accumulate)
  }
}

extension Layers {
  /// torch.nn.GroupNorm's ε.
  public static let groupNormEpsilon: Float = 1e-5

  /// out (C, B, P) = GroupNorm(inp (C, B, P)) with G groups and affine γ, β (C each);
  /// stats (B, G, 2) receives each image's and group's (μ, 1/√(σ² + ε)) for backward.
  /// With `silu`, it also receives SiLU(out) (C, B, P), in the same pass.
  ///
  /// Statistics are per image, so the batch is split between the convolution workers
  /// (``convWorkers(B:_:)``) like the convolutions; each image's numbers are the same whichever
  /// worker computes them, so one thread and two give the same bits. Sums are Float rows added
  /// in Double, the variance a second pass around the mean (no cancellation).
  public static func groupNormForward(
    out: UnsafeMutablePointer<Float>, stats: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
    C: Int, G: Int, B: Int, P: Int, silu: UnsafeMutablePointer<Float>? = nil
  ) {
    precondition(C % G == 0, "GroupNorm: \(C) channels do not split into \(G) groups")
    let Cg = C / G
    let n = Double(Cg * P)
    nonisolated(unsafe) let (out, stats, silu) = (out, stats, silu)
    convWorkers(B: B) { _, b0, b1 in
      for b in b0..<b1 {
        for g in 0..<G {
          let channels = (g * Cg)..<((g + 1) * Cg)
          func row(_ c: Int) -> Int { (c * B + b) * P }
          var sum = 0.0
          for c in channels { sum += Double(schedtui_sum(inp + row(c), P)) }
          let mean = sum / n
          var squares = 0.0
          for c in channels {
            squares += Double(schedtui_centred_squares(inp + row(c), P, Float(mean)))
          }
          let rstd = 1 / (squares / n + Double(groupNormEpsilon)).squareRoot()
          stats[(b * G + g) * 2] = Float(mean)
          stats[(b * G + g) * 2 + 1] = Float(rstd)
          for c in channels {
            let scale = Double(gamma[c]) * rstd
            let shift = Float(Double(beta[c]) - mean * scale)
            if let silu {
              schedtui_affine_silu(
                out + row(c), silu + row(c), inp + row(c), P, Float(scale), shift)
            } else {
              affine(out + row(c), inp + row(c), P, scale: Float(scale), shift: shift)
            }
          }
        }
      }
    }
  }

  /// The gradient a GroupNorm's backward starts from.
  public enum OutputGradient {
    /// dout (C, B, P), the gradient of the norm's output.
    case given(UnsafePointer<Float>)
    /// dact (C, B, P), the gradient of SiLU(out) where out is the norm's output: out's
    /// gradient is written into `into` (C, B, P) in the pass that sums it.
    case throughSiLU(
      dact: UnsafePointer<Float>, out: UnsafePointer<Float>, into: UnsafeMutablePointer<Float>)
  }

  /// ``groupNormBackward(dinp:dgamma:dbeta:dout:inp:stats:gamma:sums:C:G:B:P:accumulate:)``
  /// from a given dout (C, B, P).
  public static func groupNormBackward(
    dinp: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>,
    dbeta: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    stats: UnsafePointer<Float>, gamma: UnsafePointer<Float>, sums: UnsafeMutablePointer<Float>,
    C: Int, G: Int, B: Int, P: Int, accumulate: Bool = true
  ) {
    groupNormBackward(
      dinp: dinp, dgamma: dgamma, dbeta: dbeta, dout: OutputGradient.given(dout), inp: inp,
      stats: stats, gamma: gamma, sums: sums, C: C, G: G, B: B, P: P, accumulate: accumulate)
  }

  /// Backward of ``groupNormForward(out:stats:inp:gamma:beta:C:G:B:P:silu:)``.
  /// With x̂ = (x − μ)/σ and the group's n values,
  ///
  /// ```
  /// dγ[c] += Σ_{b,p} dout·x̂        dβ[c] += Σ_{b,p} dout
  /// dx     = (γ[c]·dout − Σ γ·dout / n − x̂ · Σ γ·dout·x̂ / n) / σ      (sums over the group)
  /// ```
  ///
  /// dinp += dx (= dx without `accumulate`). `sums` holds 2·B·C floats: each image's
  /// per-channel Σ dout·x̂ and Σ dout, added into dγ and dβ afterwards in image order, so the
  /// gradients are the same sums in the same order on one thread or two.
  public static func groupNormBackward(
    dinp: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>,
    dbeta: UnsafeMutablePointer<Float>, dout gradient: OutputGradient,
    inp: UnsafePointer<Float>, stats: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    sums: UnsafeMutablePointer<Float>, C: Int, G: Int, B: Int, P: Int, accumulate: Bool = true
  ) {
    let dout: UnsafePointer<Float>
    switch gradient {
    case .given(let given): dout = given
    case .throughSiLU(_, _, let into): dout = UnsafePointer(into)
    }
    nonisolated(unsafe) let gradient = gradient
    let Cg = C / G
    let n = Double(Cg * P)
    nonisolated(unsafe) let (dinp, sums) = (dinp, sums)
    convWorkers(B: B) { _, b0, b1 in
      for b in b0..<b1 {
        for g in 0..<G {
          let channels = (g * Cg)..<((g + 1) * Cg)
          func row(_ c: Int) -> Int { (c * B + b) * P }
          let mean = Double(stats[(b * G + g) * 2])
          let rstd = Double(stats[(b * G + g) * 2 + 1])
          // Σ γ·dout·x̂ and Σ γ·dout over the group, from each channel's Σ dout·x and Σ dout.
          var dxhatXhat = 0.0
          var dxhat = 0.0
          for c in channels {
            let (dyx, dy) = outputGradientSums(gradient, inp, row(c), P)
            let dyXhat = (Double(dyx) - mean * Double(dy)) * rstd
            sums[(b * C + c) * 2] = Float(dyXhat)
            sums[(b * C + c) * 2 + 1] = dy
            dxhatXhat += Double(gamma[c]) * dyXhat
            dxhat += Double(gamma[c]) * Double(dy)
          }
          // dx = k1[c]·dout + k2·x + k3.
          let k2 = -rstd * rstd * dxhatXhat / n
          let k3 = -rstd * dxhat / n - mean * k2
          for c in channels {
            schedtui_affine2(
              dinp + row(c), dout + row(c), inp + row(c), P, Float(Double(gamma[c]) * rstd),
              Float(k2), Float(k3), accumulate ? 1 : 0)
          }
        }
      }
    }
    for b in 0..<B {
      for c in 0..<C {
        dgamma[c] += sums[(b * C + c) * 2]
        dbeta[c] += sums[(b * C + c) * 2 + 1]
      }
    }
  }

  /// (Σ dout·x, Σ dout) over the n values of one channel row starting at `at`, dout first
  /// written from SiLU's gradient when it comes through one.
  @inline(__always)
  static func outputGradientSums(
    _ gradient: OutputGradient, _ x: UnsafePointer<Float>, _ at: Int, _ n: Int
  ) -> (Float, Float) {
    switch gradient {
    case .given(let dout): return productAndSum(dout + at, x + at, n)
    case .throughSiLU(let dact, let out, let into):
      var sums: (Float, Float) = (0, 0)
      withUnsafeMutableBytes(of: &sums) {
        let both = $0.baseAddress!.assumingMemoryBound(to: Float.self)
        schedtui_silu_backward_sums(into + at, out + at, dact + at, x + at, n, both)
      }
      return sums
    }
  }

  /// (Σ a[i]·b[i], Σ a[i]) over n values (8 lanes in release builds).
  @inline(__always)
  static func productAndSum(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int
  ) -> (Float, Float) {
    var i = 0
    var (ab, s): (Float, Float) = (0, 0)
    #if !DEBUG
      var abLanes = Float8(repeating: 0)
      var sLanes = Float8(repeating: 0)
      while i + 8 <= n {
        let x = load8(a, i)
        abLanes += x * load8(b, i)
        sLanes += x
        i += 8
      }
      (ab, s) = (abLanes.sum(), sLanes.sum())
    #endif
    while i < n {
      ab += a[i] * b[i]
      s += a[i]
      i += 1
    }
    return (ab, s)
  }

  /// out[i] = x[i]·scale + shift over n values.
  @inline(__always)
  static func affine(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, scale: Float,
    shift: Float
  ) {
    var i = 0
    #if !DEBUG
      let (s8, t8) = (Float8(repeating: scale), Float8(repeating: shift))
      while i + 8 <= n {
        store8(load8(x, i) * s8 + t8, out, i)
        i += 8
      }
    #endif
    while i < n {
      out[i] = x[i] * scale + shift
      i += 1
    }
  }
}

extension Layers {
  /// u (F, B, P) += v (B, F) broadcast over the P pixels: a block's `conv3×3(…) + Linear(e)`
  /// when a GroupNorm, not the SiLU, comes next (without a norm,
  /// ``addPerChannelSiLUForward(s:u:v:F:B:P:)`` does both in one pass).
  static func addPerChannel(
    u: UnsafeMutablePointer<Float>, v: UnsafePointer<Float>, F: Int, B: Int, P: Int
  ) {
    for r in 0..<(F * B) {
      affine(u + r * P, u + r * P, P, scale: 1, shift: v[(r % B) * F + r / B])
    }
  }
}
