import Foundation
import Schedules

/// Everything that defines a training run. Encoded into `summary.json` and every checkpoint.
public struct TrainingConfig: Sendable, Equatable {
  /// The training schedule γ(t) and the input scale b; `normalize` divides each x_t by its
  /// standard deviation before the network (Algorithm 2's optional step).
  public var schedule = ScheduleSpec(family: .cosine)
  public var inputScale: Double = 1
  public var normalize = true
  /// The objective (Schedules' ``Objective``): what the network outputs and how the loss weights
  /// noise levels. Default: ``Objective/defaultPrediction`` with ``Objective/defaultWeighting``
  /// (x0 with min-SNR-5: see DECISIONS.md).
  public var prediction = Objective.defaultPrediction
  public var weighting = Objective.defaultWeighting
  /// γ of min-SNR-γ (only with `weighting` min-snr).
  public var minSNRGamma: Double = 5
  /// σ_d for the EDM preconditioning and weighting; nil until the trainer measures it from the
  /// training split (√ of the mean squared pixel value), after which it is recorded with the run.
  public var dataRMS: Double? = nil
  /// Probability that an example's label is replaced by "no class" (for guidance).
  public var labelDropout: Double = 0.1

  public var data: DataKind = .digits
  public var resolution = 8
  public var model: ModelKind = .mlpS
  public var steps = ModelKind.mlpS.defaultSteps
  public var batch = ModelKind.mlpS.defaultBatch
  public var seed: UInt64 = 0
  public var optimizer = OptimizerSettings()

  /// Sampling for samples.png and the metric: the inference schedule (default cosine, as the
  /// paper found best), sampler, steps, η and guidance weight w (ε̃ = (1+w)·ε_c − w·ε_u).
  public var sampleSchedule = ScheduleSpec(family: .cosine)
  // DDPM with w = 1 scored best on 8×8 digits (Fréchet 29 against 85 for deterministic DDIM
  // without guidance, same weights): see DECISIONS.md.
  public var sampler: SamplerKind = .ddpm
  public var sampleSteps = 100
  public var eta: Double = 0
  public var guidance: Double = 1
  /// Samples drawn for the Fréchet distance (0: skip the metric).
  public var evalSamples = ModelKind.mlpS.defaultEvalSamples
  /// Write a checkpoint every this many steps (and at the end).
  public var checkpointEvery = 500

  public init() {}

  /// The objective with `rms` as σ_d when the config has not recorded one.
  public func objective(dataRMS rms: Double = 1) -> Objective {
    Objective(
      prediction: prediction, weighting: weighting, minSNRGamma: minSNRGamma,
      dataRMS: dataRMS ?? rms)
  }

  /// The model shape this config trains.
  public func modelShape(for dataset: Dataset) -> ModelShape {
    ModelShape(
      kind: model, channels: dataset.channels, height: dataset.height, width: dataset.width,
      classes: dataset.classes)
  }

  /// The model shape without loading the data: digits are 1 channel with 10 classes, patches
  /// 1 channel without labels.
  public var modelShape: ModelShape {
    ModelShape(
      kind: model, channels: 1, height: resolution, width: resolution,
      classes: data.classes)
  }

  /// The sampler settings the run samples with: sampler, steps, η, guidance (0 for unlabelled
  /// data: there is no class to guide towards) and the inference schedule.
  public var samplerSettings: SamplerSettings {
    var s = SamplerSettings()
    s.kind = sampler
    s.steps = sampleSteps
    s.eta = eta
    s.guidance = modelShape.classes == 0 ? 0 : guidance
    s.schedule = sampleSchedule
    return s
  }

  /// Checks every field a user can set; the error names it (as the `schedtui train` option
  /// without its dashes), its value, and what is allowed (``TrainingLimits``).
  public func validate() throws(DatasetError) {
    func check(_ ok: Bool, _ field: String, _ value: Any, _ allowed: String) throws(DatasetError) {
      if !ok { throw .invalid(field: field, value: "\(value)", allowed: allowed) }
    }
    do { _ = try NoiseProcess(schedule: Schedule(schedule), inputScale: inputScale) } catch {
      throw .invalid(field: "schedule", value: schedule.family.rawValue, allowed: error.description)
    }
    do { _ = try Schedule(sampleSchedule) } catch {
      throw .invalid(
        field: "inference", value: sampleSchedule.family.rawValue, allowed: error.description)
    }
    let sizes = data.resolutions
    try check(
      sizes.contains(resolution), "resolution", resolution,
      sizes.map(String.init).joined(separator: ", ") + " for \(data.rawValue)")
    if let largest = model.largestResolution {
      try check(
        resolution <= largest, "model", "\(model.rawValue) at \(resolution)×\(resolution)",
        ModelKind.allCases.map { m in
          m.largestResolution.map { "\(m.name) up to \($0) pixels" } ?? "\(m.name) at any resolution"
        }.joined(separator: "; "))
    }
    try check(TrainingLimits.steps.contains(steps), "steps", steps, TrainingLimits.steps.text)
    try check(TrainingLimits.batch.contains(batch), "batch", batch, TrainingLimits.batch.text)
    let lr = optimizer.learningRate
    try check(
      lr.isFinite && lr > 0 && lr <= TrainingLimits.learningRateMax, "lr", lr,
      TrainingLimits.learningRateText)
    try check(
      labelDropout.isFinite && labelDropout >= 0 && labelDropout < 1, "label-dropout", labelDropout,
      "a number in [0, 1)")
    try check(optimizer.warmupSteps >= 0, "warmup", optimizer.warmupSteps, "0 or more steps")
    try check(
      optimizer.gradientClip.isFinite && optimizer.gradientClip >= 0, "grad-clip",
      optimizer.gradientClip, "0 (off) or a positive number")
    try check(
      optimizer.emaDecay.isFinite && optimizer.emaDecay >= 0 && optimizer.emaDecay < 1,
      "ema", optimizer.emaDecay, "a number in [0, 1)")
    try check(
      TrainingLimits.sampleSteps.contains(sampleSteps), "sample-steps", sampleSteps,
      TrainingLimits.sampleSteps.text)
    try check(eta.isFinite && eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]")
    try check(
      guidance.isFinite && TrainingLimits.guidance.contains(guidance), "guidance", guidance,
      TrainingLimits.guidance.text)
    try check(
      evalSamples == 0 || TrainingLimits.evalSamples.contains(evalSamples), "eval-samples",
      evalSamples,
      "0 (no metric) or \(TrainingLimits.evalSamples.text) (a covariance needs two samples)")
    try check(checkpointEvery >= 1, "checkpoint-every", checkpointEvery, "1 or more steps")
    try check(
      minSNRGamma.isFinite && minSNRGamma > 0 && minSNRGamma <= TrainingLimits.minSNRGammaMax,
      "min-snr-gamma", minSNRGamma, TrainingLimits.minSNRGammaText)
    if let dataRMS {
      try check(
        dataRMS.isFinite && dataRMS > 0 && dataRMS <= 1e3, "data-rms", dataRMS,
        "a number in (0, 1000]")
    }
  }
}

extension DataKind {
  /// The classes the data is labelled with; 0 for unlabelled data (no guidance).
  public var classes: Int {
    switch self {
    case .digits: return 10
    case .patches: return 0
    }
  }
}

/// What the engine knows of each model beyond its network: the sides it is built for, and the
/// budget `schedtui train` gives it when neither the command line nor a config says.
extension ModelKind {
  /// The largest image side the model is built for (nil: any). MLP-S flattens the image, so its
  /// first layer grows with the pixel count: 32 px (1,024 inputs) is as far as it is measured.
  public var largestResolution: Int? {
    switch self {
    case .mlpS: return 32
    case .convResS: return nil
    case .unetS: return nil
    }
  }

  /// The first model, in declaration order, built for `resolution`: MLP-S up to 32 px (it learns
  /// digits there with the default objective, README "Training"), ConvRes-S above.
  public static func `default`(resolution: Int) -> ModelKind {
    allCases.first { $0.largestResolution.map { resolution <= $0 } ?? true }!
  }

  /// Examples per forward pass when sampling: ConvRes-S's activations are large (see
  /// ``TrainingLimits/batch``).
  public var samplingBatch: Int {
    switch self {
    case .mlpS: return 500
    case .convResS: return 32
    case .unetS: return 32
    }
  }
}

/// A run folder this version cannot continue or sample, said in the user's terms.
public enum TrainingConfigError: Error, CustomStringConvertible, Sendable {
  case olderObjective(prediction: Parameterization, inputScale: Double)

  public var description: String {
    switch self {
    case .olderObjective(let p, let b):
      return "this run predicted \(p.rawValue) at input scale b = \(b) with an earlier schedtui, "
        + "whose \(p.rawValue) target was in b-scaled units; this version defines it in data "
        + "units, so the weights cannot be sampled or continued. Train it again."
    }
  }
}

// MARK: - JSON

extension TrainingConfig: Codable {
  enum CodingKeys: String, CodingKey {
    case schedule, inputScale, normalize, prediction, weighting, minSNRGamma, dataRMS
    case labelDropout, data, resolution, model, steps
    case batch, seed, optimizer, sampleSchedule, sampler, sampleSteps, eta, guidance, evalSamples
    case checkpointEvery
  }

  /// One stored field: its key and how it moves between a config and a container. A key that
  /// is missing (a file from an older schedtui) keeps the default.
  struct StoredField {
    let decode: (KeyedDecodingContainer<CodingKeys>, inout TrainingConfig) throws -> Void
    let encode: (TrainingConfig, inout KeyedEncodingContainer<CodingKeys>) throws -> Void

    init<T: Codable>(_ key: CodingKeys, _ path: WritableKeyPath<TrainingConfig, T>) {
      decode = { c, config in
        if let value = try c.decodeIfPresent(T.self, forKey: key) { config[keyPath: path] = value }
      }
      encode = { config, c in try c.encode(config[keyPath: path], forKey: key) }
    }
  }

  /// Every field but `weighting` and `dataRMS`, which have rules of their own.
  static var storedFields: [StoredField] {
    [
      .init(.schedule, \.schedule), .init(.inputScale, \.inputScale),
      .init(.normalize, \.normalize), .init(.prediction, \.prediction),
      .init(.minSNRGamma, \.minSNRGamma), .init(.labelDropout, \.labelDropout),
      .init(.data, \.data), .init(.resolution, \.resolution), .init(.model, \.model),
      .init(.steps, \.steps), .init(.batch, \.batch), .init(.seed, \.seed),
      .init(.optimizer, \.optimizer), .init(.sampleSchedule, \.sampleSchedule),
      .init(.sampler, \.sampler), .init(.sampleSteps, \.sampleSteps), .init(.eta, \.eta),
      .init(.guidance, \.guidance), .init(.evalSamples, \.evalSamples),
      .init(.checkpointEvery, \.checkpointEvery),
    ]
  }

  public init(from decoder: any Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    for field in Self.storedFields { try field.decode(c, &self) }
    dataRMS = try c.decodeIfPresent(Double.self, forKey: .dataRMS)
    if let w = try c.decodeIfPresent(LossWeighting.self, forKey: .weighting) {
      weighting = w
    } else {
      // Written before the objective was split: each prediction trained with its own MSE, and
      // x0 and v were targets in b-scaled units (b·x0; √γ·ε − √(1−γ)·b·x0), which differ from
      // today's definitions unless b = 1.
      weighting = prediction.ownWeighting
      if prediction != .eps && inputScale != 1 {
        throw TrainingConfigError.olderObjective(prediction: prediction, inputScale: inputScale)
      }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    for field in Self.storedFields { try field.encode(self, &c) }
    try c.encode(weighting, forKey: .weighting)
    try c.encodeIfPresent(dataRMS, forKey: .dataRMS)
  }
}

extension TrainingConfig {
  /// A training config from a schedtui JSON config: its schedule, input scale, normalisation,
  /// inference schedule and steps, and its `training` section when it has one (other fields
  /// keep their defaults).
  public init(_ config: Config) {
    self.init()
    schedule = config.schedule
    inputScale = config.inputScale
    normalize = config.normalize
    sampleSchedule = config.inference.schedule
    sampleSteps = config.inference.steps
    if let section = config.training {
      for field in Self.sectionFields { field.read(section, &self) }
    }
  }

  /// The config's `training` section for these settings (the sampler's steps go to the
  /// `inference` section, which ``init(_:)`` reads them from).
  public var section: TrainingSection {
    var section = TrainingSection()
    for field in Self.sectionFields { field.write(self, &section) }
    return section
  }

  /// A setting both a training config and a config's `training` section hold, by its two paths,
  /// so that reading a section and writing one cannot disagree about a field.
  struct SectionField {
    let read: (TrainingSection, inout TrainingConfig) -> Void
    let write: (TrainingConfig, inout TrainingSection) -> Void

    init<T>(_ config: WritableKeyPath<TrainingConfig, T>, _ section: WritableKeyPath<TrainingSection, T>) {
      read = { s, c in c[keyPath: config] = s[keyPath: section] }
      write = { c, s in s[keyPath: section] = c[keyPath: config] }
    }
  }

  /// Every field of ``TrainingSection``, with where the training config keeps it.
  static var sectionFields: [SectionField] {
    [
      .init(\.model, \.model), .init(\.steps, \.steps), .init(\.batch, \.batch),
      .init(\.optimizer.learningRate, \.lr), .init(\.seed, \.seed), .init(\.data, \.data),
      .init(\.resolution, \.resolution), .init(\.prediction, \.prediction),
      .init(\.weighting, \.weighting), .init(\.minSNRGamma, \.minSNRGamma),
      .init(\.sampler, \.sampler), .init(\.guidance, \.guidance),
      .init(\.optimizer.kind, \.optimizer), .init(\.optimizer.warmupSteps, \.warmup),
      .init(\.optimizer.emaDecay, \.ema), .init(\.labelDropout, \.labelDropout),
      .init(\.evalSamples, \.evalSamples), .init(\.checkpointEvery, \.checkpointEvery),
    ]
  }
}

extension Config {
  /// The config a run folder's `config.json` holds for `training`: its schedule, b,
  /// normalisation, inference schedule and steps, and its training section (everything a user
  /// can set; σ_d, η and the optimiser's inner constants stay in `summary.json`). Canonical, so
  /// `TrainingConfig(Config(c))` gives back every one of those fields.
  public init(_ training: TrainingConfig) {
    self.init(
      schedule: training.schedule, inputScale: training.inputScale,
      normalize: training.normalize,
      inference: InferenceSection(schedule: training.sampleSchedule, steps: training.sampleSteps),
      training: training.section)
    self = canonical
  }
}
