/// MLP-S, the reference denoiser for 8×8 data (D = C·H·W values, width 512):
///
/// ```
/// e   = sinusoidal(logSNR)                 (B, 64)
/// h1  = SiLU(W1·x + b1 + Wt·e + E[y])      (B, 512)
/// h2  = SiLU(W2·h1 + b2)                   (B, 512)
/// h3  = SiLU(W3·h2 + b3)                   (B, 512)
/// out = W4·h3 + b4                         (B, D)
/// ```
/// E has `classes + 1` rows; the last is "no class".
public final class MLPS: Denoiser {
  public let shape: ModelShape
  public let layout: ParameterLayout
  let D: Int, Hd: Int, E: Int, rows: Int
  let w1: Int, b1: Int, wt: Int, emb: Int
  /// fc2, fc3 and fc4: the linears after h1, h2 and h3, and their widths out (Hd, Hd, D).
  let fc: [(w: Int, b: Int, OC: Int)]

  // Activations of the last forward (indices into `acts`): pre[k] is layer k + 1 before its
  // SiLU, h[k] after.
  let acts = Scratch()
  let x: Int, temb: Int, pre: [Int], h: [Int], out: Int
  let dh: Int, dpre: Int

  public init(_ shape: ModelShape) {
    self.shape = shape
    D = shape.pixels
    Hd = shape.hidden
    E = shape.embedding
    rows = shape.classes + 1
    var l = ParameterLayout()
    w1 = l.add("fc1.w", [Hd, D])
    b1 = l.add("fc1.b", [Hd])
    wt = l.add("time.w", [Hd, E])
    emb = l.add("class.emb", [rows, Hd])
    let (D, Hd, E) = (D, Hd, E)
    fc = [(2, Hd), (3, Hd), (4, D)].map { k, OC in
      (l.add("fc\(k).w", [OC, Hd]), l.add("fc\(k).b", [OC]), OC)
    }
    layout = l
    let store = acts
    x = acts.add { $0 * D }
    temb = acts.add { $0 * E }
    pre = (0..<3).map { _ in store.add { $0 * Hd } }
    h = (0..<3).map { _ in store.add { $0 * Hd } }
    out = acts.add { $0 * D }
    dh = acts.add { $0 * Hd }
    dpre = acts.add { $0 * Hd }
  }

  public func forward(
    params P: UnsafePointer<Float>, x xIn: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels yIn: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    let a = acts.start(B: B, labels: yIn)
    a[x].update(from: xIn, count: B * D)
    Layers.sinusoidalForward(out: a[temb], logSNR: logSNR, B: B, E: E)
    Layers.linearForward(
      out: a[pre[0]], inp: a[x], weight: P + w1, bias: P + b1, B: B, C: D, OC: Hd)
    Layers.linearForward(
      out: a[pre[0]], inp: a[temb], weight: P + wt, bias: nil, B: B, C: E, OC: Hd,
      accumulate: true)
    Layers.embeddingForward(
      out: a[pre[0]], labels: yIn, table: P + emb, B: B, C: Hd, rows: rows, accumulate: true)
    // h[k] = SiLU(pre[k]), then the next linear: into pre[k + 1], or the output.
    for k in 0..<3 {
      Layers.siluForward(out: a[h[k]], inp: a[pre[k]], N: B * Hd)
      Layers.linearForward(
        out: a[k < 2 ? pre[k + 1] : out], inp: a[h[k]], weight: P + fc[k].w, bias: P + fc[k].b,
        B: B, C: Hd, OC: fc[k].OC)
    }
    return UnsafePointer(a[out])
  }

  public func backward(
    params P: UnsafePointer<Float>, grads G: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>
  ) {
    let (a, B) = (acts, acts.last.B)
    // In reverse order of the forward pass. dh and dpre are per-step scratch, overwritten by
    // their first writer (accumulateInput / accumulate false).
    var dnext = dout  // the gradient of the k-th linear's output
    for k in (0..<3).reversed() {
      Layers.linearBackward(
        dinp: a[dh], dweight: G + fc[k].w, dbias: G + fc[k].b, dout: dnext, inp: a[h[k]],
        weight: P + fc[k].w, B: B, C: Hd, OC: fc[k].OC, accumulateInput: false)
      Layers.siluBackward(dinp: a[dpre], inp: a[pre[k]], dout: a[dh], N: B * Hd, accumulate: false)
      dnext = UnsafePointer(a[dpre])
    }
    // pre[0] = W1·x + b1 + Wt·e + E[y]: three branches share dpre; x and e need no gradient.
    a.last.labels.withUnsafeBufferPointer { y in
      Layers.embeddingBackward(dtable: G + emb, labels: y.baseAddress!, dout: a[dpre], B: B, C: Hd)
    }
    Layers.linearBackward(
      dinp: nil, dweight: G + wt, dbias: nil, dout: a[dpre], inp: a[temb], weight: P + wt,
      B: B, C: E, OC: Hd)
    Layers.linearBackward(
      dinp: nil, dweight: G + w1, dbias: G + b1, dout: a[dpre], inp: a[x], weight: P + w1,
      B: B, C: D, OC: Hd)
  }
}
