import Engine
import Schedules

/// The training screen's rows: the run's settings (``Document/setup``), edited with the same
/// keys, typed entry and validation as the schedule's fields.
extension Field {
  public static let setupFields: [Field] = [
    .runData, .runResolution, .runModel, .runPrediction, .runWeighting, .runSteps, .runBatch,
    .runLearningRate, .runSeed, .runSampler, .runSampleSteps, .runGuidance,
  ]

  var isSetup: Bool { Field.setupFields.contains(self) }

  /// Seeds are whole numbers a JSON config can hold exactly (as the config reader allows).
  static let seedLimit = Int(TrainingLimits.seedMax)

  /// The names a choice row accepts, in the order ←/→ cycle them: the vocabulary's names (what
  /// files and flags hold) with its display names, which are accepted when typed too.
  var choices: [(raw: String, shown: String)]? {
    func names<V: Vocabulary>(_: V.Type) -> [(raw: String, shown: String)] {
      V.allCases.map { ($0.name, $0.displayName) }
    }
    switch self {
    case .runData: return names(DataKind.self)
    case .runModel: return names(ModelKind.self)
    case .runPrediction: return names(Parameterization.self)
    case .runWeighting: return names(LossWeighting.self)
    case .runSampler: return names(SamplerKind.self)
    default: return nil
    }
  }

  /// Whether the row holds a whole number.
  var isWhole: Bool {
    [.runResolution, .runSteps, .runBatch, .runSeed, .runSampleSteps, .trainSteps, .resolution,
      .baseResolution].contains(self)
  }

  /// A choice row's raw value in `c`.
  func choice(in c: TrainingConfig) -> String? {
    switch self {
    case .runData: return c.data.rawValue
    case .runModel: return c.model.rawValue
    case .runPrediction: return c.prediction.rawValue
    case .runWeighting: return c.weighting.rawValue
    case .runSampler: return c.sampler.rawValue
    default: return nil
    }
  }

  /// Sets a choice row to the raw value `raw`. A new data kind whose resolutions exclude the
  /// current one takes its smallest (as `schedtui train --data` does), so ←/→ can always move.
  func setChoice(_ raw: String, _ c: inout TrainingConfig) {
    switch self {
    case .runData:
      c.data = DataKind(name: raw)!
      let sizes = c.data.resolutions
      if !sizes.contains(c.resolution) { c.resolution = sizes[0] }
    case .runModel: c.model = ModelKind(name: raw)!
    case .runPrediction: c.prediction = Parameterization(name: raw)!
    case .runWeighting: c.weighting = LossWeighting(name: raw)!
    case .runSampler: c.sampler = SamplerKind(name: raw)!
    default: preconditionFailure("\(self) is not a choice row")
    }
  }

  /// A choice row moved `steps` places along ``choices`` (wrapping).
  func cycle(_ c: inout TrainingConfig, by steps: Int) {
    guard let all = choices?.map(\.raw), let now = choice(in: c),
      let i = all.firstIndex(of: now)
    else { return }
    setChoice(all[((i + steps) % all.count + all.count) % all.count], &c)
  }

  /// A numeric setup row's value.
  func setupNumber(_ c: TrainingConfig) -> Double {
    switch self {
    case .runResolution: return Double(c.resolution)
    case .runSteps: return Double(c.steps)
    case .runBatch: return Double(c.batch)
    case .runLearningRate: return c.optimizer.learningRate
    case .runSeed: return Double(c.seed)
    case .runSampleSteps: return Double(c.sampleSteps)
    case .runGuidance: return c.guidance
    default: return .nan
    }
  }

  /// Stores a numeric setup value, clamped into what the stored type can hold (Int, UInt64):
  /// ``TrainingConfig/validate()`` then refuses what is out of range, naming the field.
  func setSetupNumber(_ v: Double, _ c: inout TrainingConfig) {
    let whole = Int(max(min(v.rounded(), 1e15), -1e15))
    switch self {
    case .runResolution: c.resolution = whole
    case .runSteps: c.steps = whole
    case .runBatch: c.batch = whole
    case .runLearningRate: c.optimizer.learningRate = v
    case .runSeed: c.seed = UInt64(max(0, min(whole, Field.seedLimit)))
    case .runSampleSteps: c.sampleSteps = whole
    case .runGuidance: c.guidance = v
    default: break
    }
  }

  /// The row's value as the list shows it.
  func setupText(_ c: TrainingConfig) -> String {
    if let raw = choice(in: c) { return choices!.first { $0.raw == raw }!.shown }
    // Seeds in full: `short` writes 1.23457e+15 for a 16-digit one.
    if self == .runSeed { return "\(c.seed)" }
    return short(setupNumber(c))
  }

  /// Parses typed text into the setup: a choice by its raw or shown name (any case), a number
  /// as the row allows. Ranges are checked afterwards by ``TrainingConfig/validate()``.
  func parseSetup(_ t: String, _ c: inout TrainingConfig) throws(EntryError) {
    if let all = choices {
      guard let hit = all.first(where: { $0.raw.lowercased() == t.lowercased()
        || $0.shown.lowercased() == t.lowercased() })
      else { throw EntryError(field: self, text: t) }
      setChoice(hit.raw, &c)
      return
    }
    guard let v = Double(t), v.isFinite, !isWhole || v == v.rounded() else {
      throw EntryError(field: self, text: t)
    }
    if isWhole {
      // The digits typed, exactly: through a Double clamped to ±1e15, a 16-digit seed became
      // 1e15 and a 50-digit step count another number.
      let largest = self == .runSeed ? Field.seedLimit : 1_000_000_000_000_000
      guard let exact = Int(t) ?? Int(exactly: v), Swift.abs(exact) <= largest else {
        throw EntryError(field: self, text: t)
      }
      if self == .runSeed {
        guard exact >= 0 else { throw EntryError(field: self, text: t) }
        c.seed = UInt64(exact)
        return
      }
    }
    setSetupNumber(v, &c)
  }
}

extension Document {
  /// What `s` trains: the setup with the current schedule, b and normalisation.
  public var trainingConfig: TrainingConfig {
    var c = setup
    c.schedule = current.spec
    c.inputScale = current.inputScale
    c.normalize = current.normalize
    return c
  }
}

extension AppState {
  public var trainingConfig: TrainingConfig { document.trainingConfig }
}
