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
  /// dout is (B, OC). Accumulates dinp (B, C) += dout · W (skipped when nil),
  /// dweight (OC, C) += doutᵀ · inp, dbias (OC) += Σ_b dout.
  public static func linearBackward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, B: Int, C: Int, OC: Int
  ) {
    if let dinp {
      BLAS.sgemm(
        transA: false, transB: false, m: B, n: C, k: OC, a: dout, lda: OC, b: weight, ldb: C,
        beta: 1, c: dinp, ldc: C)
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

  /// out = x · σ(x), elementwise over N values.
  public static func siluForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int
  ) {
    var i = 0
    #if !DEBUG
    while i + 8 <= N {
      let x = load8(inp, i)
      store8(x / (1 + exp8(-x)), out, i)
      i += 8
    }
    #endif
    while i < N {
      out[i] = inp[i] / (1 + expf(-inp[i]))
      i += 1
    }
  }

  /// Backward of ``siluForward(out:inp:N:)``: dinp += dout · σ(x)·(1 + x·(1 − σ(x))).
  public static func siluBackward(
    dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>,
    N: Int
  ) {
    var i = 0
    #if !DEBUG
    while i + 8 <= N {
      let x = load8(inp, i)
      let s = 1 / (1 + exp8(-x))
      store8(load8(dinp, i) + load8(dout, i) * s * (1 + x * (1 - s)), dinp, i)
      i += 8
    }
    #endif
    while i < N {
      let x = inp[i]
      let s = 1 / (1 + expf(-x))
      dinp[i] += dout[i] * s * (1 + x * (1 - s))
      i += 1
    }
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
      let src = table + row * C, dst = out + b * C
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
      let dst = dtable + Int(labels[b]) * C, src = dout + b * C
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

  // MARK: - Convolution 3×3, padding 1 (im2col + sgemm)

  /// Columns per sgemm in the convolutions: enough to keep sgemm efficient, small enough that
  /// the im2col scratch (C·9 × columns) stays in cache-friendly sizes.
  public static let convChunkColumns = 4096

  /// The scratch a convolution over (C, B, H, W) needs: C·9 × chunk columns.
  public static func convScratchCount(C: Int, H: Int, W: Int) -> Int {
    C * 9 * convChunk(H: H, W: W) * H * W
  }

  /// How many images one chunk of the convolution covers.
  static func convChunk(H: Int, W: Int) -> Int { Swift.max(1, convChunkColumns / (H * W)) }

  /// Unfolds images b0..<b0+nb of inp (C, B, H, W) into col (C·9, nb·H·W); zero outside.
  static func im2col(
    col: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, C: Int, B: Int, H: Int, W: Int,
    b0: Int, nb: Int
  ) {
    let HW = H * W, ncols = nb * HW
    for c in 0..<C {
      for ky in 0..<3 {
        for kx in 0..<3 {
          let dst = col + ((c * 9) + ky * 3 + kx) * ncols
          let dx = kx - 1, xlo = Swift.max(0, -dx), xhi = Swift.min(W, W - dx)
          for bi in 0..<nb {
            let src = inp + c * B * HW + (b0 + bi) * HW
            for y in 0..<H {
              let row = dst + bi * HW + y * W
              let sy = y + ky - 1
              if sy < 0 || sy >= H {
                row.update(repeating: 0, count: W)
                continue
              }
              if xlo > 0 { row[0] = 0 }
              if xhi < W { row[W - 1] = 0 }
              (row + xlo).update(from: src + sy * W + xlo + dx, count: xhi - xlo)
            }
          }
        }
      }
    }
  }

  /// The adjoint of ``im2col(col:inp:C:B:H:W:b0:nb:)``: dinp += fold(dcol).
  static func col2im(
    dinp: UnsafeMutablePointer<Float>, dcol: UnsafePointer<Float>, C: Int, B: Int, H: Int,
    W: Int, b0: Int, nb: Int
  ) {
    let HW = H * W, ncols = nb * HW
    for c in 0..<C {
      for ky in 0..<3 {
        for kx in 0..<3 {
          let src = dcol + ((c * 9) + ky * 3 + kx) * ncols
          let dx = kx - 1, xlo = Swift.max(0, -dx), xhi = Swift.min(W, W - dx)
          for bi in 0..<nb {
            let dst = dinp + c * B * HW + (b0 + bi) * HW
            for y in 0..<H {
              let sy = y + ky - 1
              if sy < 0 || sy >= H { continue }
              let row = src + bi * HW + y * W
              let d = dst + sy * W + dx
              for x in xlo..<xhi { d[x] += row[x] }
            }
          }
        }
      }
    }
  }

  /// out = conv3×3(inp) + bias, padding 1, stride 1.
  ///
  /// inp is (C, B, H, W) (channels outermost, so each chunk of images is one sgemm),
  /// weight is (OC, C, 3, 3), bias is (OC); out is (OC, B, H, W); scratch holds
  /// ``convScratchCount(C:H:W:)`` floats.
  public static func conv3x3Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int
  ) {
    let HW = H * W, N = B * HW, chunk = convChunk(H: H, W: W)
    var b0 = 0
    while b0 < B {
      let nb = Swift.min(chunk, B - b0), ncols = nb * HW
      im2col(col: scratch, inp: inp, C: C, B: B, H: H, W: W, b0: b0, nb: nb)
      BLAS.sgemm(
        transA: false, transB: false, m: OC, n: ncols, k: C * 9, a: weight, lda: C * 9,
        b: scratch, ldb: ncols, beta: 0, c: out + b0 * HW, ldc: N)
      b0 += nb
    }
    for o in 0..<OC {
      let row = out + o * N, v = bias[o]
      for i in 0..<N { row[i] += v }
    }
  }

  /// Backward of ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``.
  ///
  /// dout is (OC, B, H, W). Accumulates dinp (C, B, H, W) (skipped when nil),
  /// dweight (OC, C·9) += dout · colᵀ, dbias (OC) += Σ dout. The columns are recomputed from
  /// inp rather than stored: im2col is cheap next to the products, and storing them would take
  /// nine times the activations. scratch holds 2 × ``convScratchCount(C:H:W:)`` floats.
  public static func conv3x3Backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int
  ) {
    let HW = H * W, N = B * HW, chunk = convChunk(H: H, W: W)
    let dcol = scratch + convScratchCount(C: C, H: H, W: W)
    var b0 = 0
    while b0 < B {
      let nb = Swift.min(chunk, B - b0), ncols = nb * HW
      im2col(col: scratch, inp: inp, C: C, B: B, H: H, W: W, b0: b0, nb: nb)
      BLAS.sgemm(
        transA: false, transB: true, m: OC, n: C * 9, k: ncols, a: dout + b0 * HW, lda: N,
        b: scratch, ldb: ncols, beta: 1, c: dweight, ldc: C * 9)
      if let dinp {
        BLAS.sgemm(
          transA: true, transB: false, m: C * 9, n: ncols, k: OC, a: weight, lda: C * 9,
          b: dout + b0 * HW, ldb: N, beta: 0, c: dcol, ldc: ncols)
        col2im(dinp: dinp, dcol: dcol, C: C, B: B, H: H, W: W, b0: b0, nb: nb)
      }
      b0 += nb
    }
    for o in 0..<OC {
      let row = dout + o * N
      var sum: Float = 0
      for i in 0..<N { sum += row[i] }
      dbias[o] += sum
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
