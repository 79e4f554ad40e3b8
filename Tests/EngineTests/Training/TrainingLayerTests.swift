import Engine
import TestSupport
import Testing

@Suite struct TrainingBLASTests {
  @Test("sgemm matches the naive Double matmul for every transpose and padded strides")
  func sgemmMatchesNaive() {
    var rng = SplitMixForTests(seed: 1)
    let (m, n, k) = (7, 5, 9)
    for transA in [false, true] {
      for transB in [false, true] {
        let lda = (transA ? m : k) + 2
        let ldb = (transB ? k : n) + 1
        let ldc = n + 3
        let a = rng.values((transA ? k : m) * lda)
        let b = rng.values((transB ? n : k) * ldb)
        let c0 = rng.values(m * ldc)
        var fast = c0
        var slow = c0
        a.withUnsafeBufferPointer { A in
          b.withUnsafeBufferPointer { Bp in
            BLAS.sgemm(
              transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: A.baseAddress!,
              lda: lda, b: Bp.baseAddress!, ldb: ldb, beta: 1, c: &fast, ldc: ldc)
            BLAS.naiveMatmul(
              transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: A.baseAddress!,
              lda: lda, b: Bp.baseAddress!, ldb: ldb, beta: 1, c: &slow, ldc: ldc)
          }
        }
        // Absolute: entries are sums of 9 products of values in (−1, 1), so O(1), and a relative
        // measure would blow up where a sum cancels to near zero.
        let worst = zip(fast, slow).map { abs(Double($0) - Double($1)) }.max()!
        #expect(worst < 1e-5, "transA \(transA) transB \(transB): worst absolute \(worst)")
      }
    }
  }
}

@Suite struct TrainingLayerGradientTests {
  static let tolerance = 2e-2

  func report(_ name: String, _ check: GradientCheck) {
    print(
      "gradient check \(name): \(check.checked) values, largest relative difference "
        + "\(check.worstRelative)")
    #expect(check.worstRelative < Self.tolerance, "\(name): \(check.worstRelative)")
  }

  @Test("linear: gradients of input, weight and bias match finite differences")
  func linear() {
    let (B, C, OC) = (3, 4, 5)
    var rng = SplitMixForTests(seed: 2)
    // p = [inp (B·C) | weight (OC·C) | bias (OC)]
    let p = rng.values(B * C + OC * C + OC)
    let check = GradientCheck(
      parameters: p,
      forward: { p in
        var out = [Float](repeating: 0, count: B * OC)
        p.withUnsafeBufferPointer { P in
          Layers.linearForward(
            out: &out, inp: P.baseAddress!, weight: P.baseAddress! + B * C,
            bias: P.baseAddress! + B * C + OC * C, B: B, C: C, OC: OC)
        }
        return out
      },
      backward: { p, r in
        [Float](repeating: 0, count: p.count).withCopy { G in
          p.withUnsafeBufferPointer { P in
            Layers.linearBackward(
              dinp: G, dweight: G + B * C, dbias: G + B * C + OC * C, dout: r,
              inp: P.baseAddress!, weight: P.baseAddress! + B * C, B: B, C: C, OC: OC)
          }
        }
      })
    report("linear", check)
  }

  @Test("SiLU: gradient matches finite differences across negative and positive inputs")
  func silu() {
    var rng = SplitMixForTests(seed: 3)
    let p = rng.values(16, scale: 4)
    let check = GradientCheck(
      parameters: p, step: 1e-3,
      forward: { p in
        var out = [Float](repeating: 0, count: p.count)
        Layers.siluForward(out: &out, inp: p, N: p.count)
        return out
      },
      backward: { p, r in
        [Float](repeating: 0, count: p.count).withCopy { G in
          Layers.siluBackward(dinp: G, inp: p, dout: r, N: p.count)
        }
      })
    report("silu", check)
  }

  @Test("embedding: rows used twice get both gradients; unused rows get none")
  func embedding() {
    let (B, C, rows) = (4, 3, 5)
    let labels: [Int32] = [2, 0, 2, 4]
    var rng = SplitMixForTests(seed: 4)
    let p = rng.values(rows * C)
    let check = GradientCheck(
      parameters: p,
      forward: { p in
        var out = [Float](repeating: 0, count: B * C)
        Layers.embeddingForward(out: &out, labels: labels, table: p, B: B, C: C, rows: rows)
        return out
      },
      backward: { p, r in
        [Float](repeating: 0, count: p.count).withCopy { G in
          Layers.embeddingBackward(dtable: G, labels: labels, dout: r, B: B, C: C)
        }
      })
    report("embedding", check)
  }

  @Test("sinusoidal embedding then linear: gradients of logSNR and weight match")
  func sinusoidalPath() {
    let (B, E, OC) = (3, 8, 4)
    var rng = SplitMixForTests(seed: 5)
    // p = [logSNR (B) | weight (OC·E)], logSNR spread over the range schedules produce.
    var p = rng.values(B + OC * E)
    for b in 0..<B { p[b] *= 15 }
    let check = GradientCheck(
      parameters: p, step: 1e-2,
      forward: { p in
        var e = [Float](repeating: 0, count: B * E)
        var out = [Float](repeating: 0, count: B * OC)
        p.withUnsafeBufferPointer { P in
          Layers.sinusoidalForward(out: &e, logSNR: P.baseAddress!, B: B, E: E)
          Layers.linearForward(
            out: &out, inp: e, weight: P.baseAddress! + B, bias: nil, B: B, C: E, OC: OC)
        }
        return out
      },
      backward: { p, r in
        var e = [Float](repeating: 0, count: B * E)
        var de = [Float](repeating: 0, count: B * E)
        return [Float](repeating: 0, count: p.count).withCopy { G in
          p.withUnsafeBufferPointer { P in
            Layers.sinusoidalForward(out: &e, logSNR: P.baseAddress!, B: B, E: E)
            Layers.linearBackward(
              dinp: &de, dweight: G + B, dbias: nil, dout: r, inp: e,
              weight: P.baseAddress! + B, B: B, C: E, OC: OC)
            Layers.sinusoidalBackward(dlogSNR: G, logSNR: P.baseAddress!, dout: de, B: B, E: E)
          }
        }
      })
    report("sinusoidal path", check)
  }

  /// Sizes below and above the 256-column im2col chunk (32×32 and 64×64 images are split across
  /// chunks; 20×13 = 260 pixels, so chunks straddle two images) and with two images, so both
  /// workers of the batch split run; OC < C takes the input gradient's other way (the flipped
  /// convolution), OC ≥ C col2im.
  static let convSizes = [
    (2, 2, 4, 3, 3), (2, 2, 32, 32, 2), (1, 1, 64, 64, 1), (2, 3, 20, 13, 2), (3, 4, 3, 5, 2),
  ]

  @Test(
    "conv3×3 (im2col + sgemm): gradients of input, weight and bias match, borders included",
    arguments: convSizes)
  func conv3x3(B: Int, C: Int, H: Int, W: Int, OC: Int) {
    let check = convGradientCheck(
      B: B, C: C, H: H, W: W, OC: OC, seed: 6, forward: Layers.im2colConv3x3Forward,
      backward: Layers.im2colConv3x3Backward)
    report("conv3x3", check)
  }

  @Test(
    "conv3×3 forward equals a direct sum over the 3×3 window with zero padding",
    arguments: [(2, 2, 5, 4, 3), (2, 3, 32, 32, 2), (2, 1, 64, 64, 2), (3, 2, 20, 13, 2)])
  func conv3x3Direct(B: Int, C: Int, H: Int, W: Int, OC: Int) {
    var rng = SplitMixForTests(seed: 8)
    let inp = rng.values(C * B * H * W)
    let w = rng.values(OC * C * 9)
    let bias = rng.values(OC)
    let scratch = Tensor([2 * Layers.convScratchCount(C: C, H: H, W: W)])
    var out = [Float](repeating: 0, count: OC * B * H * W)
    Layers.im2colConv3x3Forward(
      out: &out, inp: inp, weight: w, bias: bias, scratch: scratch.data,
      B: B, C: C, H: H, W: W, OC: OC)
    let reference = directConv3x3(inp: inp, weight: w, bias: bias, B: B, C: C, H: H, W: W, OC: OC)
    let worst = zip(out, reference.sums).map { abs(Double($0) - $1) }.max()!
    #expect(worst < 1e-5, "largest absolute difference \(worst)")
  }

  @Test("residual block h + conv(SiLU(conv(SiLU(h)) + Linear(e))): all gradients match")
  func residualBlock() {
    let (B, F, H, W, Cd) = (2, 2, 3, 3, 3)
    let nH = F * B * H * W
    let nW = F * F * 9
    let HW = H * W
    // p = [h | e (B·Cd) | w1 | b1 | pw (F·Cd) | pb | w2 | b2]
    let oE = nH
    let oW1 = oE + B * Cd
    let oB1 = oW1 + nW
    let oPW = oB1 + F
    let oPB = oPW + F * Cd
    let oW2 = oPB + F
    let oB2 = oW2 + nW
    let total = oB2 + F
    var rng = SplitMixForTests(seed: 9)
    let p0 = rng.values(total)
    let scratch = Tensor([2 * Layers.convScratchCount(C: F, H: H, W: W)])
    struct Acts { var a, u, s, proj, out: [Float] }
    func forward(_ p: [Float]) -> Acts {
      var A = Acts(
        a: .init(repeating: 0, count: nH), u: .init(repeating: 0, count: nH),
        s: .init(repeating: 0, count: nH), proj: .init(repeating: 0, count: B * F),
        out: .init(repeating: 0, count: nH))
      p.withUnsafeBufferPointer { P in
        let P = P.baseAddress!
        Layers.siluForward(out: &A.a, inp: P, N: nH)
        Layers.conv3x3Forward(
          out: &A.u, inp: A.a, weight: P + oW1, bias: P + oB1, scratch: scratch.data,
          B: B, C: F, H: H, W: W, OC: F)
        Layers.linearForward(
          out: &A.proj, inp: P + oE, weight: P + oPW, bias: P + oPB,
          B: B, C: Cd, OC: F)
        for c in 0..<F {
          for b in 0..<B { for i in 0..<HW { A.u[(c * B + b) * HW + i] += A.proj[b * F + c] } }
        }
        Layers.siluForward(out: &A.s, inp: A.u, N: nH)
        Layers.conv3x3Forward(
          out: &A.out, inp: A.s, weight: P + oW2, bias: P + oB2, scratch: scratch.data,
          B: B, C: F, H: H, W: W, OC: F)
        for i in 0..<nH { A.out[i] += P[i] }
      }
      return A
    }
    let check = GradientCheck(
      parameters: p0, forward: { forward($0).out },
      backward: { p, r in
        let A = forward(p)
        var ds = [Float](repeating: 0, count: nH)
        var du = ds
        var da = ds
        var dproj = [Float](repeating: 0, count: B * F)
        return [Float](repeating: 0, count: p.count).withCopy { G in
          p.withUnsafeBufferPointer { P in
            let P = P.baseAddress!
            for i in 0..<nH { G[i] += r[i] }  // identity path
            Layers.conv3x3Backward(
              dinp: &ds, dweight: G + oW2, dbias: G + oB2, dout: r, inp: A.s, weight: P + oW2,
              scratch: scratch.data, B: B, C: F, H: H, W: W, OC: F)
            Layers.siluBackward(dinp: &du, inp: A.u, dout: ds, N: nH)
            for c in 0..<F {
              for b in 0..<B { for i in 0..<HW { dproj[b * F + c] += du[(c * B + b) * HW + i] } }
            }
            Layers.linearBackward(
              dinp: G + oE, dweight: G + oPW, dbias: G + oPB, dout: dproj, inp: P + oE,
              weight: P + oPW, B: B, C: Cd, OC: F)
            Layers.conv3x3Backward(
              dinp: &da, dweight: G + oW1, dbias: G + oB1, dout: du, inp: A.a, weight: P + oW1,
              scratch: scratch.data, B: B, C: F, H: H, W: W, OC: F)
            Layers.siluBackward(dinp: G, inp: P, dout: da, N: nH)
          }
        }
      })
    report("residual block", check)
  }
}
