import Engine
import Foundation

/// Algorithm 2's noising and empirical normalisation on a batch of RGB images, Swift against
/// NumPy (scripts/bench_noise_numpy.py) in the same invocation.
enum NoiseBenchmark {
  static func run(_ options: BenchOptions) throws -> Int32 {
    let batch = try options.positive("batch")
    let resolution = try options.positive("resolution")
    let runs = try options.positive("runs")
    let size = resolution * resolution * 3
    print("shape [\(batch), \(resolution), \(resolution), 3] Float32, γ per example, b = 0.5, "
      + "empirical std normalisation; single thread; median of \(runs) runs")

    // The same data NumPy sees (not the same numbers: each side draws its own).
    var rng = Xoshiro256(seed: 0)
    let x0 = (0..<(batch * size)).map { _ in Float.random(in: -1...1, using: &rng) }
    let gamma = (0..<batch).map { _ in Double.random(in: 0.05...0.95, using: &rng) }
    var noising = NoisingBatch(batch: batch, exampleSize: size)
    noising.run(x0: x0, gamma: gamma, inputScale: 0.5, normalization: .empirical, using: &rng)

    let excluding = BenchTools.median(BenchTools.time(runs: runs) {
      noising.run(x0: x0, gamma: gamma, inputScale: 0.5, normalization: .empirical)
    })
    let including = BenchTools.median(BenchTools.time(runs: runs) {
      noising.run(x0: x0, gamma: gamma, inputScale: 0.5, normalization: .empirical, using: &rng)
    })
    var gaussian = [Float](repeating: 0, count: batch * size)
    let generation = BenchTools.median(BenchTools.time(runs: runs) {
      fillGaussian(&gaussian, using: &rng)
    })
    let ns = 1e9 / Double(batch * size)
    print(String(format: "swift  excluding noise generation: %8.2f ms  (%.2f ns/sample)",
      excluding * 1e3, excluding * ns))
    print(String(
      format: "swift  including noise generation: %8.2f ms  (ziggurat alone %.2f ms, "
        + "%.2f ns/sample)", including * 1e3, generation * 1e3, generation * ns))

    // NumPy, with the OpenBLAS variables that can slow it on this machine removed.
    let reference = BenchTools.runPythonReference(
      "bench_noise_numpy.py",
      ["--batch", "\(batch)", "--resolution", "\(resolution)", "--runs", "\(runs)"],
      removing: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"])
    switch reference {
    case .failure(let error):
      print("numpy  \(error.description)")
    case .success(let json):
      let kernel = (json["kernel"] as? [String: Any])?["best"] as? String ?? "?"
      let numpyExcluding = json["median_excluding_noise_s"] as? Double ?? .nan
      let numpyIncluding = json["median_including_noise_s"] as? Double ?? .nan
      print("numpy  \(json["numpy"] ?? "?") (SIMD kernels: \(kernel); OPENBLAS_CORETYPE and "
        + "OPENBLAS_L2_SIZE unset)")
      print(String(format: "numpy  excluding noise generation: %8.2f ms", numpyExcluding * 1e3))
      print(String(format: "numpy  including noise generation: %8.2f ms", numpyIncluding * 1e3))
      print(String(
        format: "ratio (NumPy time / Swift time): excluding noise %.2f×, including noise %.2f× "
          + "(goal ≥ 2×)", numpyExcluding / excluding, numpyIncluding / including))
    }
    try preview(runs: runs)
    return 0
  }

  /// What the explorer's preview costs per parameter change: the bundled astronaut at 64, 128
  /// and 256, noised and mapped for display, with and without the denoising probe.
  static func preview(runs: Int) throws {
    let image = try PNG.read(path: try Assets.path("images/astronaut.png"))
    let preview = NoisePreview(image: image, resolutions: [64, 128, 256], seed: 0)
    let plain = BenchTools.median(BenchTools.time(runs: runs) {
      _ = preview.render(gamma: 0.7, inputScale: 1, normalization: .empirical, probe: false)
    })
    let probed = BenchTools.median(BenchTools.time(runs: runs) {
      _ = preview.render(gamma: 0.7, inputScale: 1, normalization: .empirical, probe: true)
    })
    print(String(format: "preview (astronaut at 64, 128, 256; no reference): render %.2f ms, "
      + "render with probe %.2f ms", plain * 1e3, probed * 1e3))
  }
}
