@testable import Engine
import Foundation
import Schedules
import TestSupport
import Testing

/// GroupNorm (UNet-S's optional block normalisation) against finite differences and against
/// torch.nn.GroupNorm itself (scripts/golden_group_norm.py). The suite's name keeps it in
/// scripts/test's release step, which filters on "TrainingLayerTests".
@Suite struct GroupNormTrainingLayerTests {
  @Test("GroupNorm: gradients of input, γ and β match finite differences (odd batch, odd pixels)")
  func gradients() {
    // Three images (the two workers' shares are 1 and 2), 5 pixels (a scalar tail), 3 groups.
    let (C, G, B, P) = (6, 3, 3, 5)
    let n = C * B * P
    let stats = Tensor([B * G * 2])
    let sums = Tensor([B * C * 2])
    // p = [x | γ | β]
    UNetTrainingLayerTests().checkLayer(
      "group norm", inputs: n + 2 * C, outputs: n,
      forward: { out, p in
        Layers.groupNormForward(
          out: out, stats: stats.data, inp: p, gamma: p + n, beta: p + n + C, C: C, G: G, B: B,
          P: P)
      },
      backward: { g, r, p in
        let out = Tensor([n])
        Layers.groupNormForward(
          out: out.data, stats: stats.data, inp: p, gamma: p + n, beta: p + n + C, C: C, G: G,
          B: B, P: P)
        Layers.groupNormBackward(
          dinp: g, dgamma: g + n, dbeta: g + n + C, dout: r, inp: p, stats: stats.data,
          gamma: p + n, sums: sums.data, C: C, G: G, B: B, P: P)
      })
  }

  struct Golden: Decodable {
    struct Case: Decodable {
      let B: Int, C: Int, G: Int, H: Int, W: Int
      let eps: Double
      let x: [Float], gamma: [Float], beta: [Float], dy: [Float]
      let y: [Float], dx: [Float], dgamma: [Float], dbeta: [Float]
    }
    let torch: String
    let cases: [Case]
  }

  @Test("GroupNorm matches torch.nn.GroupNorm: output, dx, dγ, dβ (G < C and G = C)")
  func matchesPyTorch() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../Fixtures/group_norm.json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    for k in golden.cases {
      #expect(Float(k.eps) == Layers.groupNormEpsilon)
      let (B, C, P) = (k.B, k.C, k.H * k.W)
      // PyTorch's (B, C, P) to the engine's (C, B, P) and back.
      func toEngine(_ a: [Float]) -> [Float] {
        var out = a
        for b in 0..<B {
          for c in 0..<C {
            for p in 0..<P { out[(c * B + b) * P + p] = a[(b * C + c) * P + p] }
          }
        }
        return out
      }
      let x = toEngine(k.x)
      let dy = toEngine(k.dy)
      var y = [Float](repeating: 0, count: x.count)
      var stats = [Float](repeating: 0, count: B * k.G * 2)
      var sums = [Float](repeating: 0, count: B * C * 2)
      Layers.groupNormForward(
        out: &y, stats: &stats, inp: x, gamma: k.gamma, beta: k.beta, C: C, G: k.G, B: B, P: P)
      // dx overwritten (accumulate false) over a non-zero start, γ's and β's added to ones.
      var dx = [Float](repeating: 7, count: x.count)
      var dgamma = [Float](repeating: 1, count: C)
      var dbeta = [Float](repeating: 1, count: C)
      Layers.groupNormBackward(
        dinp: &dx, dgamma: &dgamma, dbeta: &dbeta, dout: dy, inp: x, stats: stats,
        gamma: k.gamma, sums: &sums, C: C, G: k.G, B: B, P: P, accumulate: false)
      func compare(_ name: String, _ ours: [Float], _ theirs: [Float], atol: Double) {
        let worst = zip(ours, theirs).map { abs(Double($0) - Double($1)) }.max() ?? 0
        print(
          "GroupNorm G=\(k.G) C=\(C) \(name) vs torch \(golden.torch): largest difference "
            + "\(worst)")
        #expect(worst <= atol, "\(name): \(worst)")
      }
      compare("y", y, toEngine(k.y), atol: 2e-5)
      compare("dx", dx, toEngine(k.dx), atol: 2e-5)
      compare("dγ", dgamma.map { $0 - 1 }, k.dgamma, atol: 1e-4)
      compare("dβ", dbeta.map { $0 - 1 }, k.dbeta, atol: 1e-4)
    }
  }

  @Test("a UNet-S block with GroupNorm (1×1 skip): every gradient matches, γ, β and e included")
  func block() {
    let (Ci, Co, h, w, Cd, B) = (4, 6, 4, 4, 3, 3)
    var layout = ParameterLayout()
    let acts = Scratch()
    let block = UNetBlock(
      "b", Ci: Ci, Co: Co, h: h, w: w, Cd: Cd, norm: .group(2), layout: &layout, acts: acts)
    #expect(block.norm1?.G == 2 && block.norm2?.C == Co)
    #expect(layout.entry("b.norm1.gamma")?.shape == [Ci])
    #expect(layout.entry("b.norm2.beta")?.shape == [Co])
    UNetTrainingLayerTests().checkBlock(
      "UNet block with GroupNorm", block, layout: layout, acts: acts, B: B)
  }
}

@Suite struct GroupNormTrainingModelTests {
  @Test("UNet-S with GroupNorm (tiny, 8×8): every parameter's gradient matches finite differences")
  func gradients() {
    // Every width a block normalises (4, 8 and the concatenations' 12 and 8) splits in 2 groups.
    let model = UNetS(tinyUNetShape(widths: [4, 4, 8], norm: .group(2)))
    let result = TrainingModelGradientTests().check(model, B: 2, scale: 0.3)
    print(
      "gradient check UNet-S with GroupNorm: \(result.checked) values, largest relative "
        + "difference \(result.worstRelative)")
    #expect(result.checked == model.layout.count)
    #expect(result.worstRelative < 2e-2)
  }

  @Test("UNet-S's GroupNorms: two per block, γ = 1 and β = 0 at the start, 1,984 parameters more")
  func layoutAndInitialisation() throws {
    var plain = ModelShape(kind: .unetS, channels: 3, height: 64, width: 64, classes: 10)
    var grouped = plain
    grouped.norm = .group(8)
    plain.norm = .none
    let (a, b) = (UNetS(plain), UNetS(grouped))
    // Hand count: 2·(Ci + Co) per block, blocks (32→32), (32→64), (64→128), (128→128),
    // (192→64), (96→32).
    let extra = 2 * ((32 + 32) + (32 + 64) + (64 + 128) + (128 + 128) + (192 + 64) + (96 + 32))
    #expect(extra == 1_984)
    #expect(b.layout.count == a.layout.count + extra)
    var params = [Float](repeating: .nan, count: b.layout.count)
    var rng = SplitMix64(seed: 3)
    params.withUnsafeMutableBufferPointer { b.initialize(params: $0.baseAddress!, using: &rng) }
    for entry in b.layout.entries where entry.name.contains(".norm") {
      let values = params[entry.offset..<(entry.offset + entry.count)]
      let expected: Float = entry.name.hasSuffix(".gamma") ? 1 : 0
      #expect(values.allSatisfy { $0 == expected }, "\(entry.name)")
    }
    // The other tensors draw the same numbers with or without the norms (γ and β draw none).
    var plainParams = [Float](repeating: .nan, count: a.layout.count)
    var rng2 = SplitMix64(seed: 3)
    plainParams.withUnsafeMutableBufferPointer {
      a.initialize(params: $0.baseAddress!, using: &rng2)
    }
    let w = try #require(b.layout.entry("dec0.conv2.w"))
    let v = try #require(a.layout.entry("dec0.conv2.w"))
    #expect(
      Array(params[w.offset..<(w.offset + w.count)])
        == Array(plainParams[v.offset..<(v.offset + v.count)]))
  }
}
