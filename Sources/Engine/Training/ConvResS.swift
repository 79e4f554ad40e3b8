/// ConvRes-S, the reference denoiser for 16×16 to 64×64 data (F = 64 channels, padding 1,
/// no down-sampling, no normalisation layers):
///
/// ```
/// e    = Linear(128)(SiLU(Linear(128)(sinusoidal(logSNR)))) + E[y]      (B, 128)
/// h    = conv3×3(x)                                    C → F             (F, B, H, W)
/// 4×:  h = h + conv3×3(SiLU(conv3×3(SiLU(h)) + Linear(e)))              Linear(e) per channel
/// out  = conv3×3(SiLU(h))                              F → C
/// ```
/// Inside, activations are laid out (channels, batch, H, W) so that each convolution is a few
/// large sgemm calls; the input and output are (B, C·H·W) like every denoiser's.
public final class ConvResS: ConvolutionalDenoiser {
  public let shape: ModelShape
  public let layout: ParameterLayout
  let C: Int, H: Int, W: Int, F: Int, Cd: Int, E: Int, rows: Int, blocks: Int
  let cond: Conditioning
  let inW: Int, inB: Int, outW: Int, outB: Int
  let c1w: [Int], c1b: [Int], pw: [Int], pb: [Int], c2w: [Int], c2b: [Int]

  let acts = Scratch()
  let xc: Int, af: Int, outc: Int, out: Int
  let h: [Int], a: [Int], u: [Int], s: [Int], proj: [Int]
  let scratch: Int, dA: Int, dU: Int, dH: Int, dOutC: Int, dE: Int, dProj: Int

  public init(_ shape: ModelShape) {
    self.shape = shape
    C = shape.channels
    H = shape.height
    W = shape.width
    F = shape.convChannels
    Cd = shape.conditioning
    E = shape.embedding
    rows = shape.classes + 1
    blocks = shape.blocks
    var l = ParameterLayout()
    cond = Conditioning(E: E, Cd: Cd, rows: rows, layout: &l, acts: acts)
    inW = l.add("convIn.w", [F, C * 9])
    inB = l.add("convIn.b", [F])
    var c1w: [Int] = []
    var c1b: [Int] = []
    var pw: [Int] = []
    var pb: [Int] = []
    var c2w: [Int] = []
    var c2b: [Int] = []
    for k in 0..<blocks {
      c1w.append(l.add("block\(k).conv1.w", [F, F * 9]))
      c1b.append(l.add("block\(k).conv1.b", [F]))
      pw.append(l.add("block\(k).cond.w", [F, Cd]))
      pb.append(l.add("block\(k).cond.b", [F]))
      c2w.append(l.add("block\(k).conv2.w", [F, F * 9]))
      c2b.append(l.add("block\(k).conv2.b", [F]))
    }
    (self.c1w, self.c1b, self.pw, self.pb, self.c2w, self.c2b) = (c1w, c1b, pw, pb, c2w, c2b)
    outW = l.add("convOut.w", [C, F * 9])
    outB = l.add("convOut.b", [C])
    layout = l

    let (C, HW, F, Cd) = (C, H * W, F, Cd)
    let fmap: (Int) -> Int = { $0 * F * HW }
    xc = acts.add { $0 * C * HW }
    let store = acts
    h = (0...blocks).map { _ in store.add(fmap) }
    a = (0..<blocks).map { _ in store.add(fmap) }
    u = (0..<blocks).map { _ in store.add(fmap) }
    s = (0..<blocks).map { _ in store.add(fmap) }
    proj = (0..<blocks).map { _ in store.add { $0 * F } }
    af = acts.add(fmap)
    outc = acts.add { $0 * C * HW }
    out = acts.add { $0 * C * HW }
    let convScratch = 2 * Layers.convScratchCount(C: Swift.max(C, F), H: H, W: W)
    scratch = acts.add { _ in convScratch }
    dA = acts.add(fmap)
    dU = acts.add(fmap)
    dH = acts.add(fmap)
    dOutC = acts.add { $0 * C * HW }
    dE = acts.add { $0 * Cd }
    dProj = acts.add { $0 * F }
  }

  public func forwardPass(
    params P: UnsafePointer<Float>, x xIn: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels yIn: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    let A = acts.start(B: B, labels: yIn)
    let HW = H * W
    let N = B * HW
    cond.forward(P: P, A: A, logSNR: logSNR, labels: yIn, B: B)
    let e = cond.e
    // Image path, (channels, batch, pixels) layout.
    Layers.swapLeadingAxes(out: A[xc], inp: xIn, A: B, B: C, P: HW)
    Layers.conv3x3Forward(
      out: A[h[0]], inp: A[xc], weight: P + inW, bias: P + inB, scratch: A[scratch],
      B: B, C: C, H: H, W: W, OC: F)
    // SiLU(h) is fused into the residual add that produced h (below), except for h[0].
    Layers.siluForward(out: A[blocks > 0 ? a[0] : af], inp: A[h[0]], N: F * N)
    for k in 0..<blocks {
      Layers.conv3x3Forward(
        out: A[u[k]], inp: A[a[k]], weight: P + c1w[k], bias: P + c1b[k], scratch: A[scratch],
        B: B, C: F, H: H, W: W, OC: F)
      Layers.linearForward(
        out: A[proj[k]], inp: A[e], weight: P + pw[k], bias: P + pb[k], B: B, C: Cd, OC: F)
      Layers.addPerChannelSiLUForward(
        s: A[s[k]], u: A[u[k]], v: A[proj[k]], F: F, B: B, P: HW)
      Layers.conv3x3Forward(
        out: A[h[k + 1]], inp: A[s[k]], weight: P + c2w[k], bias: P + c2b[k], scratch: A[scratch],
        B: B, C: F, H: H, W: W, OC: F)
      // h[k+1] += h[k], and the SiLU the next block (or the output conv) applies to it.
      Layers.residualSiLUForward(
        a: A[k + 1 < blocks ? a[k + 1] : af], h: A[h[k + 1]], prev: A[h[k]], N: F * N)
    }
    Layers.conv3x3Forward(
      out: A[outc], inp: A[af], weight: P + outW, bias: P + outB, scratch: A[scratch],
      B: B, C: F, H: H, W: W, OC: C)
    Layers.swapLeadingAxes(out: A[out], inp: A[outc], A: C, B: B, P: HW)
    return UnsafePointer(A[out])
  }

  public func backwardPass(
    params P: UnsafePointer<Float>, grads G: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>
  ) {
    let (A, B) = (acts, acts.last.B)
    let HW = H * W
    let N = B * HW
    let n = F * N
    // In reverse order of the forward pass; a d-buffer's first writer overwrites it
    // (accumulate: false), later ones add to it.
    Layers.swapLeadingAxes(out: A[dOutC], inp: dout, A: B, B: C, P: HW)
    Layers.conv3x3Backward(
      dinp: A[dA], dweight: G + outW, dbias: G + outB, dout: A[dOutC], inp: A[af],
      weight: P + outW, scratch: A[scratch], B: B, C: F, H: H, W: W, OC: C,
      accumulateInput: false)
    Layers.siluBackward(dinp: A[dH], inp: A[h[blocks]], dout: A[dA], N: n, accumulate: false)
    A[dE].update(repeating: 0, count: B * Cd)
    for k in (0..<blocks).reversed() {
      // h[k+1] = h[k] + conv2(s): dH flows to h[k] unchanged and into the branch.
      Layers.conv3x3Backward(
        dinp: A[dA], dweight: G + c2w[k], dbias: G + c2b[k], dout: A[dH], inp: A[s[k]],
        weight: P + c2w[k], scratch: A[scratch], B: B, C: F, H: H, W: W, OC: F,
        accumulateInput: false)
      Layers.siluBackward(dinp: A[dU], inp: A[u[k]], dout: A[dA], N: n, accumulate: false)
      // u = conv1(a) + proj broadcast over the pixels.
      Layers.perChannelSums(dv: A[dProj], du: A[dU], F: F, B: B, P: HW)
      Layers.linearBackward(
        dinp: A[dE], dweight: G + pw[k], dbias: G + pb[k], dout: A[dProj], inp: A[cond.e],
        weight: P + pw[k], B: B, C: Cd, OC: F)
      Layers.conv3x3Backward(
        dinp: A[dA], dweight: G + c1w[k], dbias: G + c1b[k], dout: A[dU], inp: A[a[k]],
        weight: P + c1w[k], scratch: A[scratch], B: B, C: F, H: H, W: W, OC: F,
        accumulateInput: false)
      Layers.siluBackward(dinp: A[dH], inp: A[h[k]], dout: A[dA], N: n)
    }
    Layers.conv3x3Backward(
      dinp: nil, dweight: G + inW, dbias: G + inB, dout: A[dH], inp: A[xc], weight: P + inW,
      scratch: A[scratch], B: B, C: C, H: H, W: W, OC: F)
    cond.backward(P: P, G: G, A: A, dE: A[dE], B: B)
  }
}
