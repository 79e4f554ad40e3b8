/// Every benchmark `schedtui-bench` knows. To add one: write `<Name>Benchmark.swift` with a
/// `static let benchmark = Benchmark(...)` and list it here.
let registry: [Benchmark] = [
  NoiseBenchmark.benchmark,
  FrameBench.benchmark,
  TrainBenchmark.benchmark,
  SgemmBenchmark.benchmark,
]
