import Engine
import Foundation
import Schedules

extension TrainBenchmark {
  /// `schedtui-bench train --profile norm`: UNet-S at 64×64 RGB, batch 32, without and with
  /// GroupNorm(8) in its blocks (`--norm group:8`), alternating for `rounds` rounds so both see
  /// the same load; each keeps its best round. Prints examples/s and examples per CPU-second of
  /// each and the ratios (under load, the CPU ratio is the stable one).
  static func normComparison(rounds: Int, steps: Int) throws -> Int32 {
    let norms: [BlockNorm] = [.none, .group(BlockNorm.defaultGroups)]
    var best = [Measurement?](repeating: nil, count: norms.count)
    for round in 1...rounds {
      for (i, norm) in norms.enumerated() {
        let m = try measure(
          model: .unetS, resolution: 64, batch: 32, steps: steps, rgb: true, norm: norm)
        print(
          String(
            format: "round %d, UNet-S 64×64 RGB, norm %@: %.1f examples/s, %.2f per CPU-second",
            round, norm.name, m.examplesPerSecond, m.examplesPerCPUSecond))
        if m.examplesPerSecond > best[i]?.examplesPerSecond ?? 0 { best[i] = m }
      }
    }
    let (plain, grouped) = (best[0]!, best[1]!)
    print(
      String(
        format: "UNet-S 64×64 RGB b32 with / without GroupNorm(8): %.3f× examples/s (%.1f / "
          + "%.1f), %.3f× by CPU time (%.2f / %.2f per CPU-second); %d threads",
        grouped.examplesPerSecond / plain.examplesPerSecond, grouped.examplesPerSecond,
        plain.examplesPerSecond, grouped.examplesPerCPUSecond / plain.examplesPerCPUSecond,
        grouped.examplesPerCPUSecond, plain.examplesPerCPUSecond, BLAS.threads))
    return 0
  }
}
