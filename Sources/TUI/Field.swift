import Foundation
import Schedules

/// A value the user can change: its label, how it is shown, stepped, typed and stored.
public enum Field: Sendable, Hashable {
  case family, inputScale, normalize
  /// A schedule family's parameter, as its family declares it (label, allowed, step, kind).
  case parameter(ScheduleField)
  /// Preview only: the fixed γ (or "at t"), the t-cursor, the image and the resolutions.
  case previewGamma, cursorT, previewImage, previewResolutions
  /// Training screen only: the run's settings (Setup.swift).
  case runData, runResolution, runModel, runPrediction, runWeighting, runSteps, runBatch
  case runLearningRate, runSeed, runSampler, runSampleSteps, runGuidance, runTSampling
  /// UNet-S's block norm; shown only while the setup's model is UNet-S (TrainingScreen.fields).
  case runNorm
  /// Schedule screen: a number of the current t-sampling, and a sampler setting
  /// (SamplingRows.swift; the t-sampling itself is `runTSampling`, shared with screen 3).
  case tSamplingParameter(TimestepSampling.Parameter)
  case sampler(SamplerField)

  /// The rows of the schedule screen's parameter list for `family`: the family's own parameters
  /// between the shared ones (Algorithm 1's for cosine/sigmoid, diffusers' for DDPM, …).
  public static func scheduleFields(for family: ScheduleFamily) -> [Field] {
    // The family's own fields as its declaration lists them; resolution is always shown (the
    // preview and the shifted cosine both read it), so it joins the shared ones.
    let own = ScheduleSpec.fields(of: family).filter { $0 != .resolution }.map(Field.parameter)
    return [.family] + own
      + [.inputScale, .parameter(.clipMin), .normalize, .parameter(.resolution),
        .parameter(.zeroTerminalSNR)]
      + ScheduleField.shiftGroup.map(Field.parameter)
  }

  /// ``scheduleFields(for:)`` for `spec`: Flux's calculate_shift constants only once an image
  /// side asks for them (four rows that mean nothing without one, on a 24-line terminal).
  public static func scheduleFields(for spec: ScheduleSpec) -> [Field] {
    let all = scheduleFields(for: spec.family)
    guard spec[.imageSide] == 0 else { return all }
    return all.filter { !ScheduleField.fluxSequenceFields.contains($0.scheduleField ?? .clipMin) }
  }

  /// The schedule parameter this field edits, if it is one.
  var scheduleField: ScheduleField? {
    if case .parameter(let p) = self { return p }
    return nil
  }

  /// Whether typed text must be a whole number: a setup row's own rule, or the parameter's kind.
  var wholeNumber: Bool {
    if self == .sampler(.steps) || self == .sampler(.stepsOffset) { return true }
    return scheduleField.map { $0.kind == .whole } ?? isWhole
  }

  /// The rows of the preview screen's parameter list.
  public static let previewFields: [Field] = [
    .previewGamma, .cursorT, .inputScale, .normalize, .previewImage, .previewResolutions,
  ]

  /// How many preview resolutions there may be, and their range.
  public static let previewResolutionCount = 1...6
  public static let previewResolutionRange = 8...1024

  /// Reads a comma-separated list of preview resolutions: 1 to 6 distinct whole numbers in
  /// 8…1024. Throws naming the text and what is allowed.
  public static func parsePreviewResolutions(_ text: String) throws(EntryError) -> [Int] {
    let t = text.trimmingCharacters(in: .whitespaces)
    let values = t.split(separator: ",", omittingEmptySubsequences: false).map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard previewResolutionCount.contains(values.count),
      values.allSatisfy({ $0 != nil && previewResolutionRange.contains($0!) }),
      Set(values.map { $0! }).count == values.count
    else { throw EntryError(field: .previewResolutions, text: t) }
    return values.map { $0! }
  }

  /// The label in the parameter list.
  public var label: String {
    switch self {
    // Schedules names the schedule's values, so its errors use the same labels.
    case .parameter(let p): return p.label
    case .family: return FieldNames(property: "family")!.label
    case .inputScale: return FieldNames(property: "inputScale")!.label
    case .normalize: return "normalise"
    case .previewGamma: return "noise at γ"
    case .cursorT: return "t-cursor"
    case .previewImage: return "image"
    case .previewResolutions: return "resolutions"
    case .runSampleSteps: return "sample steps"
    case .tSamplingParameter(let p): return p.label
    case .sampler(let f): return f.label
    case .runData, .runResolution, .runModel, .runPrediction, .runWeighting, .runSteps, .runBatch,
      .runLearningRate, .runSeed, .runSampler, .runGuidance, .runTSampling, .runNorm:
      // The settings table names the run's settings, so the engine's errors use the same labels.
      return setting!.label
    }
  }

  /// What may be typed, for the edit line and error messages.
  public var allowed: String {
    switch self {
    case .family: return ScheduleFamily.allCases.map(\.rawValue).joined(separator: ", ")
    case .normalize: return "on or off"
    case .parameter(let p): return p.allowed
    case .previewGamma: return "a number in (0, 1], or \"t\" to follow the t-cursor"
    case .cursorT: return "a number in [0, 1]"
    case .previewImage: return "a PNG file (grey, RGB, alpha, palette; 8 or 16 bit)"
    case .previewResolutions:
      return "1 to 6 distinct whole numbers in 8…1024, comma-separated (e.g. 64,128,256)"
    case .runData:
      // A built-in name cycles; a folder is typed (Setup.swift).
      return (choices ?? []).map(\.raw).joined(separator: ", ") + ", or the path of a folder of PNG images"
    case .runModel, .runSampler, .runPrediction, .runWeighting:
      // Both names of the objective's cases are accepted; the raw ones are what files hold.
      return (choices ?? []).map { $0.raw == $0.shown ? $0.raw : "\($0.raw) (\($0.shown))" }
        .joined(separator: ", ")
    case .runResolution, .runSteps, .runBatch, .runLearningRate, .runSeed, .runGuidance,
      .runTSampling, .runNorm:
      return setting!.allowed
    case .runSampleSteps: return "a whole number in \(TrainingLimits.sampleSteps.text)"
    case .tSamplingParameter(let p): return p.allowed
    case .sampler(let f): return Field.samplerAllowed(f)
    default: return "a number"
    }
  }

  // MARK: - Reading and writing

  /// The value as shown in the list.
  public func text(in state: AppState) -> String {
    // The setup as `s` trains it: the t-sampling row shows the current setting's.
    if isSetup { return setupText(state.document.trainingConfig) }
    let c = state.document.current
    let s = c.spec
    switch self {
    case .family: return s.family.rawValue
    case .inputScale: return short(c.inputScale)
    case .normalize: return c.normalize ? "on" : "off"
    case .parameter(let p) where p.kind == .flag: return s[p] != 0 ? "on" : "off"
    case .parameter(let p) where p.kind == .whole: return String(Int(s[p]))
    case .parameter(let p) where !p.choices.isEmpty:
      let i = Int(s[p])
      return p.choices.indices.contains(i) ? p.choices[i] : short(s[p])
    case .parameter(.fluxMu) where s[.imageSide] != 0:
      // `--flux-mu auto`: the image side chooses μ.
      return (try? LogSNRShift(s).mu).map { "auto " + short4($0) } ?? "auto"
    case .tSamplingParameter(let p): return short(c.sampling[p])
    case .sampler(let f): return Field.samplerText(f, c.sampler)
    case .previewGamma:
      return state.document.fixedPreviewGamma.map(short) ?? "at t (\(short4(state.previewGamma)))"
    case .cursorT: return short4(state.cursorT)
    case .previewImage:
      return state.previewImagePath.split(separator: "/").last.map(String.init) ?? "none"
    case .previewResolutions:
      // Four or more do not fit the 30-column list: the range and the count (Enter shows all).
      let r = state.previewResolutions
      return r.count > 3
        ? "\(r.first!)…\(r.last!) (\(r.count))" : r.map(String.init).joined(separator: ",")
    default: return short(number(state.document, cursorT: state.cursorT))
    }
  }

  /// A numeric field's value.
  func number(_ d: Document, cursorT: Double) -> Double {
    if isSetup { return setupNumber(d.setup) }
    switch self {
    case .inputScale: return d.current.inputScale
    case .previewGamma: return d.fixedPreviewGamma ?? 0.7
    case .cursorT: return cursorT
    case .parameter(let p): return p.kind == .flag ? .nan : d.current.spec[p]
    case .tSamplingParameter(let p): return d.current.sampling[p]
    case .sampler(let f): return Field.samplerNumber(f, d.current.sampler)
    default: return .nan
    }
  }

  /// Stores a numeric value (no validation here; ``reduce(_:_:)`` validates the result).
  func setNumber(_ v: Double, _ d: inout Document, cursorT: inout Double) {
    if isSetup { return setSetupNumber(v, &d.setup) }
    switch self {
    case .inputScale: d.current.inputScale = v
    case .previewGamma: d.fixedPreviewGamma = v
    case .cursorT: cursorT = v
    case .parameter(let p) where p.kind != .flag: d.current.spec[p] = v
    case .tSamplingParameter(let p): d.current.sampling[p] = v
    case .sampler(let f): Field.setSamplerNumber(f, v, &d.current.sampler)
    default: break
    }
  }

  /// How a field steps: by adding, or by multiplying (values that span decades).
  typealias Step = ScheduleField.Step

  var step: Step {
    switch self {
    case .parameter(let p): return p.step
    case .inputScale: return .add(fine: 0.05, coarse: 0.25)
    case .previewGamma: return .add(fine: 0.05, coarse: 0.2)
    case .cursorT: return .add(fine: 0.01, coarse: 0.1)
    case .runResolution, .runBatch: return .multiply(fine: 2, coarse: 4)
    case .runSteps, .runLearningRate, .runSampleSteps: return .multiply(fine: 2, coarse: 10)
    case .runSeed: return .add(fine: 1, coarse: 10)
    case .runGuidance: return .add(fine: 0.25, coarse: 1)
    case .tSamplingParameter(let p): return p.step
    case .sampler(.karrasRho): return .add(fine: 0.5, coarse: 2)
    case .sampler(.steps): return .add(fine: 1, coarse: 10)
    case .sampler: return .add(fine: 1, coarse: 1)
    case .family, .normalize, .previewImage, .previewResolutions, .runData,
      .runModel, .runPrediction, .runWeighting, .runSampler, .runTSampling, .runNorm:
      return .add(fine: 1, coarse: 1)
    }
  }

  /// `v` moved by `steps` steps; additive steps snap to the fine step's grid so that repeated
  /// presses land on round values (0.35, not 0.35000000000000003).
  func stepped(_ v: Double, by steps: Int, coarse: Bool) -> Double {
    switch step {
    case .add(let fine, let big):
      let moved = v + Double(steps) * (coarse ? big : fine)
      return ((moved / fine).rounded() * fine * 1e9).rounded() / 1e9
    case .multiply(let fine, let big):
      let moved = v * Foundation.pow(coarse ? big : fine, Double(steps))
      // Whole-number rows (steps, batch) stay whole: 25 steps halved is 13, not 12.5.
      return isSetup && isWhole ? max(1, moved.rounded()) : moved
    }
  }

  /// Parses typed text into a new document; throws a message naming the field, the text and
  /// what is allowed. Validation of the whole schedule happens afterwards in ``reduce(_:_:)``.
  func parse(_ text: String, into d: inout Document, cursorT: inout Double) throws(EntryError) {
    let t = text.trimmingCharacters(in: .whitespaces)
    if self == .runTSampling {
      // One value on screens 1 and 3: the current setting's, which `s` trains with.
      var c = d.trainingConfig
      try parseSetup(t, &c)
      d.current.sampling = c.tSampling
      return
    }
    if isSetup { return try parseSetup(t, &d.setup) }
    switch self {
    case .family:
      guard let f = ScheduleFamily(rawValue: t.lowercased()) else {
        throw EntryError(field: self, text: t)
      }
      d.current.spec.family = f
    case .normalize:
      d.current.normalize = try onOff(t)
    case .parameter(let p) where p.kind == .flag:
      d.current.spec[p] = try onOff(t) ? 1 : 0
    case .parameter(let p) where !p.choices.isEmpty:
      guard let i = p.choices.firstIndex(of: t.lowercased()) else {
        throw EntryError(field: self, text: t)
      }
      d.current.spec[p] = Double(i)
    case .parameter(.fluxMu) where t.lowercased().hasPrefix("auto"):
      // μ from the image side, as `--flux-mu auto`: only once there is one.
      guard d.current.spec[.imageSide] != 0 else {
        throw EntryError(
          field: self, text: t,
          allowed: "a number here: auto takes μ from the image side row, which is 0 (none)")
      }
      d.current.spec[.fluxMu] = 0
    case .previewGamma where t.lowercased() == "t":
      d.fixedPreviewGamma = nil
    case .tSamplingParameter, .sampler:
      try parseSampling(t, &d.current)
    default:
      guard let v = Double(t), v.isFinite else { throw EntryError(field: self, text: t) }
      if wholeNumber, v != v.rounded() {
        throw EntryError(field: self, text: t)
      }
      if self == .previewGamma, !(v > 0 && v <= 1) { throw EntryError(field: self, text: t) }
      if self == .cursorT, !(v >= 0 && v <= 1) { throw EntryError(field: self, text: t) }
      setNumber(v, &d, cursorT: &cursorT)
    }
  }

  /// A switch row's typed text: on/true/yes/1 or off/false/no/0.
  private func onOff(_ t: String) throws(EntryError) -> Bool {
    switch t.lowercased() {
    case "on", "true", "yes", "1": return true
    case "off", "false", "no", "0": return false
    default: throw EntryError(field: self, text: t)
    }
  }
}

extension Field {
  // Setup.swift's `isWhole` (training rows, being rewritten on branch `settings`) names these
  // three schedule rows; every other use reads the declared kind (`wholeNumber`).
  static let trainSteps = Field.parameter(.trainSteps)
  static let resolution = Field.parameter(.resolution)
  static let baseResolution = Field.parameter(.baseResolution)
}

/// Typed text that is not a value of the field.
public struct EntryError: Error, Equatable, CustomStringConvertible {
  public var field: Field
  public var text: String
  /// What is allowed when the row's own wording does not say why (a folder's refusal: "a folder
  /// holding PNG images; it has none"); nil: ``Field/allowed``.
  public var allowed: String? = nil

  /// The explorer's field error: the row's label, the text as typed, what the row allows.
  public var fieldError: FieldError {
    FieldError(
      field: field.label, value: JSONValue.quote(text), allowed: allowed ?? field.allowed,
      source: .explorer)
  }

  public var description: String { fieldError.description }
}

func short4(_ v: Double) -> String { String(format: "%.4g", v) }
