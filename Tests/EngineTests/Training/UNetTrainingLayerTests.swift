@testable import Engine
import Foundation
import Schedules
import TestSupport
import Testing

/// UNet-S's layers against finite differences (the file name keeps them in scripts/test's
/// release step, which filters on "TrainingLayerTests").
@Suite struct UNetTrainingLayerTests {
  func report(_ name: String, _ check: GradientCheck) {
    print(
      "gradient check \(name): \(check.checked) values, largest relative difference "
        + "\(check.worstRelative)")
    #expect(check.worstRelative < 2e-2, "\(name): \(check.worstRelative)")
  }

  /// A gradient check of a layer y = f(x) whose backward accumulates into dinp.
  func checkLayer(
    _ name: String, inputs: Int, outputs: Int,
    forward: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>) -> Void,
    backward: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
      -> Void
  ) {
    var rng = SplitMixForTests(seed: 21)
    let p = rng.values(inputs)
    let check = GradientCheck(
      parameters: p,
      forward: { p in
        var out = [Float](repeating: 0, count: outputs)
        p.withUnsafeBufferPointer { forward(&out, $0.baseAddress!) }
        return out
      },
      backward: { p, r in
        // Start from ones: backward must add, not overwrite.
        let grads = [Float](repeating: 1, count: p.count).withCopy { G in
          p.withUnsafeBufferPointer { backward(G, r, $0.baseAddress!) }
        }
        return grads.map { $0 - 1 }
      })
    report(name, check)
  }

  @Test("pixel folding and unfolding: each is the other's adjoint, and unfold(fold(x)) is x")
  func folding() {
    let (C, B, H, W) = (2, 2, 4, 6)
    let n = C * B * H * W
    // Each is a permutation whose adjoint is the other: backward = the other's forward.
    func adjoint(
      _ other: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>) -> Void
    ) -> (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void {
      { g, r, _ in
        var d = [Float](repeating: 0, count: n)
        other(&d, r)
        for i in 0..<n { g[i] += d[i] }
      }
    }
    checkLayer(
      "space to depth", inputs: n, outputs: n,
      forward: { Layers.spaceToDepthForward(out: $0, inp: $1, C: C, B: B, H: H, W: W) },
      backward: adjoint { Layers.depthToSpaceForward(out: $0, inp: $1, C: C, B: B, H: H, W: W) })
    checkLayer(
      "depth to space", inputs: n, outputs: n,
      forward: { Layers.depthToSpaceForward(out: $0, inp: $1, C: C, B: B, H: H, W: W) },
      backward: adjoint { Layers.spaceToDepthForward(out: $0, inp: $1, C: C, B: B, H: H, W: W) })
    var rng = SplitMixForTests(seed: 22)
    let x = rng.values(n)
    var folded = [Float](repeating: 0, count: n)
    var back = [Float](repeating: 0, count: n)
    Layers.spaceToDepthForward(out: &folded, inp: x, C: C, B: B, H: H, W: W)
    Layers.depthToSpaceForward(out: &back, inp: folded, C: C, B: B, H: H, W: W)
    #expect(back == x)
    // PyTorch's pixel_unshuffle order: channel 4c + 2·dy + dx holds pixel (2y + dy, 2x + dx).
    #expect(folded[((0 * 4 + 3) * B + 1) * 2 * 3 + 1 * 3 + 2] == x[(0 * B + 1) * H * W + 3 * W + 5])
  }

  @Test("2×2 average pooling and nearest up-sampling: gradients match")
  func sampling() {
    let (planes, H, W) = (3, 4, 6)
    checkLayer(
      "avgpool 2×2", inputs: planes * H * W, outputs: planes * H * W / 4,
      forward: { Layers.avgPool2Forward(out: $0, inp: $1, planes: planes, H: H, W: W) },
      backward: { g, r, _ in
        Layers.avgPool2Backward(dinp: g, dout: r, planes: planes, H: H, W: W)
      })
    checkLayer(
      "upsample 2×", inputs: planes * H * W, outputs: planes * H * W * 4,
      forward: { Layers.upsample2Forward(out: $0, inp: $1, planes: planes, h: H, w: W) },
      backward: { g, r, _ in
        Layers.upsample2Backward(dinp: g, dout: r, planes: planes, h: H, w: W)
      })
  }

  @Test("pooling and up-sampling over planes split between two threads match the definitions")
  func samplingLarge() {
    let (planes, h, w) = (80, 16, 16)
    let (H, W) = (2 * h, 2 * w)
    var rng = SplitMixForTests(seed: 24)
    let big = rng.values(planes * H * W)
    let small = rng.values(planes * h * w)
    var pooled = [Float](repeating: 0, count: planes * h * w)
    var upsampled = [Float](repeating: 0, count: planes * H * W)
    Layers.avgPool2Forward(out: &pooled, inp: big, planes: planes, H: H, W: W)
    Layers.upsample2Forward(out: &upsampled, inp: small, planes: planes, h: h, w: w)
    var summed = [Float](repeating: .nan, count: planes * h * w)
    Layers.upsample2Backward(
      dinp: &summed, dout: big, planes: planes, h: h, w: w, accumulate: false)
    var pooledBack = [Float](repeating: 1, count: planes * H * W)
    Layers.avgPool2Backward(dinp: &pooledBack, dout: small, planes: planes, H: H, W: W)
    for p in 0..<planes {
      for y in 0..<h {
        for x in 0..<w {
          let i = (p * h + y) * w + x
          let block = [0, 1, W, W + 1].map { (p * H + 2 * y) * W + 2 * x + $0 }
          let sum = block.map { Double(big[$0]) }.reduce(0, +)
          #expect(abs(Double(pooled[i]) - sum / 4) < 1e-6)
          #expect(abs(Double(summed[i]) - sum) < 1e-5)
          for j in block {
            #expect(upsampled[j] == small[i])
            #expect(pooledBack[j] == 1 + small[i] / 4)
          }
        }
      }
    }
  }

  @Test("1×1 convolution: gradients of input, weight and bias match (batch split in two)")
  func conv1x1() {
    // Three images of 5 pixels: the workers' shares (1 and 2 images) are unequal runs of columns.
    let (B, P, C, OC) = (3, 5, 3, 4)
    let N = B * P
    let (nIn, nW) = (C * N, OC * C)
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: Layers.conv1x1ScratchCount(C: C, OC: OC))
    defer { scratch.deallocate() }
    checkLayer(
      "conv1x1", inputs: nIn + nW + OC, outputs: OC * N,
      forward: { out, p in
        Layers.conv1x1Forward(
          out: out, inp: p, weight: p + nIn, bias: p + nIn + nW, B: B, P: P, C: C, OC: OC)
      },
      backward: { g, r, p in
        Layers.conv1x1Backward(
          dinp: g, dweight: g + nIn, dbias: g + nIn + nW, dout: r, inp: p, weight: p + nIn,
          scratch: scratch, B: B, P: P, C: C, OC: OC)
      })
  }

  @Test(
    "a UNet-S block, 1×1 or identity skip: every gradient matches, e included", arguments: [2, 3])
  func block(Ci: Int) {
    let (Co, h, w, Cd, B) = (3, 4, 4, 3, 2)
    var layout = ParameterLayout()
    let acts = Scratch()
    let block = UNetBlock("b", Ci: Ci, Co: Co, h: h, w: w, Cd: Cd, layout: &layout, acts: acts)
    #expect((block.skip != nil) == (Ci != Co))
    checkBlock("UNet block \(Ci) → \(Co)", block, layout: layout, acts: acts, B: B)
  }

  /// A gradient check of `block` (laid out in `layout`, activations in `acts`) over its input,
  /// e and every parameter, for a batch of B; and its dinp overwritten without accumulateInput.
  func checkBlock(
    _ name: String, _ block: UNetBlock, layout: ParameterLayout, acts: Scratch, B: Int
  ) {
    let (Ci, Co, h, w, Cd) = (block.Ci, block.Co, block.h, block.w, block.Cd)
    let (nIn, nE, nP) = (Ci * B * h * w, B * Cd, layout.count)
    let work = (0..<3).map { _ in Tensor([B * block.workPerExample]) }
    let dProj = Tensor([B * Co])
    let scratch = Tensor([block.convScratch])
    let out = Tensor([Co * B * h * w])
    acts.grow(B)
    func backward(
      _ g: UnsafeMutablePointer<Float>, _ r: UnsafePointer<Float>, _ p: UnsafePointer<Float>,
      accumulateInput: Bool = true
    ) {
      block.forward(
        P: p + nIn + nE, A: acts, inp: p, e: p + nIn, out: out.data, scratch: scratch.data, B: B)
      block.backward(
        P: p + nIn + nE, G: g + nIn + nE, A: acts, inp: p, e: p + nIn, dout: r, dinp: g,
        dE: g + nIn, work: (work[0].data, work[1].data, work[2].data, dProj.data),
        scratch: scratch.data, B: B, accumulateInput: accumulateInput)
    }
    // p = [inp | e | parameters]
    checkLayer(
      name, inputs: nIn + nE + nP, outputs: Co * B * h * w,
      forward: { o, p in
        block.forward(
          P: p + nIn + nE, A: acts, inp: p, e: p + nIn, out: o, scratch: scratch.data, B: B)
      },
      backward: { g, r, p in backward(g, r, p) })
    // Without accumulateInput, dinp is overwritten: NaN there first gives what zeros plus
    // accumulation give.
    var rng = SplitMixForTests(seed: 23)
    let p = rng.values(nIn + nE + nP)
    let r = rng.values(Co * B * h * w)
    var added = [Float](repeating: 0, count: nIn + nE + nP)
    var overwritten = [Float](repeating: 0, count: nIn + nE + nP)
    for i in 0..<nIn { overwritten[i] = .nan }
    backward(&added, r, p)
    backward(&overwritten, r, p, accumulateInput: false)
    #expect(added == overwritten)
  }
}

@Suite struct UNetTrainingModelTests {
  @Test("UNet-S (tiny, 8×8, 2 channels): every parameter's gradient matches finite differences")
  func gradients() {
    let model = UNetS(tinyUNetShape())
    // Smaller weights than the shallower models' 0.5: through seven blocks, float32 rounding in
    // the finite differences of the smallest gradients came within 2e-2 at 0.5.
    let result = TrainingModelGradientTests().check(model, B: 2, scale: 0.3)
    print(
      "gradient check UNet-S: \(result.checked) values, largest relative difference "
        + "\(result.worstRelative)")
    #expect(result.checked == model.layout.count)
    #expect(result.worstRelative < 2e-2)
  }

  /// Changes the process-wide BLAS thread count, which would change the arithmetic of any
  /// training test running beside it (Swift Testing runs suites in parallel): so it runs only
  /// when asked, alone, as scripts/test's release step does:
  /// `SCHEDTUI_THREAD_TESTS=1 swift test --filter UNetTrainingModelTests/threads`.
  @Test(
    "UNet-S (with, without GroupNorm) and ConvRes-S: a seed gives the same losses on 1 and 2 threads",
    .enabled(if: ProcessInfo.processInfo.environment["SCHEDTUI_THREAD_TESTS"] != nil),
    .serialized,
    arguments: zip([ModelKind.unetS, .unetS, .convResS], [BlockNorm.none, .group(2), .none]))
  func threads(model: ModelKind, norm: BlockNorm) throws {
    func losses(threads: Int) throws -> [Double] {
      let saved = BLAS.threads
      BLAS.threads = threads
      defer { BLAS.threads = saved }
      var c = tinyConfig(steps: 4, seed: 5)
      c.model = model
      c.norm = norm
      c.resolution = 16
      let data = try Dataset.digits(resolution: 16)
      var shape = c.modelShape(for: data)
      // Narrow, but every kind of layer: UNet-S's 1×1 skips (16 → 32), both models'
      // convolutions split between two workers (batch 8), and both ways of a 3×3 convolution
      // (Winograd where both channel counts are at least 16, im2col at the stems and heads).
      // Widths 16, 32 and the concatenations' 64 and 48 split into GroupNorm's 2 groups.
      shape.unetChannels = [16, 32, 32]
      shape.convChannels = 16
      shape.blocks = 2
      shape.conditioning = 8
      let t = try Trainer(config: c, dataset: data, shape: shape)
      return (0..<4).map { _ in t.step().loss }
    }
    let one = try losses(threads: 1)
    let two = try losses(threads: 2)
    print("\(model.rawValue) norm \(norm.name) losses on 1 thread \(one), on 2 \(two)")
    #expect(one == two)
    // The steps trained (a loss that did not move would make the comparison empty).
    #expect(Set(one).count == one.count)
  }

  @Test("UNet-S at 64×64 RGB has the hand-counted parameters")
  func referenceSize() {
    let model = UNetS(ModelShape(kind: .unetS, channels: 3, height: 64, width: 64, classes: 10))
    func block(_ ci: Int, _ co: Int) -> Int {
      co * ci * 9 + co + co * 128 + co + co * co * 9 + co + (ci == co ? 0 : co * ci + co)
    }
    // cond 64·128+128 + 128·128+128, class 11·128, stem 32·12·9+32, six blocks, head 12·32·9+12.
    let count =
      64 * 128 + 128 + 128 * 128 + 128 + 11 * 128 + 32 * 12 * 9 + 32
      + block(32, 32) + block(32, 64) + block(64, 128) + block(128, 128) + block(192, 64)
      + block(96, 32) + 12 * 32 * 9 + 12
    #expect(model.layout.count == count)
    print("UNet-S parameters at 64×64 RGB: \(model.layout.count)")
  }
}
