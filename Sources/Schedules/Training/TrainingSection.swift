/// The optional `training` section, read by `schedtui train` and the explorer's training screen,
/// and written into every run folder's `config.json`.
///
/// Every field is optional in the file (defaults below, the budget per model); unknown fields
/// are rejected like everywhere else, so a typo never silently trains with a default. Each key
/// is read, written and checked by its ``TrainingSetting`` (the table of every setting).
public struct TrainingSection: Equatable, Sendable {
  public var model: ModelKind
  /// Optimiser steps.
  public var steps: Int
  /// Examples per step.
  public var batch: Int
  /// Peak learning rate.
  public var lr: Double
  /// Seed of every random draw (JSON integers beyond 2^53 do not survive a Double).
  public var seed: UInt64
  public var data: DataKind
  /// A folder of PNG images to train on instead of `data` (`--data DIR`; in a file, `data`
  /// holding anything but a built-in name: ``TrainingSetting/data``); nil for built-in data.
  public var dataFolder: String? = nil
  /// A folder's channels, 1 or 3; nil until the images decide (3 when any is in colour), after
  /// which the run records what they decided.
  public var channels: Int? = nil
  /// Image side in pixels, one of `data.resolutions` (8 to 64 for a folder).
  public var resolution: Int
  /// The objective: what the network outputs and how the loss weights noise levels
  /// (``Objective``); `minSNRGamma` is used only by the min-snr weighting.
  public var prediction: Parameterization
  public var weighting: LossWeighting
  public var minSNRGamma: Double
  /// λ_s of the x0 output's skip path (``Objective/x0Skip``), nil for none; used only by the
  /// x0 output. Its default (``defaultX0Skip``) is the model's for its data for the x0 output
  /// (``ModelKind/defaultX0Skip(photographs:)``) and none for the others, set with the
  /// prediction as its weighting is.
  public var x0Skip: Double?
  /// How training draws its noise levels (t, or λ for lognormal): uniform t is the paper's
  /// Algorithm 2; the others are SD3's and EDM's densities (``TimestepSampling``).
  public var tSampling: TimestepSampling
  /// How the run samples: the sampler (its steps are the `inference` section's) and the
  /// classifier-free guidance weight w.
  public var sampler: SamplerKind
  public var guidance: Double
  /// The optimiser, its linear warm-up steps and the EMA decay of the sampling weights.
  public var optimizer: OptimizerKind
  public var warmup: Int
  public var ema: Double
  /// Probability that an example's label is dropped (for guidance), in [0, 1).
  public var labelDropout: Double
  /// Samples for the Fréchet distance (0: no metric), and steps between checkpoints.
  public var evalSamples: Int
  public var checkpointEvery: Int
  /// UNet-S's normalisation in its residual blocks (``BlockNorm``); the model's own by default
  /// (``ModelKind/defaultNorm``: group:8 for UNet-S, none for the others).
  public var norm: BlockNorm

  /// `weighting` nil: ``Objective/defaultWeighting`` for the default prediction, else the
  /// prediction's own (``Parameterization/ownWeighting``).
  public init(
    model: ModelKind = .mlpS, steps: Int? = nil, batch: Int? = nil, lr: Double? = nil,
    seed: UInt64 = 0, data: DataKind = .digits, resolution: Int = 8,
    prediction: Parameterization = Objective.defaultPrediction, weighting: LossWeighting? = nil,
    minSNRGamma: Double = 5, x0Skip: Double?? = nil, tSampling: TimestepSampling = .uniform, sampler: SamplerKind = .ddpm, guidance: Double = 1,
    optimizer: OptimizerKind = .adamw, warmup: Int = 100, ema: Double = 0.999,
    labelDropout: Double = 0.1, evalSamples: Int? = nil, checkpointEvery: Int = 500,
    norm: BlockNorm? = nil
  ) {
    self.model = model
    self.steps = steps ?? model.defaultSteps
    self.batch = batch ?? model.defaultBatch
    self.lr = lr ?? model.defaultLearningRate
    self.seed = seed
    self.data = data
    self.resolution = resolution
    self.prediction = prediction
    self.weighting =
      weighting
      ?? (prediction == Objective.defaultPrediction
        ? Objective.defaultWeighting : prediction.ownWeighting)
    self.minSNRGamma = minSNRGamma
    self.x0Skip = nil
    self.tSampling = tSampling
    self.sampler = sampler
    self.guidance = guidance
    self.optimizer = optimizer
    self.warmup = warmup
    self.ema = ema
    self.labelDropout = labelDropout
    self.evalSamples = evalSamples ?? model.defaultEvalSamples
    self.checkpointEvery = checkpointEvery
    self.norm = norm ?? model.defaultNorm
    self.x0Skip = x0Skip ?? defaultX0Skip
  }

  /// Whether the run trains on photographs: the bundled patches or a folder of images (which
  /// schedtui takes to be photographs, the case it was measured on).
  public var photographs: Bool { dataFolder != nil || data == .patches }

  /// The x0 output's skip for this model and data (``ModelKind/defaultX0Skip(photographs:)``),
  /// whatever the prediction.
  public var x0SkipOfX0Output: Double { model.defaultX0Skip(photographs: photographs) }

  /// The skip a run with this prediction, model and data gets when none is chosen: the x0
  /// output's (``x0SkipOfX0Output``), none for the other outputs.
  public var defaultX0Skip: Double? { prediction == .x0 ? x0SkipOfX0Output : nil }

  /// After a change of model or data: a skip that was at the x0 output's default for the old
  /// ones (`oldDefault`, their ``x0SkipOfX0Output``) follows to the new ones', as the norm
  /// follows the model; a skip chosen otherwise (none, or another λ_s) is kept.
  /// `schedtui train --config FILE --model/--data` and the explorer's model and data rows
  /// change a run so.
  public mutating func skipFollowsDefault(from oldDefault: Double) {
    if let skip = x0Skip, skip == oldDefault { x0Skip = x0SkipOfX0Output }
  }

  /// Checks every setting against its ``TrainingSetting/allowed``, in the table's order; the
  /// error names the first refused setting as the user does where the value came from
  /// (`--batch`, `training.batch`, `batch`). The resolution is checked against the data's sides.
  public func validate(source: FieldError.Source) throws(FieldError) {
    for setting in TrainingSetting.all {
      do {
        try setting.check(self, source: source)
      } catch where setting.key == "resolution" {
        var e = error
        e.allowed =
          "one of \(data.resolutions.map(String.init).joined(separator: ", ")) for data \(data.name)"
        throw e
      }
    }
  }

  /// The model's own values (steps, batch, lr, eval samples and norm: ``ModelKind``'s) for
  /// every setting whose key is not in `given`, as `schedtui train` gives it without a file.
  public mutating func takeModelBudget(except given: Set<String> = []) {
    for setting in TrainingSetting.all where !given.contains(setting.key) {
      setting.modelDefault?(&self)
    }
  }

  var json: JSONValue {
    .object(TrainingSetting.all.compactMap { s in s.write(self).map { (s.key, $0) } })
  }

  /// Reads the section; `origin` says what a key left out means (``ConfigOrigin``).
  static func decode(_ reader: inout ObjectReader, origin: ConfigOrigin) throws(ConfigError)
    -> TrainingSection
  {
    try reader.requireObject(what: "an object {\"model\": \"mlp-s\", \"steps\": 2000, …}")
    var out = TrainingSection()
    let given = Set(reader.leftoverKeys)
    let settings = TrainingSetting.all
    for setting in settings {
      try reader.read(setting.key) { (r, v) throws(ConfigError) in try setting.read(r, v, &out) }
    }
    // The budget a section leaves out is its model's, as `schedtui train` gives without a file.
    out.takeModelBudget(except: given)
    // A run's own record without the key predates it (or the group:8 default): that run
    // trained without a norm, and its weights have no norm's parameters.
    if origin == .runRecord && !given.contains(TrainingSetting.norm.key) { out.norm = BlockNorm.unrecorded }
    try reader.rejectLeftovers(allowed: settings.map(\.key))
    return out
  }
}

/// Who wrote a config file, which decides what a `training` key it leaves out means.
///
/// The same format serves two readings. A config the user writes (or exports) is a request: a
/// key left out takes today's default for the model (UNet-S's `norm` is group:8). A run
/// folder's own `config.json` is a record of what a run trained: a key left out means what
/// schedtui did before the key existed (`norm`: none, ``BlockNorm/unrecorded``), so
/// `schedtui train --config RUN/config.json` trains that network again.
public enum ConfigOrigin: Sendable, Equatable {
  /// A config written by the user, an export, a preset: missing keys take the model's default.
  case userConfig
  /// A run folder's `config.json` (beside its summary.json or checkpoint.bin).
  case runRecord
}
