/// The noise-level and class conditioning ConvRes-S and UNet-S share:
///
/// ```
/// e = Linear(Cd)(SiLU(Linear(Cd)(sinusoidal(logSNR)))) + E[y]        (B, Cd)
/// ```
/// Its parameters come first in a model's layout (cond1, cond2, class.emb).
struct Conditioning {
  let E: Int, Cd: Int, rows: Int
  let t1w: Int, t1b: Int, t2w: Int, t2b: Int, emb: Int
  /// Activations: the sinusoidal embedding, the first linear before and after SiLU, e; and the
  /// gradient buffers of the two hidden tensors.
  let temb: Int, t1: Int, t1s: Int, e: Int, dT: Int, dT1: Int

  init(E: Int, Cd: Int, rows: Int, layout l: inout ParameterLayout, acts: Scratch) {
    (self.E, self.Cd, self.rows) = (E, Cd, rows)
    t1w = l.add("cond1.w", [Cd, E])
    t1b = l.add("cond1.b", [Cd])
    t2w = l.add("cond2.w", [Cd, Cd])
    t2b = l.add("cond2.b", [Cd])
    emb = l.add("class.emb", [rows, Cd])
    temb = acts.add { $0 * E }
    t1 = acts.add { $0 * Cd }
    t1s = acts.add { $0 * Cd }
    e = acts.add { $0 * Cd }
    dT = acts.add { $0 * Cd }
    dT1 = acts.add { $0 * Cd }
  }

  /// Writes e (B, Cd) into A[e].
  func forward(
    P: UnsafePointer<Float>, A: Scratch, logSNR: UnsafePointer<Float>,
    labels: UnsafePointer<Int32>, B: Int
  ) {
    Layers.sinusoidalForward(out: A[temb], logSNR: logSNR, B: B, E: E)
    Layers.linearForward(
      out: A[t1], inp: A[temb], weight: P + t1w, bias: P + t1b, B: B, C: E, OC: Cd)
    Layers.siluForward(out: A[t1s], inp: A[t1], N: B * Cd)
    Layers.linearForward(
      out: A[e], inp: A[t1s], weight: P + t2w, bias: P + t2b, B: B, C: Cd, OC: Cd)
    Layers.embeddingForward(
      out: A[e], labels: labels, table: P + emb, B: B, C: Cd, rows: rows, accumulate: true)
  }

  /// dE is (B, Cd), the gradient of e; accumulates the conditioning's parameter gradients.
  func backward(
    P: UnsafePointer<Float>, G: UnsafeMutablePointer<Float>, A: Scratch,
    dE: UnsafePointer<Float>, B: Int
  ) {
    // In reverse order of forward.
    A.last.labels.withUnsafeBufferPointer { y in
      Layers.embeddingBackward(dtable: G + emb, labels: y.baseAddress!, dout: dE, B: B, C: Cd)
    }
    A[dT].update(repeating: 0, count: B * Cd)
    Layers.linearBackward(
      dinp: A[dT], dweight: G + t2w, dbias: G + t2b, dout: dE, inp: A[t1s], weight: P + t2w,
      B: B, C: Cd, OC: Cd)
    A[dT1].update(repeating: 0, count: B * Cd)
    Layers.siluBackward(dinp: A[dT1], inp: A[t1], dout: A[dT], N: B * Cd)
    Layers.linearBackward(
      dinp: nil, dweight: G + t1w, dbias: G + t1b, dout: A[dT1], inp: A[temb], weight: P + t1w,
      B: B, C: E, OC: Cd)
  }
}
