import CWinograd

// The 3×3 convolution (padding 1, stride 1) by Winograd's minimal filtering F(2×2, 3×3) (Lavin
// and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016), forward and backward.
//
// Each 2×2 block of outputs (a tile) comes from the 4×4 input patch around it:
//
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A        g: 3×3 weights, d: 4×4 input patch, Y: 2×2 outputs
//
// Summed over input channels, the elementwise product at each of the 16 points ξ of the 4×4
// transformed patch is a matrix product: M_ξ (OC, tiles) = U_ξ (OC, C) · V_ξ (C, tiles), with
// U = G g Gᵀ and V = Bᵀ d B. That is 16·C·OC multiplies per tile where im2col's product has
// 36·C·OC (2.25× fewer), and the input is expanded 4× (V) instead of 9× (im2col's columns).
// In exact arithmetic the result is the convolution; in Float the transforms add a few roundings
// (sums of 4 to 9 terms with coefficients ±1 and ±½), measured against the im2col path in
// the tests.
//
// Backward is the adjoint of each step: dM = A dY Aᵀ, dV_ξ = U_ξᵀ · dM_ξ (folded back onto the
// input by B dV Bᵀ, overlapping patches adding), dU_ξ = Σ_tiles dM_ξ · V_ξᵀ, dg = Gᵀ dU G.
//
// Tiles are numbered image by image, row by row: tile tx of tile row ty of image b covers
// outputs (2ty…2ty+1, 2tx…2tx+1) and reads input rows 2ty−1…2ty+2, columns 2tx−1…2tx+2 (zero
// outside the image). Odd sides get a last tile half outside, whose extra outputs are dropped
// (and whose extra output gradients are zero).
//
// The four tile transforms' loops are in C (CWinograd): clang compiles them for AVX-512, AVX2
// and the baseline and picks one at load time, where Swift is built for the baseline (SSE).

extension Layers {
  /// How a convolution's tiles are split into chunks: tile rows of TW tiles, TH per image,
  /// numbered image by image (row r is row r mod TH of image r / TH), a chunk being a run of
  /// whole rows (possibly across images).
  struct WinogradTiles {
    let TH: Int, TW: Int
    /// Tile rows per chunk: as many as keep C·tiles within ``Layers/winogradChunkFloats``
    /// (at least one).
    let rowsPerChunk: Int
    /// TW rounded up to whole groups of 4 tiles (the row buffers' padding).
    var TW4: Int { (TW + 3) / 4 * 4 }
    /// The most tiles a chunk holds.
    var chunk: Int { rowsPerChunk * TW }

    /// C: the larger of the convolution's channel counts.
    init(H: Int, W: Int, C: Int) {
      (TH, TW) = ((H + 1) / 2, (W + 1) / 2)
      rowsPerChunk = Swift.max(1, winogradChunkFloats / (C * TW))
    }
  }

  /// The size of a chunk, as channels × tiles: each of its 16 products is (OC, C) · (C, tiles),
  /// and V holds 16 of those (C, tiles) matrices. 8192 keeps V within 512 KiB, half the core's
  /// L2 cache, while the products stay large enough (64 to 256 tiles for UNet-S's widths) that
  /// OpenBLAS's per-call work stays small next to them. (Whole images of 256 tiles per chunk,
  /// the first version, left dec0's 96-channel V at 1.5 MiB.)
  public static let winogradChunkFloats = 8192

  /// Whether ``conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)`` and its backward take
  /// the Winograd path: both channel counts at least 16 and rows of at least 8 pixels (4 tiles,
  /// the transforms' vector width). Below 16 channels the 16 products are too thin (K = C or
  /// M = OC of a few) for sgemm to run near its peak, and im2col's one product with K = 9·C
  /// does as well (UNet-S's stem, 4·3 → 32, and head, 32 → 4·3; ConvRes-S's, 1 → 64). On 4×4
  /// images (UNet-S's lowest level at 32×32) a tile row is 2 tiles, half of every vector is
  /// wasted and the per-row work dominates: `--profile convs32` measured Winograd 0.16× and
  /// 0.49× im2col's speed there, against 1.4–2.3× at 8 pixels and more.
  public static func usesWinograd(C: Int, OC: Int, W: Int) -> Bool {
    winogradEnabled && Swift.min(C, OC) >= 16 && W >= 8
  }

  /// Off, every convolution takes the im2col path: `schedtui-bench train --conv im2col`, which
  /// times both paths in one build under the same load. On otherwise.
  nonisolated(unsafe) public static var winogradEnabled = true

  /// Scratch floats for the Winograd forward and backward with at most C channels in and out:
  /// the transformed weights and their gradient, and per worker V, M and a private dU.
  /// (A chunk's channels × tiles is at most max(C·TW, ``winogradChunkFloats``) whatever the
  /// channel counts up to C.)
  static func winogradScratchCount(C: Int, H: Int, W: Int) -> Int {
    let most = Swift.max(C * (W + 1) / 2, winogradChunkFloats)
    return 32 * C * C + convMaxWorkers * (32 * (most + 16) + 16 * C * C)
  }

  /// U[ξ, o, c] = (G g Gᵀ)[ξ] for g = weight[o, c] (3×3), G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
  static func winogradWeights(
    _ U: UnsafeMutablePointer<Float>, _ weight: UnsafePointer<Float>, OC: Int, C: Int
  ) {
    let stride = OC * C
    // G applied to a 3-vector.
    func gv(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float, Float) {
      (a, 0.5 * (a + b + c), 0.5 * (a - b + c), c)
    }
    for oc in 0..<stride {
      let g = weight + oc * 9
      // G g, column by column (rows of the 4×3 result: h0, h1, h2, h3).
      let c0 = gv(g[0], g[3], g[6])
      let c1 = gv(g[1], g[4], g[7])
      let c2 = gv(g[2], g[5], g[8])
      // Row i of G g times Gᵀ is row i of U.
      func store(_ i: Int, _ h: (Float, Float, Float)) {
        let u = gv(h.0, h.1, h.2)
        (U[(4 * i) * stride + oc], U[(4 * i + 1) * stride + oc]) = (u.0, u.1)
        (U[(4 * i + 2) * stride + oc], U[(4 * i + 3) * stride + oc]) = (u.2, u.3)
      }
      store(0, (c0.0, c1.0, c2.0))
      store(1, (c0.1, c1.1, c2.1))
      store(2, (c0.2, c1.2, c2.2))
      store(3, (c0.3, c1.3, c2.3))
    }
  }

  /// dweight[o, c] += (Gᵀ dU G) for dU[ξ, o, c]: the adjoint of ``winogradWeights(_:_:OC:C:)``.
  static func winogradWeightGradient(
    _ dweight: UnsafeMutablePointer<Float>, _ dU: UnsafePointer<Float>, OC: Int, C: Int
  ) {
    let stride = OC * C
    // Gᵀ applied to a 4-vector.
    func gt(_ u0: Float, _ u1: Float, _ u2: Float, _ u3: Float) -> (Float, Float, Float) {
      (u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
    }
    for oc in 0..<stride {
      func u(_ xi: Int) -> Float { dU[xi * stride + oc] }
      // dU G, row by row (4×3), then Gᵀ along each column.
      let r0 = gt(u(0), u(1), u(2), u(3))
      let r1 = gt(u(4), u(5), u(6), u(7))
      let r2 = gt(u(8), u(9), u(10), u(11))
      let r3 = gt(u(12), u(13), u(14), u(15))
      let k0 = gt(r0.0, r1.0, r2.0, r3.0)
      let k1 = gt(r0.1, r1.1, r2.1, r3.1)
      let k2 = gt(r0.2, r1.2, r2.2, r3.2)
      let g = dweight + oc * 9
      (g[0], g[3], g[6]) = (g[0] + k0.0, g[3] + k0.1, g[6] + k0.2)
      (g[1], g[4], g[7]) = (g[1] + k1.0, g[4] + k1.1, g[7] + k1.2)
      (g[2], g[5], g[8]) = (g[2] + k2.0, g[5] + k2.1, g[8] + k2.2)
    }
  }

  /// The distance between the 16 matrices V_ξ (rows × ld floats each) in a chunk's buffer:
  /// 16 floats more than their size. Without the gap the distance is a multiple of 4 KiB
  /// (32 channels × 256 tiles × 4 bytes), so the transforms' 16 streams, one per ξ, all map
  /// to the same cache sets and evict each other.
  @inline(__always)
  static func winogradBlock(_ rows: Int, _ ld: Int) -> Int { rows * ld + 16 }

  /// Floats of the row buffer the transforms share (``winogradChunks``): a tile row's
  /// combinations, padded to whole groups of 4 tiles.
  static func winogradRowCount(_ g: WinogradTiles) -> Int {
    Swift.max(4 * (2 * g.TW4 + 12), 16 * (g.TW4 + 8), 2 * (2 * g.TW4 + 8))
  }

  /// V[ξ, c, t] (rows of `ld` tiles) = Bᵀ d B for each tile t of tile rows r0..<r0+nr and channel
  /// c of inp (C, B, H, W), Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
  /// `rows` holds ``winogradRowCount(_:)`` floats, `zero` W zeros.
  static func winogradInput(
    _ V: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, tiles g: WinogradTiles,
    C: Int, B: Int, H: Int, W: Int, r0: Int, nr: Int, ld: Int,
    rows r: UnsafeMutablePointer<Float>, zero: UnsafePointer<Float>
  ) {
    schedtui_winograd_input(
      V, inp, C, B, H, W, g.TH, g.TW, g.TW4, r0, nr, ld, winogradBlock(C, ld), r, zero)
  }

  /// inp (C, B, H, W) += B dV Bᵀ for each tile of images tile rows r0..<r0+nr, dV[ξ, c, t] as
  /// ``winogradInput(_:_:tiles:C:B:H:W:r0:nr:ld:rows:zero:)``'s V: that function's adjoint
  /// (overlapping patches add; entries in the padding are dropped).
  /// `rows` holds ``winogradRowCount(_:)`` floats.
  static func winogradInputAdjoint(
    _ inp: UnsafeMutablePointer<Float>, _ dV: UnsafePointer<Float>, tiles g: WinogradTiles,
    C: Int, B: Int, H: Int, W: Int, r0: Int, nr: Int, ld: Int, rows D: UnsafeMutablePointer<Float>
  ) {
    schedtui_winograd_input_adjoint(
      inp, dV, C, B, H, W, g.TH, g.TW, g.TW4, r0, nr, ld, winogradBlock(C, ld), D)
  }

  /// out (OC, B, H, W) = Aᵀ M A + bias for the tiles of images tile rows r0..<r0+nr, M[ξ, o, t],
  /// Aᵀ = [1 1 1 0; 0 1 −1 −1].
  static func winogradOutput(
    _ out: UnsafeMutablePointer<Float>, _ M: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    tiles g: WinogradTiles, OC: Int, B: Int, H: Int, W: Int, r0: Int, nr: Int, ld: Int
  ) {
    schedtui_winograd_output(
      out, M, bias, OC, B, H, W, g.TH, g.TW, r0, nr, ld, winogradBlock(OC, ld))
  }

  /// dM[ξ, o, t] = A dY Aᵀ for each tile of images tile rows r0..<r0+nr of dout (OC, B, H, W) (outputs
  /// outside the image count as zero): the adjoint of
  /// ``winogradOutput(_:_:bias:tiles:OC:B:H:W:r0:nr:ld:)``. `rows` holds
  /// ``winogradRowCount(_:)`` floats.
  static func winogradOutputAdjoint(
    _ dM: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, tiles g: WinogradTiles,
    OC: Int, B: Int, H: Int, W: Int, r0: Int, nr: Int, ld: Int,
    rows r: UnsafeMutablePointer<Float>
  ) {
    schedtui_winograd_output_adjoint(
      dM, dout, OC, B, H, W, g.TH, g.TW, g.TW4, r0, nr, ld, winogradBlock(OC, ld), r)
  }
}
