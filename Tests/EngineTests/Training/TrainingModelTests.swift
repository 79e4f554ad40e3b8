import Engine
import TestSupport
import Testing

@Suite struct TrainingModelGradientTests {
  /// Checks every parameter of `model` (tiny) against finite differences of L = Σ out·r, prints
  /// the largest relative difference (llm.c's habit) and expects every parameter checked and
  /// within 2e-2 of its finite difference.
  func expectGradientsMatch(_ model: any Denoiser, B: Int, name: String) {
    let result = check(model, B: B)
    print(
      "gradient check \(name): \(result.checked) values, largest relative difference "
        + "\(result.worstRelative)")
    #expect(result.checked == model.layout.count)
    #expect(result.worstRelative < 2e-2)
  }

  func check(_ model: any Denoiser, B: Int, scale: Double = 0.5) -> GradientCheck {
    var rng = SplitMixForTests(seed: 11)
    let D = model.shape.pixels
    let x = rng.values(B * D)
    let logSNR = (0..<B).map { _ in Float((rng.nextUnit() * 2 - 1) * 10) }
    let labels = (0..<B).map { Int32($0 % (model.shape.classes + 1)) }  // includes "no class"
    let p0 = rng.values(model.layout.count, scale: scale)
    func forward(_ p: [Float]) -> [Float] {
      let out = model.forward(params: p, x: x, logSNR: logSNR, labels: labels, B: B)
      return Array(UnsafeBufferPointer(start: out, count: B * D))
    }
    return GradientCheck(
      parameters: p0, forward: forward,
      backward: { p, r in
        _ = forward(p)
        return [Float](repeating: 0, count: p.count).withCopy { G in
          model.backward(params: p, grads: G, dout: r)
        }
      })
  }

  @Test("MLP-S (tiny): every parameter's gradient matches finite differences")
  func mlp() {
    var shape = ModelShape(kind: .mlpS, channels: 1, height: 2, width: 2, classes: 2)
    shape.hidden = 6
    shape.embedding = 4
    expectGradientsMatch(MLPS(shape), B: 3, name: "MLP-S")
  }

  @Test("ConvRes-S (tiny): every parameter's gradient matches finite differences")
  func convRes() {
    var shape = ModelShape(kind: .convResS, channels: 2, height: 3, width: 3, classes: 2)
    shape.convChannels = 3
    shape.conditioning = 4
    shape.embedding = 4
    shape.blocks = 2
    expectGradientsMatch(ConvResS(shape), B: 2, name: "ConvRes-S")
  }

  @Test("the reference sizes: MLP-S on 8×8 and ConvRes-S on 32×32 have the issue's parameters")
  func referenceSizes() {
    let mlp = MLPS(ModelShape(kind: .mlpS, channels: 1, height: 8, width: 8, classes: 10))
    // Hand count: fc1 64·512+512, time 64·512, class 11·512, fc2 and fc3 512·512+512 each,
    // fc4 512·64+64.
    let mlpCount = 64 * 512 + 512 + 64 * 512 + 11 * 512 + 2 * (512 * 512 + 512) + 512 * 64 + 64
    #expect(mlp.layout.count == mlpCount)
    let conv = ConvResS(
      ModelShape(kind: .convResS, channels: 1, height: 32, width: 32, classes: 10))
    // cond 64·128+128 + 128·128+128, class 11·128, conv in 64·9+64,
    // 4 × (2 × (64·576+64) + 64·128+64), conv out 576+1.
    let convCount =
      64 * 128 + 128 + 128 * 128 + 128 + 11 * 128 + 64 * 9 + 64
      + 4 * (2 * (64 * 576 + 64) + 64 * 128 + 64) + 576 + 1
    #expect(conv.layout.count == convCount)
  }
}
