/// Everything that defines one schedule, as a user edits it and as a config stores it.
///
/// One flat value for every family: it holds a value for every declared field of every family
/// (``ScheduleField/allCases``), each family reads the fields it declares (see
/// ``ScheduleSpec/fields(of:)``) and ignores the rest, so switching family in the explorer keeps
/// the values of the others. Build a ``Schedule`` from it to validate and evaluate.
///
/// A field's value is `spec[.laplaceMu]`; the fields most code reads (cosine's and sigmoid's,
/// the clip, the resolution, T) also have a named property.
public struct ScheduleSpec: Equatable, Hashable, Sendable {
  public var family: ScheduleFamily
  /// Every field's value by its Swift name; ``init(family:)`` fills in all of them.
  private var values: [String: Double]

  /// `family` with its own defaults, and every other family's field at that family's default.
  public init(family: ScheduleFamily) {
    self.family = family
    var values: [String: Double] = [:]
    for field in ScheduleField.allCases + ScheduleSpec.allFields(of: family) {
      values[field.rawValue] = field.defaultValue
    }
    self.values = values
  }

  /// `family` with the given values, the others at their defaults: a shorthand for code and
  /// tests that build a spec of the existing families.
  public init(
    family: ScheduleFamily,
    start: Double? = nil, end: Double? = nil, tau: Double? = nil, clipMin: Double? = nil,
    trainSteps: Int? = nil, betaStart: Double? = nil, betaEnd: Double? = nil,
    baseResolution: Double? = nil, resolution: Double? = nil,
    sigmaMin: Double? = nil, sigmaMax: Double? = nil, rho: Double? = nil,
    laplaceMu: Double? = nil, laplaceBeta: Double? = nil, shift: Double? = nil,
    zeroTerminalSNR: Bool = false
  ) {
    self.init(family: family)
    let given: [(ScheduleField, Double?)] = [
      (.start, start), (.end, end), (.tau, tau), (.clipMin, clipMin),
      (.trainSteps, trainSteps.map(Double.init)), (.betaStart, betaStart), (.betaEnd, betaEnd),
      (.baseResolution, baseResolution), (.resolution, resolution), (.sigmaMin, sigmaMin),
      (.sigmaMax, sigmaMax), (.rho, rho), (.laplaceMu, laplaceMu), (.laplaceBeta, laplaceBeta),
      (.shift, shift),
    ]
    for case (let field, let value?) in given { self[field] = value }
    self.zeroTerminalSNR = zeroTerminalSNR
  }

  /// Rescale to zero terminal SNR (Lin et al. 2023); applies to any family.
  public var zeroTerminalSNR: Bool {
    get { self[.zeroTerminalSNR] != 0 }
    set { self[.zeroTerminalSNR] = newValue ? 1 : 0 }
  }
}

// `spec.tau` is `spec[.tau]`. (A dynamic member lookup on `ScheduleField`'s static key paths would
// name every field this way, but metatype key paths crash at run time across modules in Swift 6.3.)
extension ScheduleSpec {
  public var start: Double { get { self[.start] } set { self[.start] = newValue } }
  public var end: Double { get { self[.end] } set { self[.end] = newValue } }
  public var tau: Double { get { self[.tau] } set { self[.tau] = newValue } }
  public var clipMin: Double { get { self[.clipMin] } set { self[.clipMin] = newValue } }
  public var resolution: Double { get { self[.resolution] } set { self[.resolution] = newValue } }

  /// Discrete DDPM families: number of training steps T.
  public var trainSteps: Int {
    get { Int(self[.trainSteps]) }
    set { self[.trainSteps] = Double(newValue) }
  }
}

extension ScheduleSpec {
  /// The fields `family` reads, besides `clipMin` and `zeroTerminalSNR`, which every family reads.
  ///
  /// A config stores exactly these (plus the two common ones); the command line rejects the others.
  public static func fields(of family: ScheduleFamily) -> [ScheduleField] {
    family.definition.fields
  }

  /// Every field `family` reads, the common ones last.
  public static func allFields(of family: ScheduleFamily) -> [ScheduleField] {
    fields(of: family) + ScheduleField.common
  }

  /// The fields a config writes for this spec: every one its family reads, except a shift
  /// field at its default (``ScheduleField/shiftGroup``).
  public var storedFields: [ScheduleField] {
    ScheduleSpec.allFields(of: family).filter {
      !ScheduleField.shiftGroup.contains($0) || self[$0] != $0.defaultValue
    }
  }

  /// This spec with every field its family does not read reset to that family's default, so two
  /// specs that describe the same schedule compare equal (and a config round-trips exactly).
  public var canonical: ScheduleSpec {
    var out = ScheduleSpec(family: family)
    for field in ScheduleSpec.allFields(of: family) {
      out[field] = self[field]
    }
    return out
  }

  /// Reads or writes one field as a `Double` (a whole-number field as its value, a flag as 1 or
  /// 0; the setter truncates nothing: callers check integrality first, as the config reader does).
  public subscript(field: ScheduleField) -> Double {
    get { values[field.rawValue] ?? field.defaultValue }
    set {
      switch field.kind {
      case .whole:
        precondition(
          newValue == newValue.rounded() && abs(newValue) < 1e15, "\(field) \(newValue)")
        values[field.rawValue] = newValue
      case .flag: values[field.rawValue] = newValue != 0 ? 1 : 0
      case .number, .choice: values[field.rawValue] = newValue
      }
    }
  }
}
