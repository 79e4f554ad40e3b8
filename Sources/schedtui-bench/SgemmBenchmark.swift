import Engine
import Foundation

/// `schedtui-bench sgemm`: the sgemm peak alone (a 1024³ product, best of 5) at each thread
/// count, under the OpenBLAS core this process runs (the runner prints it). Quick to compare
/// cores: `OPENBLAS_CORETYPE=Haswell schedtui-bench sgemm` against no variable.
enum SgemmBenchmark {
  static func run(_ options: BenchOptions) throws -> Int32 {
    let repeats = try options.positive("repeats")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    for t in Set([1, cores]).sorted() {
      BLAS.threads = t
      // Best of a few peaks: the machine is shared, and a single peak swings with its load.
      let best = (0..<repeats).map { _ in TrainBenchmark.sgemmPeak() }.max()!
      print(String(format: "sgemm peak, %d thread(s): %.1f GFLOP/s (1024³ product)", t, best))
    }
    return 0
  }
}
