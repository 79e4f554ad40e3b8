import Schedules

/// One residual block of UNet-S, Ci → Co channels at h×w, conditioned on e (B, Cd):
///
/// ```
/// a   = SiLU(inp)                                     (Ci, B, h, w)
/// u   = conv3×3(a) + Linear(e)                        (Co, B, h, w), Linear(e) per channel
/// s   = SiLU(u)
/// out = conv3×3(s) + skip(inp)                        skip: identity, or 1×1 conv when Ci ≠ Co
/// ```
/// ConvRes-S's block with a width change. With a ``BlockNorm`` of groups, a ``GroupNorm``
/// comes before each SiLU, as in ADM's block: a = SiLU(GN(inp)), s = SiLU(GN(u)).
struct UNetBlock {
  let Ci: Int, Co: Int, h: Int, w: Int, Cd: Int
  let c1w: Int, c1b: Int, pw: Int, pb: Int, c2w: Int, c2b: Int
  /// The 1×1 skip's weight and bias offsets, nil for the identity.
  let skip: (w: Int, b: Int)?
  /// Activations kept for backward: a, u (after the projection is added), s, proj. The output
  /// is the caller's (UNet-S writes an encoder block's straight into the decoder's
  /// concatenation).
  let a: Int, u: Int, s: Int, proj: Int
  /// The GroupNorms before the first and the second SiLU, nil without a norm.
  let norm1: GroupNorm?, norm2: GroupNorm?

  init(
    _ name: String, Ci: Int, Co: Int, h: Int, w: Int, Cd: Int, norm: BlockNorm = .none,
    layout l: inout ParameterLayout, acts: Scratch
  ) {
    (self.Ci, self.Co, self.h, self.w, self.Cd) = (Ci, Co, h, w, Cd)
    norm1 = norm.groups.map {
      GroupNorm("\(name).norm1", C: Ci, groups: $0, P: h * w, layout: &l, acts: acts)
    }
    c1w = l.add("\(name).conv1.w", [Co, Ci * 9])
    c1b = l.add("\(name).conv1.b", [Co])
    pw = l.add("\(name).cond.w", [Co, Cd])
    pb = l.add("\(name).cond.b", [Co])
    norm2 = norm.groups.map {
      GroupNorm("\(name).norm2", C: Co, groups: $0, P: h * w, layout: &l, acts: acts)
    }
    c2w = l.add("\(name).conv2.w", [Co, Co * 9])
    c2b = l.add("\(name).conv2.b", [Co])
    skip = Ci == Co ? nil : (l.add("\(name).skip.w", [Co, Ci]), l.add("\(name).skip.b", [Co]))
    let hw = h * w
    a = acts.add { $0 * Ci * hw }
    u = acts.add { $0 * Co * hw }
    s = acts.add { $0 * Co * hw }
    proj = acts.add { $0 * Co }
  }

  /// Floats of the convolutions' scratch this block needs (the 3×3 backward's, the largest).
  var convScratch: Int {
    Swift.max(
      2 * Layers.convScratchCount(C: Swift.max(Ci, Co), H: h, W: w),
      Layers.conv1x1ScratchCount(C: Ci, OC: Co))
  }
  /// Floats per example of the widest gradient work buffer this block needs.
  var workPerExample: Int { Swift.max(Ci, Co) * h * w }

  /// Writes out (Co, B, h, w).
  func forward(
    P: UnsafePointer<Float>, A: Scratch, inp: UnsafePointer<Float>, e: UnsafePointer<Float>,
    out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, B: Int
  ) {
    let N = B * h * w
    if let norm1 {
      norm1.forward(P: P, A: A, inp: inp, act: A[a], B: B)
    } else {
      Layers.siluForward(out: A[a], inp: inp, N: Ci * N)
    }
    Layers.conv3x3Forward(
      out: A[u], inp: A[a], weight: P + c1w, bias: P + c1b, scratch: scratch,
      B: B, C: Ci, H: h, W: w, OC: Co)
    Layers.linearForward(out: A[proj], inp: e, weight: P + pw, bias: P + pb, B: B, C: Cd, OC: Co)
    if let norm2 {
      Layers.addPerChannel(u: A[u], v: A[proj], F: Co, B: B, P: h * w)
      norm2.forward(P: P, A: A, inp: A[u], act: A[s], B: B)
    } else {
      Layers.addPerChannelSiLUForward(s: A[s], u: A[u], v: A[proj], F: Co, B: B, P: h * w)
    }
    Layers.conv3x3Forward(
      out: out, inp: A[s], weight: P + c2w, bias: P + c2b, scratch: scratch,
      B: B, C: Co, H: h, W: w, OC: Co)
    if let skip {
      Layers.conv1x1Forward(
        out: out, inp: inp, weight: P + skip.w, bias: P + skip.b, B: B, P: h * w, C: Ci,
        OC: Co, accumulate: true)
    } else {
      Layers.addInto(out, inp, Co * N)
    }
  }

  /// dout is (Co, B, h, w). Accumulates dinp (Ci, B, h, w) (overwrites it when
  /// `accumulateInput` is false, so a caller need not zero it), dE (B, Cd) and the block's
  /// parameter gradients; dA, dU, dS (``workPerExample`` · B floats each) and dProj (B·Co)
  /// are overwritten.
  func backward(
    P: UnsafePointer<Float>, G: UnsafeMutablePointer<Float>, A: Scratch,
    inp: UnsafePointer<Float>, e: UnsafePointer<Float>, dout: UnsafePointer<Float>,
    dinp: UnsafeMutablePointer<Float>, dE: UnsafeMutablePointer<Float>,
    work: (dA: UnsafeMutablePointer<Float>, dU: UnsafeMutablePointer<Float>,
      dS: UnsafeMutablePointer<Float>, dProj: UnsafeMutablePointer<Float>),
    scratch: UnsafeMutablePointer<Float>, B: Int, accumulateInput: Bool = true
  ) {
    let N = B * h * w
    // In reverse order of forward. out = conv2(s) + skip(inp): the skip's gradient is dinp's
    // first term.
    if let skip {
      Layers.conv1x1Backward(
        dinp: dinp, dweight: G + skip.w, dbias: G + skip.b, dout: dout, inp: inp,
        weight: P + skip.w, scratch: scratch, B: B, P: h * w, C: Ci, OC: Co,
        accumulateInput: accumulateInput)
    } else if accumulateInput {
      Layers.addInto(dinp, dout, Co * N)
    } else {
      dinp.update(from: dout, count: Co * N)
    }
    Layers.conv3x3Backward(
      dinp: work.dS, dweight: G + c2w, dbias: G + c2b, dout: dout, inp: A[s], weight: P + c2w,
      scratch: scratch, B: B, C: Co, H: h, W: w, OC: Co, accumulateInput: false)
    // s = SiLU(u) (or SiLU(GN(u))), u = conv1(a) + proj broadcast over pixels.
    if let norm2 {
      norm2.backwardThroughSiLU(
        P: P, G: G, A: A, inp: A[u], dact: work.dS, dout: work.dA, dinp: work.dU, B: B,
        accumulate: false)
    } else {
      Layers.siluBackward(dinp: work.dU, inp: A[u], dout: work.dS, N: Co * N, accumulate: false)
    }
    Layers.perChannelSums(dv: work.dProj, du: work.dU, F: Co, B: B, P: h * w)
    Layers.linearBackward(
      dinp: dE, dweight: G + pw, dbias: G + pb, dout: work.dProj, inp: e, weight: P + pw,
      B: B, C: Cd, OC: Co)
    Layers.conv3x3Backward(
      dinp: work.dA, dweight: G + c1w, dbias: G + c1b, dout: work.dU, inp: A[a],
      weight: P + c1w, scratch: scratch, B: B, C: Ci, H: h, W: w, OC: Co,
      accumulateInput: false)
    // a = SiLU(inp) (or SiLU(GN(inp))).
    if let norm1 {
      norm1.backwardThroughSiLU(
        P: P, G: G, A: A, inp: inp, dact: work.dA, dout: work.dS, dinp: dinp, B: B)
    } else {
      Layers.siluBackward(dinp: dinp, inp: inp, dout: work.dA, N: Ci * N)
    }
  }
}
