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
  let w1: Int, b1: Int, wt: Int, emb: Int, w2: Int, b2: Int, w3: Int, b3: Int, w4: Int, b4: Int

  // Activations of the last forward (indices into `acts`).
  let acts = Scratch()
  let x: Int, temb: Int, pre1: Int, h1: Int, pre2: Int, h2: Int, pre3: Int, h3: Int, out: Int
  let dh: Int, dpre: Int
  var labels: [Int32] = []
  var B = 0

  public init(_ shape: ModelShape) {
    self.shape = shape
    D = shape.pixels
    Hd = shape.hidden
    E = shape.embedding
    rows = shape.classes + 1
    var l = ParameterLayout()
    w1 = l.add("fc1.w", [Hd, D]); b1 = l.add("fc1.b", [Hd])
    wt = l.add("time.w", [Hd, E])
    emb = l.add("class.emb", [rows, Hd])
    w2 = l.add("fc2.w", [Hd, Hd]); b2 = l.add("fc2.b", [Hd])
    w3 = l.add("fc3.w", [Hd, Hd]); b3 = l.add("fc3.b", [Hd])
    w4 = l.add("fc4.w", [D, Hd]); b4 = l.add("fc4.b", [D])
    layout = l
    let (D, Hd, E) = (D, Hd, E)
    x = acts.add { $0 * D }
    temb = acts.add { $0 * E }
    pre1 = acts.add { $0 * Hd }; h1 = acts.add { $0 * Hd }
    pre2 = acts.add { $0 * Hd }; h2 = acts.add { $0 * Hd }
    pre3 = acts.add { $0 * Hd }; h3 = acts.add { $0 * Hd }
    out = acts.add { $0 * D }
    dh = acts.add { $0 * Hd }; dpre = acts.add { $0 * Hd }
  }

  public func forward(
    params P: UnsafePointer<Float>, x xIn: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels yIn: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    acts.grow(B)
    self.B = B
    labels = Array(UnsafeBufferPointer(start: yIn, count: B))
    let a = acts
    a[x].update(from: xIn, count: B * D)
    Layers.sinusoidalForward(out: a[temb], logSNR: logSNR, B: B, E: E)
    Layers.linearForward(out: a[pre1], inp: a[x], weight: P + w1, bias: P + b1, B: B, C: D, OC: Hd)
    Layers.linearForward(
      out: a[pre1], inp: a[temb], weight: P + wt, bias: nil, B: B, C: E, OC: Hd, accumulate: true)
    Layers.embeddingForward(
      out: a[pre1], labels: yIn, table: P + emb, B: B, C: Hd, rows: rows, accumulate: true)
    Layers.siluForward(out: a[h1], inp: a[pre1], N: B * Hd)
    Layers.linearForward(out: a[pre2], inp: a[h1], weight: P + w2, bias: P + b2, B: B, C: Hd, OC: Hd)
    Layers.siluForward(out: a[h2], inp: a[pre2], N: B * Hd)
    Layers.linearForward(out: a[pre3], inp: a[h2], weight: P + w3, bias: P + b3, B: B, C: Hd, OC: Hd)
    Layers.siluForward(out: a[h3], inp: a[pre3], N: B * Hd)
    Layers.linearForward(out: a[out], inp: a[h3], weight: P + w4, bias: P + b4, B: B, C: Hd, OC: D)
    return UnsafePointer(a[out])
  }

  public func backward(
    params P: UnsafePointer<Float>, grads G: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>
  ) {
    let a = acts, B = self.B, n = B * Hd
    // In reverse order of the forward pass. dh and dpre are per-step scratch: zeroed before use
    // because the layers accumulate.
    a[dh].update(repeating: 0, count: n)
    Layers.linearBackward(
      dinp: a[dh], dweight: G + w4, dbias: G + b4, dout: dout, inp: a[h3], weight: P + w4,
      B: B, C: Hd, OC: D)
    a[dpre].update(repeating: 0, count: n)
    Layers.siluBackward(dinp: a[dpre], inp: a[pre3], dout: a[dh], N: n)
    a[dh].update(repeating: 0, count: n)
    Layers.linearBackward(
      dinp: a[dh], dweight: G + w3, dbias: G + b3, dout: a[dpre], inp: a[h2], weight: P + w3,
      B: B, C: Hd, OC: Hd)
    a[dpre].update(repeating: 0, count: n)
    Layers.siluBackward(dinp: a[dpre], inp: a[pre2], dout: a[dh], N: n)
    a[dh].update(repeating: 0, count: n)
    Layers.linearBackward(
      dinp: a[dh], dweight: G + w2, dbias: G + b2, dout: a[dpre], inp: a[h1], weight: P + w2,
      B: B, C: Hd, OC: Hd)
    a[dpre].update(repeating: 0, count: n)
    Layers.siluBackward(dinp: a[dpre], inp: a[pre1], dout: a[dh], N: n)
    // pre1 = W1·x + b1 + Wt·e + E[y]: three branches share dpre; x and e need no gradient.
    labels.withUnsafeBufferPointer { y in
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
