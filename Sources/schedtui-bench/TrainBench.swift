import Engine
import Foundation
import Schedules

/// `schedtui-bench train`: training examples/s of the reference denoisers against the same
/// step in PyTorch (scripts/bench_train_torch.py) at the same thread count, sgemm's share of the
/// step, achieved GFLOP/s against this machine's sgemm peak, and examples/s per thread count.
/// UNet-S runs on random RGB images at 32×32 and 64×64 (batch 32), and ConvRes-S once more on
/// the 64×64 ones, for the UNet-S / ConvRes-S ratio.
enum TrainBenchmark {
  static func run(_ o: BenchOptions) throws -> Int32 {
    let threads = try o.positive("threads")
    let mlpSteps = try o.positive("mlp-steps")
    let convSteps = try o.positive("conv-steps")
    let rounds = try o.positive("rounds")
    let unetSteps = try o.positive("unet-steps")
    let conv64Steps = try o.positive("conv64-steps")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    // The 3×3 convolutions' way: as the models run (Winograd where both channel counts are at
    // least 16), or all by im2col, to time the two in the same build and load.
    switch o["conv"] {
    case "auto": Layers.winogradEnabled = true
    case "im2col": Layers.winogradEnabled = false
    default:
      throw BenchError("--conv \(o["conv"] ?? "") is not allowed: auto or im2col")
    }
    if o["profile"] == "convs" || o["profile"] == "convs32" {
      BLAS.threads = threads
      return convComparison(rounds: rounds, resolution: o["profile"] == "convs" ? 64 : 32)
    }
    if o["profile"] == "norm" {
      BLAS.threads = threads
      return try normComparison(rounds: rounds, steps: unetSteps)
    }
    if o["profile"] != "0" {
      // For `perf record`: one model only, no reference, no peak.
      BLAS.threads = threads
      let m: Measurement
      let kind: ModelKind
      switch o["profile"] {
      case "unet", "unet32":
        kind = .unetS
        m = try measure(
          model: kind, resolution: o["profile"] == "unet" ? 64 : 32, batch: 32, steps: unetSteps,
          rgb: true)
      case "conv":
        kind = .convResS
        m = try measure(model: kind, resolution: 32, batch: 32, steps: convSteps)
      case "conv64":
        kind = .convResS
        m = try measure(model: kind, resolution: 64, batch: 32, steps: conv64Steps, rgb: true)
      case "mlp":
        kind = .mlpS
        m = try measure(model: kind, resolution: 8, batch: 256, steps: mlpSteps)
      default:
        throw BenchError(
          "--profile \(o["profile"] ?? "") is not allowed: mlp, conv, conv64, unet (64×64), "
            + "unet32, norm, convs (64×64) or convs32")
      }
      print(
        String(
          format: "%@: %.1f examples/s, %.2f per CPU-second, sgemm %.0f%% of the step at "
            + "%.1f GFLOP/s", kind.rawValue, m.examplesPerSecond, m.examplesPerCPUSecond,
          m.sgemmShare * 100, m.gflops))
      return 0
    }

    // The machine's sgemm peak: large square products at each thread count.
    for t in Set([1, threads, cores]).sorted() {
      BLAS.threads = t
      print(
        String(format: "sgemm peak, %d thread(s): %.1f GFLOP/s (1024³ product)", t, sgemmPeak()))
    }
    BLAS.threads = threads
    let peak = sgemmPeak()

    // Rounds alternate schedtui and PyTorch so that both see the same load from other work
    // on the machine; each side keeps its best round.
    var mlp = Measurement(
      examplesPerSecond: 0, secondsPerStep: 0, sgemmShare: 0, gflops: 0, examplesPerCPUSecond: 0)
    var conv = mlp
    var (unet32, unet64, conv64) = (mlp, mlp, mlp)
    var torchMLP = 0.0
    var torchConv = 0.0
    var (torchUNet32, torchUNet64, torchConv64) = (0.0, 0.0, 0.0)
    // Examples per CPU-second of PyTorch's best rounds, by model key ("mlp", "unet64", …).
    var torchCPU: [String: Double] = [:]
    var torchVersion = ""
    var torchMissing: String?
    for _ in 0..<rounds {
      let m = try measure(model: .mlpS, resolution: 8, batch: 256, steps: mlpSteps)
      if m.examplesPerSecond > mlp.examplesPerSecond { mlp = m }
      let c = try measure(model: .convResS, resolution: 32, batch: 32, steps: convSteps)
      if c.examplesPerSecond > conv.examplesPerSecond { conv = c }
      let u32 = try measure(model: .unetS, resolution: 32, batch: 32, steps: unetSteps, rgb: true)
      if u32.examplesPerSecond > unet32.examplesPerSecond { unet32 = u32 }
      let u64 = try measure(model: .unetS, resolution: 64, batch: 32, steps: unetSteps, rgb: true)
      if u64.examplesPerSecond > unet64.examplesPerSecond { unet64 = u64 }
      // ConvRes-S at 64×64 is slow (about 8× UNet-S's work): once, in the first round.
      let c64Steps = conv64.examplesPerSecond == 0 ? conv64Steps : 0
      if c64Steps > 0 {
        conv64 = try measure(
          model: .convResS, resolution: 64, batch: 32, steps: c64Steps, rgb: true)
      }
      switch BenchTools.runPythonReference(
        "bench_train_torch.py",
        [
          "--threads", "\(threads)", "--mlp-steps", "\(mlpSteps)", "--conv-steps", "\(convSteps)",
          "--unet-steps", "\(unetSteps)", "--conv64-steps", "\(c64Steps)",
          // The twin's UNet-S has the same norm as schedtui's default, so the same parameters.
          "--unet-groups", "\(ModelKind.unetS.defaultNorm.groups ?? 0)",
        ])
      {
      case .success(let json):
        torchMLP = max(torchMLP, json["mlp_examples_per_second"] as? Double ?? 0)
        torchConv = max(torchConv, json["conv_examples_per_second"] as? Double ?? 0)
        torchUNet32 = max(torchUNet32, json["unet32_examples_per_second"] as? Double ?? 0)
        torchUNet64 = max(torchUNet64, json["unet64_examples_per_second"] as? Double ?? 0)
        torchConv64 = max(torchConv64, json["conv64_examples_per_second"] as? Double ?? 0)
        for key in ["mlp", "conv", "unet32", "unet64", "conv64"] {
          if let v = json["\(key)_examples_per_cpu_second"] as? Double {
            torchCPU[key] = max(torchCPU[key] ?? 0, v)
          }
        }
        if let n = json["unet_parameters"] as? Int {
          var shape = ModelShape(kind: .unetS, channels: 3, height: 32, width: 32, classes: 10)
          shape.norm = ModelKind.unetS.defaultNorm
          print(
            "UNet-S parameters (RGB, norm \(shape.norm.name)): schedtui "
              + "\(makeDenoiser(shape).layout.count), PyTorch \(n)")
        }
        torchVersion = (json["torch"] as? String) ?? "?"
      case .failure(let error):
        torchMissing = "\(error)"
      }
    }
    for (name, m) in [
      ("MLP-S 8×8, batch 256", mlp), ("ConvRes-S 32×32, batch 32", conv),
      ("UNet-S 32×32 RGB, batch 32", unet32), ("UNet-S 64×64 RGB, batch 32", unet64),
      ("ConvRes-S 64×64 RGB, batch 32", conv64),
    ] {
      print(
        String(
          format: "%@: %.1f examples/s (%.2f ms/step, %.2f examples per CPU-second); sgemm "
            + "%.0f%% of the step at %.1f GFLOP/s (%.0f%% of peak %.1f)", name,
          m.examplesPerSecond, m.secondsPerStep * 1000, m.examplesPerCPUSecond,
          m.sgemmShare * 100, m.gflops, m.gflops / peak * 100, peak))
    }
    if let torchMissing {
      print("PyTorch reference not run: \(torchMissing)")
    } else {
      print(
        String(
          format: "PyTorch %@ (%d threads): MLP-S %.1f examples/s, ConvRes-S %.1f examples/s, "
            + "UNet-S 32×32 %.1f, 64×64 %.1f examples/s, ConvRes-S 64×64 %.1f examples/s",
          torchVersion, threads, torchMLP, torchConv, torchUNet32, torchUNet64, torchConv64))
      print(
        String(
          format:
            "ratio schedtui / PyTorch: MLP-S %.2f×, ConvRes-S %.2f×, UNet-S %.2f× "
            + "(64×64; 32×32: %.2f×; goals ≥ 1.5, 1.2, 1.2)",
          mlp.examplesPerSecond / torchMLP, conv.examplesPerSecond / torchConv,
          unet64.examplesPerSecond / torchUNet64, unet32.examplesPerSecond / torchUNet32))
      // Under load, the wall ratio depends on who got the cores; CPU time does not, but it
      // counts spin-waiting (PyTorch's OpenMP threads) as work (README "Speed").
      func cpuRatio(_ m: Measurement, _ key: String) -> Double {
        m.examplesPerCPUSecond / (torchCPU[key] ?? .nan)
      }
      print(
        String(
          format: "ratio by CPU time: MLP-S %.2f×, ConvRes-S %.2f×, UNet-S %.2f× (32×32: %.2f×)",
          cpuRatio(mlp, "mlp"), cpuRatio(conv, "conv"), cpuRatio(unet64, "unet64"),
          cpuRatio(unet32, "unet32")))
    }
    print(
      String(
        format: "UNet-S / ConvRes-S at 64×64: %.2f× (goal ≥ 6; PyTorch's: %.2f×); by CPU time "
          + "%.2f×", unet64.examplesPerSecond / conv64.examplesPerSecond,
        torchUNet64 / torchConv64, unet64.examplesPerCPUSecond / conv64.examplesPerCPUSecond))

    if o["sweep"] == "1" {
      for t in 1...cores where t != threads {
        BLAS.threads = t
        let a = try measure(model: .mlpS, resolution: 8, batch: 256, steps: mlpSteps)
        let b = try measure(model: .convResS, resolution: 32, batch: 32, steps: convSteps)
        print(
          String(
            format: "threads %d: MLP-S %.1f examples/s, ConvRes-S %.1f examples/s (one round)", t,
            a.examplesPerSecond, b.examplesPerSecond))
      }
      BLAS.threads = threads
    }
    return 0
  }

  struct Measurement {
    var examplesPerSecond: Double
    var secondsPerStep: Double
    var sgemmShare: Double
    var gflops: Double
    /// Examples per second of CPU time (all of the process's threads, spinning included): what
    /// a step costs whatever else the machine runs, where examples/s falls with the load.
    var examplesPerCPUSecond: Double
  }

  /// Times `steps` training steps (after 3 untimed) of the reference model on digits, or with
  /// `rgb` on 1,024 random RGB images with 10 classes (speed does not depend on the pixels).
  /// `norm` nil: the model's default, as `schedtui train` gives it (UNet-S: group:8).
  static func measure(
    model: ModelKind, resolution: Int, batch: Int, steps: Int, rgb: Bool = false,
    norm: BlockNorm? = nil
  ) throws -> Measurement {
    var c = TrainingConfig()
    c.model = model
    c.norm = norm ?? model.defaultNorm
    c.resolution = resolution
    c.batch = batch
    c.steps = steps + 3
    c.schedule = ScheduleSpec(family: .cosine)
    // Patches' sides (16, 32, 64) for the RGB images, so the config accepts 64×64.
    if rgb { c.data = .patches }
    let data = rgb ? randomRGB(resolution: resolution) : try Dataset.digits(resolution: resolution)
    let trainer = try Trainer(config: c, dataset: data)
    for _ in 0..<3 { _ = trainer.step() }
    BLAS.profile = (0, 0, 0)
    BLAS.profiling = true
    let cpuStart = cpuSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<steps { _ = trainer.step() }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    let cpu = cpuSeconds() - cpuStart
    BLAS.profiling = false
    // profile.seconds is thread-seconds (see BLAS.profile): per thread of the step.
    let p = BLAS.profile
    let threads = Double(BLAS.threads)
    return Measurement(
      examplesPerSecond: Double(steps * batch) / seconds, secondsPerStep: seconds / Double(steps),
      sgemmShare: p.seconds / threads / seconds, gflops: p.flops / (p.seconds / threads) / 1e9,
      examplesPerCPUSecond: Double(steps * batch) / cpu)
  }

  /// User and system time of the whole process so far.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  static func randomRGB(resolution r: Int) -> Dataset {
    var rng = SplitMix64(seed: 1)
    let n = 1024
    let pixels = (0..<(n * 3 * r * r)).map { _ in Float.random(in: -1..<1, using: &rng) }
    let labels = (0..<n).map { Int32($0 % 10) }
    return Dataset(
      name: "random RGB", channels: 3, height: r, width: r, classes: 10, train: pixels,
      trainLabels: labels, heldOut: Array(pixels[0..<(3 * r * r)]), heldOutLabels: [0])
  }

  /// GFLOP/s of the best of 5 sgemm calls on 1024×1024 matrices.
  static func sgemmPeak() -> Double {
    let n = 1024
    let a = Tensor([n, n])
    let b = Tensor([n, n])
    let c = Tensor([n, n])
    for i in 0..<(n * n) {
      a[i] = Float(i % 7) * 0.1
      b[i] = Float(i % 5) * 0.1
    }
    let times = BenchTools.time(runs: 5, warmup: 1) {
      BLAS.sgemm(
        transA: false, transB: false, m: n, n: n, k: n, a: a.data, lda: n, b: b.data, ldb: n,
        beta: 0, c: c.data, ldc: n)
    }
    return 2 * Double(n * n * n) / times[0] / 1e9
  }
}
