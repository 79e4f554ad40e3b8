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
      (default cosine), and scores the samples with a Fréchet distance in the features of a \
      small digits classifier (lower is better; see README "Training").

      Writes to --out: config.json (the run's setup, which --config reads back), \
      metrics.jsonl, checkpoint.bin (atomically, every --checkpoint-every steps and on \
      Ctrl-C), samples.png and summary.json. Ctrl-C stops cleanly; continue with \
      --resume DIR.
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(
    help: ArgumentHelp(
      VocabularyHelp.data + "; any other value is a folder of PNG images (every PNG under it, "
        + "every 6th held out; ./digits for a folder called digits).", valueName: "data"))
  var data: String?
  @Option(
    parsing: .unconditional,
    help: "Image side: 8, 16 or 32 for digits; 16, 32 or 64 for patches; 8 to 64 for a folder (default 8 / 16 / 32).")
  var resolution: Int?
  @Option(
    parsing: .unconditional,
    help: "Channels of a folder's images: 1 (grey) or 3 (RGB) (default 3 if any image has colour).")
  var channels: Int?
  @Option(
    help: ArgumentHelp(
      VocabularyHelp.model + "; auto (the default): " + Train.automaticModelText,
      valueName: "model"))
  var model: String?
  @Option(
    help: ArgumentHelp(
      "UNet-S's normalisation before each SiLU of its blocks: \(BlockNorm.allowed) (default none).",
      valueName: "norm"))
  var norm: String?

  /// What `--model auto` picks (``ModelKind/automatic(resolution:)``).
  static let automaticModelText =
    "mlp-s up to 32 px, unet-s above (sides a multiple of 8), convres-s at other sides above 32 px."

  /// `--model`: nil for auto (or not given).
  func modelKind() throws -> ModelKind? {
    guard let model, model != "auto" else { return nil }
    guard let kind = ModelKind(name: model) else {
      throw CommandLineCheck.refuse("--model", model, "auto, " + ModelKind.namesList)
    }
    return kind
  }
  @Option(
    parsing: .unconditional,
    help: "Optimiser steps, \(TrainingLimits.steps.text) (default \(VocabularyHelp.perModel(\.defaultSteps))).")
  var steps: Int?
  @Option(
    parsing: .unconditional,
    help: "Examples per step, \(TrainingLimits.batch.text) (default \(VocabularyHelp.perModel(\.defaultBatch))).")
  var batch: Int?
  @Option(parsing: .unconditional, help: "Seed of every random draw (default 0).")
  var seed: UInt64?
  @Option(
    parsing: .unconditional,
    help: "Peak learning rate in \(TrainingLimits.learningRateInterval) (default \(VocabularyHelp.perModel(\.defaultLearningRate))).")
  var lr: Double?
  @OptionGroup(title: "Objective") var objective: ObjectiveOptions
  @Option(
    name: .customLong("t-sampling"),
    help: ArgumentHelp(
      "How training draws its noise levels: \(TimestepSampling.allowed) (default uniform).",
      valueName: "sampling"))
  var tSampling: String?
  @Option(help: ArgumentHelp(VocabularyHelp.optimizer + ".", valueName: "optimizer"))
  var optimizer: OptimizerKind?
  @Option(parsing: .unconditional, help: "Warm-up steps before the cosine decay (default 100).")
  var warmup: Int?
  @Option(
    parsing: .unconditional,
    help: "Probability of dropping the label (default 0.1).")
  var labelDropout: Double?
  @Option(
    parsing: .unconditional,
    help: "EMA decay of the sampling weights, in [0, 1) (default 0.999).")
  var ema: Double?
  @Option(
    parsing: .unconditional,
    help: "Samples for the Fréchet distance; 0 skips it (default \(VocabularyHelp.perModel(\.defaultEvalSamples)))."
  )
  var evalSamples: Int?
  @Option(
    parsing: .unconditional,
    help: "Steps between checkpoints (default 500).")
  var checkpointEvery: Int?
  @Option(help: ArgumentHelp(VocabularyHelp.sampler + " (default ddpm).", valueName: "sampler"))
  var sampler: SamplerKind?
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Classifier-free guidance weight w in \(TrainingLimits.guidance.interval) when sampling "
        + "(default 1; none for unlabelled data)."))
  var guidance: Double?
  @Option(
    help: ArgumentHelp(
      "logSNR grid of the held-out error and bits/dim, MIN:MAX:STEP (default -12:12:1; write "
        + "--eval-grid=-10:10:1 for a negative MIN).", valueName: "grid"))
  var evalGrid: String?
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
    _ = try scoreGrid()
    if resume != nil {
      let others: [(String, Bool)] = [
        ("--data", data != nil), ("--resolution", resolution != nil), ("--model", model != nil),
        ("--channels", channels != nil),
        ("--batch", batch != nil), ("--seed", seed != nil), ("--lr", lr != nil),
        ("--optimizer", optimizer != nil),
        ("--warmup", warmup != nil), ("--label-dropout", labelDropout != nil),
        ("--ema", ema != nil),
        ("--eval-samples", evalSamples != nil), ("--checkpoint-every", checkpointEvery != nil),
        ("--sampler", sampler != nil), ("--guidance", guidance != nil),
        ("--t-sampling", tSampling != nil), ("--norm", norm != nil),
        ("--out", out != nil), ("--config", schedule.configPath != nil),
        ("--family", schedule.family != nil), ("--preset", schedule.preset != nil),
        ("--scale", schedule.inputScale != nil),
        (schedule.normalize == true ? "--normalize" : "--no-normalize", schedule.normalize != nil),
        ("--overwrite", overwrite),
      ]
      // The schedule's own parameters (--tau, --shift, …) too: a resumed run keeps its schedule.
      let given = objective.given + schedule.givenFields.map(\.option)
      if let first = given.first ?? others.first(where: \.1)?.0 {
        throw ValidationError(
          "\(first) cannot be combined with --resume: a resumed run keeps its own settings "
            + "(only --steps and --threads may change).")
      }
      return
    }
    try schedule.validate()
    _ = try trainingConfig()
  }

  /// `--eval-grid`, or the standard −12…12 step 1.
  func scoreGrid() throws -> LogSNRGrid {
    guard let evalGrid else { return .standard }
    do { return try LogSNRGrid.parse(evalGrid) } catch { throw CommandLineCheck.error(error) }
  }

  /// The run's config: the schedule options (or --config file, whose `training` section gives
  /// defaults), then the options given here.
  func trainingConfig() throws -> TrainingConfig {
    var c = TrainingConfig(try schedule.config())
    // A --config file's training section is the run's (its own model and budget); a preset's
    // training side only brings its t-sampling, output and weighting.
    let fromFile = schedule.configPath != nil && (try? schedule.config())?.training != nil
    if let data {
      switch DataSource(data) {
      case .builtIn(let kind):
        c.data = kind
        c.dataFolder = nil  // over a --config file's folder (and its channels)
        c.channels = nil
        if resolution == nil, !fromFile { c.resolution = kind.resolutions[0] }
      case .folder(let folder):
        c.dataFolder = folder
        if resolution == nil { c.resolution = 32 }
      }
    }
    if let channels {
      guard c.dataFolder != nil else {
        throw CommandLineCheck.refuse(
          "--channels", channels, "only with --data DIR, a folder of images (built-in data is grey)")
      }
      c.channels = channels
    }
    if let resolution { c.resolution = resolution }
    if let model = try modelKind() {
      c.model = model
    } else if model != nil || !fromFile {
      c.model = .automatic(resolution: c.resolution)
    }
    // Without a training section, the budget is the model's (a file's section has its own).
    if !fromFile { c.section.takeModelBudget() }
    if let steps { c.steps = steps }
    if let batch { c.batch = batch }
    if let seed { c.seed = seed }
    if let lr { c.lr = lr }
    objective.apply(
      prediction: &c.section.prediction, weighting: &c.section.weighting,
      minSNRGamma: &c.section.minSNRGamma, x0Skip: &c.section.x0Skip)
    if let tSampling {
      do { c.tSampling = try TimestepSampling(parsing: tSampling) } catch {
        throw CommandLineCheck.refuse("--t-sampling", tSampling, error.allowedText)
      }
    }
    if let norm {
      guard let value = BlockNorm(parsing: norm) else {
        throw CommandLineCheck.refuse("--norm", norm, BlockNorm.allowed)
      }
      c.norm = value
    }
    if let optimizer { c.section.optimizer = optimizer }
    if let warmup { c.warmup = warmup }
    if let labelDropout { c.labelDropout = labelDropout }
    if let ema { c.ema = ema }
    if let evalSamples { c.evalSamples = evalSamples }
    if let checkpointEvery { c.checkpointEvery = checkpointEvery }
    if let sampler { c.sampler = sampler }
    if let guidance { c.guidance = guidance }
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
      do { trainingRun = try TrainingRun(resuming: resume, steps: steps) } catch let error
        as FieldError
      {
        throw CommandLineCheck.error(error, context: " with --resume")
      }
    } else {
      directory = out ?? Train.defaultFolder()
      trainingRun = try TrainingRun(
        config: trainingConfig(), directory: directory, overwrite: overwrite)
    }
    trainingRun.scoreGrid = try scoreGrid()
    for note in trainingRun.notes {
      printError("note: \(note)")
    }
    let c = trainingRun.config
    let first = trainingRun.trainer.completedSteps
    print(
      "training \(c.model.rawValue) on \(c.dataName) \(c.resolution)×\(c.resolution), "
        + "schedule \(c.schedule.family.rawValue), b = \(c.inputScale), "
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
