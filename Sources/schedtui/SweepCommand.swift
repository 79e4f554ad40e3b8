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

      --data patches (the bundled photographs) or --data DIR (a folder of PNGs, as `train`) \
      trains every cell on that data instead; it has no classifier, so the table ranks by the \
      held-out bound in bits per dimension (and says so), and the noise and mean-digit \
      baselines are skipped. For the digits, the bits/dim table is shown below the distances.

      Writes to --out: table.md and table.csv (rows b, columns resolution × schedule, best per \
      column marked), heatmap.png, config.json (the shared setup), sweep.json (every cell's runs) and \
      cells/<cell>/seed-<s>/ (each run's own files, its config.json among them). Running the same command again resumes: finished cells are not \
      rerun, and Ctrl-C loses at most the running cell (it continues from its checkpoint).

      Examples:
        schedtui sweep
        schedtui sweep --resolutions 8,16 --scales 1,0.5 --steps 500 --out runs/quick
        schedtui sweep --families linear,sigmoid:0:3:0.7 --repeats 3
        schedtui sweep --resolutions 8,32 --scales 1 --t-samplings uniform,logit-normal:0:1
        schedtui sweep --data ~/photos --resolutions 16,32 --scales 1,0.5
      """)

  @Option(help: ArgumentHelp(
    "Image sides, from \(SweepLists.resolutionsText) (digits up to 32, patches from 16).",
    valueName: "list"))
  var resolutions = "8,16,32"
  @Option(help: ArgumentHelp("Input scales b > 0.", valueName: "list"))
  var scales = SweepSettings.defaultScales
  @Option(help: ArgumentHelp(
    "Schedules: \(SweepFamily.allowed).", valueName: "list"))
  var families = "linear,cosine:0.2:1:1"
  @Option(
    name: .customLong("t-samplings"),
    help: ArgumentHelp(
      "How training draws t, a grid axis like --scales: each of \(TimestepSampling.allowed).",
      valueName: "list"))
  var tSamplings = "uniform"
  @Option(
    parsing: .unconditional,
    help: "Runs per cell, each with its own seed; the table shows mean ± standard error.")
  var repeats = SweepSettings.defaultRepeats
  // One option per training setting a sweep takes (``TrainingSetting/all``, in its order),
  // generated at build time by Plugins/ScheduleOptionsPlugin.
  @OptionGroup var settings: SweepSettingOptions
  @OptionGroup(title: "Objective") var objective: ObjectiveOptions
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Sampler steps for the scored samples, \(TrainingLimits.sampleSteps.text) "
        + "(default: \(SweepSettings().sampleSteps))."))
  var sampleSteps = SweepSettings().sampleSteps
  @Flag(
    help: "Keep each finished run's checkpoint.bin (by default only summary, samples and metrics stay).")
  var keepCheckpoints = false
  @OptionGroup var threads: ThreadsOption
  @Option(help: ArgumentHelp("Sweep folder; an existing one is resumed.", valueName: "dir"))
  var out = "runs/sweep"
  @Flag(
    help: ArgumentHelp(
      "Replace what --out holds (a different or damaged sweep, or cells without sweep.json) "
        + "instead of refusing to."))
  var overwrite = false
  // Unconditional, so `--shard -1/2` reaches the check instead of "Missing value".
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Run only shard K of N (K in 1…N): every N-th run, for N machines sharing --out; then "
        + "--merge.", valueName: "K/N"))
  var shard: String?
  @Option(
    help: ArgumentHelp(
      "Rebuild sweep.json, the tables and the heat map of this sweep folder from its finished "
        + "runs (its shards' and its own), naming the runs still missing.", valueName: "dir"))
  var merge: String?
  @Flag(help: "With --merge: accept shards that finished only part of the runs (exit 0).")
  var partial = false

  /// The options' values, a sweep's defaults where not given.
  var steps: Int { settings.steps ?? SweepDefaults.steps }
  /// nil: each side's model's (``SweepDefaults/batch(model:)``).
  var batch: Int? { settings.batch }
  var seed: UInt64 { settings.seed ?? 0 }
  var model: String { settings.model ?? "auto" }
  var data: String { settings.data ?? DataKind.digits.rawValue }
  var guidance: Double { settings.guidance ?? SweepDefaults.guidance }
  var evalSamples: Int { settings.evalSamples ?? SweepDefaults.evalSamples }

  func validate() throws {
    try validateShardOptions()
    _ = try grid()
    try CommandLineCheck.whole("--steps", steps, TrainingLimits.steps)
    try CommandLineCheck.whole("--repeats", repeats, 1...100)
    // Repeat k uses seed + k: the last one must still be a seed a config can hold.
    if seed > TrainingLimits.seedMax - UInt64(repeats - 1) {
      throw CommandLineCheck.refuse(
        "--seed", seed,
        "\(TrainingLimits.seedText) for the last of the \(repeats) repeats (seed + "
          + "\(repeats - 1)): at most \(TrainingLimits.seedMax - UInt64(repeats - 1))")
    }
    guard model == "auto" || ModelKind(name: model) != nil else {
      throw CommandLineCheck.refuse("--model", model, "auto, " + ModelKind.namesList)
    }
    if let batch { try CommandLineCheck.whole("--batch", batch, TrainingLimits.batch) }
    if let lr = settings.lr, !(lr.isFinite && lr > 0 && lr <= TrainingLimits.learningRateMax) {
      throw CommandLineCheck.refuse("--lr", lr, TrainingLimits.learningRateText)
    }
    // Every run is scored: no 0 here, unlike `schedtui train --eval-samples`.
    try CommandLineCheck.whole("--eval-samples", evalSamples, TrainingLimits.evalSamples)
    try CommandLineCheck.whole("--sample-steps", sampleSteps, TrainingLimits.sampleSteps)
    guard guidance.isFinite, TrainingLimits.guidance.contains(guidance) else {
      throw CommandLineCheck.refuse(
        "--guidance", guidance, "a number in \(TrainingLimits.guidance.interval)")
    }
    try objective.checkSkip(for: sweepSettings().prediction)
    let grid = try grid()
    for r in grid.resolutions {
      do {
        _ = try sweepSettings().config(
          cell: SweepCell(resolution: r, scale: 1, family: grid.families[0]), seed: 0)
      } catch let error as FieldError {
        throw CommandLineCheck.error(error, context: " in this sweep")
      }
    }
  }

  func sweepSettings() -> SweepSettings {
    var s = SweepSettings()
    s.steps = steps
    s.batch = batch
    s.model = ModelKind(name: model)
    s.learningRate = settings.lr
    objective.apply(
      prediction: &s.prediction, weighting: &s.weighting, minSNRGamma: &s.minSNRGamma,
      x0Skip: &s.x0Skip)
    s.guidance = guidance
    s.evalSamples = evalSamples
    s.sampleSteps = sampleSteps
    s.keepCheckpoints = keepCheckpoints
    s.data = DataSource(data)
    return s
  }

  func grid() throws -> SweepGrid {
    func parse<T>(
      _ text: String, _ option: String, _ allowed: String,
      _ parse: (String) throws(SweepLists.Problem) -> T
    ) throws -> T {
      do { return try parse(text) } catch {
        throw ValidationError(
          FieldError(
            field: option, value: "'\(text)'", allowed: allowed, reason: error.reason,
            source: .commandLine
          ).description)
      }
    }
    let res = try parse(resolutions, "--resolutions", SweepLists.resolutionsText, SweepLists.resolutions)
    let bs = try parse(scales, "--scales", "numbers in (0, 10]", SweepLists.scales)
    let fams = try parse(
      families, "--families", SweepFamily.allowed,
      SweepLists.families)
    let samplings = try parse(
      tSamplings, "--t-samplings", "a comma-separated list, each \(TimestepSampling.allowed)",
      SweepLists.tSamplings)
    var grid = SweepGrid(
      resolutions: res, scales: bs, families: fams, tSamplings: samplings, repeats: repeats,
      seed: seed)
    grid.ranking = sweepSettings().ranking
    return grid
  }

  func run() throws {
    if let merge { return try runMerge(merge) }
    threads.apply()
    let grid = try grid()
    var settings = sweepSettings()
    if case .folder(let folder) = settings.data {
      // Which files the sweep is over, before any cell runs: sweep.json records them.
      settings.dataFiles = try Dataset.folderFiles(folder)
    }
    let shard = try shardValue()
    var runner = try SweepRunner(
      directory: out, grid: grid, settings: settings.recorded(resolutions: grid.resolutions),
      overwrite: overwrite, shard: shard, setup: settings.setup(grid: grid))
    for note in runner.notes { print("note: \(note)") }
    let pending = runner.pendingJobs.count
    let all = grid.cells.count * grid.repeats
    let total = shard.map { $0.jobCount(of: all) } ?? all
    print(
      "sweep of \(grid.resolutions.count) resolutions × \(grid.scales.count) scales × "
        + "\(grid.families.count) schedules × "
        + (grid.showsSampling ? "\(grid.tSamplings.count) t-samplings × " : "")
        + "\(grid.repeats) repeat(s) = \(all) runs of "
        + "\(steps) steps → \(out)"
        + (shard.map { ", shard \($0): \(total) of them" } ?? "")
        + (pending < total ? " (resuming: \(total - pending) done, \(pending) to go)" : ""))
    let trainer = SweepTrainer(settings: settings, seed: seed)
    signal(SIGINT) { _ in interruptRequested = 1 }
    defer { signal(SIGINT, SIG_DFL) }
    let terminal = isatty(2) == 1
    let finished: Bool
    do {
      finished = try runner.run(
      train: { job in
        // On a terminal the run's own progress bar; in a log only the sweep's line per run.
        let display = ProgressDisplay(
          total: steps, batch: settings.batch(resolution: job.cell.resolution), start: 0,
          terminal: terminal)
        defer { display.finish() }
        let result = try trainer.train(
          job, progress: { if terminal { display.show($0) } },
          shouldStop: { interruptRequested != 0 })
        if let note = result.note { print("  \(note): counted as failed") }
        return result
      },
      shouldStop: { interruptRequested != 0 },
      progress: { p in
        guard let job = p.next else { return }
        let eta = p.remaining.map { " · ETA " + SweepProgressFormat.clock($0) } ?? ""
        print(
          "[\(p.done + 1)/\(p.total)] \(job.cell.resolution)×\(job.cell.resolution) "
            + "\(job.cell.family) b = \(job.cell.scale)"
            + (grid.showsSampling ? " t-sampling \(job.cell.tSampling.name)" : "")
            + " seed \(job.seed)\(eta)")
        fflush(nil)
      },
      writeOutputs: { state in
        let table = SweepTable(grid: state.grid, results: state.results)
        let map = SweepHeatmap(table: table, grid: state.grid)
        try PNG.write(map.image, to: (out as NSString).appendingPathComponent("heatmap.png"))
      },
      note: { print("note: \($0)") })
    } catch let stop as SweepTrainer.Interrupted {
      print(stop.description)
      throw ExitCode(130)
    }
    let table = SweepTable(grid: grid, results: runner.state.results)
    if !finished {
      print("stopped; the runs done are saved. Run the same command again to continue.")
      throw ExitCode(130)
    }
    if let shard { return printShardDone(shard, runner: runner) }
    print("\n" + table.document)
    for (column, best) in zip(table.columns, table.bestScale) {
      print("best b at \(column.title): " + (best.map { "\($0)" } ?? "none (every cell failed)"))
    }
    print("wrote \(out)/table.md, table.csv, heatmap.png, sweep.json")
  }
}

/// Formatting for the sweep's progress lines.
enum SweepProgressFormat {
  /// `m:ss` or `h:mm:ss`.
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
    return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
  }
}
