import Foundation
import Engine
import Schedules

/// The training screen's rows: the run's settings (``Document/setup``), edited with the same
/// keys, typed entry and validation as the schedule's fields.
extension Field {
  public static let setupFields: [Field] = [
    .runData, .runResolution, .runModel, .runNorm, .runPrediction, .runWeighting, .runSteps,
    .runBatch, .runLearningRate, .runSeed, .runSampler, .runSampleSteps, .runGuidance,
    .runTSampling,
  ]

  var isSetup: Bool { Field.setupFields.contains(self) }

  /// The training setting a row edits, by its key in the settings table (which gives the row
  /// its label and what it allows); nil for the sampler's steps, the `inference` section's.
  var setting: TrainingSetting? { Field.settingKeys[self].map { TrainingSetting[key: $0] } }

  static let settingKeys: [Field: String] = [
    .runData: "data", .runResolution: "resolution", .runModel: "model",
    .runPrediction: "prediction", .runWeighting: "weighting", .runSteps: "steps",
    .runBatch: "batch", .runLearningRate: "lr", .runSeed: "seed", .runSampler: "sampler",
    .runGuidance: "guidance", .runTSampling: "t_sampling", .runNorm: "norm",
  ]

  /// Seeds are whole numbers a JSON config can hold exactly (as the config reader allows).
  static let seedLimit = Int(TrainingLimits.seedMax)

  /// The names a choice row accepts, in the order ←/→ cycle them: the vocabulary's names (what
  /// files and flags hold) with its display names, which are accepted when typed too.
  var choices: [(raw: String, shown: String)]? {
    guard case .choice(let names, _, _)? = setting?.edit else { return nil }
    return names
  }

  /// Whether the row holds a whole number.
  var isWhole: Bool {
    if case .number(let whole, _, _)? = setting?.edit { return whole }
    return [.runSampleSteps, .trainSteps, .resolution, .baseResolution].contains(self)
  }

  /// A choice row's raw value in `c`.
  func choice(in c: TrainingConfig) -> String? {
    guard case .choice(_, let get, _)? = setting?.edit else { return nil }
    return get(c.section)
  }

  /// Sets a choice row to the raw value `raw`. A new data kind whose resolutions exclude the
  /// current one takes its smallest (as `schedtui train --data` does), so ←/→ can always move.
  /// A new model takes its own norm (``ModelKind/defaultNorm``: group:8 for UNet-S), as
  /// `schedtui train --model` does, and no model is left with a norm it refuses; a skip at its
  /// default follows the new model or data (``TrainingSection/skipFollowsDefault(from:)``).
  func setChoice(_ raw: String, _ c: inout TrainingConfig) {
    guard case .choice(_, _, let set)? = setting?.edit else {
      preconditionFailure("\(self) is not a choice row")
    }
    let skipDefault = c.section.x0SkipOfX0Output
    set(&c.section, raw)
    c.section.skipFollowsDefault(from: skipDefault)
    if self == .runData, !c.data.resolutions.contains(c.resolution) {
      c.resolution = c.data.resolutions[0]
    }
    if self == .runModel { c.norm = c.model.defaultNorm }
  }

  /// A choice row moved `steps` places along ``choices`` (wrapping).
  func cycle(_ c: inout TrainingConfig, by steps: Int) {
    guard let all = choices?.map(\.raw), let now = choice(in: c),
      let i = all.firstIndex(of: now)
    else { return }
    setChoice(all[((i + steps) % all.count + all.count) % all.count], &c)
  }

  /// A text row's canonical value in `c` (the t-sampling's `logit-normal:0:1`).
  func text(in c: TrainingConfig) -> String? {
    guard case .text(_, let get, _)? = setting?.edit else { return nil }
    return get(c.section)
  }

  /// A text row moved `steps` places along its presets (wrapping); a value that is not a
  /// preset moves to the first or last.
  func cycleText(_ c: inout TrainingConfig, by steps: Int) {
    guard case .text(let presets, let get, let set)? = setting?.edit else { return }
    let i = presets.firstIndex(of: get(c.section)) ?? (steps > 0 ? -1 : presets.count)
    _ = set(&c.section, presets[((i + steps) % presets.count + presets.count) % presets.count])
  }

  /// A numeric setup row's value.
  func setupNumber(_ c: TrainingConfig) -> Double {
    if self == .runSampleSteps { return Double(c.sampleSteps) }
    guard case .number(_, let get, _)? = setting?.edit else { return .nan }
    return get(c.section)
  }

  /// Stores a numeric setup value, clamped into what the stored type can hold (Int, UInt64):
  /// ``TrainingConfig/validate(source:)`` then refuses what is out of range, naming the field.
  func setSetupNumber(_ v: Double, _ c: inout TrainingConfig) {
    if self == .runSampleSteps { return c.sampleSteps = TrainingSetting.clampedWhole(v) }
    guard case .number(_, _, let set)? = setting?.edit else { return }
    set(&c.section, v)
  }

  /// The row's value as the list shows it.
  func setupText(_ c: TrainingConfig) -> String {
    if self == .runData, let folder = c.dataFolder { return folder }
    if let raw = choice(in: c) { return choices!.first { $0.raw == raw }!.shown }
    // Seeds in full: `short` writes 1.23457e+15 for a 16-digit one.
    if self == .runSeed { return "\(c.seed)" }
    if let text = text(in: c) { return text }
    return short(setupNumber(c))
  }

  /// Parses typed text into the setup: a choice by its raw or shown name (any case), a number
  /// as the row allows. Ranges are checked afterwards by ``TrainingConfig/validate()``.
  func parseSetup(_ t: String, _ c: inout TrainingConfig) throws(EntryError) {
    if let all = choices {
      guard let hit = all.first(where: { $0.raw.lowercased() == t.lowercased()
        || $0.shown.lowercased() == t.lowercased() })
      else {
        if self == .runData { return try setFolder(t, &c) }
        throw EntryError(field: self, text: t)
      }
      setChoice(hit.raw, &c)
      return
    }
    if case .text(_, _, let set)? = setting?.edit {
      guard set(&c.section, t) else { throw EntryError(field: self, text: t) }
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

extension Field {
  /// The data row given a folder's path: refused now, with the loader's reason (no such folder,
  /// no PNGs, fewer than 12, a file too large), rather than when training starts. A side the
  /// folder cannot be resized to becomes 32, as `schedtui train --data DIR` defaults.
  func setFolder(_ path: String, _ c: inout TrainingConfig) throws(EntryError) {
    let folder = (path as NSString).expandingTildeInPath
    do { _ = try Dataset.folderFiles(folder) } catch {
      let reason = (error as? FieldError)?.allowed ?? "\(error)"
      throw EntryError(field: self, text: path, allowed: reason)
    }
    let skipDefault = c.section.x0SkipOfX0Output
    c.source = .folder(folder)
    c.section.skipFollowsDefault(from: skipDefault)
    if !Dataset.folderResolutions.contains(c.resolution) { c.resolution = 32 }
  }
}

extension SweepSetup.Row {
  /// The training setting a sweep-screen row edits (its allowed values are the table's), if it
  /// is one.
  public var setting: TrainingSetting? {
    switch self {
    case .steps: return TrainingSetting[key: "steps"]
    case .data: return TrainingSetting[key: "data"]
    default: return nil
    }
  }
}

extension Document {
  /// What `s` trains: the setup with the current schedule, b, normalisation and t-sampling
  /// (the setup's own are not used: the current setting holds them, and its pins their own).
  public var trainingConfig: TrainingConfig {
    var c = setup
    c.schedule = current.spec
    c.inputScale = current.inputScale
    c.normalize = current.normalize
    c.tSampling = current.sampling
    return c
  }
}

extension AppState {
  public var trainingConfig: TrainingConfig { document.trainingConfig }
}
