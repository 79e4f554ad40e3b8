import Foundation
import Schedules

/// Everything that defines a training run. Encoded into `summary.json` and every checkpoint.
///
/// The settings a user sets are its ``section`` (the config's `training` section, one line each
/// in ``TrainingSetting/all``), read and written as members: `c.steps`, `c.batch`, `c.guidance`.
/// The rest is what a run adds: the schedules, b and normalisation (the config's other
/// sections), σ_d once measured, and the sampler's steps and η.
@dynamicMemberLookup
public struct TrainingConfig: Sendable, Equatable {
  /// The training schedule γ(t) and the input scale b; `normalize` divides each x_t by its
  /// standard deviation before the network (Algorithm 2's optional step).
  public var schedule = ScheduleSpec(family: .cosine)
  public var inputScale: Double = 1
  public var normalize = true
  /// The user's settings: model, data, budget, objective, sampler, guidance, optimiser (whose
  /// kind, peak rate, warm-up and EMA are also ``optimizer``'s), metric and checkpoints.
  /// Defaults: MLP-S's budget, x0 with min-SNR-5 (DECISIONS.md), DDPM with w = 1 (it scored
  /// best on 8×8 digits, Fréchet 29 against 85 for deterministic DDIM without guidance, same
  /// weights: DECISIONS.md).
  public var section = TrainingSection()
  /// σ_d for the EDM preconditioning and weighting; nil until the trainer measures it from the
  /// training split (√ of the mean squared pixel value), after which it is recorded with the run.
  public var dataRMS: Double? = nil
  // The data folder (`--data DIR`, ``Dataset/folder``) and its channels are the section's
  // (`c.dataFolder`, `c.channels`), so a run folder's config.json carries them.
  /// Folder data's files as read (count and hash), recorded when the run starts.
  public var dataFiles: DataFiles? = nil

  /// Sampling for samples.png and the metric: the inference schedule (default cosine, as the
  /// paper found best), the sampler's steps and η; the sampler and the guidance weight w
  /// (ε̃ = (1+w)·ε_c − w·ε_u) are the section's.
  public var sampleSchedule = ScheduleSpec(family: .cosine)
  public var sampleSteps = 100
  public var eta: Double = 0

  /// The optimiser's constants no user sets (β₁, β₂, ε, weight decay, gradient clip), kept with
  /// the section's settings at their defaults so that two equal configs compare equal.
  private var optimizerConstants = OptimizerSettings()

  /// The optimiser as the trainer takes it: the section's kind, peak rate, warm-up and EMA
  /// decay with the constants.
  public var optimizer: OptimizerSettings {
    get {
      var o = optimizerConstants
      o.kind = section.optimizer
      o.learningRate = section.lr
      o.warmupSteps = section.warmup
      o.emaDecay = section.ema
      return o
    }
    set {
      section.optimizer = newValue.kind
      section.lr = newValue.learningRate
      section.warmup = newValue.warmupSteps
      section.ema = newValue.emaDecay
      var constants = newValue
      let defaults = OptimizerSettings()
      constants.kind = defaults.kind
      constants.learningRate = defaults.learningRate
      constants.warmupSteps = defaults.warmupSteps
      constants.emaDecay = defaults.emaDecay
      optimizerConstants = constants
    }
  }

  /// A setting of the section, as a member of the config (`c.steps`).
  public subscript<T>(dynamicMember path: WritableKeyPath<TrainingSection, T>) -> T {
    get { section[keyPath: path] }
    set { section[keyPath: path] = newValue }
  }

  public init() {}

  /// The objective with `rms` as σ_d when the config has not recorded one.
  public func objective(dataRMS rms: Double = 1) -> Objective {
    Objective(
      prediction: self.prediction, weighting: self.weighting, minSNRGamma: self.minSNRGamma,
      dataRMS: dataRMS ?? rms, inputScale: inputScale, x0Skip: self.x0Skip)
  }

  /// The lowest λ the network is told when sampling and scoring: the level below which this
  /// run's training drew 0.1 % of its examples or put a millionth of its loss weight, or its
  /// schedule's lowest λ (``HeldOutScore/conditioningRange(_:sampling:objective:)``).
  public func conditioningFloor() throws -> Double {
    let process = try NoiseProcess(
      schedule: Schedule(schedule), inputScale: inputScale, normalize: normalize)
    return HeldOutScore.conditioningRange(process, sampling: self.tSampling, objective: objective())
      .lowerBound
  }

  /// The model shape this config trains.
  public func modelShape(for dataset: Dataset) -> ModelShape {
    var shape = ModelShape(
      kind: self.model, channels: dataset.channels, height: dataset.height, width: dataset.width,
      classes: dataset.classes)
    shape.norm = self.norm
    return shape
  }

  /// The model shape without loading the data: digits are 1 channel with 10 classes, patches
  /// 1 channel without labels, a folder its recorded channels without labels.
  public var modelShape: ModelShape {
    var shape = ModelShape(
      kind: self.model, channels: self.dataFolder == nil ? 1 : self.channels ?? 3,
      height: self.resolution, width: self.resolution,
      classes: self.dataFolder == nil ? self.data.classes : 0)
    shape.norm = self.norm
    return shape
  }

  /// The data's name for messages and tables: the built-in name or the folder's path.
  public var dataName: String { self.dataFolder ?? self.data.rawValue }

  /// The sampler settings the run samples with: sampler, steps, η, guidance (0 for unlabelled
  /// data: there is no class to guide towards) and the inference schedule.
  public var samplerSettings: SamplerSettings {
    var s = SamplerSettings()
    s.kind = self.sampler
    s.steps = sampleSteps
    s.eta = eta
    s.guidance = modelShape.classes == 0 ? 0 : self.guidance
    s.schedule = sampleSchedule
    return s
  }

  /// Checks every setting a user can set: the training section's with the settings table
  /// (``TrainingSection/validate(source:)``), then what only a run has (the schedules, the
  /// model's largest side, the sampler's steps). The error names the field as the user does
  /// where the value came from: `--batch`, `training.batch` or the explorer's `batch`.
  public func validate(source: FieldError.Source = .commandLine) throws(FieldError) {
    do { _ = try NoiseProcess(schedule: Schedule(schedule), inputScale: inputScale) } catch {
      throw error.fieldError(source, prefix: "schedule.")
    }
    do { _ = try Schedule(sampleSchedule) } catch {
      throw error.fieldError(source, prefix: "inference.schedule.")
    }
    func refuse(_ field: String, _ value: Any, _ allowed: String) -> FieldError {
      FieldError(field: field, value: "\(value)", allowed: allowed, source: source)
    }
    if self.dataFolder != nil {
      // A folder takes any side the resize can make; the section's own check is the built-in
      // data's sizes, so it runs on a copy whose resolution is one the data allows.
      var builtIn = section
      builtIn.resolution = self.data.resolutions[0]
      try builtIn.validate(source: source)
      let sizes = Dataset.folderResolutions
      if !sizes.contains(self.resolution) {
        throw refuse(
          TrainingSetting[key: "resolution"].name(for: source), self.resolution,
          "\(sizes.lowerBound) to \(sizes.upperBound) for a folder of images")
      }
    } else {
      try section.validate(source: source)
    }
    if !self.model.takes(resolution: self.resolution) {
      throw refuse(
        TrainingSetting[key: "model"].name(for: source),
        "\(self.model.rawValue) at \(self.resolution)×\(self.resolution)",
        ModelKind.allCases.map(\.sidesText).joined(separator: "; "))
    }
    // The sampler's steps are the config's `inference.steps`, not a training-section key; a run
    // takes fewer than a config may describe (``InferenceSection/stepsRange``).
    guard TrainingLimits.sampleSteps.contains(sampleSteps) else {
      let field: String
      switch source {
      case .commandLine: field = "--sample-steps"
      case .file: field = "inference.steps"
      case .explorer: field = "sample steps"
      }
      throw refuse(field, sampleSteps, "a whole number in \(TrainingLimits.sampleSteps.text)")
    }
    // Not settable by a user (the engine's own constants and measurements), but read back from
    // a run's files: named as before the table, whatever the source.
    guard optimizer.gradientClip.isFinite && optimizer.gradientClip >= 0 else {
      throw refuse("grad-clip", optimizer.gradientClip, "0 (off) or a positive number")
    }
    guard eta.isFinite && eta >= 0 && eta <= 1 else {
      throw refuse("eta", eta, "a number in [0, 1]")
    }
    if let dataRMS, !(dataRMS.isFinite && dataRMS > 0 && dataRMS <= 1e3) {
      throw refuse("data-rms", dataRMS, "a number in (0, 1000]")
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

  /// Image sides must be a multiple of this: UNet-S halves its side three times (the 2×2 fold
  /// and two poolings), the others take any side.
  public var sideMultiple: Int {
    switch self {
    case .mlpS, .convResS: return 1
    case .unetS: return 8
    }
  }

  /// Whether the model is built for `resolution`×`resolution` images.
  public func takes(resolution: Int) -> Bool {
    resolution % sideMultiple == 0 && resolution <= (largestResolution ?? .max)
  }

  /// The sides the model takes, as a refusal lists them.
  var sidesText: String {
    if let largest = largestResolution { return "\(name) up to \(largest) pixels" }
    return sideMultiple > 1
      ? "\(name) at sides a multiple of \(sideMultiple)" : "\(name) at any resolution"
  }

  /// The model `--model auto` trains, and `schedtui train` without `--model` (README
  /// "Training", DECISIONS.md 2026-12-04 and 2026-12-06): for built-in data, MLP-S up to 32 px
  /// (at 32 px on the patches it matched UNet-S's held-out error in the same time, with samples
  /// closer to photographs, and it learns the digits); above, UNet-S where the side is a
  /// multiple of 8 (at 32 px it beat ConvRes-S at every logSNR in the same time, and at 64 px a
  /// step costs a seventh of ConvRes-S's), ConvRes-S at the other sides. A folder of the
  /// user's images gets UNet-S at every side a multiple of 8: on a folder of photographs MLP-S
  /// memorised its few hundred images (its held-out error rose with λ where its training
  /// images' fell) while UNet-S's default run, in less time than MLP-S's, scored 0.74 (8 px),
  /// 1.27 (16 px) and 1.4 (32 px) bits/dim lower with no rise.
  public static func automatic(resolution: Int, data: DataSource) -> ModelKind {
    if case .folder = data, unetS.takes(resolution: resolution) { return .unetS }
    if mlpS.takes(resolution: resolution) { return .mlpS }
    return unetS.takes(resolution: resolution) ? .unetS : .convResS
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
    case checkpointEvery, dataFolder, channels, dataFiles, tSampling, x0Skip, norm
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

  /// Every field but `weighting`, `dataRMS` and `norm`, which have rules of their own, and the
  /// folder data's three and the x0 skip, which are optional.
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
      // Missing in files from before training drew t other than uniformly: uniform, as they did.
      .init(.tSampling, \.tSampling),
    ]
  }

  public init(from decoder: any Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    for field in Self.storedFields { try field.decode(c, &self) }
    dataRMS = try c.decodeIfPresent(Double.self, forKey: .dataRMS)
    self.dataFolder = try c.decodeIfPresent(String.self, forKey: .dataFolder)
    self.channels = try c.decodeIfPresent(Int.self, forKey: .channels)
    dataFiles = try c.decodeIfPresent(DataFiles.self, forKey: .dataFiles)
    // Absent in every run from before the skip existed, which trained the plain x0 output.
    self.x0Skip = try c.decodeIfPresent(Double.self, forKey: .x0Skip)
    // A summary or checkpoint is a run's record: without the key it predates UNet-S's norm and
    // trained none, whatever the model's default is today (not the section's default, which
    // follows the model). Always written, so every later record says.
    self.norm = try c.decodeIfPresent(BlockNorm.self, forKey: .norm) ?? BlockNorm.unrecorded
    if let w = try c.decodeIfPresent(LossWeighting.self, forKey: .weighting) {
      self.weighting = w
    } else {
      // Written before the objective was split: each prediction trained with its own MSE, and
      // x0 and v were targets in b-scaled units (b·x0; √γ·ε − √(1−γ)·b·x0), which differ from
      // today's definitions unless b = 1.
      self.weighting = self.prediction.ownWeighting
      if self.prediction != .eps && inputScale != 1 {
        throw TrainingConfigError.olderObjective(
          prediction: self.prediction, inputScale: inputScale)
      }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    for field in Self.storedFields { try field.encode(self, &c) }
    try c.encode(self.weighting, forKey: .weighting)
    try c.encode(self.norm, forKey: .norm)
    try c.encodeIfPresent(dataRMS, forKey: .dataRMS)
    try c.encodeIfPresent(self.dataFolder, forKey: .dataFolder)
    try c.encodeIfPresent(self.channels, forKey: .channels)
    try c.encodeIfPresent(dataFiles, forKey: .dataFiles)
    try c.encodeIfPresent(self.x0Skip, forKey: .x0Skip)
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
    if let training = config.training { section = training }
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
