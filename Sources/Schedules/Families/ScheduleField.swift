/// One parameter of a schedule family, declared once, in the family's file, with every name it
/// has and everything a user is told about it: the Swift name (``rawValue``, what a
/// ``ScheduleError`` carries), the config key, the command-line option, the explorer's label, its
/// default, what may be typed, how the explorer steps it and its `--help` line.
///
/// The config reader and writer, the command line (`ScheduleOptions`), the explorer's rows and
/// the errors all read these declarations (as diffusers' `register_to_config` makes a
/// scheduler's constructor its config schema). Two fields are the same field when their Swift
/// names are: cosine and sigmoid share `start`, with different defaults (``defaulting(to:)``).
public struct ScheduleField: Hashable, Sendable, CustomStringConvertible {
  /// The Swift name: `tau`, `laplaceMu`. Also the key of the value in a ``ScheduleSpec`` and the
  /// spelling run folders from before 2026-12-01 stored.
  public let rawValue: String
  /// The key in a config's `schedule` object: `laplace_mu`.
  public let jsonKey: String
  /// The command-line option: `--laplace-mu`.
  public let option: String
  /// The name the explorer's parameter list shows: `μ`.
  public let label: String
  /// The value a family that declares this field starts from.
  public let defaultValue: Double
  /// What the explorer's edit line says may be typed.
  public let allowed: String
  /// The range of the value on its own (cross-field rules such as end > start are the family's
  /// validation): the family's check, the JSON Schema's bounds and `allowed` where it is not
  /// given all read it. A family may narrow it (``FamilyDefinition/bounds``).
  public let bounds: Bounds
  public let kind: Kind
  /// How the explorer's ←/→ move the value.
  public let step: Step
  /// The option's line in `--help`.
  public let help: String
  /// A word the command line takes instead of a value, if any (`--flux-mu auto`).
  public let word: Word?

  /// A word that leaves the field at its default for another field to decide (`--flux-mu auto`:
  /// μ 0, which an image side makes Flux's `calculate_shift`), so the command line names the
  /// choice where a config just leaves the key out. Without that other field the command line
  /// refuses the word with `needsWhy`.
  public struct Word: Sendable, Equatable {
    public let word: String
    /// The Swift name of the field that decides (a ``ScheduleField`` cannot hold another).
    public let needs: String
    /// What the refusal adds after "--flux-mu auto needs --image-side".
    public let needsWhy: String
  }

  /// What values the field holds; the config stores a whole number as an integer, a flag as a
  /// boolean and a choice as its name (the value is the name's index); the command line takes a
  /// flag without a value and a choice by name.
  public enum Kind: Sendable, Equatable {
    case number, whole, flag
    case choice([String])
  }

  /// The names of a choice field (empty for the other kinds).
  public var choices: [String] {
    if case .choice(let names) = kind { return names }
    return []
  }

  /// `value` as a config stores it.
  public func json(_ value: Double) -> JSONValue {
    switch kind {
    case .whole: return .int(Int(value))
    case .flag: return .bool(value != 0)
    case .choice(let names):
      let i = Int(value)
      return names.indices.contains(i) ? .string(names[i]) : .double(value)
    case .number: return .double(value)
    }
  }

  /// How a value steps: by adding, or by multiplying (values that span decades).
  public enum Step: Sendable, Equatable {
    case add(fine: Double, coarse: Double)
    case multiply(fine: Double, coarse: Double)
  }

  /// A field named `rawValue`; the config key is its snake case (`laplace_mu`) and the option
  /// that key with dashes (`--laplace-mu`) unless given.
  public init(
    _ rawValue: String, jsonKey: String? = nil, option: String? = nil, label: String,
    default defaultValue: Double, allowed: String = "a number", bounds: Bounds = .any,
    kind: Kind = .number, step: Step, help: String, word: Word? = nil
  ) {
    self.rawValue = rawValue
    let key = jsonKey ?? String(rawValue.flatMap { $0.isUppercase ? "_" + $0.lowercased() : "\($0)" })
    self.jsonKey = key
    self.option = option ?? "--" + String(key.map { $0 == "_" ? "-" : $0 })
    self.label = label
    self.defaultValue = defaultValue
    self.allowed = allowed
    self.bounds = bounds
    self.kind = kind
    self.step = step
    self.help = help
    self.word = word
  }

  /// The same field with another family's default (sigmoid's `start` is −3, cosine's 0).
  public func defaulting(to value: Double) -> ScheduleField {
    ScheduleField(
      rawValue, jsonKey: jsonKey, option: option, label: label, default: value,
      allowed: allowed, bounds: bounds, kind: kind, step: step, help: help, word: word)
  }

  /// Refuses `value` outside `bounds` (the field's own unless a family narrows them), naming
  /// the field and saying what is allowed: `a number in (0, 1)`, then `suffix`.
  func check(_ value: Double, within bounds: Bounds? = nil, _ suffix: String = "")
    throws(ScheduleError)
  {
    let b = bounds ?? self.bounds
    try Schedule.check(value, rawValue, b.wording(whole: kind == .whole) + suffix, b.contains)
  }

  /// The declared field called `rawValue` (its Swift name), if any family declares one.
  public init?(rawValue: String) {
    guard let field = ScheduleField.allCases.first(where: { $0.rawValue == rawValue }) else {
      return nil
    }
    self = field
  }

  /// Every field of every registered family (each once, as first declared, in registry order),
  /// then the ones every family reads.
  public static let allCases: [ScheduleField] = {
    var out: [ScheduleField] = []
    for field in ScheduleFamily.registry.flatMap(\.fields) where !out.contains(field) {
      out.append(field)
    }
    return out + common
  }()

  /// The fields every family reads, after its own: the clip, zero terminal SNR and the shifts
  /// of the logSNR axis (``LogSNRShift``).
  public static let common: [ScheduleField] = [.clipMin, .zeroTerminalSNR] + shiftGroup

  // Identity is the Swift name: a default or a wording never makes two fields.
  public static func == (a: ScheduleField, b: ScheduleField) -> Bool { a.rawValue == b.rawValue }
  public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

  public var description: String { rawValue }

  /// Lower clip of γ (Algorithm 1's `clip_min`); every family.
  public static let clipMin = ScheduleField(
    "clipMin", label: "clipMin", default: 1e-9, bounds: Bounds(exclusiveMin: 0, exclusiveMax: 1),
    step: .multiply(fine: 2, coarse: 10),
    help: "Lower clip of γ, in (0, 1) (default 1e-9).")

  /// Rescale to zero terminal SNR (Lin et al. 2023); every family.
  public static let zeroTerminalSNR = ScheduleField(
    "zeroTerminalSNR", jsonKey: "zero_terminal_snr", label: "zero terminal SNR", default: 0,
    allowed: "on or off", kind: .flag, step: .add(fine: 1, coarse: 1),
    help: "Rescale to zero terminal SNR (Lin et al. 2023); any family.")
}
