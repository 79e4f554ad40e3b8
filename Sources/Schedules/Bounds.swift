/// The range a number may take, stated once where a schedule field or a training setting is
/// declared: the check, the wording of a refusal and the JSON Schema's `minimum` /
/// `exclusiveMinimum` / `maximum` / `exclusiveMaximum` are all read from it, so the schema
/// cannot drift from what schedtui accepts. Cross-field rules (end > start) are not bounds:
/// each family's validation states those.
public struct Bounds: Equatable, Sendable {
  /// One end of the range and whether it is allowed itself.
  public struct End: Equatable, Sendable {
    public let value: Double
    public let inclusive: Bool
  }

  public var lower: End?
  public var upper: End?
  /// 0 is allowed besides the range: it means "none" (an image side, eval samples).
  public var alsoZero = false

  /// No bound: any finite number.
  public static let any = Bounds()

  public init(
    min: Double? = nil, exclusiveMin: Double? = nil, max: Double? = nil,
    exclusiveMax: Double? = nil, alsoZero: Bool = false
  ) {
    precondition(min == nil || exclusiveMin == nil, "two lower bounds")
    precondition(max == nil || exclusiveMax == nil, "two upper bounds")
    lower =
      min.map { End(value: $0, inclusive: true) }
      ?? exclusiveMin.map { End(value: $0, inclusive: false) }
    upper =
      max.map { End(value: $0, inclusive: true) }
      ?? exclusiveMax.map { End(value: $0, inclusive: false) }
    self.alsoZero = alsoZero
  }

  /// The closed range `range`.
  public init<T: BinaryInteger>(_ range: ClosedRange<T>, alsoZero: Bool = false) {
    self.init(min: Double(range.lowerBound), max: Double(range.upperBound), alsoZero: alsoZero)
  }

  public init(_ range: ClosedRange<Double>) {
    self.init(min: range.lowerBound, max: range.upperBound)
  }

  /// Whether `x` is finite and inside (or 0 when that is allowed).
  public func contains(_ x: Double) -> Bool {
    guard x.isFinite else { return false }
    if alsoZero && x == 0 { return true }
    if let l = lower, l.inclusive ? x < l.value : x <= l.value { return false }
    if let u = upper, u.inclusive ? x > u.value : x >= u.value { return false }
    return true
  }

  /// `(0, 1)`, `[0, 1)` for a range closed on both sides, `> 0`, `≥ 2`, `≤ 1` for one bound,
  /// empty for none.
  public var text: String {
    switch (lower, upper) {
    case (let l?, let u?):
      return (l.inclusive ? "[" : "(") + shortNumber(l.value) + ", " + shortNumber(u.value)
        + (u.inclusive ? "]" : ")")
    case (let l?, nil): return (l.inclusive ? "≥ " : "> ") + shortNumber(l.value)
    case (nil, let u?): return (u.inclusive ? "≤ " : "< ") + shortNumber(u.value)
    case (nil, nil): return ""
    }
  }

  /// What a message says is allowed: `a number in (0, 1)`, `a number > 0`,
  /// `a whole number ≥ 2`, `a finite number`.
  public func wording(whole: Bool = false) -> String {
    let kind = whole ? "a whole number" : "a number"
    let range: String
    switch (lower, upper) {
    case (nil, nil): range = whole ? kind : "a finite number"
    case (_?, _?): range = kind + " in " + text
    default: range = kind + " " + text
    }
    return alsoZero ? "0 or " + range : range
  }

  /// The JSON Schema (draft 2020-12) of a value of `type` (`number`, `integer`; nil for the
  /// range alone, narrowing a `$ref`) within the bounds; 0 besides the range as `anyOf`.
  public func schema(type: String?) -> [(key: String, value: JSONValue)] {
    let typed: [(key: String, value: JSONValue)] = type.map { [("type", .string($0))] } ?? []
    guard alsoZero else { return typed + range }
    return typed + [("anyOf", .array([.object([("const", .int(0))]), .object(range)]))]
  }

  /// `minimum` / `exclusiveMinimum`, `maximum` / `exclusiveMaximum`.
  private var range: [(key: String, value: JSONValue)] {
    var out: [(key: String, value: JSONValue)] = []
    if let l = lower {
      out.append((l.inclusive ? "minimum" : "exclusiveMinimum", Bounds.json(l.value)))
    }
    if let u = upper {
      out.append((u.inclusive ? "maximum" : "exclusiveMaximum", Bounds.json(u.value)))
    }
    return out
  }

  /// A whole bound as an integer (`2`, not `2.0`), any other at full precision.
  static func json(_ x: Double) -> JSONValue {
    x == x.rounded() && Swift.abs(x) < 1e16 ? .int(Int(x)) : .double(x)
  }
}
