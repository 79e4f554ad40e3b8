/// Every benchmark `schedtui-bench` knows, in the order `all` runs them: its name, the line the
/// list shows, its `--name value` options with their defaults, and the function that runs it.
/// To add one: write `<Name>Benchmark.swift` with a `run(_:)` and list it here.
let registry: [Benchmark] = [
  Benchmark(
    name: "noise",
    summary: "noising + normalisation of a batch of RGB images, vs NumPy (Algorithm 2)",
    options: ["batch": "32", "resolution": "256", "runs": "11"],
    run: NoiseBenchmark.run),
  Benchmark(
    name: "frame",
    summary: "explorer frame at 200x60 (3 plots + 3-resolution preview) rendered and diffed",
    options: ["runs": "300", "width": "200", "height": "60"],
    run: FrameBench.run),
  Benchmark(
    name: "train",
    summary:
      "MLP-S 8×8 b256, ConvRes-S 32×32 b32, UNet-S 32² and 64² RGB b32 examples/s vs PyTorch",
    options: [
      "threads": "2", "mlp-steps": "60", "conv-steps": "6", "sweep": "1", "profile": "0",
      "rounds": "2", "unet-steps": "4", "conv64-steps": "2", "conv": "auto",
    ],
    run: TrainBenchmark.run),
  Benchmark(
    name: "sgemm",
    summary: "sgemm GFLOP/s of a 1024³ product at 1 and all threads, under the core in use",
    options: ["repeats": "3"],
    run: SgemmBenchmark.run),
]
