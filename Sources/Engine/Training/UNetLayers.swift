// The layers UNet-S adds to the convolution and linear layers: pixel folding (space to depth and
// back), 2×2 average pooling, nearest-neighbour up-sampling, the 1×1 convolution of a residual
// block that changes width, and the per-channel sums that carry a conditioning projection's
// gradient. (The decoders' channel concatenation is no layer: UNet-S writes both parts in
// place.) All work on the (channels, batch, H, W) layout the
// convolutions use. Backward functions ACCUMULATE (+=), as in Layers.swift.

extension Layers {
  // MARK: - Pixel folding

  /// out (4C, B, H/2, W/2) = each 2×2 block of inp (C, B, H, W) folded into four channels:
  /// out[4c + 2·dy + dx, b, y, x] = inp[c, b, 2y + dy, 2x + dx] (simple diffusion's stem, and
  /// PyTorch's `pixel_unshuffle` channel order). H and W are even.
  public static func spaceToDepthForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, C: Int, B: Int, H: Int, W: Int
  ) {
    foldWalk(C: C, B: B, H: H, W: W) { folded, plain in out[folded] = inp[plain] }
  }

  /// out (C, B, H, W) = the inverse of ``spaceToDepthForward(out:inp:C:B:H:W:)`` applied to
  /// inp (4C, B, H/2, W/2): the output head's `pixel_shuffle`.
  ///
  /// Both are permutations, so each one's backward is the other: UNet-S's head folds its
  /// gradient with ``spaceToDepthForward(out:inp:C:B:H:W:)`` (and its stem needs none).
  public static func depthToSpaceForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, C: Int, B: Int, H: Int, W: Int
  ) {
    foldWalk(C: C, B: B, H: H, W: W) { folded, plain in out[plain] = inp[folded] }
  }

  /// Calls `body(folded, plain)` for every pixel: its index in the folded (4C, B, H/2, W/2)
  /// tensor and in the plain (C, B, H, W) one. Both functions above are this one walk.
  @inline(__always)
  static func foldWalk(C: Int, B: Int, H: Int, W: Int, _ body: (Int, Int) -> Void) {
    precondition(H % 2 == 0 && W % 2 == 0, "pixel folding needs even sides, got \(H)×\(W)")
    let (h, w) = (H / 2, W / 2)
    for c in 0..<C {
      for k in 0..<4 {
        let (dy, dx) = (k / 2, k % 2)
        for b in 0..<B {
          let folded = ((c * 4 + k) * B + b) * h * w
          let plain = (c * B + b) * H * W
          for y in 0..<h {
            for x in 0..<w {
              body(folded + y * w + x, plain + (2 * y + dy) * W + 2 * x + dx)
            }
          }
        }
      }
    }
  }

  // MARK: - Down- and up-sampling

  /// out (planes, H/2, W/2) = the mean of each 2×2 block of inp (planes, H, W); planes = C·B.
  public static func avgPool2Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, planes: Int, H: Int, W: Int
  ) {
    blockWalk(planes: planes, h: H / 2, w: W / 2) { i, j in
      out[i] = 0.25 * (inp[j] + inp[j + 1] + inp[j + W] + inp[j + W + 1])
    }
  }

  /// Backward of ``avgPool2Forward(out:inp:planes:H:W:)``: each input pixel gets a quarter of
  /// its block's dout, dinp += dout/4.
  public static func avgPool2Backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, planes: Int, H: Int, W: Int
  ) {
    blockWalk(planes: planes, h: H / 2, w: W / 2) { i, j in
      let g = 0.25 * dout[i]
      dinp[j] += g
      dinp[j + 1] += g
      dinp[j + W] += g
      dinp[j + W + 1] += g
    }
  }

  /// out (planes, 2h, 2w) = inp (planes, h, w) with each pixel repeated over a 2×2 block
  /// (nearest neighbour).
  public static func upsample2Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, planes: Int, h: Int, w: Int
  ) {
    let W = 2 * w
    blockWalk(planes: planes, h: h, w: w) { i, j in
      let v = inp[i]
      out[j] = v
      out[j + 1] = v
      out[j + W] = v
      out[j + W + 1] = v
    }
  }

  /// Backward of ``upsample2Forward(out:inp:planes:h:w:)``: dinp += the sum of each 2×2 block
  /// of dout (dinp = … when `accumulate` is false, so a caller need not zero it).
  public static func upsample2Backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, planes: Int, h: Int, w: Int,
    accumulate: Bool = true
  ) {
    let W = 2 * w
    blockWalk(planes: planes, h: h, w: w) { i, j in
      let sum = dout[j] + dout[j + 1] + dout[j + W] + dout[j + W + 1]
      dinp[i] = accumulate ? dinp[i] + sum : sum
    }
  }

  /// Calls `body(i, j)` for every pixel i of a (planes, h, w) tensor, with j the top-left
  /// pixel of its 2×2 block in the (planes, 2h, 2w) one (the block's lower row starts at
  /// j + 2w): the walk pooling and up-sampling share. Planes are split over two threads
  /// (these ran on one while the other core waited, at every level of UNet-S).
  @inline(__always)
  static func blockWalk(planes: Int, h: Int, w: Int, _ body: (Int, Int) -> Void) {
    parallelRanges(planes, minimum: Swift.max(2, (1 << 16) / (4 * h * w))) { lo, hi in
      for p in lo..<hi {
        for y in 0..<h {
          for x in 0..<w {
            body((p * h + y) * w + x, ((2 * p * h + 2 * y) * w + x) * 2)
          }
        }
      }
    }
  }

  // MARK: - Sums

  /// y += x over n values (8 lanes at a time in release builds).
  static func addInto(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    parallelRanges(n) { lo, hi in
      var i = lo
      #if !DEBUG
        while i + 8 <= hi {
          store8(load8(y, i) + load8(x, i), y, i)
          i += 8
        }
      #endif
      while i < hi {
        y[i] += x[i]
        i += 1
      }
    }
  }

  // MARK: - 1×1 convolution

  /// out (OC, B, P) = weight (OC, C) · inp (C, B, P) + bias (OC): a 1×1 convolution over the
  /// P pixels of B images. With `accumulate`, added to out.
  ///
  /// Split between ``convWorkers(B:_:)`` like the 3×3 convolutions (each worker's images are a
  /// run of columns of every channel row): on OpenBLAS's own threads these products were too
  /// small to keep two cores busy, and left its helpers spinning (``BLAS/onCallingThread(_:)``).
  public static func conv1x1Forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, B: Int, P: Int, C: Int, OC: Int, accumulate: Bool = false
  ) {
    let N = B * P
    nonisolated(unsafe) let out = out
    convWorkers(B: B) { _, bLo, bHi in
      let q = bLo * P
      let n = (bHi - bLo) * P
      BLAS.sgemm(
        transA: false, transB: false, m: OC, n: n, k: C, a: weight, lda: C, b: inp + q, ldb: N,
        beta: accumulate ? 1 : 0, c: out + q, ldc: N)
      for o in 0..<OC {
        let row = out + o * N + q
        let v = bias[o]
        for i in 0..<n { row[i] += v }
      }
    }
  }

  /// Floats of scratch the 1×1 convolution's backward needs: a private weight gradient for
  /// each worker but the first.
  public static func conv1x1ScratchCount(C: Int, OC: Int) -> Int { (convMaxWorkers - 1) * OC * C }

  /// Backward of ``conv1x1Forward(out:inp:weight:bias:B:P:C:OC:accumulate:)``: dout is
  /// (OC, B, P). Accumulates dinp (C, B, P) += Wᵀ · dout (overwrites it when
  /// `accumulateInput` is false), dweight (OC, C) += dout · inpᵀ, dbias += Σ dout. Worker 0
  /// adds into dweight and the others into their part of scratch
  /// (``conv1x1ScratchCount(C:OC:)`` floats), added afterwards in worker order: the same sums
  /// in the same order on one thread or two.
  public static func conv1x1Backward(
    dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    B: Int, P: Int, C: Int, OC: Int, accumulateInput: Bool = true
  ) {
    let N = B * P
    nonisolated(unsafe) let dinp = dinp
    nonisolated(unsafe) let dweight = dweight
    let workers = convWorkers(B: B) { w, bLo, bHi in
      let q = bLo * P
      let n = (bHi - bLo) * P
      BLAS.sgemm(
        transA: true, transB: false, m: C, n: n, k: OC, a: weight, lda: C, b: dout + q, ldb: N,
        beta: accumulateInput ? 1 : 0, c: dinp + q, ldc: N)
      BLAS.sgemm(
        transA: false, transB: true, m: OC, n: C, k: n, a: dout + q, lda: N, b: inp + q, ldb: N,
        beta: w == 0 ? 1 : 0, c: w == 0 ? dweight : scratch + (w - 1) * OC * C, ldc: C)
    }
    for w in 1..<workers { addInto(dweight, scratch + (w - 1) * OC * C, OC * C) }
    for o in 0..<OC { dbias[o] += rowSum(dout + o * N, N) }
  }

  // MARK: - Per-channel conditioning

  /// dv (B, F) = Σ over the P pixels of du (F, B, P): the gradient of a per-example,
  /// per-channel vector that ``addPerChannelSiLUForward(s:u:v:F:B:P:)`` broadcast over pixels.
  /// Overwrites dv.
  public static func perChannelSums(
    dv: UnsafeMutablePointer<Float>, du: UnsafePointer<Float>, F: Int, B: Int, P: Int
  ) {
    for c in 0..<F {
      for b in 0..<B {
        dv[b * F + c] = rowSum(du + (c * B + b) * P, P)
      }
    }
  }
}
