import Foundation
import Schedules

/// The training settings every cell of a sweep shares, and how a cell becomes a training run.
///
/// Defaults are chosen so the default grid learns in every cell and finishes in under 20 minutes
/// on a 2-core machine (README "Sweeps"): MLP-S at every resolution (ConvRes-S costs ~250× more
/// per example here) with the default objective (x0-output, min-SNR-5: ``Objective``):
/// ε-output through MLP-S's 512-wide layers cannot carry the 960 pure-noise dimensions of a
/// 32×32 up-sampled digit (it fails there), and the x0-MSE weighting hides the effect of b.
public struct SweepSettings: Equatable, Sendable {
  /// The default grid's input scales and repeats (README "Sweeps": chosen so the default sweep
  /// shows Table 4's trend beyond its seed spread in under 20 minutes here).
  public static let defaultScales = "1.0,0.7,0.5,0.35"
  public static let defaultRepeats = 2

  public var steps = SweepDefaults.steps
  /// nil: each side's model's (``SweepDefaults/batch(model:)``).
  public var batch: Int? = nil
  /// nil: ``defaultModel(resolution:)``.
  public var model: ModelKind? = nil
  /// nil: ``defaultLearningRate(model:)``.
  public var learningRate: Double? = nil
  public var prediction = Objective.defaultPrediction
  public var weighting = Objective.defaultWeighting
  /// γ of min-SNR-γ (only with `weighting` min-snr).
  public var minSNRGamma = 5.0
  /// λ_s of the x0 output's skip path, `.some(nil)` for none (only with the x0 output); nil,
  /// the default, gives each cell its model's and data's (``TrainingSection/defaultX0Skip``).
  public var x0Skip: Double?? = nil
  /// Classifier-free guidance weight when sampling; 0 as the paper's Table 4 (no guidance).
  public var guidance = SweepDefaults.guidance
  public var evalSamples = SweepDefaults.evalSamples
  /// Keep each finished run's checkpoint. Off by default: a scored run needs only its summary,
  /// samples and metrics, and 24 MLP-S checkpoints at 32×32 take ~400 MB. Not recorded in
  /// sweep.json (it does not change the experiment).
  public var keepCheckpoints = false
  public var sampleSteps = 100
  /// What every cell trains on: the digits (the paper's Table 4), the bundled photographs or a
  /// folder of PNGs (`--data DIR`, as `train`).
  public var data: DataSource = .builtIn(.digits)
  /// A folder's files when the sweep started (``Dataset/folderFiles(_:)``), recorded in
  /// `sweep.json` so a resume on changed files is refused.
  public var dataFiles: DataFiles? = nil

  public init() {}

  /// Only the digits have a classifier; other data ranks by bits/dim.
  public var ranking: SweepRanking {
    data == .builtIn(.digits) ? .frechetDistance : .bitsPerDim
  }

  /// The data's name as `sweep.json` records it: the built-in name or the folder's path.
  public var dataName: String {
    switch data {
    case .builtIn(let kind): return kind.rawValue
    case .folder(let folder): return folder
    }
  }

  /// `--model auto`: the model `schedtui train` picks at that side for this data
  /// (``ModelKind/automatic(resolution:data:)``).
  public func defaultModel(resolution: Int) -> ModelKind {
    ModelKind.automatic(resolution: resolution, data: data)
  }
  public static func defaultLearningRate(model: ModelKind) -> Double {
    model.defaultLearningRate
  }

  public func model(resolution: Int) -> ModelKind {
    model ?? defaultModel(resolution: resolution)
  }

  public func learningRate(resolution: Int) -> Double {
    learningRate ?? Self.defaultLearningRate(model: model(resolution: resolution))
  }

  public func batch(resolution: Int) -> Int {
    batch ?? SweepDefaults.batch(model: model(resolution: resolution))
  }

  /// The skip every cell at that side trains with: the one given, else the default for the
  /// output, the side's model and the data.
  public func x0Skip(resolution: Int) -> Double? {
    if let x0Skip { return x0Skip }
    var s = TrainingSection(model: model(resolution: resolution), prediction: prediction)
    s.source = data
    return s.defaultX0Skip
  }

  /// The training config of one run of `cell` with `seed`. Throws a ``FieldError`` naming the
  /// option when the combination is not allowed (for example convres-s at 8×8).
  public func config(cell: SweepCell, seed: UInt64) throws -> TrainingConfig {
    var c = TrainingConfig()
    c.schedule = cell.family.spec
    c.inputScale = cell.scale
    c.tSampling = cell.tSampling
    c.source = data
    c.resolution = cell.resolution
    c.model = model(resolution: cell.resolution)
    // `c.model` alone leaves the norm of TrainingConfig()'s MLP-S: each cell gets its model's.
    c.norm = c.model.defaultNorm
    c.optimizer.learningRate = learningRate(resolution: cell.resolution)
    c.steps = steps
    c.batch = batch(resolution: cell.resolution)
    c.seed = seed
    c.prediction = prediction
    c.weighting = weighting
    c.minSNRGamma = minSNRGamma
    c.x0Skip = x0Skip(resolution: cell.resolution)
    c.guidance = guidance
    c.evalSamples = evalSamples
    c.sampleSteps = sampleSteps
    c.checkpointEvery = max(steps / 4, 50)
    try c.validate()
    return c
  }

  /// The sweep folder's `config.json`: the training setup every cell shares, with the first
  /// cell's schedule, input scale and resolution (the grid's first entries) standing for the
  /// grid; each run's own folder, `cells/<cell>/seed-<s>/config.json`, holds its exact setup.
  public func setup(grid: SweepGrid) throws -> Config {
    Config(try config(cell: grid.cells[0], seed: grid.seed))
  }

  /// What `sweep.json` records, so that a resumed sweep is the same experiment.
  public func recorded(resolutions: [Int]) -> [String: String] {
    var s: [String: String] = [
      "data": dataName, "steps": "\(steps)",
      "eval_samples": "\(evalSamples)", "sample_steps": "\(sampleSteps)",
      "prediction": prediction.rawValue, "weighting": weighting.rawValue, "guidance": "\(guidance)",
    ]
    // Recorded only when changed, so sweeps from before the option resume unchanged.
    if minSNRGamma != SweepSettings().minSNRGamma { s["min_snr_gamma"] = "\(minSNRGamma)" }
    // One batch for the sweep is recorded as before; sides that differ, one key each.
    let batches = resolutions.map { batch(resolution: $0) }
    if Set(batches).count <= 1 {
      s["batch"] = "\(batches.first ?? batch ?? SweepDefaults.batch)"
    } else {
      for (r, b) in zip(resolutions, batches) { s["batch_\(r)"] = "\(b)" }
    }
    // One skip for the sweep is recorded as before, and not at all when none (as sweeps from
    // before the option); where the sides' models differ in it, one key per side.
    let skips = resolutions.map { x0Skip(resolution: $0) }
    if Set(skips.map { $0.map { "\($0)" } ?? "none" }).count <= 1 {
      if let skip = skips.first ?? nil { s["x0_skip"] = "\(skip)" }
    } else {
      for (r, skip) in zip(resolutions, skips) { s["x0_skip_\(r)"] = skip.map { "\($0)" } ?? "none" }
    }
    if let dataFiles { s["data_files"] = "\(dataFiles.count) files, hash \(dataFiles.hash)" }
    for r in resolutions {
      s["model_\(r)"] = model(resolution: r).rawValue
      s["lr_\(r)"] = "\(learningRate(resolution: r))"
      // UNet-S only, so sweeps of the other models resume unchanged.
      if model(resolution: r) == .unetS { s["norm_\(r)"] = model(resolution: r).defaultNorm.name }
    }
    return s
  }

  /// A stored `sweep.json`'s settings with what its missing keys meant when it was written: a
  /// UNet-S side without `norm_R` is from before the key, when UNet-S trained without a norm
  /// (``BlockNorm/unrecorded``). Compared so, such a sweep is refused naming `norm_R` rather
  /// than resumed with group:8 cells beside its none cells.
  static func impliedKeys(_ stored: [String: String]) -> [String: String] {
    var out = stored
    for (key, value) in stored where key.hasPrefix("model_") && value == ModelKind.unetS.rawValue {
      let norm = "norm_" + key.dropFirst("model_".count)
      if out[norm] == nil { out[norm] = BlockNorm.unrecorded.name }
    }
    return out
  }
}

/// Trains and scores sweep runs with the real engine: what `schedtui sweep` and the explorer's
/// sweep screen both call for each job.
public final class SweepTrainer {
  public let settings: SweepSettings
  let noiseSeed: UInt64
  var noiseCache: [Int: Double] = [:]
  var meanCache: [Int: Double] = [:]

  public init(settings: SweepSettings, seed: UInt64) {
    self.settings = settings
    noiseSeed = seed
  }

  /// Thrown out of a run that `shouldStop` stopped, after its checkpoint was written.
  public struct Interrupted: Error, CustomStringConvertible {
    public var description: String {
      "stopped; the runs done are saved and the running one has a checkpoint. "
        + "Run the same sweep again to continue."
    }
  }

  /// Trains `job` (continuing from its checkpoint when an earlier sweep was interrupted during
  /// it), samples, and scores it. A diverged run is returned as failed, with a note.
  public func train(
    _ job: SweepRunner.Job, progress: (RunEvent) -> Void = { _ in },
    shouldStop: () -> Bool = { false }
  ) throws -> SweepRun {
    let checkpoint = (job.directory as NSString).appendingPathComponent(Checkpoint.fileName)
    let run: TrainingRun
    if FileManager.default.fileExists(atPath: checkpoint) {
      run = try TrainingRun(resuming: job.directory)
    } else {
      run = try TrainingRun(config: settings.config(cell: job.cell, seed: job.seed), directory: job.directory)
    }
    // The baselines are the digits classifier's: pure noise and the mean digit say nothing
    // about other data, so they are skipped there (the run ranks by bits/dim).
    let digits = settings.data == .builtIn(.digits)
    let noiseFD = digits ? try noiseDistance(resolution: job.cell.resolution) : nil
    let meanFD = digits ? try meanDistance(resolution: job.cell.resolution) : nil
    do {
      let summary = try run.run(progress: progress, shouldStop: shouldStop)
      guard summary.completed else { throw Interrupted() }
      if !settings.keepCheckpoints { try? FileManager.default.removeItem(atPath: checkpoint) }
      var result = SweepRun(
        seed: job.seed, fd: summary.frechetDistance, noiseFD: noiseFD, meanFD: meanFD,
        trainSeconds: summary.trainSeconds, finalLoss: summary.finalLoss,
        copyRate: summary.copyRate, lossByLogSNR: summary.lossByLogSNR)
      result.bitsPerDim = summary.heldOutBitsPerDim
      result.errorByLogSNR = summary.heldOutErrorByLogSNR
      result.trainingErrorByLogSNR = summary.trainingErrorByLogSNR
      result.bitsPerDimLogSNRMax = summary.heldOutBound?.logSNRMax
      return result
    } catch TrainingError.diverged(let step, let loss, _) {
      return SweepRun(
        seed: job.seed, fd: nil, noiseFD: noiseFD, meanFD: meanFD, trainSeconds: 0, finalLoss: loss,
        note: "diverged at step \(step)")
    }
  }

  /// The Fréchet distance of pure noise at `resolution` (Gaussian, clipped to the data range
  /// [−1, 1], scored like samples): the bar a run must clear by half to count as having learned
  /// (see ``SweepRun/failFraction``).
  public func noiseDistance(resolution: Int) throws -> Double {
    if let d = noiseCache[resolution] { return d }
    var rng = Xoshiro256(seed: noiseSeed ^ 0x4E01_5E00)
    let count = settings.evalSamples
    var images = [Float](repeating: 0, count: count * resolution * resolution)
    fillGaussian(&images, using: &rng)
    for i in images.indices { images[i] = min(max(images[i], -1), 1) }
    let d = try DigitsClassifier.shared().frechetDistance(images, count: count, size: resolution)
    noiseCache[resolution] = d
    return d
  }

  /// The Fréchet distance of the mean training digit at `resolution`, repeated: the score of a
  /// model that learned only the average image.
  public func meanDistance(resolution: Int) throws -> Double {
    if let d = meanCache[resolution] { return d }
    let data = try Dataset.digits(resolution: resolution)
    var mean = [Float](repeating: 0, count: data.pixels)
    for i in 0..<data.trainCount {
      for p in 0..<data.pixels { mean[p] += data.train[i * data.pixels + p] }
    }
    for p in mean.indices { mean[p] /= Float(data.trainCount) }
    let count = settings.evalSamples
    var images = [Float]()
    images.reserveCapacity(count * data.pixels)
    for _ in 0..<count { images += mean }
    let d = try DigitsClassifier.shared().frechetDistance(images, count: count, size: resolution)
    meanCache[resolution] = d
    return d
  }
}
