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

  /// The index walk im2col and col2im share: for each row (c, ky, kx) of col (C·9, ncols) and
  /// each image's run of the chunk's columns, calls `body` with
  ///
  /// - `row`: the row's first entry in col, (c·9 + ky·3 + kx)·ncols;
  /// - `o`, `p0`, `p1`: the run holds pixels p0..<p1 of its image, stored from col[row + o];
  /// - `lo`, `hi`: the pixels of the run whose shifted source lies in the image's rows;
  /// - `image`: the image plane's first pixel in inp (C, B·H·W), (c·B + b)·H·W;
  /// - `shift`: dy·W + dx, the source of pixel pix being image pixel pix + shift;
  /// - `borderX`: the column (0 or W − 1) whose source wraps to the neighbouring row, or −1.
  ///
  /// Row (c, ky, kx) of col is image plane c shifted by (dy, dx) = (ky − 1, kx − 1):
  /// col[y·W + x] = inp[(y + dy)·W + x + dx], zero outside the image.
  @inline(__always)
  static func im2colWalk(
    C: Int, B: Int, H: Int, W: Int, q0: Int, ncols: Int,
    _ body: (
      _ row: Int, _ o: Int, _ p0: Int, _ p1: Int, _ lo: Int, _ hi: Int, _ image: Int,
      _ shift: Int, _ borderX: Int
    ) -> Void
  ) {
    let HW = H * W
    for c in 0..<C {
      for ky in 0..<3 {
        let dy = ky - 1
        let ylo = Swift.max(0, -dy)
        let yhi = Swift.min(H, H - dy)
        for kx in 0..<3 {
          let dx = kx - 1
          let row = ((c * 9) + ky * 3 + kx) * ncols
          let j0 = ylo * W + Swift.max(0, -dx)
          let j1 = Swift.max(j0, yhi * W - Swift.max(0, dx))
          let shift = dy * W + dx
          let borderX = dx == 0 ? -1 : (dx < 0 ? 0 : W - 1)
          var q = q0
          while q < q0 + ncols {
            let b = q / HW
            let p0 = q - b * HW
            let p1 = Swift.min(HW, q0 + ncols - b * HW)
            let lo = Swift.min(Swift.max(j0, p0), p1)
            let hi = Swift.min(Swift.max(j1, lo), p1)
            body(row, q - q0, p0, p1, lo, hi, c * B * HW + b * HW, shift, borderX)
            q += p1 - p0
          }
        }
      }
    }
  }

  /// Calls `body(pix)` for the pixels of column x in lo..<hi (an image's pixels, row-major).
  @inline(__always)
  static func columnPixels(_ x: Int, W: Int, lo: Int, hi: Int, _ body: (Int) -> Void) {
    for y in (lo / W)...((hi - 1) / W) {
      let pix = y * W + x
      if pix >= lo && pix < hi { body(pix) }
    }
  }

  /// Unfolds columns q0..<q0+ncols of inp (C, B·H·W) (column q is pixel q mod H·W of image
  /// q / H·W) into col (C·9, ncols); zero outside the image.
  ///
  /// Within one image each row is one contiguous copy of the valid pixels lo..<hi, offset by
  /// `shift` (``im2colWalk(C:B:H:W:q0:ncols:_:)``); the copy also fills the border column from
  /// the neighbouring row, so those entries are zeroed after it, and so are the pixels outside
  /// lo..<hi (rows that fall outside the image).
  static func im2col(
    col: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, C: Int, B: Int, H: Int, W: Int,
    q0: Int, ncols: Int
  ) {
    im2colWalk(C: C, B: B, H: H, W: W, q0: q0, ncols: ncols) {
      row, o, p0, p1, lo, hi, image, shift, borderX in
      let dst = col + row + o - p0  // dst[pix] is pixel pix's entry
      if lo > p0 { (dst + p0).update(repeating: 0, count: lo - p0) }
      if hi > lo { (dst + lo).update(from: inp + image + lo + shift, count: hi - lo) }
      if p1 > hi { (dst + hi).update(repeating: 0, count: p1 - hi) }
      if borderX >= 0 && hi > lo {
        columnPixels(borderX, W: W, lo: lo, hi: hi) { dst[$0] = 0 }
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
    im2colWalk(C: C, B: B, H: H, W: W, q0: q0, ncols: ncols) {
      row, o, p0, _, lo, hi, image, shift, borderX in
      guard hi > lo else { return }
      // seg[pix] is col's entry for pixel pix; it belongs to input pixel pix + shift.
      let seg = col + row + o - p0
      if borderX >= 0 {
        columnPixels(borderX, W: W, lo: lo, hi: hi) { seg[$0] = 0 }
      }
      let dst = inp + image + shift
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
    // Each worker's share of the bias gradient, added in worker order below.
    nonisolated(unsafe) let shares = UnsafeMutablePointer<Float>.allocate(
      capacity: convMaxWorkers * OC)
    defer { shares.deallocate() }
    let workers = convWorkers(B: B) { w, bLo, bHi in
      for o in 0..<OC {
        shares[w * OC + o] = rowSum(dout + o * N + bLo * HW, (bHi - bLo) * HW)
      }
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
    for w in 0..<workers {
      for o in 0..<OC { dbias[o] += shares[w * OC + o] }
    }
  }
}
