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
    parallelRanges(N) { lo, hi in
      var i = lo
      #if !DEBUG
        while i + 8 <= hi {
          let x = load8(inp, i)
          store8(x / (1 + exp8(-x)), out, i)
          i += 8
        }
      #endif
      while i < hi {
        out[i] = inp[i] / (1 + expf(-inp[i]))
        i += 1
      }
    }
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
      var i = lo
      #if !DEBUG
        while i + 8 <= hi {
          let x = load8(inp, i)
          let s = 1 / (1 + exp8(-x))
          let d = load8(dout, i) * s * (1 + x * (1 - s))
          store8(accumulate ? load8(dinp, i) + d : d, dinp, i)
          i += 8
        }
      #endif
      while i < hi {
        let x = inp[i]
        let s = 1 / (1 + expf(-x))
        let d = dout[i] * s * (1 + x * (1 - s))
        dinp[i] = accumulate ? dinp[i] + d : d
        i += 1
      }
    }
  }

  /// u (F, B, P) += v (B, F) broadcast over the P pixels, then s = SiLU(u), in one pass:
  /// ConvRes-S's `conv3×3(…) + Linear(e)` and the SiLU after it. The same operations in the same
  /// order as ``siluForward(out:inp:N:)`` after a separate add, so the same values.
  public static func addPerChannelSiLUForward(
    s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, v: UnsafePointer<Float>,
    F: Int, B: Int, P: Int
  ) {
    parallelRanges(F * B, minimum: 2) { lo, hi in
      for r in lo..<hi {
        let (c, b) = (r / B, r % B)
        let add = v[b * F + c]
        let urow = u + r * P
        let srow = s + r * P
        var i = 0
        #if !DEBUG
          while i + 8 <= P {
            let x = load8(urow, i) + add
            store8(x, urow, i)
            store8(x / (1 + exp8(-x)), srow, i)
            i += 8
          }
        #endif
        while i < P {
          let x = urow[i] + add
          urow[i] = x
          srow[i] = x / (1 + expf(-x))
          i += 1
        }
      }
    }
  }

  /// h += prev, then a = SiLU(h), in one pass over N values: a residual connection and the
  /// SiLU that the next layer applies to its result.
  public static func residualSiLUForward(
    a: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, prev: UnsafePointer<Float>,
    N: Int
  ) {
    parallelRanges(N) { lo, hi in
      var i = lo
      #if !DEBUG
        while i + 8 <= hi {
          let x = load8(h, i) + load8(prev, i)
          store8(x, h, i)
          store8(x / (1 + exp8(-x)), a, i)
          i += 8
        }
      #endif
      while i < hi {
        let x = h[i] + prev[i]
        h[i] = x
        a[i] = x / (1 + expf(-x))
        i += 1
      }
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

  // MARK: - Convolution 3×3, padding 1 (im2col + sgemm)

  /// Columns per sgemm in the convolutions: enough to keep sgemm efficient, small enough that
  /// the im2col scratch (C·9 × columns) stays in the core's cache while sgemm packs it.
  /// A chunk holds whole images when they fit and a run of one image's pixels otherwise.
  public static let convChunkColumns = 256

  /// At most this many workers split a convolution's batch between them (see
  /// ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``).
  public static let convMaxWorkers = 2

  /// The scratch a convolution over (C, B, H, W) needs: per worker, C·9 × chunk columns for
  /// the columns and C·C·9 for a private weight gradient.
  public static func convScratchCount(C: Int, H: Int, W: Int) -> Int {
    convMaxWorkers * (C * 9 * convChunk(H: H, W: W) + C * C * 9)
  }

  /// How many columns (pixels of the flattened batch) one chunk of the convolution covers:
  /// whole images when one fits in ``convChunkColumns``, else exactly that many.
  static func convChunk(H: Int, W: Int) -> Int {
    let HW = H * W
    return HW <= convChunkColumns ? convChunkColumns / HW * HW : convChunkColumns
  }

  /// Runs `body(worker, b0, b1)` for each worker's share of the batch, on separate threads,
  /// with OpenBLAS's threads divided between the workers.
  ///
  /// A convolution's work is im2col copies between sgemm calls. With OpenBLAS threading each
  /// product, the other cores idle (spinning in OpenBLAS) during every copy; splitting the
  /// batch between workers that each call a single-threaded sgemm keeps every core busy
  /// and makes each worker's copies run in parallel. Workers write disjoint columns.
  @discardableResult
  static func convWorkers(
    B: Int, _ body: (_ worker: Int, _ b0: Int, _ b1: Int) -> Void
  ) -> Int {
    let threads = BLAS.threads
    let workers = Swift.min(threads, convMaxWorkers, B)
    if workers <= 1 {
      body(0, 0, B)
      return 1
    }
    BLAS.threads = Swift.max(1, threads / workers)
    defer { BLAS.threads = threads }
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        body(w, B * w / workers, B * (w + 1) / workers)
      }
    }
    return workers
  }

  /// Unfolds columns q0..<q0+ncols of inp (C, B·H·W) (column q is pixel q mod H·W of image
  /// q / H·W) into col (C·9, ncols); zero outside the image.
  ///
  /// Row (c, ky, kx) of col is image plane c shifted by (dy, dx) = (ky − 1, kx − 1):
  /// col[y·W + x] = inp[(y + dy)·W + x + dx]. Within one image that is one contiguous copy of
  /// the valid pixels j0..<j1, offset by dy·W + dx; the copy also fills the border column
  /// (x = 0 when dx = −1, x = W − 1 when dx = 1) from the neighbouring row, so those are zeroed
  /// after it, and so are the pixels outside j0..<j1 (rows that fall outside the image).
  static func im2col(
    col: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, C: Int, B: Int, H: Int, W: Int,
    q0: Int, ncols: Int
  ) {
    let HW = H * W
    for c in 0..<C {
      for ky in 0..<3 {
        let dy = ky - 1
        let ylo = Swift.max(0, -dy)
        let yhi = Swift.min(H, H - dy)
        for kx in 0..<3 {
          let dx = kx - 1
          let dst = col + ((c * 9) + ky * 3 + kx) * ncols
          let j0 = ylo * W + Swift.max(0, -dx)
          let j1 = Swift.max(j0, yhi * W - Swift.max(0, dx))
          let shift = dy * W + dx
          var q = q0
          while q < q0 + ncols {
            // One image's pixels p0..<p1, stored from dst[o].
            let b = q / HW
            let p0 = q - b * HW
            let p1 = Swift.min(HW, q0 + ncols - b * HW)
            let o = q - q0
            let src = inp + c * B * HW + b * HW
            let lo = Swift.min(Swift.max(j0, p0), p1)
            let hi = Swift.min(Swift.max(j1, lo), p1)
            if lo > p0 { (dst + o).update(repeating: 0, count: lo - p0) }
            if hi > lo { (dst + o + lo - p0).update(from: src + lo + shift, count: hi - lo) }
            if p1 > hi { (dst + o + hi - p0).update(repeating: 0, count: p1 - hi) }
            if dx != 0 && hi > lo {
              let x = dx < 0 ? 0 : W - 1
              for y in (lo / W)...((hi - 1) / W) {
                let pix = y * W + x
                if pix >= lo && pix < hi { dst[o + pix - p0] = 0 }
              }
            }
            q += p1 - p0
          }
        }
      }
    }
  }

  /// The adjoint of ``im2col(col:inp:C:B:H:W:q0:ncols:)``: adds every entry of col
  /// (C·9, ncols) back onto the input pixel it was copied from, inp (C, B·H·W) += fold(col).
  /// Entries that im2col sets to zero (padding) are dropped; col's border-column entries are
  /// overwritten with zero on the way (col is scratch).
  static func col2im(
    inp: UnsafeMutablePointer<Float>, col: UnsafeMutablePointer<Float>, C: Int, B: Int, H: Int,
    W: Int, q0: Int, ncols: Int
  ) {
    let HW = H * W
    for c in 0..<C {
      for ky in 0..<3 {
        let dy = ky - 1
        let ylo = Swift.max(0, -dy)
        let yhi = Swift.min(H, H - dy)
        for kx in 0..<3 {
          let dx = kx - 1
          let src = col + ((c * 9) + ky * 3 + kx) * ncols
          let j0 = ylo * W + Swift.max(0, -dx)
          let j1 = Swift.max(j0, yhi * W - Swift.max(0, dx))
          let shift = dy * W + dx
          var q = q0
          while q < q0 + ncols {
            let b = q / HW
            let p0 = q - b * HW
            let p1 = Swift.min(HW, q0 + ncols - b * HW)
            let o = q - q0
            let lo = Swift.min(Swift.max(j0, p0), p1)
            let hi = Swift.min(Swift.max(j1, lo), p1)
            if hi > lo {
              // seg[pix] is col's entry for pixel pix; it belongs to input pixel pix + shift.
              let seg = src + o - p0
              if dx != 0 {
                let x = dx < 0 ? 0 : W - 1
                for y in (lo / W)...((hi - 1) / W) {
                  let pix = y * W + x
                  if pix >= lo && pix < hi { seg[pix] = 0 }
                }
              }
              let dst = inp + c * B * HW + b * HW + shift
              var i = lo
              #if !DEBUG
                while i + 8 <= hi {
                  store8(load8(dst, i) + load8(seg, i), dst, i)
                  i += 8
                }
              #endif
              while i < hi {
                dst[i] += seg[i]
                i += 1
              }
            }
            q += p1 - p0
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
    let HW = H * W
    let N = B * HW
    let chunk = convChunk(H: H, W: W)
    let perWorker = convScratchCount(C: C, H: H, W: W) / convMaxWorkers
    nonisolated(unsafe) let out = out
    convWorkers(B: B) { w, bLo, bHi in
      let col = scratch + w * perWorker
      var q = bLo * HW
      while q < bHi * HW {
        let ncols = Swift.min(chunk, bHi * HW - q)
        im2col(col: col, inp: inp, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        BLAS.sgemm(
          transA: false, transB: false, m: OC, n: ncols, k: C * 9, a: weight, lda: C * 9,
          b: col, ldb: ncols, beta: 0, c: out + q, ldc: N)
        q += ncols
      }
      for o in 0..<OC {
        let row = out + o * N + bLo * HW
        let v = bias[o]
        for i in 0..<((bHi - bLo) * HW) { row[i] += v }
      }
    }
  }

  /// Backward of ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``.
  ///
  /// dout is (OC, B, H, W). Accumulates dweight (OC, C·9) += dout · colᵀ, dbias (OC) += Σ dout,
  /// and dinp (C, B, H, W) (skipped when nil): per chunk, dcol = Wᵀ · dout (C·9, columns), one
  /// sgemm with K = OC, folded back onto the pixels by ``col2im(inp:col:C:B:H:W:q0:ncols:)``.
  /// (The other way, a convolution of dout with the weights flipped in space and transposed in
  /// channels, needs a second im2col, of dout, and a K = OC·9 product; with cache-sized chunks
  /// it measured about the same, slightly slower.) The input columns are recomputed rather
  /// than stored (storing them would take nine times the activations). scratch holds
  /// 2 × ``convScratchCount(C:H:W:)`` floats for C = max(C, OC).
  ///
  /// With `accumulateInput` false, dinp is overwritten instead (no need to zero it first: each
  /// worker clears its own images).
  ///
  /// With several workers, worker 0 accumulates into dweight and the others into a private
  /// copy added afterwards in worker order, so the result is deterministic.
  public static func conv3x3Backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int, accumulateInput: Bool = true
  ) {
    let HW = H * W
    let N = B * HW
    let chunk = convChunk(H: H, W: W)
    let CM = Swift.max(C, OC)
    let colCount = CM * 9 * chunk
    let perWorker = 2 * convScratchCount(C: CM, H: H, W: W) / convMaxWorkers
    nonisolated(unsafe) let dinp = dinp
    nonisolated(unsafe) let dweight = dweight
    let workers = convWorkers(B: B) { w, bLo, bHi in
      let col = scratch + w * perWorker
      let doutCol = col + colCount
      let dw = w == 0 ? dweight : doutCol + colCount
      var first = w != 0
      // col2im adds across chunk borders (to the rows above and below), so a worker clears
      // all of its images first; workers own whole images, and the 3×3 window stays inside one.
      if let dinp, !accumulateInput {
        for ch in 0..<C {
          (dinp + ch * N + bLo * HW).update(repeating: 0, count: (bHi - bLo) * HW)
        }
      }
      var q = bLo * HW
      while q < bHi * HW {
        let ncols = Swift.min(chunk, bHi * HW - q)
        im2col(col: col, inp: inp, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        BLAS.sgemm(
          transA: false, transB: true, m: OC, n: C * 9, k: ncols, a: dout + q, lda: N,
          b: col, ldb: ncols, beta: first ? 0 : 1, c: dw, ldc: C * 9)
        first = false
        if let dinp {
          BLAS.sgemm(
            transA: true, transB: false, m: C * 9, n: ncols, k: OC, a: weight, lda: C * 9,
            b: dout + q, ldb: N, beta: 0, c: doutCol, ldc: ncols)
          col2im(inp: dinp, col: doutCol, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        }
        q += ncols
      }
    }
    // Private weight gradients of workers 1, 2, … in order (bLo < bHi for every worker).
    for w in 1..<workers {
      let dw = scratch + w * perWorker + 2 * colCount
      for i in 0..<(OC * C * 9) { dweight[i] += dw[i] }
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
