/// UNet-S, the denoiser for 16×16 to 64×64 images (sides a multiple of 8), 1 or 3 channels:
/// most of its work at low resolution, as in DDPM's and simple diffusion's U-Nets.
///
/// ```
/// e     = Linear(128)(SiLU(Linear(128)(sinusoidal(logSNR)))) + E[y]      (B, 128)
/// f     = fold 2×2 pixels into channels                C → 4C at H/2
/// h     = conv3×3(f)                                   4C → F0             level 0, H/2
/// enc0  = Block(F0 → F0)(h)                                                level 0
/// enc1  = Block(F0 → F1)(avgpool(enc0))                                    level 1, H/4
/// mid   = Block(F2 → F2)(Block(F1 → F2)(avgpool(enc1)))                    level 2, H/8
/// dec1  = Block(F2 + F1 → F1)(concat(up(mid), enc1))                       level 1
/// dec0  = Block(F1 + F0 → F0)(concat(up(dec1), enc0))                      level 0
/// out   = unfold(conv3×3(SiLU(dec0)))                  F0 → 4C → C at H
/// ```
/// Blocks are ``UNetBlock``s (e enters every one); down-sampling is 2×2 average pooling,
/// up-sampling nearest neighbour; (F0, F1, F2) = `shape.unetChannels`, (32, 64, 128) by default;
/// `shape.norm` puts a GroupNorm before each SiLU of the blocks.
/// The output is the objective's F like every denoiser's. Activations are (channels, batch,
/// H, W) inside; input and output are (B, C·H·W).
public final class UNetS: ConvolutionalDenoiser {
  public let shape: ModelShape
  public let layout: ParameterLayout
  let C: Int, H: Int, W: Int, Cd: Int
  let F0: Int, F1: Int, F2: Int
  let cond: Conditioning
  let inW: Int, inB: Int, outW: Int, outB: Int
  let enc0: UNetBlock, enc1: UNetBlock, mid0: UNetBlock, mid1: UNetBlock
  let dec1: UNetBlock, dec0: UNetBlock

  let acts = Scratch()
  let xc: Int, xf: Int, e: Int, h0: Int, p1: Int, p2: Int, m0: Int, m1: Int, d1: Int, d0: Int
  /// The decoders' inputs, [up-sampled; skip]: the encoders write their outputs straight into
  /// the second part, so the skip is never copied (nor its gradient, in dCat0 and dCat1).
  let cat1: Int, cat0: Int
  let af: Int, of: Int, outc: Int, out: Int
  let scratch: Int, dA: Int, dU: Int, dS: Int, dProj: Int, dE: Int
  /// Gradient buffers of the tensors between blocks: dX and dY (sized for the largest) and
  /// those of the two concatenations.
  let dX: Int, dY: Int, dCat0: Int, dCat1: Int

  public init(_ shape: ModelShape) {
    precondition(
      shape.height % 8 == 0 && shape.width % 8 == 0,
      "UNet-S needs sides divisible by 8, got \(shape.height)×\(shape.width)")
    self.shape = shape
    C = shape.channels
    H = shape.height
    W = shape.width
    Cd = shape.conditioning
    (F0, F1, F2) = (shape.unetChannels[0], shape.unetChannels[1], shape.unetChannels[2])
    let (C, Cd, F0, F1, F2) = (C, Cd, F0, F1, F2)
    // Level l is (H/2^(l+1)) × (W/2^(l+1)).
    let (h0s, w0s) = (H / 2, W / 2)
    let (h1s, w1s) = (H / 4, W / 4)
    let (h2s, w2s) = (H / 8, W / 8)
    var l = ParameterLayout()
    let store = acts
    cond = Conditioning(
      E: shape.embedding, Cd: Cd, rows: shape.classes + 1, layout: &l, acts: store)
    e = cond.e
    inW = l.add("convIn.w", [F0, 4 * C * 9])
    inB = l.add("convIn.b", [F0])
    enc0 = UNetBlock(
      "enc0", Ci: F0, Co: F0, h: h0s, w: w0s, Cd: Cd, norm: shape.norm, layout: &l,
      acts: store)
    enc1 = UNetBlock(
      "enc1", Ci: F0, Co: F1, h: h1s, w: w1s, Cd: Cd, norm: shape.norm, layout: &l,
      acts: store)
    mid0 = UNetBlock(
      "mid0", Ci: F1, Co: F2, h: h2s, w: w2s, Cd: Cd, norm: shape.norm, layout: &l,
      acts: store)
    mid1 = UNetBlock(
      "mid1", Ci: F2, Co: F2, h: h2s, w: w2s, Cd: Cd, norm: shape.norm, layout: &l,
      acts: store)
    dec1 = UNetBlock(
      "dec1", Ci: F2 + F1, Co: F1, h: h1s, w: w1s, Cd: Cd, norm: shape.norm,
      layout: &l, acts: store)
    dec0 = UNetBlock(
      "dec0", Ci: F1 + F0, Co: F0, h: h0s, w: w0s, Cd: Cd, norm: shape.norm,
      layout: &l, acts: store)
    outW = l.add("convOut.w", [4 * C, F0 * 9])
    outB = l.add("convOut.b", [4 * C])
    layout = l

    let (HW, P0, P1, P2) = (H * W, h0s * w0s, h1s * w1s, h2s * w2s)
    xc = acts.add { $0 * C * HW }
    xf = acts.add { $0 * C * HW }
    h0 = acts.add { $0 * F0 * P0 }
    p1 = acts.add { $0 * F0 * P1 }
    p2 = acts.add { $0 * F1 * P2 }
    m0 = acts.add { $0 * F2 * P2 }
    m1 = acts.add { $0 * F2 * P2 }
    d1 = acts.add { $0 * F1 * P1 }
    d0 = acts.add { $0 * F0 * P0 }
    cat1 = acts.add { $0 * (F2 + F1) * P1 }
    cat0 = acts.add { $0 * (F1 + F0) * P0 }
    af = acts.add { $0 * F0 * P0 }
    of = acts.add { $0 * C * HW }
    outc = acts.add { $0 * C * HW }
    out = acts.add { $0 * C * HW }
    let blocks = [enc0, enc1, mid0, mid1, dec1, dec0]
    let convScratch = Swift.max(
      blocks.map(\.convScratch).max()!,
      2 * Layers.convScratchCount(C: Swift.max(4 * C, F0), H: h0s, W: w0s))
    scratch = acts.add { _ in convScratch }
    let work = blocks.map(\.workPerExample).max()!
    dA = acts.add { $0 * work }
    dU = acts.add { $0 * work }
    dS = acts.add { $0 * work }
    dProj = acts.add { $0 * Swift.max(F0, F1, F2) }
    dE = acts.add { $0 * Cd }
    dX = acts.add { $0 * work }
    dY = acts.add { $0 * work }
    dCat0 = acts.add { $0 * (F1 + F0) * P0 }
    dCat1 = acts.add { $0 * (F2 + F1) * P1 }
  }

  var levels: [(h: Int, w: Int)] { [(H / 2, W / 2), (H / 4, W / 4), (H / 8, W / 8)] }

  public func forwardPass(
    params P: UnsafePointer<Float>, x xIn: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels yIn: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    let A = acts.start(B: B, labels: yIn)
    let (L0, L1, L2) = (levels[0], levels[1], levels[2])
    let (N0, N1) = (B * L0.h * L0.w, B * L1.h * L1.w)
    cond.forward(P: P, A: A, logSNR: logSNR, labels: yIn, B: B)
    // Stem: fold 2×2 pixels into channels, then a 3×3 convolution at H/2.
    Layers.swapLeadingAxes(out: A[xc], inp: xIn, A: B, B: C, P: H * W)
    Layers.spaceToDepthForward(out: A[xf], inp: A[xc], C: C, B: B, H: H, W: W)
    Layers.conv3x3Forward(
      out: A[h0], inp: A[xf], weight: P + inW, bias: P + inB, scratch: A[scratch],
      B: B, C: 4 * C, H: L0.h, W: L0.w, OC: F0)
    // Down. Each encoder's output is also the second part of a decoder's concatenation.
    let (skip0, skip1) = (A[cat0] + F1 * N0, A[cat1] + F2 * N1)
    enc0.forward(P: P, A: A, inp: A[h0], e: A[e], out: skip0, scratch: A[scratch], B: B)
    Layers.avgPool2Forward(out: A[p1], inp: skip0, planes: F0 * B, H: L0.h, W: L0.w)
    enc1.forward(P: P, A: A, inp: A[p1], e: A[e], out: skip1, scratch: A[scratch], B: B)
    Layers.avgPool2Forward(out: A[p2], inp: skip1, planes: F1 * B, H: L1.h, W: L1.w)
    mid0.forward(P: P, A: A, inp: A[p2], e: A[e], out: A[m0], scratch: A[scratch], B: B)
    mid1.forward(P: P, A: A, inp: A[m0], e: A[e], out: A[m1], scratch: A[scratch], B: B)
    // Up: the up-sampled features first, then the skip, in each concatenation; the
    // up-sampling writes straight into the first channels.
    Layers.upsample2Forward(out: A[cat1], inp: A[m1], planes: F2 * B, h: L2.h, w: L2.w)
    dec1.forward(P: P, A: A, inp: A[cat1], e: A[e], out: A[d1], scratch: A[scratch], B: B)
    Layers.upsample2Forward(out: A[cat0], inp: A[d1], planes: F1 * B, h: L1.h, w: L1.w)
    dec0.forward(P: P, A: A, inp: A[cat0], e: A[e], out: A[d0], scratch: A[scratch], B: B)
    // Head: SiLU, a 3×3 convolution to 4C channels, unfolded back to C at H.
    Layers.siluForward(out: A[af], inp: A[d0], N: F0 * N0)
    Layers.conv3x3Forward(
      out: A[of], inp: A[af], weight: P + outW, bias: P + outB, scratch: A[scratch],
      B: B, C: F0, H: L0.h, W: L0.w, OC: 4 * C)
    Layers.depthToSpaceForward(out: A[outc], inp: A[of], C: C, B: B, H: H, W: W)
    Layers.swapLeadingAxes(out: A[out], inp: A[outc], A: C, B: B, P: H * W)
    return UnsafePointer(A[out])
  }

  public func backwardPass(
    params P: UnsafePointer<Float>, grads G: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>
  ) {
    let (A, B) = (acts, acts.last.B)
    let (L0, L1, L2) = (levels[0], levels[1], levels[2])
    let (N0, N1) = (B * L0.h * L0.w, B * L1.h * L1.w)
    let work = (dA: A[dA], dU: A[dU], dS: A[dS], dProj: A[dProj])
    // In reverse order of the forward pass. dX and dY alternate as the gradient flowing down
    // the network: a block reads its dout from one and writes its dinp into the other (each
    // gradient's first writer overwrites it, so nothing is zeroed first).
    A[dE].update(repeating: 0, count: B * Cd)
    // Head. The fold is the unfold's adjoint, and overwrites.
    Layers.swapLeadingAxes(out: A[outc], inp: dout, A: B, B: C, P: H * W)  // outc as dOutC
    Layers.spaceToDepthForward(out: A[of], inp: A[outc], C: C, B: B, H: H, W: W)
    Layers.conv3x3Backward(
      dinp: A[dA], dweight: G + outW, dbias: G + outB, dout: A[of], inp: A[af],
      weight: P + outW, scratch: A[scratch], B: B, C: F0, H: L0.h, W: L0.w, OC: 4 * C,
      accumulateInput: false)
    Layers.siluBackward(dinp: A[dX], inp: A[d0], dout: A[dA], N: F0 * N0, accumulate: false)
    // dec0's input is cat0 = [up(d1); enc0's output]: dCat0 holds both gradients.
    dec0.backward(
      P: P, G: G, A: A, inp: A[cat0], e: A[e], dout: A[dX], dinp: A[dCat0], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    Layers.upsample2Backward(
      dinp: A[dY], dout: A[dCat0], planes: F1 * B, h: L1.h, w: L1.w, accumulate: false)
    dec1.backward(
      P: P, G: G, A: A, inp: A[cat1], e: A[e], dout: A[dY], dinp: A[dCat1], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    Layers.upsample2Backward(
      dinp: A[dX], dout: A[dCat1], planes: F2 * B, h: L2.h, w: L2.w, accumulate: false)
    mid1.backward(
      P: P, G: G, A: A, inp: A[m0], e: A[e], dout: A[dX], dinp: A[dY], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    mid0.backward(
      P: P, G: G, A: A, inp: A[p2], e: A[e], dout: A[dY], dinp: A[dX], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    // Each encoder's output fed a pooling and a skip: the pooling's gradient joins the skip's.
    let (dSkip0, dSkip1) = (A[dCat0] + F1 * N0, A[dCat1] + F2 * N1)
    Layers.avgPool2Backward(dinp: dSkip1, dout: A[dX], planes: F1 * B, H: L1.h, W: L1.w)
    enc1.backward(
      P: P, G: G, A: A, inp: A[p1], e: A[e], dout: dSkip1, dinp: A[dY], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    Layers.avgPool2Backward(dinp: dSkip0, dout: A[dY], planes: F0 * B, H: L0.h, W: L0.w)
    enc0.backward(
      P: P, G: G, A: A, inp: A[h0], e: A[e], dout: dSkip0, dinp: A[dX], dE: A[dE],
      work: work, scratch: A[scratch], B: B, accumulateInput: false)
    // Stem: the input needs no gradient.
    Layers.conv3x3Backward(
      dinp: nil, dweight: G + inW, dbias: G + inB, dout: A[dX], inp: A[xf], weight: P + inW,
      scratch: A[scratch], B: B, C: 4 * C, H: L0.h, W: L0.w, OC: F0)
    cond.backward(P: P, G: G, A: A, dE: A[dE], B: B)
  }
}
