// The Winograd F(2×2, 3×3) convolution's forward and backward passes: the transforms of
// ConvWinograd.swift around 16 sgemms per chunk of tiles, split between
// ``Layers/convWorkers(B:_:)`` like the im2col path (same determinism: worker 0 accumulates the
// weight gradient in place, the others privately, added in worker order).

extension Layers {
  /// Scratch floats one worker uses: V (or dV) and M (or dM) of a chunk, and a private dU.
  static func winogradWorkerCount(C: Int, OC: Int, tiles g: WinogradTiles) -> Int {
    16 * (winogradBlock(C, g.chunk) + winogradBlock(OC, g.chunk)) + 16 * OC * C
  }

  /// The 16 products of a chunk, one per point ξ: matrix ξ of each operand starts at
  /// (base + ξ·block) with rows `ld` floats apart.
  static func sgemm16(
    _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int,
    a: (UnsafePointer<Float>, block: Int, ld: Int), b: (UnsafePointer<Float>, block: Int, ld: Int),
    beta: Float, c: (UnsafeMutablePointer<Float>, block: Int, ld: Int)
  ) {
    for xi in 0..<16 {
      BLAS.sgemm(
        transA: transA, transB: transB, m: m, n: n, k: k, a: a.0 + xi * a.block, lda: a.ld,
        b: b.0 + xi * b.block, ldb: b.ld, beta: beta, c: c.0 + xi * c.block, ldc: c.ld)
    }
  }

  /// A chunk's V (``winogradInput(_:_:tiles:C:B:H:W:r0:nr:ld:rows:zero:)``, rows of n tiles),
  /// with n and the distances between V's and M's 16 matrices.
  static func chunkInput(
    _ V: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, tiles g: WinogradTiles,
    C: Int, OC: Int, B: Int, H: Int, W: Int, r0: Int, nr: Int,
    rows: UnsafeMutablePointer<Float>, zero: UnsafePointer<Float>
  ) -> (n: Int, vb: Int, mb: Int) {
    let n = nr * g.TW
    winogradInput(
      V, inp, tiles: g, C: C, B: B, H: H, W: W, r0: r0, nr: nr, ld: n, rows: rows, zero: zero)
    return (n, winogradBlock(C, n), winogradBlock(OC, n))
  }

  /// Runs `body(r0, nr, rows, zero)` for each chunk of tile rows of images bLo..<bHi, with a
  /// row buffer large enough for every transform and W zeros.
  static func winogradChunks(
    tiles g: WinogradTiles, W: Int, bLo: Int, bHi: Int,
    _ body: (Int, Int, UnsafeMutablePointer<Float>, UnsafePointer<Float>) -> Void
  ) {
    let rowCount = winogradRowCount(g)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: rowCount + W) { buffer in
      let rows = buffer.baseAddress!
      let zero = rows + rowCount
      zero.update(repeating: 0, count: W)
      var r = bLo * g.TH
      while r < bHi * g.TH {
        let nr = Swift.min(g.rowsPerChunk, bHi * g.TH - r)
        body(r, nr, rows, zero)
        r += nr
      }
    }
  }

  /// out = conv3×3(inp) + bias, padding 1, stride 1, by F(2×2, 3×3): the contract of
  /// ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``, which calls it when
  /// ``usesWinograd(C:OC:W:)``. scratch holds ``convScratchCount(C:H:W:)`` floats for
  /// C = max(C, OC).
  public static func winogradConv3x3Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int
  ) {
    let g = WinogradTiles(H: H, W: W, C: Swift.max(C, OC))
    let U = scratch
    winogradWeights(U, weight, OC: OC, C: C)
    let base = scratch + 32 * OC * C
    let perWorker = winogradWorkerCount(C: C, OC: OC, tiles: g)
    nonisolated(unsafe) let out = out
    convWorkers(B: B) { w, bLo, bHi in
      let V = base + w * perWorker
      let M = V + 16 * winogradBlock(C, g.chunk)
      winogradChunks(tiles: g, W: W, bLo: bLo, bHi: bHi) { r0, nr, rows, zero in
        let (n, vb, mb) = chunkInput(
          V, inp, tiles: g, C: C, OC: OC, B: B, H: H, W: W, r0: r0, nr: nr, rows: rows,
          zero: zero)
        sgemm16(
          false, false, m: OC, n: n, k: C, a: (UnsafePointer(U), OC * C, C),
          b: (UnsafePointer(V), vb, n), beta: 0,
          c: (M, mb, n))
        winogradOutput(
          out, M, bias: bias, tiles: g, OC: OC, B: B, H: H, W: W, r0: r0, nr: nr, ld: n)
      }
    }
  }

  /// Backward of ``winogradConv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``, the
  /// contract of ``conv3x3Backward(dinp:dweight:dbias:dout:inp:weight:scratch:B:C:H:W:OC:accumulateInput:)``:
  /// accumulates dweight, dbias and dinp (skipped when nil; overwritten when `accumulateInput`
  /// is false). Per chunk: V of the input again (recomputed, like im2col's columns), dM of
  /// dout, dU_ξ += dM_ξ · V_ξᵀ, then dV_ξ = U_ξᵀ · dM_ξ into V's place, folded onto dinp.
  public static func winogradConv3x3Backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, C: Int, H: Int, W: Int, OC: Int, accumulateInput: Bool = true
  ) {
    let (HW, N) = (H * W, B * H * W)
    let g = WinogradTiles(H: H, W: W, C: Swift.max(C, OC))
    let (U, dU) = (scratch, scratch + 16 * OC * C)
    if dinp != nil { winogradWeights(U, weight, OC: OC, C: C) }
    let base = scratch + 32 * OC * C
    let perWorker = winogradWorkerCount(C: C, OC: OC, tiles: g)
    func privateDU(_ w: Int) -> UnsafeMutablePointer<Float> {
      w == 0 ? dU : base + w * perWorker + perWorker - 16 * OC * C
    }
    nonisolated(unsafe) let dinp = dinp
    let workers = convWorkers(B: B) { w, bLo, bHi in
      let V = base + w * perWorker
      let dM = V + 16 * winogradBlock(C, g.chunk)
      let dUw = privateDU(w)
      // The input adjoint adds across tile rows and columns, so a worker clears its images
      // first when it overwrites.
      if let dinp, !accumulateInput {
        for c in 0..<C { (dinp + (c * B + bLo) * HW).update(repeating: 0, count: (bHi - bLo) * HW) }
      }
      var first = true
      winogradChunks(tiles: g, W: W, bLo: bLo, bHi: bHi) { r0, nr, rows, zero in
        let (n, vb, mb) = chunkInput(
          V, inp, tiles: g, C: C, OC: OC, B: B, H: H, W: W, r0: r0, nr: nr, rows: rows,
          zero: zero)
        winogradOutputAdjoint(
          dM, dout, tiles: g, OC: OC, B: B, H: H, W: W, r0: r0, nr: nr, ld: n, rows: rows)
        sgemm16(
          false, true, m: OC, n: C, k: n, a: (UnsafePointer(dM), mb, n),
          b: (UnsafePointer(V), vb, n), beta: first ? 0 : 1,
          c: (dUw, OC * C, C))
        first = false
        guard let dinp else { return }
        sgemm16(
          true, false, m: C, n: n, k: OC, a: (UnsafePointer(U), OC * C, C),
          b: (UnsafePointer(dM), mb, n), beta: 0,
          c: (V, vb, n))
        winogradInputAdjoint(
          dinp, V, tiles: g, C: C, B: B, H: H, W: W, r0: r0, nr: nr, ld: n, rows: rows)
      }
    }
    for w in 1..<workers { addInto(dU, privateDU(w), 16 * OC * C) }
    winogradWeightGradient(dweight, dU, OC: OC, C: C)
    for o in 0..<OC { dbias[o] += rowSum(dout + o * N, N) }
  }
}
