import ArgumentParser
import Engine
import Foundation
import Schedules

/// `schedtui sweep`: the paper's Table 4 on digits, one short training run per cell of
/// resolutions × input scales × schedule families.
struct Sweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Train one short run per resolution × input scale × schedule and tabulate them.",
    discussion: """
      The paper's Table 4 on handwritten digits up-sampled to each resolution: every cell is \
      trained with the same seed and budget, sampled, and scored by the Fréchet distance in \
      the digits classifier's features (samples area-averaged back to 8×8, so every \
      resolution is judged the same way; lower is better). A cell whose samples are no better \
      than noise is marked failed instead of ranked.

      Writes to --out: table.md and table.csv (rows b, columns resolution × schedule, best per \
      column marked), heatmap.png, sweep.json (every cell's runs) and cells/<cell>/seed-<s>/ \
      (each run's own files). Running the same command again resumes: finished cells are not \
      rerun, and Ctrl-C loses at most the running cell (it continues from its checkpoint).

      Examples:
        schedtui sweep
        schedtui sweep --resolutions 8,16 --scales 1,0.5 --steps 500 --out runs/quick
        schedtui sweep --families linear,sigmoid:0:3:0.7 --repeats 3
      """)

  @Option(help: ArgumentHelp("Image sides, from 8, 16, 32.", valueName: "list"))
  var resolutions = "8,16,32"
  @Option(help: ArgumentHelp("Input scales b > 0.", valueName: "list"))
  var scales = "1.0,0.7,0.5,0.3"
  @Option(help: ArgumentHelp(
    "Schedules: linear, cosine:START:END:TAU, sigmoid:START:END:TAU.", valueName: "list"))
  var families = "linear,cosine:0.2:1:1"
  @Option(help: "Training steps per run (default: \(SweepDefaults.steps)).")
  var steps = SweepDefaults.steps
  @Option(help: "Runs per cell, each with its own seed; the table shows mean ± standard error.")
  var repeats = 1
  @Option(help: "Seed of the first repeat; repeat k uses seed + k.")
  var seed: UInt64 = 0
  @Option(help: ArgumentHelp(
    "Denoiser: auto (per resolution, see README \"Sweeps\"), mlp-s or convres-s.",
    valueName: "model"))
  var model = "auto"
  @Option(help: "Examples per step (default: \(SweepDefaults.batch)).")
  var batch = SweepDefaults.batch
  @Option(help: "Peak learning rate (default: per model and resolution, see README \"Sweeps\").")
  var lr: Double?
  @Option(
    name: .customLong("eval-samples"),
    help: "Samples per run for the Fréchet distance (default: \(SweepDefaults.evalSamples)).")
  var evalSamples = SweepDefaults.evalSamples
  @Option(
    name: .customLong("sample-steps"),
    help: "Sampler steps for those samples (default: \(SweepDefaults.sampleSteps)).")
  var sampleSteps = SweepDefaults.sampleSteps
  @Option(help: "OpenBLAS threads (default \(TrainDefaults.threads)).")
  var threads = TrainDefaults.threads
  @Option(help: ArgumentHelp("Sweep folder; an existing one is resumed.", valueName: "dir"))
  var out = "runs/sweep"

  func validate() throws {
    _ = try grid()
    guard steps >= 1 else { throw ValidationError("--steps \(steps) is not allowed: a whole number ≥ 1.") }
    guard (1...100).contains(repeats) else {
      throw ValidationError("--repeats \(repeats) is not allowed: a whole number in 1…100.")
    }
    guard model == "auto" || ModelKind(rawValue: model) != nil else {
      throw ValidationError("--model \(model) is not allowed: auto, mlp-s or convres-s.")
    }
    guard (1...4096).contains(batch) else {
      throw ValidationError("--batch \(batch) is not allowed: a whole number in 1…4096.")
    }
    if let lr, !(lr.isFinite && lr > 0 && lr < 1) {
      throw ValidationError("--lr \(lr) is not allowed: a number in (0, 1).")
    }
    guard (2...10000).contains(evalSamples) else {
      throw ValidationError("--eval-samples \(evalSamples) is not allowed: a whole number in 2…10000.")
    }
    guard (1...10000).contains(sampleSteps) else {
      throw ValidationError("--sample-steps \(sampleSteps) is not allowed: a whole number in 1…10000.")
    }
    guard (1...64).contains(threads) else {
      throw ValidationError("--threads \(threads) is not allowed: a whole number in 1…64.")
    }
    for r in try grid().resolutions { _ = try config(resolution: r, scale: 1, family: .init(parsing: "linear"), seed: 0) }
  }

  func grid() throws -> SweepGrid {
    let res = try SweepOptionParsing.integers(resolutions, option: "--resolutions", allowed: [8, 16, 32])
    let bs = try SweepOptionParsing.scales(scales)
    let fams: [SweepFamily]
    do {
      fams = try SweepOptionParsing.list(families, option: "--families").map {
        try SweepFamily(parsing: $0)
      }
    } catch let e as SweepFamily.ParseError {
      throw ValidationError(e.description)
    }
    guard Set(fams.map(\.text)).count == fams.count else {
      throw ValidationError("--families \(families) names a schedule twice; list each once.")
    }
    return SweepGrid(resolutions: res, scales: bs, families: fams, repeats: repeats, seed: seed)
  }

  /// The model and learning rate a cell at `resolution` trains with.
  func modelAndRate(resolution: Int) -> (ModelKind, Double) {
    let kind = model == "auto" ? SweepDefaults.model(resolution: resolution) : ModelKind(rawValue: model)!
    return (kind, lr ?? SweepDefaults.learningRate(model: kind, resolution: resolution))
  }

  func config(resolution: Int, scale: Double, family: SweepFamily, seed: UInt64) throws
    -> TrainingConfig
  {
    var c = TrainingConfig()
    c.schedule = family.spec
    c.inputScale = scale
    c.data = .digits
    c.resolution = resolution
    (c.model, c.optimizer.learningRate) = modelAndRate(resolution: resolution)
    c.steps = steps
    c.batch = batch
    c.seed = seed
    c.evalSamples = evalSamples
    c.sampleSteps = sampleSteps
    c.checkpointEvery = max(steps / 4, 50)
    do { try c.validate() } catch {
      if case .invalid(let field, let value, let allowed) = error {
        throw ValidationError("\(field) \(value) is not allowed in this sweep: \(allowed).")
      }
      throw ValidationError("\(error)")
    }
    return c
  }

  /// What every cell shares; a resumed sweep must match it.
  func settings(for grid: SweepGrid) -> [String: String] {
    var s: [String: String] = [
      "data": "digits", "steps": "\(steps)", "batch": "\(batch)",
      "eval_samples": "\(evalSamples)", "sample_steps": "\(sampleSteps)",
    ]
    for r in grid.resolutions {
      let (kind, rate) = modelAndRate(resolution: r)
      s["model_\(r)"] = kind.rawValue
      s["lr_\(r)"] = "\(rate)"
    }
    return s
  }

  func run() throws {
    BLAS.threads = threads
    let grid = try grid()
    var runner = try SweepRunner(directory: out, grid: grid, settings: settings(for: grid))
    let pending = runner.pendingJobs.count
    let total = grid.cells.count * grid.repeats
    print(
      "sweep of \(grid.resolutions.count) resolutions × \(grid.scales.count) scales × "
        + "\(grid.families.count) schedules × \(grid.repeats) repeat(s) = \(total) runs of "
        + "\(steps) steps → \(out)"
        + (pending < total ? " (resuming: \(total - pending) done, \(pending) to go)" : ""))
    let noise = NoiseBaseline(samples: evalSamples, seed: seed)
    signal(SIGINT) { _ in interruptRequested = 1 }
    defer { signal(SIGINT, SIG_DFL) }
    let terminal = isatty(2) == 1
    let finished = try runner.run(
      train: { job in try trainCell(job, noise: noise, terminal: terminal) },
      shouldStop: { interruptRequested != 0 },
      progress: { p in
        guard let job = p.next else { return }
        let eta = p.remaining.map { " · ETA " + SweepOptionParsing.clock($0) } ?? ""
        print(
          "[\(p.done + 1)/\(p.total)] \(job.cell.resolution)×\(job.cell.resolution) "
            + "\(job.cell.family) b = \(job.cell.scale) seed \(job.seed)\(eta)")
        fflush(nil)
      },
      writeOutputs: { state in
        let table = SweepTable(grid: state.grid, results: state.results)
        let map = SweepHeatmap(table: table, families: state.grid.families, resolutions: state.grid.resolutions)
        try PNG.write(map.image, to: (out as NSString).appendingPathComponent("heatmap.png"))
      })
    let table = SweepTable(grid: grid, results: runner.state.results)
    if !finished {
      print("stopped; the runs done are saved. Run the same command again to continue.")
      return
    }
    print("\n" + table.markdown)
    for (column, best) in zip(table.columns, table.bestScale) {
      print("best b at \(column.title): " + (best.map { "\($0)" } ?? "none (every cell failed)"))
    }
    print("wrote \(out)/table.md, table.csv, heatmap.png, sweep.json")
  }

  /// Trains one run (continuing it from its checkpoint after an interruption) and scores it.
  func trainCell(_ job: SweepRunner.Job, noise: NoiseBaseline, terminal: Bool) throws -> SweepRun {
    let checkpoint = (job.directory as NSString).appendingPathComponent(Checkpoint.fileName)
    let run: TrainingRun
    if FileManager.default.fileExists(atPath: checkpoint) {
      run = try TrainingRun(resuming: job.directory)
    } else {
      run = try TrainingRun(
        config: config(resolution: job.cell.resolution, scale: job.cell.scale,
                       family: job.cell.family, seed: job.seed),
        directory: job.directory)
    }
    let display = ProgressDisplay(
      total: run.config.steps, batch: run.config.batch, start: run.trainer.completedSteps,
      terminal: terminal)
    let noiseFD = try noise.distance(resolution: job.cell.resolution)
    do {
      // On a terminal the cell's own progress bar; in a log, only the sweep's line per run.
      let summary = try run.run(
        progress: { if terminal { display.show($0) } }, shouldStop: { interruptRequested != 0 })
      display.finish()
      guard summary.completed else { throw SweepInterrupted() }
      return SweepRun(
        seed: job.seed, fd: summary.frechetDistance, noiseFD: noiseFD,
        trainSeconds: summary.trainSeconds, finalLoss: summary.finalLoss)
    } catch let error as TrainingError {
      display.finish()
      guard case .diverged(let step, let loss, _) = error else { throw error }
      print("  diverged at step \(step) (loss \(loss)): counted as failed")
      return SweepRun(
        seed: job.seed, fd: nil, noiseFD: noiseFD, trainSeconds: 0, finalLoss: loss,
        note: "diverged at step \(step)")
    }
  }
}

/// Thrown out of a cell on Ctrl-C, after its checkpoint is saved, to stop the sweep loop.
struct SweepInterrupted: Error, CustomStringConvertible {
  var description: String {
    "stopped; the runs done are saved and the running one has a checkpoint. "
      + "Run the same command again to continue."
  }
}

/// The Fréchet distance of pure noise at each resolution: the bar a run must clear by half to
/// count as having learned (see ``SweepRun/failFraction``).
final class NoiseBaseline {
  let samples: Int
  let seed: UInt64
  var cache: [Int: Double] = [:]

  init(samples: Int, seed: UInt64) {
    self.samples = samples
    self.seed = seed
  }

  /// Gaussian noise clipped to the data range [−1, 1], scored like samples.
  func distance(resolution: Int) throws -> Double {
    if let d = cache[resolution] { return d }
    var rng = Xoshiro256(seed: seed ^ 0x4E01_5E00)
    var images = [Float](repeating: 0, count: samples * resolution * resolution)
    fillGaussian(&images, using: &rng)
    for i in images.indices { images[i] = min(max(images[i], -1), 1) }
    let d = try DigitsClassifier.shared().frechetDistance(images, count: samples, size: resolution)
    cache[resolution] = d
    return d
  }
}

/// Defaults of `schedtui sweep`, chosen so the default grid learns in every cell and finishes in
/// under 30 minutes here (README "Sweeps").
enum SweepDefaults {
  static let steps = 1500
  static let batch = 128
  static let evalSamples = 500
  static let sampleSteps = 100

  static func model(resolution: Int) -> ModelKind { .mlpS }

  static func learningRate(model: ModelKind, resolution: Int) -> Double {
    model == .mlpS ? 1e-3 : 5e-4
  }
}

/// Parsing of the sweep's comma-separated options, with messages naming the option.
enum SweepOptionParsing {
  static func list(_ text: String, option: String) throws -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
      throw ValidationError("\(option) '\(text)' is not allowed: a comma-separated list with no empty items.")
    }
    return items
  }

  static func integers(_ text: String, option: String, allowed: [Int]) throws -> [Int] {
    let values = try list(text, option: option).map { item -> Int in
      guard let v = Int(item), allowed.contains(v) else {
        throw ValidationError(
          "\(option): '\(item)' is not allowed: each must be one of "
            + allowed.map(String.init).joined(separator: ", ") + ".")
      }
      return v
    }
    guard Set(values).count == values.count else {
      throw ValidationError("\(option) '\(text)' lists a value twice; list each once.")
    }
    return values
  }

  static func scales(_ text: String) throws -> [Double] {
    let values = try list(text, option: "--scales").map { item -> Double in
      guard let v = Double(item), v.isFinite, v > 0, v <= 10 else {
        throw ValidationError("--scales: '\(item)' is not allowed: each must be a number in (0, 10].")
      }
      return v
    }
    guard Set(values).count == values.count else {
      throw ValidationError("--scales '\(text)' lists a value twice; list each once.")
    }
    return values
  }

  /// `m:ss` or `h:mm:ss`.
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
    return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
  }
}
