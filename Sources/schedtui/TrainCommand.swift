import ArgumentParser
import Engine
import Foundation
import Schedules

/// Set by SIGINT; polled between training steps so Ctrl-C stops with a checkpoint.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

/// `schedtui train`: one short training run with the chosen schedule.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract:
      "Train a small denoiser on the CPU with the chosen schedule, then sample and score it.",
    discussion: """
      Trains with the paper's Algorithm 2 (t ~ U(0,1), x_t = √γ(t)·b·x0 + √(1−γ(t))·ε, \
      optional variance normalisation), samples with the EMA weights on the inference schedule \
      (default cosine), and scores the run by its held-out error per logSNR and the bound in \
      bits/dim it gives (any data), and the digits' samples by a Fréchet distance in the \
      features of a small digits classifier (lower is better for both; see README "Training").

      Writes to --out: config.json (the run's setup, which --config reads back), \
      metrics.jsonl, checkpoint.bin (atomically, every --checkpoint-every steps and on \
      Ctrl-C), samples.png and summary.json. Ctrl-C stops cleanly; continue with \
      --resume DIR.
      """)

  // Checked here, not on parse: with --resume any of them is refused first, by that rule.
  @OptionGroup var schedule: ScheduleOptionsOf<CheckedByCommand>

  // One option per training setting (``TrainingSetting/all``, in its order), generated at build
  // time by Plugins/ScheduleOptionsPlugin as the schedule's are.
  @OptionGroup var settings: TrainSettingOptions
  @OptionGroup(title: "Objective") var objective: ObjectiveOptions

  /// `--model`: nil for auto (or not given).
  func modelKind() throws -> ModelKind? {
    guard let model = settings.model, model != "auto" else { return nil }
    guard let kind = ModelKind(name: model) else {
      throw CommandLineCheck.refuse("--model", model, "auto, " + ModelKind.namesList)
    }
    return kind
  }
  @OptionGroup var evalGrid: EvalGridOption
  @OptionGroup var threads: ThreadsOption
  @Option(help: ArgumentHelp("Folder for the run's files (default runs/<time>).", valueName: "dir"))
  var out: String?
  @Option(
    help: ArgumentHelp(
      "Continue the run in this folder (only --steps and --threads may be given with it).",
      valueName: "dir"))
  var resume: String?
  @Flag(
    help: ArgumentHelp(
      "Replace the run in --out (its checkpoint, summary, metrics and samples) instead of "
        + "refusing to."))
  var overwrite = false

  func validate() throws {
    if resume == nil { try schedule.check() }
    if resume != nil {
      // The schedule's own parameters (--tau, --shift, …) too: a resumed run keeps its schedule.
      if let first = schedule.given.first {
        throw ValidationError(
          "\(first) cannot be combined with --resume: a resumed run keeps its recorded schedule "
            + "(only --steps and --threads may change).")
      }
      let others =
        objective.given + settings.given.filter { $0 != "--steps" }
        + [("--out", out != nil), ("--overwrite", overwrite)].filter(\.1).map(\.0)
      if let first = others.first {
        throw ValidationError(
          "\(first) cannot be combined with --resume: a resumed run keeps its own settings "
            + "(only --steps and --threads may change).")
      }
      return
    }
    _ = try trainingConfig()
  }

  /// The run's config: the schedule options (or --config file, whose `training` section gives
  /// defaults), then the options given here.
  func trainingConfig() throws -> TrainingConfig {
    var c = TrainingConfig(try schedule.config())
    // A --config file's training section is the run's (its own model and budget); a preset's
    // training side only brings its t-sampling, output and weighting.
    let fromFile = schedule.configPath != nil && (try? schedule.config())?.training != nil
    let skipDefault = c.section.x0SkipOfX0Output
    if let data = settings.data {
      c.source = DataSource(data)
      switch c.source {
      case .builtIn(let kind):
        if settings.resolution == nil, !fromFile { c.resolution = kind.resolutions[0] }
      case .folder:
        if settings.resolution == nil { c.resolution = 32 }
      }
    }
    if let channels = settings.channels {
      guard c.dataFolder != nil else {
        throw CommandLineCheck.refuse(
          "--channels", channels, "only with --data DIR, a folder of images (built-in data is grey)")
      }
      c.channels = channels
    }
    if let resolution = settings.resolution { c.resolution = resolution }
    let model: ModelKind? =
      if let named = try modelKind() { named } else if settings.model != nil || !fromFile {
        .automatic(
          resolution: c.resolution, data: c.dataFolder.map(DataSource.folder) ?? .builtIn(c.data))
      } else { nil }
    if let model {
      // A --config file's norm was chosen for its own model (an MLP-S has none to choose):
      // another model brings its own default, and --norm below still wins.
      if fromFile, model != c.model { c.norm = model.defaultNorm }
      c.model = model
    }
    // Likewise a file's skip left at its model's and data's default follows to the new ones.
    c.section.skipFollowsDefault(from: skipDefault)
    // Without a training section, the budget is the model's (a file's section has its own).
    if !fromFile { c.section.takeModelBudget() }
    settings.apply(to: &c.section)
    objective.apply(to: &c.section)
    try objective.checkSkip(for: c.section.prediction)
    if let text = settings.tSampling { c.tSampling = try CommandLineCheck.tSampling(text) }
    if let norm = settings.norm {
      guard let value = BlockNorm(parsing: norm) else {
        throw CommandLineCheck.refuse("--norm", norm, BlockNorm.allowed)
      }
      c.norm = value
    }
    do { try c.validate(source: .commandLine) } catch { throw CommandLineCheck.error(error) }
    return c
  }

  func run() throws {
    threads.apply()
    // Before the folder is taken and the data loaded: a Ctrl-C during set-up then stops at the
    // first step with a checkpoint (exit 130) instead of killing the process half way.
    signal(SIGINT) { _ in interruptRequested = 1 }
    let trainingRun: TrainingRun
    let directory: String
    if let resume {
      directory = resume
      do { trainingRun = try TrainingRun(resuming: resume, steps: settings.steps) } catch let error
        as FieldError
      {
        throw CommandLineCheck.error(error, context: " with --resume")
      }
    } else {
      directory = out ?? Train.defaultFolder()
      trainingRun = try TrainingRun(
        config: trainingConfig(), directory: directory, overwrite: overwrite)
    }
    trainingRun.scoreGrid = try evalGrid.grid()
    for note in trainingRun.notes {
      printError("note: \(note)")
    }
    let c = trainingRun.config
    let first = trainingRun.trainer.completedSteps
    print(
      "training \(c.model.rawValue)"
        + (c.model.defaultNorm == .none && c.norm == .none ? "" : " (norm \(c.norm.name))")
        + " on \(c.dataName) \(c.resolution)×\(c.resolution), "
        + "schedule \(c.schedule.family.rawValue), b = \(c.inputScale), "
        // The skip's default depends on the model and data: shown before the run trains.
        + (c.prediction == .x0 ? "x0 skip \(c.x0Skip.map { String(format: "λ_s = %g", $0) } ?? "none"), " : "")
        + (c.tSampling == .uniform ? "" : "t-sampling \(c.tSampling.name), ")
        + "\(c.steps) steps × "
        + "batch \(c.batch), \(BLAS.threads) thread(s) → \(directory)"
        + (first > 0 ? " (resuming at step \(first))" : ""))
    let display = ProgressDisplay(
      total: c.steps, batch: c.batch, start: first, terminal: isatty(2) == 1)
    let summary: RunSummary
    do {
      summary = try trainingRun.run(
        progress: { event in display.show(event) },
        shouldStop: { interruptRequested != 0 })
    } catch let error as TrainingError {
      display.finish()
      throw CommandFailure(trainingRun.divergenceReport(error))
    }
    display.finish()
    signal(SIGINT, SIG_DFL)
    if !summary.completed {
      print(
        "stopped at step \(summary.steps) with a checkpoint; continue with "
          + "`schedtui train --resume \(directory)`")
      // 130 as a shell reports SIGINT, so a script can tell a stopped run from a finished one.
      throw ExitCode(130)
    }
    print(Train.summaryText(summary, directory: directory))
  }

  static func defaultFolder() -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyyMMdd-HHmmss"
    return "runs/" + f.string(from: Date())
  }

  /// The closing lines: figures and files.
  static func summaryText(_ s: RunSummary, directory: String) -> String {
    var lines = [
      String(
        format: "done: %d steps in %.1f s of training (%.0f examples/s), final loss %.4f",
        s.steps, s.trainSeconds, s.examplesPerSecond, s.finalLoss)
    ]
    if let fid = s.frechetDistance {
      if s.config.data == .digits {
        lines.append(
          String(
            format: "Fréchet distance %.2f to held-out digits (the training digits themselves: "
              + "%.2f; lower is better), copy rate %.0f%% (held-out digits: 5%%)", fid,
            s.trainingDataFrechetDistance ?? .nan, 100 * (s.copyRate ?? .nan)))
      } else {
        lines.append(
          String(
            format: "Fréchet distance %.2f to the digits (the training patches: %.2f): it only "
              + "says how digit-like the photographs are; judge them by bits/dim below", fid,
            s.trainingDataFrechetDistance ?? .nan))
      }
    }
    if let curve = s.heldOutErrorByLogSNR, let bound = s.heldOutBound {
      lines += scoreLines(
        curve: curve, bound: bound, training: s.trainingErrorByLogSNR,
        trained: HeldOutScore.trainedRange(s.config))
    }
    lines.append(
      "wrote \(directory)/samples.png, summary.json, metrics.jsonl, checkpoint.bin, config.json")
    return lines.joined(separator: "\n")
  }

  /// The held-out score in two lines: the bound with its terms, and the error at a few λ.
  static func scoreLines(
    curve: [HeldOutScore.Point], bound: VDMBound.Terms, training: [HeldOutScore.Point]?,
    trained: ClosedRange<Double>?
  ) -> [String] {
    let shown = curve.filter { [-8, -4, 0, 4, 8].contains($0.logSNR) }
    let points = (shown.isEmpty ? curve : shown).map {
      String(format: "%g: %.4g", $0.logSNR, $0.error)
    }
    var lines = [
      String(
        format: "held-out bound %.3f bits/dim (diffusion %.3f + prior %.4f + reconstruction "
          + "%.3f; λ %g…%g, %d images; lower is better, comparable across schedules, b and "
          + "losses)", bound.total, bound.diffusion, bound.prior, bound.reconstruction,
        bound.logSNRMin, bound.logSNRMax, bound.images)
    ]
    if let top = bound.gridMax, let full = bound.fullRange {
      // Said, not hidden: where the network stops paying for itself (VDMBound).
      lines.append(
        String(
          format: "  λmax %g: the bound is lowest with the network up to there and the 8-bit "
            + "reconstruction from z/α above; with the network up to λ %g it is %.4g bits/dim",
          bound.logSNRMax, top, full))
    }
    lines.append("held-out error ‖x̂0 − x0‖²/D by logSNR: " + points.joined(separator: ", "))
    lines += HeldOutScore.riseNotes(curve: curve, training: training, trained: trained)
    return lines
  }
}

/// Prints step reports: a redrawn progress bar on a terminal, a plain line every 5% otherwise.
final class ProgressDisplay {
  let total: Int, batch: Int, terminal: Bool
  var done: Int
  var seconds = 0.0
  var lossAverage = Double.nan
  var lastDraw = 0.0
  var nextPlain: Int
  let startTime = Date()

  init(total: Int, batch: Int, start: Int, terminal: Bool) {
    self.total = total
    self.batch = batch
    self.terminal = terminal
    done = start
    nextPlain = start
  }

  func show(_ event: RunEvent) {
    switch event {
    case .step(let r):
      done = r.step
      seconds += r.seconds
      lossAverage = lossAverage.isNaN ? r.loss : 0.98 * lossAverage + 0.02 * r.loss
      let now = Date().timeIntervalSince(startTime)
      if terminal {
        if now - lastDraw >= 0.1 || done == total {
          lastDraw = now
          FileHandle.standardError.write(Data(("\r" + line(now: now) + "\u{1B}[K").utf8))
        }
      } else if done >= nextPlain || done == total {
        nextPlain = done + Swift.max(total / 20, 1)
        print(line(now: now))
        fflush(nil)
      }
    case .evaluating:
      finish()
      print("sampling and measuring…")
      fflush(nil)
    case .checkpoint, .samples:
      break
    }
  }

  func finish() {
    if terminal && lastDraw > 0 {
      FileHandle.standardError.write(Data("\n".utf8))
      lastDraw = 0
    }
  }

  func line(now: Double) -> String {
    let rate = seconds > 0 ? Double(done) / Swift.max(now, 1e-9) : 0
    let eta = rate > 0 ? Double(total - done) / rate : .nan
    let examples = seconds > 0 ? Double(batch) / (seconds / Double(Swift.max(done, 1))) : 0
    return ProgressDisplay.format(
      done: done, total: total, loss: lossAverage, examplesPerSecond: examples, eta: eta,
      bar: terminal)
  }

  /// One progress line: `[####......] 1200/3000  40%  loss 0.2431  6800 ex/s  ETA 0:24`.
  static func format(
    done: Int, total: Int, loss: Double, examplesPerSecond: Double, eta: Double, bar: Bool
  ) -> String {
    let fraction = Double(done) / Double(Swift.max(total, 1))
    let width = 24
    let filled = Int(fraction * Double(width))
    let barText =
      bar
      ? "[" + String(repeating: "#", count: filled)
        + String(repeating: ".", count: width - filled) + "] " : "step "
    let etaText = eta.isFinite ? String(format: "%d:%02d", Int(eta) / 60, Int(eta) % 60) : "--:--"
    return barText
      + String(
        format: "%d/%d %3.0f%%  loss %.4f  %.0f ex/s  ETA %@", done, total, fraction * 100, loss,
        examplesPerSecond, etaText)
  }
}
