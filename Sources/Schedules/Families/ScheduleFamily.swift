/// A family of noise schedule, turned into a continuous γ(t): a name, and through it the
/// family's ``FamilyDefinition`` (its fields, validation, evaluation and Python twin), which its
/// own file in `Families/` declares and ``registry`` lists.
///
/// Conventions (all families): t ∈ [0, 1], t = 0 is clean data; γ(t) is the signal variance
/// (ᾱ in DDPM notation), so x_t = √γ(t)·b·x0 + √(1−γ(t))·ε with input scale b.
///
/// A struct rather than an enum so that a new family is its file and one registry line: each file
/// adds its own `static let` (`.laplace`), and `switch`es elsewhere match those by equality.
public struct ScheduleFamily: Hashable, Sendable, CustomStringConvertible {
  /// The name on the command line, in a config and in the explorer: `ddpm-linear`.
  public let rawValue: String

  /// A family file's own name; only ``registry`` makes it a family users can choose.
  init(_ name: String) { rawValue = name }

  /// The registered family called `rawValue`, if there is one.
  public init?(rawValue: String) {
    guard ScheduleFamily.registry.contains(where: { $0.family.rawValue == rawValue }) else {
      return nil
    }
    self.rawValue = rawValue
  }

  /// Every registered family, in registry order.
  public static var allCases: [ScheduleFamily] { registry.map(\.family) }

  public var description: String { rawValue }

  /// This family's declaration.
  var definition: FamilyDefinition {
    guard let d = ScheduleFamily.registry.first(where: { $0.family == self }) else {
      preconditionFailure("\(rawValue) is not in ScheduleFamily.registry")
    }
    return d
  }

  /// diffusers' discrete DDPM families, defined on T steps.
  public var isDiscrete: Bool { definition.isDiscrete }
}

/// Everything one family is, declared in its file under `Families/`.
struct FamilyDefinition: Sendable {
  let family: ScheduleFamily
  /// One line for `--help`, the explorer's help and the README's table.
  let help: String
  /// γ(t) or logSNR(t) as the README's Schedules table writes it (Markdown).
  let formula: String
  /// The fields the family reads besides the common ones (``ScheduleField/common``), in the
  /// order the config, the explorer and errors list them.
  let fields: [ScheduleField]
  /// Where the family allows less than a field's own ``ScheduleField/bounds`` (cosine's start in
  /// [0, 1)): its validation and the JSON Schema read these.
  var bounds: [ScheduleField: Bounds] = [:]
  /// True for a family defined on T discrete steps: it applies zero terminal SNR to its own
  /// table (as diffusers does), so ``Schedule`` does not rescale it again.
  var isDiscrete = false
  /// The family's validated form; see ``FamilyCurve/init(_:)``.
  let curve: any FamilyCurve.Type
}

/// A validated family with its constants: evaluates itself and writes its NumPy twin.
protocol FamilyCurve: Sendable {
  /// Validates the family's fields of `spec`, throwing ``ScheduleError`` naming the first bad
  /// one, and precomputes the family's constants (in `Double`, once).
  init(_ spec: ScheduleSpec) throws(ScheduleError)
  /// γ, logSNR and dλ/dt before any rescale or clip, t ∈ [0, 1].
  func unclipped(_ t: Double) -> Schedule.Point
  /// The family's part of `export --python`.
  var python: PythonSnippet { get }
}

/// A family's part of the Python module: its constants and the body of `_family(xp, t)`, which
/// returns γ and, for a family defined by its logSNR, λ (else `None`).
struct PythonSnippet {
  var constants: [String] = []
  var body: String
}
