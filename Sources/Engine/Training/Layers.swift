import CElementwise
import Foundation

// The layers of the denoisers, each as a forward and a backward function (llm.c style).
// Every function opens with its shapes. Backward functions ACCUMULATE (+=) into the gradients
// they are given, so a caller zeroes gradients once per step (`zeroGrad`) and layers that feed the
// same tensor (a residual, two linears summed) need no special handling.

/// Named slices of one contiguous parameter buffer.
///
/// Parameters, gradients, Adam's m and v and the EMA copy all share this layout, so an optimiser
/// is one flat loop over `count` floats, and LAMB's per-tensor trust ratio walks `entries`.
public struct ParameterLayout: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let offset: Int
    public let shape: [Int]
    public var count: Int { shape.reduce(1, *) }
  }

  public private(set) var entries: [Entry] = []
  public private(set) var count = 0

  public init() {}

  /// Appends a tensor called `name` of `shape` and returns its offset.
  @discardableResult
  public mutating func add(_ name: String, _ shape: [Int]) -> Int {
    precondition(!entries.contains { $0.name == name }, "parameter \(name) added twice")
    let entry = Entry(name: name, offset: count, shape: shape)
    entries.append(entry)
    count += entry.count
    return entry.offset
  }

  public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }
}

/// The layers: stateless functions on raw pointers.
public enum Layers {
  // MARK: - Linear

  /// out = inp · Wᵀ + bias (+ out when `accumulate`).
  ///
  /// inp is (B, C), weight is (OC, C) (PyTorch's layout), bias is (OC) or nil; out is (B, OC).
  public static func linearForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, B: Int, C: Int, OC: Int, accumulate: Bool = false
  ) {
    BLAS.sgemm(
      transA: false, transB: true, m: B, n: OC, k: C, a: inp, lda: C, b: weight, ldb: C,
      beta: accumulate ? 1 : 0, c: out, ldc: OC)
    if let bias {
      for b in 0..<B {
        let row = out + b * OC
        for o in 0..<OC { row[o] += bias[o] }
      }
    }
  }

  /// Backward of ``linearForward(out:inp:weight:bias:B:C:OC:accumulate:)``.
  ///
  /// dout is (B, OC). Accumulates dinp (B, C) += dout · W (skipped when nil; overwritten when
  /// `accumulateInput` is false), dweight (OC, C) += doutᵀ · inp, dbias (OC) += Σ_b dout.
  public static func linearBackward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, B: Int, C: Int, OC: Int, accumulateInput: Bool = true
  ) {
    if let dinp {
      BLAS.sgemm(
        transA: false, transB: false, m: B, n: C, k: OC, a: dout, lda: OC, b: weight, ldb: C,
        beta: accumulateInput ? 1 : 0, c: dinp, ldc: C)
    }
    BLAS.sgemm(
      transA: true, transB: false, m: OC, n: C, k: B, a: dout, lda: OC, b: inp, ldb: C,
      beta: 1, c: dweight, ldc: C)
    if let dbias {
      for b in 0..<B {
        let row = dout + b * OC
        for o in 0..<OC { dbias[o] += row[o] }
      }
    }
  }

  // MARK: - SiLU

  // The SiLU loops are CElementwise's (AVX-512, AVX2 or baseline, chosen at load time): the
  // operations of the Swift 8-lane loops they replaced, in the same order, so the same floats
  // at up to 16 lanes where Swift's baseline build had two 4-lane halves.

  /// out = x · σ(x), elementwise over N values.
  public static func siluForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int
  ) {
    parallelRanges(N) { lo, hi in schedtui_silu_forward(out + lo, inp + lo, hi - lo) }
  }

  /// Backward of ``siluForward(out:inp:N:)``: dinp += dout · σ(x)·(1 + x·(1 − σ(x))).
  ///
  /// With `accumulate` false, dinp = … instead: the same as zeroing dinp first, without the
  /// extra pass over it.
  public static func siluBackward(
    dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>,
    N: Int, accumulate: Bool = true
  ) {
    parallelRanges(N) { lo, hi in
      schedtui_silu_backward(dinp + lo, inp + lo, dout + lo, hi - lo, accumulate ? 1 : 0)
    }
  }

  /// u (F, B, P) += v (B, F) broadcast over the P pixels, then s = SiLU(u), in one pass:
  /// ConvRes-S's `conv3×3(…) + Linear(e)` and the SiLU after it. (u·1 + v is u + v exactly.)
  public static func addPerChannelSiLUForward(
    s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, v: UnsafePointer<Float>,
    F: Int, B: Int, P: Int
  ) {
    parallelRanges(F * B, minimum: 2) { lo, hi in
      for r in lo..<hi {
        schedtui_affine_silu(u + r * P, s + r * P, u + r * P, P, 1, v[(r % B) * F + r / B])
      }
    }
  }

  /// h += prev, then a = SiLU(h), in one pass over N values: a residual connection and the
  /// SiLU that the next layer applies to its result.
  public static func residualSiLUForward(
    a: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, prev: UnsafePointer<Float>,
    N: Int
  ) {
    parallelRanges(N) { lo, hi in schedtui_add_silu(h + lo, a + lo, prev + lo, hi - lo) }
  }

  // MARK: - Embeddings

  /// out[b] (+)= table[labels[b]]: a lookup row per example.
  ///
  /// labels is (B) with values in 0..<rows, table is (rows, C), out is (B, C).
  public static func embeddingForward(
    out: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, table: UnsafePointer<Float>,
    B: Int, C: Int, rows: Int, accumulate: Bool = false
  ) {
    for b in 0..<B {
      let row = Int(labels[b])
      precondition(row >= 0 && row < rows, "label \(row) outside 0..<\(rows)")
      let src = table + row * C
      let dst = out + b * C
      if accumulate {
        for c in 0..<C { dst[c] += src[c] }
      } else {
        dst.update(from: src, count: C)
      }
    }
  }

  /// Backward of ``embeddingForward(out:labels:table:B:C:rows:accumulate:)``:
  /// dtable[labels[b]] += dout[b].
  public static func embeddingBackward(
    dtable: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, dout: UnsafePointer<Float>,
    B: Int, C: Int
  ) {
    for b in 0..<B {
      let dst = dtable + Int(labels[b]) * C
      let src = dout + b * C
      for c in 0..<C { dst[c] += src[c] }
    }
  }

  /// The frequencies of ``sinusoidalForward(out:logSNR:B:E:)``: geometric from 1/64 to 16.
  ///
  /// The noise level fed to it is a logSNR λ, which spans about [−20, 20] for the schedules
  /// schedtui knows: the lowest frequency keeps that whole range on a monotone stretch of one
  /// sine, the highest resolves steps of about 0.1 in λ.
  public static func sinusoidalFrequencies(_ half: Int) -> [Float] {
    (0..<half).map { i in
      let f = half > 1 ? Double(i) / Double(half - 1) : 0
      return Float(Foundation.exp(Foundation.log(1.0 / 64) + f * Foundation.log(16.0 * 64)))
    }
  }

  /// out[b] = [sin(λ_b·f_0), …, sin(λ_b·f_{E/2−1}), cos(λ_b·f_0), …]: the noise-level embedding.
  ///
  /// logSNR is (B), out is (B, E) with E even. No parameters.
  public static func sinusoidalForward(
    out: UnsafeMutablePointer<Float>, logSNR: UnsafePointer<Float>, B: Int, E: Int
  ) {
    precondition(E % 2 == 0, "sinusoidal embedding width must be even, got \(E)")
    let half = E / 2
    let freqs = sinusoidalFrequencies(half)
    for b in 0..<B {
      for i in 0..<half {
        let a = logSNR[b] * freqs[i]
        out[b * E + i] = sinf(a)
        out[b * E + half + i] = cosf(a)
      }
    }
  }

  /// Backward of ``sinusoidalForward(out:logSNR:B:E:)`` to the noise level:
  /// dlogSNR[b] += Σ_i dout·f_i·cos(λf_i) − dout'·f_i·sin(λf_i). Training never needs it (λ is
  /// an input); it lets the gradient check cover the embedding path end to end.
  public static func sinusoidalBackward(
    dlogSNR: UnsafeMutablePointer<Float>, logSNR: UnsafePointer<Float>, dout: UnsafePointer<Float>,
    B: Int, E: Int
  ) {
    let half = E / 2
    let freqs = sinusoidalFrequencies(half)
    for b in 0..<B {
      var sum: Float = 0
      for i in 0..<half {
        let a = logSNR[b] * freqs[i]
        sum += dout[b * E + i] * freqs[i] * cosf(a) - dout[b * E + half + i] * freqs[i] * sinf(a)
      }
      dlogSNR[b] += sum
    }
  }

  // MARK: - Layout helpers

  /// out (C, B, P) = inp (B, C, P) with the first two axes swapped (P = H·W pixels).
  public static func swapLeadingAxes(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, A: Int, B: Int, P: Int
  ) {
    for a in 0..<A {
      for b in 0..<B {
        (out + (b * A + a) * P).update(from: inp + (a * B + b) * P, count: P)
      }
    }
  }
}
