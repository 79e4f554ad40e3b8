import Engine
import Foundation

extension TrainBenchmark {
  /// `schedtui-bench train --profile convs` (`convs32`): each 3×3 convolution of UNet-S at 64×64
  /// (32×32) RGB, batch 32, forward and backward, by im2col + sgemm and by Winograd F(2×2, 3×3), alternating
  /// `rounds` times so both see the same load. Prints the best (least) milliseconds of each
  /// (the least time is the run the other work on the machine disturbed least) and their ratio.
  static func convComparison(rounds: Int, resolution r: Int) -> Int32 {
    // (name, C, OC, side) of UNet-S's convolutions: levels at r/2, r/4 and r/8 pixels.
    let shapes = [
      ("stem 12→32", 12, 32, r / 2), ("enc0 32→32 (×2), dec0.conv2", 32, 32, r / 2),
      ("dec0.conv1 96→32", 96, 32, r / 2), ("head 32→12", 32, 12, r / 2),
      ("enc1.conv1 32→64", 32, 64, r / 4), ("enc1.conv2 64→64, dec1.conv2", 64, 64, r / 4),
      ("dec1.conv1 192→64", 192, 64, r / 4), ("mid0.conv1 64→128", 64, 128, r / 8),
      ("mid 128→128 (×3)", 128, 128, r / 8),
    ]
    let B = 32
    print(
      "UNet-S \(r)×\(r) RGB b32, 3×3 convolutions, forward + backward, \(BLAS.threads) threads:")
    for (name, C, OC, side) in shapes {
      let N = B * side * side
      let inp = Tensor([C * N])
      let out = Tensor([OC * N])
      let dinp = Tensor([C * N])
      let weight = Tensor([OC * C * 9])
      let dweight = Tensor([OC * C * 9])
      let bias = Tensor([OC])
      let dbias = Tensor([OC])
      let scratch = Tensor([2 * Layers.convScratchCount(C: max(C, OC), H: side, W: side)])
      for i in 0..<(C * N) { inp[i] = Float(i % 13) * 0.1 - 0.6 }
      for i in 0..<(OC * C * 9) { weight[i] = Float(i % 7) * 0.01 - 0.03 }
      func pass(winograd: Bool) {
        Layers.winogradEnabled = winograd
        Layers.conv3x3Forward(
          out: out.data, inp: inp.data, weight: weight.data, bias: bias.data,
          scratch: scratch.data, B: B, C: C, H: side, W: side, OC: OC)
        Layers.conv3x3Backward(
          dinp: dinp.data, dweight: dweight.data, dbias: dbias.data, dout: out.data,
          inp: inp.data, weight: weight.data, scratch: scratch.data, B: B, C: C, H: side,
          W: side, OC: OC, accumulateInput: false)
      }
      var best = [Double.infinity, .infinity]
      for _ in 0..<rounds {
        for (k, winograd) in [false, true].enumerated() {
          best[k] = min(
            best[k], BenchTools.time(runs: 3, warmup: 1) { pass(winograd: winograd) }[0])
        }
      }
      Layers.winogradEnabled = true
      print(
        String(
          format: "  %@ im2col %7.2f ms, Winograd %7.2f ms: %.2f×%@",
          name.padding(toLength: 30, withPad: " ", startingAt: 0),
          best[0] * 1e3, best[1] * 1e3, best[0] / best[1],
          Layers.usesWinograd(C: C, OC: OC, W: side) ? "" : " (models use im2col here)"))
    }
    return 0
  }
}
