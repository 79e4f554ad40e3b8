import Foundation
import Schedules

/// Why a run stopped early or could not start, for the user.
public enum TrainingError: Error, CustomStringConvertible, Sendable {
  /// The loss became NaN, infinite or exploded at `step`. Says nothing of checkpoints: the run
  /// knows whether one exists (``TrainingRun/divergenceReport(_:)``).
  case diverged(step: Int, loss: Double, learningRate: Double)
  /// The run's folder cannot be used: it holds another run, a sweep, or is locked.
  case folder(FolderError)

  public var description: String {
    switch self {
    case .diverged(let step, let loss, let lr):
      // Gradient clipping (norm 1) is always on, so it is not suggested.
      return "training diverged at step \(step): loss = \(loss) (learning rate \(lr)). "
        + "Try a lower --lr (e.g. \(lr / 3)), a longer --warmup, or --optimizer lamb"
    case .folder(let error):
      return error.description
    }
  }
}

/// What a run reports while it works: the CLI prints these, the explorer draws them.
public enum RunEvent: Sendable {
  /// A training step was taken.
  case step(StepReport)
  /// A checkpoint (and metrics.jsonl) was written after `step`.
  case checkpoint(step: Int)
  /// Preview samples (count, C·H·W) in [−1, 1] drawn with the EMA weights at `step`.
  case samples(step: Int, images: [Float], count: Int)
  /// Training is over; sampling for samples.png and the Fréchet distance has started.
  case evaluating
}

/// How a run ended: written to `summary.json`.
public struct RunSummary: Codable, Sendable {
  public var config: TrainingConfig
  /// Steps taken in total (including those before a resume) and the batch size.
  public var steps: Int
  public var batch: Int
  /// Seconds spent in training steps alone (not sampling, metric or checkpoints).
  public var trainSeconds: Double
  /// Training examples per second of those steps: steps·batch / trainSeconds.
  public var examplesPerSecond: Double
  /// Mean loss over the last 10% of steps (at least the last one).
  public var finalLoss: Double
  /// Loss per logSNR bin over the last 20% of steps.
  public var lossByLogSNR: [LossBins.Row]
  /// Fréchet distance of `evalSamples` EMA samples to the held-out digits in the digits
  /// classifier's features (see README "Training"); nil when evalSamples is 0.
  public var frechetDistance: Double?
  /// The same distance for as many of the run's own training images as it drew samples: what a
  /// model that reproduces its training set exactly would score (for digits, a sample set this close is suspect; read
  /// `copyRate`).
  public var trainingDataFrechetDistance: Double?
  /// Share of the samples closer to a training digit than 95 % of held-out digits are
  /// (``CopyDetector``); digits only, nil for patches or without samples.
  public var copyRate: Double?
  public var completed: Bool
  /// The EMA denoiser's mean ‖x̂0 − x0‖²/D over held-out images on the fixed logSNR grid
  /// (``HeldOutScore``), rising λ; nil for a stopped run or one from before the score.
  public var heldOutErrorByLogSNR: [HeldOutScore.Point]? = nil
  /// The same error on as many training images (``HeldOutScore/trainingCurve``): below the
  /// held-out one where the network reproduces its training set; nil before it was recorded.
  public var trainingErrorByLogSNR: [HeldOutScore.Point]? = nil
  /// The VDM bound on −log p(x0) in bits per dimension of 8-bit data: comparable across
  /// schedules, b and objectives (``VDMBound``); its terms are ``heldOutBound``.
  public var heldOutBitsPerDim: Double? = nil
  public var heldOutBound: VDMBound.Terms? = nil
  /// The OpenBLAS core the run's sgemm used and how it was chosen (``BLASCore/description``);
  /// nil in summaries written before it was recorded.
  public var blasCore: String? = nil
}

/// One training run: the engine behind `schedtui train`, the explorer's training screen and
/// each sweep cell.
///
/// Thread use: create it anywhere, call ``run(progress:shouldStop:)`` on one background thread;
/// it calls `progress` on that thread (a UI should post the events to its own queue) and polls
/// `shouldStop` between steps. With a `directory`, it writes there: `checkpoint.bin` every
/// `checkpointEvery` steps and when stopped, `metrics.jsonl`, and at the end `samples.png`
/// and `summary.json`. Without one it writes nothing (a sweep may keep its own files).
public final class TrainingRun {
  public let config: TrainingConfig
  public let directory: String?
  public let trainer: Trainer
  /// Draw `previewCount` preview samples every `previewEvery` steps (0: never).
  public var previewEvery = 0
  public var previewCount = 16
  /// Log a metrics line every this many steps.
  public var logEvery = 10
  /// The logSNR grid of the held-out score (`--eval-grid`).
  public var scoreGrid = LogSNRGrid.standard

  var trainSeconds = 0.0
  var bins = LossBins()
  var recentLosses: [Double] = []
  var metricsLines: [String] = []
  /// The folder's lock, held while this run exists (released by the kernel if the process dies).
  let lock: FolderLock?
  /// What a resume found worth saying before it trains (an edited config.json), for the
  /// command to print; empty for a new run.
  public private(set) var notes: [String] = []
  /// The step of the last checkpoint on disk, nil before the first.
  public private(set) var lastCheckpointStep: Int?

  /// A new run. A `directory` that holds another run (a checkpoint, a summary, metrics or
  /// samples), a sweep, or is locked by another process throws ``TrainingError/folder(_:)``
  /// naming what is there; with `overwrite` an old run's files are removed first (a sweep never
  /// is). Takes the folder's lock and writes its manifest.
  public init(config: TrainingConfig, directory: String? = nil, overwrite: Bool = false) throws {
    try config.validate()
    // Loaded before the folder is taken: a refused data folder leaves no run folder behind.
    let data = try TrainingRun.loadData(config)
    if let directory {
      do {
        try RunFolder.checkOwnFolder(directory, kind: .run)
        lock = try FolderLock(directory: directory)
        try RunFolder.startRun(
          in: directory, what: TrainingRun.describe(config), overwrite: overwrite)
      } catch let error as FolderError {
        throw TrainingError.folder(error)
      }
    } else {
      lock = nil
    }
    self.directory = directory
    trainer = try Trainer(config: TrainingRun.recording(data, in: config), dataset: data)
    // The trainer's config has σ_d measured from the data (and a folder's channels and
    // files): the one to record.
    self.config = trainer.config
    try writeConfigFile()
  }

  /// The name of the run's setup in the config format that `--config` and the explorer read.
  public static let configFileName = "config.json"

  /// Writes the run's setup as a config (``Config/init(_:)``) to `config.json`, atomically, so
  /// the folder can be opened with `schedtui curve --config`, the explorer, or trained again.
  func writeConfigFile() throws {
    guard let directory else { return }
    try AtomicFile.write(
      Config(config).encoded(),
      to: (directory as NSString).appendingPathComponent(TrainingRun.configFileName))
  }

  /// Continues the run saved in `directory`; `steps`, when given, replaces the total (to train
  /// a finished run further; fewer steps than already taken is an error). A run that is already
  /// complete only samples and measures again.
  public init(resuming directory: String, steps: Int? = nil) throws {
    let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
    // Checked before the lock, which would create a folder that is not there.
    guard FileManager.default.fileExists(atPath: path) else {
      throw CheckpointError.missing(path: path)
    }
    do { lock = try FolderLock(directory: directory) } catch { throw TrainingError.folder(error) }
    let ckpt = try Checkpoint.read(from: path)
    var config = ckpt.header.config
    let saved = config
    if let steps {
      guard steps >= ckpt.header.step else {
        throw FieldError(
          field: "--steps", value: "\(steps)",
          allowed: "at least the \(ckpt.header.step) steps \(directory) has already taken",
          source: .commandLine)
      }
      config.steps = steps
    }
    guard config.steps > ckpt.header.step else {
      // Nothing left to train: running on would sample again and then fail to write a summary
      // whose final loss (the mean of steps not taken) is NaN.
      let finished = FileManager.default.fileExists(
        atPath: (directory as NSString).appendingPathComponent("summary.json"))
      throw FieldError.option(
        field: "steps", value: "\(config.steps)",
        allowed: "above \(ckpt.header.step): \(directory) is already at step "
          + "\(ckpt.header.step) of \(ckpt.header.config.steps)"
          + (finished
            ? " and finished; give --steps above \(ckpt.header.step) to train it further"
            : "; its summary.json is missing (the run stopped while finishing it): give --steps "
              + "above \(ckpt.header.step) to train further and write a new one"))
    }
    try config.validate()
    do {
      try RunFolder.resumeRun(in: directory, what: TrainingRun.describe(config))
    } catch let error as FolderError {
      throw TrainingError.folder(error)
    }
    self.directory = directory
    lastCheckpointStep = ckpt.header.step
    let data = try TrainingRun.loadData(config)
    if let folder = config.dataFolder, let then = config.dataFiles, let now = data.files,
      then != now
    {
      throw FieldError.option(
        field: "data", value: folder,
        allowed: "the \(then.count) files (hash \(then.hash)) this run was trained on; the folder "
          + "now holds \(now.count) (hash \(now.hash)). Restore them or train a new run")
    }
    trainer = try Trainer(config: TrainingRun.recording(data, in: config), dataset: data)
    self.config = trainer.config
    // An edited config.json is not what the checkpoint was trained with: say what differs and
    // keep the edit beside the run before config.json is written again.
    notes = try RunConfigEdit.check(directory: directory, saved: saved)
    // A folder from before config.json gains one; a resumed run with more steps updates it.
    try writeConfigFile()
    guard ckpt.header.parameterCount == trainer.params.count else {
      throw CheckpointError.corrupt(
        path: path,
        reason: "\(ckpt.header.parameterCount) weights; the model has \(trainer.params.count)")
    }
    trainer.params.data.update(from: ckpt.params, count: ckpt.params.count)
    trainer.ema.data.update(from: ckpt.ema, count: ckpt.ema.count)
    trainer.optimizerState.m.data.update(from: ckpt.m, count: ckpt.m.count)
    trainer.optimizerState.v.data.update(from: ckpt.v, count: ckpt.v.count)
    trainer.restore(
      step: ckpt.header.step, updates: ckpt.header.optimizerUpdates, rngWords: ckpt.header.rng)
    trainSeconds = ckpt.header.trainSeconds
    bins = ckpt.header.bins
    // Keep the metrics lines the checkpoint covers; later ones will be logged again.
    let metricsPath = (directory as NSString).appendingPathComponent("metrics.jsonl")
    if let text = try? String(contentsOfFile: metricsPath, encoding: .utf8) {
      metricsLines = text.split(separator: "\n").map(String.init).filter { line in
        guard let data = line.data(using: .utf8),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let step = object["step"] as? Int
        else { return false }
        return step <= ckpt.header.step
      }
    }
  }

  /// One line for the folder's manifest: model, data, schedule, b and budget.
  public static func describe(_ c: TrainingConfig) -> String {
    "\(c.model.rawValue) on \(c.dataName) \(c.resolution)×\(c.resolution), schedule "
      + "\(c.schedule.family.rawValue), b = \(c.inputScale), \(c.steps) steps × batch \(c.batch), "
      + "seed \(c.seed)"
  }

  /// What is true after ``TrainingError/diverged(step:loss:learningRate:)``: where and how it
  /// diverged, what to try that this run does not already do, and whether a checkpoint is on
  /// disk (with its step and path) or none was written.
  public func divergenceReport(_ error: TrainingError) -> String {
    guard case .diverged(let step, let loss, let lr) = error else { return error.description }
    let o = config.optimizer
    var tries = ["a lower --lr (e.g. \(lr / 3))"]
    tries.append("a longer --warmup (this run warms up over \(o.warmupSteps) steps)")
    if o.kind != .lamb { tries.append("--optimizer lamb") }
    // Clipping is on unless a test turned it off (no command can): suggest it only then.
    if o.gradientClip == 0 { tries.append("gradient clipping") }
    var text = "training diverged at step \(step): loss = \(loss) (learning rate \(lr)). Try "
      + tries.dropLast().joined(separator: ", ") + " or " + tries[tries.count - 1]
    guard let directory else { return text + "; the run kept no files" }
    let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
    if let saved = lastCheckpointStep {
      text += ". The checkpoint of step \(saved) is kept at \(path)"
    } else {
      text += ". No checkpoint was written (the first was due at step "
        + "\(Swift.min(config.checkpointEvery, config.steps))), so there is nothing to resume"
    }
    return text
  }

  static func loadData(_ config: TrainingConfig) throws -> Dataset {
    try Dataset.load(config)
  }

  /// `config` with what loading decided for folder data: its channels and files.
  static func recording(_ data: Dataset, in config: TrainingConfig) -> TrainingConfig {
    guard config.dataFolder != nil else { return config }
    var c = config
    c.channels = data.channels
    c.dataFiles = data.files
    return c
  }

  /// Trains to `config.steps`, then samples and measures. Returns the summary (also written to
  /// `summary.json`); when `shouldStop` turns true it checkpoints and returns a summary with
  /// `completed == false` and no metric. Throws ``TrainingError/diverged(step:loss:learningRate:)``
  /// on a NaN, infinite or exploding loss, keeping the last checkpoint.
  public func run(
    progress: (RunEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws -> RunSummary {
    let total = config.steps
    let binsFrom = total - Swift.max(total / 5, 1)
    var intervalLoss = 0.0
    var intervalSteps = 0
    var intervalSeconds = 0.0
    var firstLosses: [Double] = []
    while trainer.completedSteps < total {
      if shouldStop() {
        try saveCheckpoint()
        progress(.checkpoint(step: trainer.completedSteps))
        return summary(completed: false, fid: nil, floor: nil, copyRate: nil)
      }
      let stepIndex = trainer.completedSteps
      let report = trainer.step()
      // Exploding: 100× the loss of the first 20 steps (a denoising loss starts near 1 and only
      // falls), or above 1e4 outright. Judged on the output's unweighted error: a weighting such
      // as x0-MSE on ε-prediction (weights up to e^40) makes the objective itself heavy-tailed.
      let judged = report.outputLoss
      if firstLosses.count < 20 && judged.isFinite { firstLosses.append(judged) }
      let reference = firstLosses.reduce(0, +) / Double(Swift.max(firstLosses.count, 1))
      if report.diverged || judged > 1e4
        || (firstLosses.count == 20 && judged > 100 * reference)
      {
        throw TrainingError.diverged(
          step: stepIndex + 1, loss: report.loss, learningRate: report.learningRate)
      }
      trainSeconds += report.seconds
      if stepIndex >= binsFrom { bins.add(report) }
      recentLosses.append(report.loss)
      if recentLosses.count > Swift.max(total / 10, 1) { recentLosses.removeFirst() }
      intervalLoss += report.loss
      intervalSteps += 1
      intervalSeconds += report.seconds
      progress(.step(report))
      let step = report.step
      if step % logEvery == 0 || step == total {
        let line: [String: Any] = [
          "step": step, "loss": intervalLoss / Double(intervalSteps),
          "grad_norm": report.gradientNorm, "lr": report.learningRate,
          "examples_per_second": Double(intervalSteps * config.batch)
            / Swift.max(intervalSeconds, 1e-9),
          "train_seconds": trainSeconds,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
          metricsLines.append(String(decoding: data, as: UTF8.self))
        }
        intervalLoss = 0
        intervalSteps = 0
        intervalSeconds = 0
      }
      if step % config.checkpointEvery == 0 || step == total {
        try saveCheckpoint()
        progress(.checkpoint(step: step))
      }
      if previewEvery > 0 && step % previewEvery == 0 && step < total {
        let labels = sampleLabels(previewCount)
        var settings = samplerSettings
        settings.steps = Swift.min(settings.steps, 20)
        let images = try sample(
          labels: labels, settings: settings, seed: config.seed &+ UInt64(step))
        progress(.samples(step: step, images: images, count: previewCount))
      }
    }
    progress(.evaluating)
    return try finish(progress: progress)
  }

  /// The sampler settings from the config (guidance off for unlabelled data).
  public var samplerSettings: SamplerSettings { config.samplerSettings }

  /// `count` labels cycling through the classes (all "no class" for unlabelled data).
  public func sampleLabels(_ count: Int) -> [Int32] {
    let classes = trainer.dataset.classes
    return (0..<count).map { classes == 0 ? 0 : Int32($0 % classes) }
  }

  /// Samples (count, C·H·W) in [−1, 1] from the EMA weights.
  public func sample(labels: [Int32], settings: SamplerSettings, seed: UInt64) throws -> [Float] {
    var rng = Xoshiro256(seed: TrainedModel.samplingSeed(seed))
    return try Sampler.sample(
      model: trainer.model, params: trainer.ema.data, objective: trainer.objective,
      inputScale: config.inputScale, normalize: config.normalize,
      conditioningFloor: try config.conditioningFloor(), settings: settings,
      labels: labels, batch: config.model.samplingBatch, using: &rng)
  }

  func finish(progress: (RunEvent) -> Void) throws -> RunSummary {
    let data = trainer.dataset
    var fid: Double?
    var floor: Double?
    var copies: Double?
    var gridImages: [Float]
    let gridCount = data.classes == 0 ? 64 : 100
    // The digits classifier judges digits (and, for what it says, the bundled patches); a
    // folder of the user's images has no classifier and is judged by the held-out score alone.
    if config.evalSamples >= 2 && config.dataFolder == nil {
      let labels = sampleLabels(config.evalSamples)
      let images = try sample(labels: labels, settings: samplerSettings, seed: config.seed)
      let classifier = try DigitsClassifier.shared()
      fid = classifier.frechetDistance(
        images, count: labels.count, channels: data.channels, size: data.height)
      // As many training images as samples: the distance's small-sample bias (299 training
      // digits score ~11, all 1,498 ~4) then matches the samples'.
      let n = Swift.min(labels.count, data.trainCount)
      floor = classifier.frechetDistance(
        Array(data.train.prefix(n * data.pixels)), count: n, channels: data.channels,
        size: data.height)
      if config.data == .digits {
        copies = try CopyDetector.shared().copyRate(
          images, count: labels.count, channels: data.channels, size: data.height)
      }
      gridImages = Array(images.prefix(Swift.min(gridCount, labels.count) * data.pixels))
    } else {
      gridImages = try sample(
        labels: sampleLabels(gridCount), settings: samplerSettings, seed: config.seed)
    }
    var result = summary(completed: true, fid: fid, floor: floor, copyRate: copies)
    let score = try HeldOutScore.measure(
      model: trainer.model, params: trainer.ema.data, config: config, data: data,
      count: scoreImages, grid: scoreGrid)
    result.heldOutErrorByLogSNR = score.curve
    result.trainingErrorByLogSNR = score.trainingCurve
    result.heldOutBitsPerDim = score.bitsPerDim
    result.heldOutBound = score.bound
    if let directory {
      let n = gridImages.count / data.pixels
      try writeGrid(
        gridImages, count: n, to: (directory as NSString).appendingPathComponent("samples.png"))
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      encoder.keyEncodingStrategy = .convertToSnakeCase
      try AtomicFile.write(
        encoder.encode(result), to: (directory as NSString).appendingPathComponent("summary.json"))
    }
    return result
  }

  /// Held-out images the score averages over: `evalSamples` of them, or all when it is 0.
  var scoreImages: Int {
    config.evalSamples > 0 ? config.evalSamples : trainer.dataset.heldOutCount
  }

  /// Writes `count` images of this run's shape as a PNG grid (10 columns for digits).
  public func writeGrid(_ images: [Float], count: Int, to path: String) throws {
    try SampleGrid.writePNG(images, count: count, shape: trainer.model.shape, to: path)
  }

  func summary(completed: Bool, fid: Double?, floor: Double?, copyRate: Double?) -> RunSummary {
    let steps = trainer.completedSteps
    return RunSummary(
      config: config, steps: steps, batch: config.batch, trainSeconds: trainSeconds,
      examplesPerSecond: trainSeconds > 0 ? Double(steps * config.batch) / trainSeconds : 0,
      finalLoss: recentLosses.isEmpty
        ? .nan : recentLosses.reduce(0, +) / Double(recentLosses.count),
      lossByLogSNR: bins.rows, frechetDistance: fid, trainingDataFrechetDistance: floor,
      copyRate: copyRate,
      completed: completed, blasCore: BLASCore.description)
  }

  func saveCheckpoint() throws {
    guard let directory else { return }
    let t = trainer
    let header = Checkpoint.Header(
      config: config, step: t.completedSteps, optimizerUpdates: t.optimizerState.updates,
      rng: t.rngWords, parameterCount: t.params.count, trainSeconds: trainSeconds, bins: bins)
    try Checkpoint(
      header: header, params: t.params.array, ema: t.ema.array, m: t.optimizerState.m.array,
      v: t.optimizerState.v.array
    ).write(to: (directory as NSString).appendingPathComponent(Checkpoint.fileName))
    try AtomicFile.write(
      metricsLines.map { $0 + "\n" }.joined(),
      to: (directory as NSString).appendingPathComponent("metrics.jsonl"))
    lastCheckpointStep = t.completedSteps
  }
}
