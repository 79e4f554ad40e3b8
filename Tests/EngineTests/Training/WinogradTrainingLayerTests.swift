import Engine
import TestSupport
import Testing

/// The Winograd F(2×2, 3×3) convolution against finite differences, against a direct sum in
/// Double, and against the im2col path it replaces (the file name keeps it in scripts/test's
/// release step, which filters on "TrainingLayerTests"). Sizes: odd and even sides (a last
/// tile half outside), 1 to 3 images (one worker or two), chunks of several images, of one, and
/// (64 channels at 30×30: 8 of an image's 15 tile rows per chunk) chunks that end inside an
/// image, and channel counts on both sides of the dispatch's threshold.
@Suite struct WinogradTrainingLayerTests {
  static let sizes = [
    (2, 3, 5, 4, 2), (1, 2, 3, 3, 3), (3, 2, 7, 9, 2), (2, 16, 8, 8, 32), (2, 32, 32, 32, 16),
    (3, 20, 6, 5, 24), (2, 4, 1, 6, 3), (2, 64, 30, 30, 64),
  ]

  @Test("Winograd conv3×3: gradients of input, weight and bias match finite differences")
  func gradients() {
    for (B, C, H, W, OC) in [(2, 3, 5, 4, 2), (1, 2, 3, 3, 3), (2, 2, 7, 5, 2)] {
      let check = convGradientCheck(
        B: B, C: C, H: H, W: W, OC: OC, seed: 31, forward: Layers.winogradConv3x3Forward,
        backward: Layers.winogradConv3x3Backward)
      print(
        "gradient check winograd \(B)×\(C)×\(H)×\(W)→\(OC): \(check.checked) values, "
          + "largest relative difference \(check.worstRelative)")
      #expect(check.worstRelative < 2e-2, "\(B)×\(C)×\(H)×\(W)→\(OC): \(check.worstRelative)")
    }
  }

  @Test("Winograd conv3×3 forward equals a direct sum in Double", arguments: sizes)
  func direct(B: Int, C: Int, H: Int, W: Int, OC: Int) {
    var rng = SplitMixForTests(seed: 32)
    let inp = rng.values(C * B * H * W)
    let w = rng.values(OC * C * 9)
    let bias = rng.values(OC)
    let scratch = Tensor([Layers.convScratchCount(C: max(C, OC), H: H, W: W)])
    var out = [Float](repeating: .nan, count: OC * B * H * W)
    Layers.winogradConv3x3Forward(
      out: &out, inp: inp, weight: w, bias: bias, scratch: scratch.data,
      B: B, C: C, H: H, W: W, OC: OC)
    let reference = directConv3x3(inp: inp, weight: w, bias: bias, B: B, C: C, H: H, W: W, OC: OC)
    let worst = zip(out, reference.sums).map { abs(Double($0) - $1) }.max()!
    let scale = reference.magnitudes.max()!
    // Float rounding of sums of up to 9·C terms and of the transforms' few extra sums: a few
    // units in the last place of the largest sum of magnitudes.
    #expect(worst <= 1e-6 * scale, "largest difference \(worst), sums of magnitudes up to \(scale)")
  }

  @Test(
    "Winograd conv3×3 backward equals the im2col path's: input, weight and bias gradients",
    arguments: sizes)
  func backwardMatchesIm2col(B: Int, C: Int, H: Int, W: Int, OC: Int) {
    var rng = SplitMixForTests(seed: 33)
    let inp = rng.values(C * B * H * W)
    let w = rng.values(OC * C * 9)
    let dout = rng.values(OC * B * H * W)
    let scratch = Tensor([2 * Layers.convScratchCount(C: max(C, OC), H: H, W: W)])
    // Gradients from a random start: backward accumulates into dweight and dbias; with
    // accumulate false it overwrites dinp, with true it adds.
    func grads(_ backward: ConvBackward, accumulate: Bool, input: Bool) -> [[Float]] {
      var start = SplitMixForTests(seed: 34)
      var dinp = start.values(C * B * H * W)
      var dw = start.values(OC * C * 9)
      var db = start.values(OC)
      dinp.withUnsafeMutableBufferPointer { dI in
        backward(
          input ? dI.baseAddress! : nil, &dw, &db, dout, inp, w, scratch.data, B, C, H, W, OC,
          accumulate)
      }
      return [dinp, dw, db]
    }
    for (accumulate, input) in [(true, true), (false, true), (true, false)] {
      let a = grads(Layers.winogradConv3x3Backward, accumulate: accumulate, input: input)
      let b = grads(Layers.im2colConv3x3Backward, accumulate: accumulate, input: input)
      for (name, x, y) in zip3(["dinp", "dweight", "dbias"], a, b) {
        let scale = y.map(abs).max()!
        let worst = zip(x, y).map { abs($0 - $1) }.max()!
        #expect(
          worst <= 2e-5 * max(scale, 1),
          "\(name), accumulate \(accumulate): largest difference \(worst) of \(scale)")
      }
    }
  }
}

private func zip3<A, B, C>(_ a: [A], _ b: [B], _ c: [C]) -> [(A, B, C)] {
  (0..<min(a.count, b.count, c.count)).map { (a[$0], b[$0], c[$0]) }
}
