import Dispatch

// The 3×3 convolution (padding 1, stride 1) as im2col + sgemm, with its backward: ConvRes-S's and
// UNet-S's every spatial layer. Backward functions ACCUMULATE (+=), as in Layers.swift.

extension Layers {
  // MARK: - Convolution 3×3, padding 1 (im2col + sgemm)

  /// Columns per sgemm in the convolutions: enough to keep sgemm efficient, small enough that
  /// the im2col scratch (C·9 × columns) stays in the core's cache while sgemm packs it.
  /// A chunk holds whole images when they fit and a run of one image's pixels otherwise.
  public static let convChunkColumns = 256

  /// At most this many workers split a convolution's batch between them (see
  /// ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``).
  public static let convMaxWorkers = 2

  /// The scratch a convolution over (C, B, H, W) needs, C the larger channel count, whichever
  /// way it runs (``usesWinograd(C:OC:W:)``): for im2col, per worker, C·9 × chunk columns for
  /// the columns and C·C·9 for a private weight gradient (twice that for the backward);
  /// for Winograd, ``winogradScratchCount(C:H:W:)``.
  public static func convScratchCount(C: Int, H: Int, W: Int) -> Int {
    Swift.max(
      convMaxWorkers * (C * 9 * convChunk(H: H, W: W) + C * C * 9),
      winogradScratchCount(C: C, H: H, W: W))
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
    let workers = Swift.min(convMaxWorkers, B)
    if workers <= 1 {
      body(0, 0, B)
      return 1
    }
    // One thread runs the same shares in turn: the weight gradient is then summed in the same
    // order whatever the thread count, so a seed gives the same loss on 1 and 2 threads.
    if threads < workers {
      for w in 0..<workers { body(w, B * w / workers, B * (w + 1) / workers) }
      return workers
    }
    let saved = BLAS.openBLASThreads
    BLAS.openBLASThreads = Swift.max(1, threads / workers)
    defer { BLAS.openBLASThreads = saved }
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        body(w, B * w / workers, B * (w + 1) / workers)
      }
    }
    return workers
  }

  /// Calls `body(q0, ncols, mask)` for each chunk of columns of images b0..<b1
  /// (``convChunk(H:W:)`` columns, the last one shorter), with the chunk's
  /// ``tapMasks(_:H:W:q0:ncols:)``; the masks are recomputed only when the chunk's place in its
  /// image changes (never, when chunks hold whole images).
  static func convChunks(
    H: Int, W: Int, b0: Int, b1: Int, _ body: (Int, Int, UnsafePointer<UInt32>) -> Void
  ) {
    let HW = H * W
    let chunk = convChunk(H: H, W: W)
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 9 * chunk + 9) { buffer in
      let mask = buffer.baseAddress!
      var made = (offset: -1, ncols: 0)
      var q = b0 * HW
      while q < b1 * HW {
        let ncols = Swift.min(chunk, b1 * HW - q)
        if made != (q % HW, ncols) {
          tapMasks(mask, H: H, W: W, q0: q, ncols: ncols)
          made = (q % HW, ncols)
        }
        body(q, ncols, mask)
        q += ncols
      }
    }
  }

  /// The padding of a chunk of columns q0..<q0+ncols, as one mask per tap: entry k·ncols + j
  /// is all ones when column j's pixel, shifted by tap k = ky·3 + kx (by (dy, dx) =
  /// (ky − 1, kx − 1)), still lies in its image, and zero when it falls in the padding.
  ///
  /// im2col and col2im then move every row of the chunk in one straight vector loop, the mask
  /// selecting the entries (a bitwise and, so a neighbouring image's pixel read in place of the
  /// padding is dropped whatever it holds). They were a walk over each image's run of columns
  /// with a copy and a border fix-up per run, whose bookkeeping cost more than the copies on
  /// UNet-S's small images (8×8, 4×4: a run of 4 floats per call). Entry 9·ncols + k says
  /// whether tap k's mask is all ones (the centre tap always, the vertical ones away from the
  /// image's top and bottom): such a row is a plain copy.
  static func tapMasks(
    _ mask: UnsafeMutablePointer<UInt32>, H: Int, W: Int, q0: Int, ncols: Int
  ) {
    let HW = H * W
    for j in 0..<ncols {
      let p = (q0 + j) % HW
      let (y, x) = (p / W, p % W)
      for k in 0..<9 {
        let (sy, sx) = (y + k / 3 - 1, x + k % 3 - 1)
        mask[k * ncols + j] = sy >= 0 && sy < H && sx >= 0 && sx < W ? ~0 : 0
      }
    }
    for k in 0..<9 {
      mask[9 * ncols + k] = (0..<ncols).allSatisfy { mask[k * ncols + $0] != 0 } ? ~0 : 0
    }
  }

  /// For tap k of a chunk: the source shift (dy·W + dx) and the columns j0..<j1 whose shifted
  /// source lies in the chunk's images. Outside them the mask is zero anyway (a tap stays in
  /// its image or falls in the padding); staying inside keeps every read in the tensor and
  /// every col2im write in the images this worker owns.
  @inline(__always)
  static func tapRange(
    _ k: Int, H: Int, W: Int, q0: Int, ncols: Int
  ) -> (shift: Int, j0: Int, j1: Int) {
    let HW = H * W
    let shift = (k / 3 - 1) * W + k % 3 - 1
    let first = q0 / HW * HW
    let end = ((q0 + ncols - 1) / HW + 1) * HW
    let j0 = Swift.min(ncols, Swift.max(0, first - q0 - shift))
    let j1 = Swift.max(j0, Swift.min(ncols, end - q0 - shift))
    return (shift, j0, j1)
  }

  /// Calls `body(row, plane, mask, j0, j1, full)` for each row c·9 + k of a chunk's unfolded
  /// matrix (C·9, ncols): `row` is its offset in that matrix, `plane` the offset in
  /// (C, B·H·W) of the pixel column 0 reads (plane c, shifted by tap k), `mask` the tap's mask,
  /// j0..<j1 the columns whose source lies in the chunk's images
  /// (``tapRange(_:H:W:q0:ncols:)``) and `full` whether the mask is all ones (then j0 = 0 and
  /// j1 = ncols). Channel by channel, so that one channel's nine rows read or write the same
  /// pixels in turn.
  @inline(__always)
  static func tapRows(
    C: Int, B: Int, H: Int, W: Int, q0: Int, ncols: Int, mask: UnsafePointer<UInt32>,
    _ body: (Int, Int, UnsafePointer<UInt32>, Int, Int, Bool) -> Void
  ) {
    let N = B * H * W
    for c in 0..<C {
      for k in 0..<9 {
        let (shift, j0, j1) = tapRange(k, H: H, W: W, q0: q0, ncols: ncols)
        body(
          (c * 9 + k) * ncols, c * N + q0 + shift, mask + k * ncols, j0, j1,
          mask[9 * ncols + k] != 0)
      }
    }
  }

  /// Unfolds columns q0..<q0+ncols of inp (C, B·H·W) (column q is pixel q mod H·W of image
  /// q / H·W) into col (C·9, ncols): row c·9 + k is plane c shifted by tap k, zero where the
  /// tap falls in the padding (`mask`, from ``tapMasks(_:H:W:q0:ncols:)``).
  static func im2col(
    col: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, mask: UnsafePointer<UInt32>,
    C: Int, B: Int, H: Int, W: Int, q0: Int, ncols: Int
  ) {
    tapRows(C: C, B: B, H: H, W: W, q0: q0, ncols: ncols, mask: mask) {
      row, plane, m, j0, j1, full in
      let (dst, src) = (col + row, inp + plane)
      if full {
        dst.update(from: src, count: ncols)
        return
      }
      if j0 > 0 { dst.update(repeating: 0, count: j0) }
      if j1 < ncols { (dst + j1).update(repeating: 0, count: ncols - j1) }
      var j = j0
      #if !DEBUG
        while j + 8 <= j1 {
          store8(select8(load8(src, j), m, j), dst, j)
          j += 8
        }
      #endif
      while j < j1 {
        dst[j] = m[j] != 0 ? src[j] : 0
        j += 1
      }
    }
  }

  /// The adjoint of ``im2col(col:inp:mask:C:B:H:W:q0:ncols:)``: adds every entry of col
  /// (C·9, ncols) back onto the input pixel it was copied from, inp (C, B·H·W) += fold(col);
  /// entries in the padding are dropped.
  static func col2im(
    inp: UnsafeMutablePointer<Float>, col: UnsafePointer<Float>, mask: UnsafePointer<UInt32>,
    C: Int, B: Int, H: Int, W: Int, q0: Int, ncols: Int
  ) {
    tapRows(C: C, B: B, H: H, W: W, q0: q0, ncols: ncols, mask: mask) {
      row, plane, m, j0, j1, full in
      let (src, dst) = (col + row, inp + plane)
      var j = j0
      #if !DEBUG
        if full {
          while j + 8 <= j1 {
            store8(load8(dst, j) + load8(src, j), dst, j)
            j += 8
          }
        }
        while j + 8 <= j1 {
          store8(load8(dst, j) + select8(load8(src, j), m, j), dst, j)
          j += 8
        }
      #endif
      while j < j1 {
        if m[j] != 0 { dst[j] += src[j] }
        j += 1
      }
    }
  }

  /// out = conv3×3(inp) + bias, padding 1, stride 1: by Winograd's F(2×2, 3×3) when
  /// ``usesWinograd(C:OC:W:)``, else by im2col + sgemm. inp is (C, B, H, W), weight
  /// (OC, C, 3, 3), bias (OC); out is (OC, B, H, W); scratch holds ``convScratchCount(C:H:W:)``
  /// floats for C = max(C, OC).
  public static func conv3x3Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int
  ) {
    let conv = usesWinograd(C: C, OC: OC, W: W) ? winogradConv3x3Forward : im2colConv3x3Forward
    conv(out, inp, weight, bias, scratch, B, C, H, W, OC)
  }

  /// Backward of ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``, the same way:
  /// accumulates dweight, dbias and dinp (skipped when nil, overwritten when `accumulateInput`
  /// is false); scratch holds 2 × ``convScratchCount(C:H:W:)`` floats for C = max(C, OC).
  public static func conv3x3Backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int, accumulateInput: Bool = true
  ) {
    let conv = usesWinograd(C: C, OC: OC, W: W) ? winogradConv3x3Backward : im2colConv3x3Backward
    conv(dinp, dweight, dbias, dout, inp, weight, scratch, B, C, H, W, OC, accumulateInput)
  }

  /// out = conv3×3(inp) + bias, padding 1, stride 1, as im2col + sgemm.
  ///
  /// inp is (C, B, H, W) (channels outermost, so each chunk of images is one sgemm),
  /// weight is (OC, C, 3, 3), bias is (OC); out is (OC, B, H, W); scratch holds
  /// ``convScratchCount(C:H:W:)`` floats.
  public static func im2colConv3x3Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int
  ) {
    let N = B * H * W
    let perWorker = convScratchCount(C: C, H: H, W: W) / convMaxWorkers
    nonisolated(unsafe) let out = out
    convWorkers(B: B) { w, bLo, bHi in
      let col = scratch + w * perWorker
      convChunks(H: H, W: W, b0: bLo, b1: bHi) { q, ncols, mask in
        im2col(col: col, inp: inp, mask: mask, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        BLAS.sgemm(
          transA: false, transB: false, m: OC, n: ncols, k: C * 9, a: weight, lda: C * 9,
          b: col, ldb: ncols, beta: 0, c: out + q, ldc: N)
        // The bias while the chunk's output is still in cache.
        for o in 0..<OC {
          let row = out + o * N + q
          let v = bias[o]
          for i in 0..<ncols { row[i] += v }
        }
      }
    }
  }

  /// Backward of ``im2colConv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``.
  ///
  /// dout is (OC, B, H, W). Accumulates dweight (OC, C·9) += dout · colᵀ, dbias (OC) += Σ dout,
  /// and dinp (C, B, H, W) (skipped when nil), per chunk one of two ways:
  ///
  /// - OC ≥ C: dcol = Wᵀ · dout (C·9, columns), one sgemm with K = OC, folded back onto the
  ///   pixels by ``col2im(inp:col:mask:C:B:H:W:q0:ncols:)``;
  /// - OC < C (a decoder block's first convolution, which narrows the concatenation): the
  ///   convolution of dout with the weights flipped in space and transposed in channels,
  ///   Wf (C, OC·9) · im2col(dout), written straight into dinp. Its unfolded matrix has OC·9
  ///   rows where dcol has C·9 (a third, for UNet-S's decoders), and a copy replaces col2im's
  ///   scattered adds. (For OC ≥ C it would unfold as much or more, plus a K = OC·9 product;
  ///   on ConvRes-S's square convolutions it measured about the same, slightly slower.)
  ///
  /// The input columns are recomputed rather than stored (storing them would take nine times
  /// the activations). scratch holds 2 × ``convScratchCount(C:H:W:)`` floats for
  /// C = max(C, OC): per worker, the input's and dout's columns, a private weight gradient, and
  /// (worker 0's) the flipped weights.
  ///
  /// With `accumulateInput` false, dinp is overwritten instead (no need to zero it first).
  ///
  /// With several workers, worker 0 accumulates into dweight and the others into a private
  /// copy added afterwards in worker order, so the result is deterministic.
  public static func im2colConv3x3Backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int, accumulateInput: Bool = true
  ) {
    let HW = H * W
    let N = B * HW
    let CM = Swift.max(C, OC)
    let colCount = CM * 9 * convChunk(H: H, W: W)
    let perWorker = 2 * convScratchCount(C: CM, H: H, W: W) / convMaxWorkers
    let flipped = OC < C
    // Wf[c, o·9 + 8 − k] = W[o, c·9 + k]: tap k of the forward is tap 8 − k seen from the input.
    let wf = scratch + 2 * colCount + CM * CM * 9
    if flipped && dinp != nil {
      for o in 0..<OC {
        for c in 0..<C {
          for k in 0..<9 { wf[(c * OC + o) * 9 + 8 - k] = weight[(o * C + c) * 9 + k] }
        }
      }
    }
    nonisolated(unsafe) let dinp = dinp
    nonisolated(unsafe) let dweight = dweight
    // Each worker's share of the bias gradient, added in worker order below.
    nonisolated(unsafe) let shares = UnsafeMutablePointer<Float>.allocate(
      capacity: convMaxWorkers * OC)
    defer { shares.deallocate() }
    let workers = convWorkers(B: B) { w, bLo, bHi in
      let col = scratch + w * perWorker
      let doutCol = col + colCount
      let dw = w == 0 ? dweight : doutCol + colCount
      var first = w != 0
      for o in 0..<OC { shares[w * OC + o] = 0 }
      // col2im adds across chunk borders (to the rows above and below), so a worker clears
      // all of its images first; workers own whole images, and the 3×3 window stays inside one.
      if let dinp, !accumulateInput, !flipped {
        for ch in 0..<C {
          (dinp + ch * N + bLo * HW).update(repeating: 0, count: (bHi - bLo) * HW)
        }
      }
      convChunks(H: H, W: W, b0: bLo, b1: bHi) { q, ncols, mask in
        for o in 0..<OC { shares[w * OC + o] += rowSum(dout + o * N + q, ncols) }
        im2col(col: col, inp: inp, mask: mask, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        BLAS.sgemm(
          transA: false, transB: true, m: OC, n: C * 9, k: ncols, a: dout + q, lda: N,
          b: col, ldb: ncols, beta: first ? 0 : 1, c: dw, ldc: C * 9)
        first = false
        guard let dinp else { return }
        if flipped {
          im2col(
            col: doutCol, inp: dout, mask: mask, C: OC, B: B, H: H, W: W, q0: q, ncols: ncols)
          BLAS.sgemm(
            transA: false, transB: false, m: C, n: ncols, k: OC * 9, a: wf, lda: OC * 9,
            b: doutCol, ldb: ncols, beta: accumulateInput ? 1 : 0, c: dinp + q, ldc: N)
        } else {
          BLAS.sgemm(
            transA: true, transB: false, m: C * 9, n: ncols, k: OC, a: weight, lda: C * 9,
            b: dout + q, ldb: N, beta: 0, c: doutCol, ldc: ncols)
          col2im(
            inp: dinp, col: doutCol, mask: mask, C: C, B: B, H: H, W: W, q0: q, ncols: ncols)
        }
      }
    }
    // Private weight gradients of workers 1, 2, … in order (bLo < bHi for every worker).
    for w in 1..<workers {
      let dw = scratch + w * perWorker + 2 * colCount
      for i in 0..<(OC * C * 9) { dweight[i] += dw[i] }
    }
    for w in 0..<workers {
      for o in 0..<OC { dbias[o] += shares[w * OC + o] }
    }
  }
}

/// The lanes of v whose mask entry (mask[j..<j+8]) is all ones; zero in the others.
@inline(__always)
private func select8(_ v: Float8, _ mask: UnsafePointer<UInt32>, _ j: Int) -> Float8 {
  let m = UnsafeRawPointer(mask + j).loadUnaligned(as: SIMD8<UInt32>.self)
  return unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & m, to: Float8.self)
}
