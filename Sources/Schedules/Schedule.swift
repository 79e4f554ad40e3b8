import RealModule

/// What a user can get wrong about a schedule, named by field and value.
public enum ScheduleError: Error, Equatable, CustomStringConvertible, Sendable {
  /// `field` = `value` is not allowed; `allowed` says what is.
  case invalid(field: String, value: String, allowed: String)

  public var description: String {
    switch self {
    case .invalid(let field, let value, let allowed):
      return "\(field) = \(value) is not allowed: \(allowed)"
    }
  }
}

/// A validated noise schedule γ(t): build it from a ``ScheduleSpec``, then evaluate.
///
/// Conventions: t ∈ [0, 1], t = 0 is clean data; γ(t) is the signal variance, non-increasing in t,
/// clipped to [clipMin, 1] as the paper's Algorithm 1 does. logSNR(t) = log(γ / (1 − γ)) here is
/// the schedule's own, at input scale b = 1; ``NoiseProcess`` adds the exact 2·log b shift.
public struct Schedule: Sendable {
  public let spec: ScheduleSpec
  let kind: Kind

  /// Precomputed, family-specific constants, computed once in `Double`.
  enum Kind: Sendable {
    case linear
    case cosine(vStart: Double, vEnd: Double)
    case sigmoid(vStart: Double, vEnd: Double)
  }

  /// Validates `spec` and precomputes what evaluation needs.
  ///
  /// Throws ``ScheduleError/invalid(field:value:allowed:)`` naming the first field that is NaN,
  /// out of range, or makes the schedule degenerate (start = end, τ ≤ 0, …).
  public init(_ spec: ScheduleSpec) throws(ScheduleError) {
    try Schedule.check(spec.clipMin, "clipMin", "a number in (0, 1)") { $0 > 0 && $0 < 1 }
    self.spec = spec
    switch spec.family {
    case .linear:
      kind = .linear
    case .cosine:
      try Schedule.checkStartEndTau(spec)
      let vStart = Double.pow(Double.cos(spec.start * .pi / 2), 2 * spec.tau)
      let vEnd = Double.pow(Double.cos(spec.end * .pi / 2), 2 * spec.tau)
      guard vStart != vEnd else {
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "cos(start·π/2)^(2τ) must differ from cos(end·π/2)^(2τ) (end = \(spec.end))")
      }
      kind = .cosine(vStart: vStart, vEnd: vEnd)
    case .sigmoid:
      try Schedule.checkStartEndTau(spec)
      let vStart = sigmoid(spec.start / spec.tau)
      let vEnd = sigmoid(spec.end / spec.tau)
      guard vStart != vEnd else {
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "sigmoid(start/τ) must differ from sigmoid(end/τ) (end = \(spec.end))")
      }
      kind = .sigmoid(vStart: vStart, vEnd: vEnd)
    default:
      throw .invalid(
        field: "family", value: spec.family.rawValue, allowed: "linear, cosine or sigmoid for now")
    }
  }

  /// γ(t), clipped to [clipMin, 1]. `t` outside [0, 1] is clamped.
  public func gamma(_ t: Double) -> Double {
    let t = Swift.min(Swift.max(t, 0), 1)
    let raw: Double
    switch kind {
    case .linear:
      raw = 1 - t
    case .cosine(let vStart, let vEnd):
      let s = spec.start, e = spec.end
      let output = Double.pow(Double.cos((t * (e - s) + s) * .pi / 2), 2 * spec.tau)
      raw = (vEnd - output) / (vEnd - vStart)
    case .sigmoid(let vStart, let vEnd):
      let s = spec.start, e = spec.end
      let output = sigmoid((t * (e - s) + s) / spec.tau)
      raw = (vEnd - output) / (vEnd - vStart)
    }
    return Swift.min(Swift.max(raw, spec.clipMin), 1)
  }

  /// logSNR(t) = log(γ / (1 − γ)) at input scale 1; +∞ where γ = 1.
  public func logSNR(_ t: Double) -> Double {
    let g = gamma(t)
    return Double.log(g) - Double.log(onePlus: -g)
  }

  // MARK: - Validation helpers

  static func check(
    _ value: Double, _ field: String, _ allowed: String, _ ok: (Double) -> Bool
  ) throws(ScheduleError) {
    guard value.isFinite, ok(value) else {
      throw .invalid(field: field, value: "\(value)", allowed: allowed)
    }
  }

  static func checkStartEndTau(_ spec: ScheduleSpec) throws(ScheduleError) {
    try check(spec.start, "start", "a finite number") { _ in true }
    try check(spec.end, "end", "a finite number") { _ in true }
    try check(spec.tau, "tau", "a number > 0") { $0 > 0 }
    guard spec.start != spec.end else {
      throw .invalid(field: "end", value: "\(spec.end)", allowed: "a value different from start")
    }
  }
}

/// The logistic function 1 / (1 + e^−x), as Algorithm 1 uses it.
@inlinable func sigmoid(_ x: Double) -> Double { 1 / (1 + Double.exp(-x)) }

/// A schedule together with the input scale b and normalisation (the paper's section 2.2).
///
/// x_t = √γ(t)·b·x0 + √(1−γ(t))·ε, so logSNR_b(t) = logSNR(t) + 2·log b exactly.
public struct NoiseProcess: Sendable {
  public let schedule: Schedule
  public let inputScale: Double
  public let normalize: Bool

  public init(schedule: Schedule, inputScale: Double = 1, normalize: Bool = true)
    throws(ScheduleError)
  {
    try Schedule.check(inputScale, "inputScale", "a number > 0") { $0 > 0 }
    self.schedule = schedule
    self.inputScale = inputScale
    self.normalize = normalize
  }

  /// logSNR of the scaled process: the schedule's own plus 2·log b.
  public func logSNR(_ t: Double) -> Double {
    schedule.logSNR(t) + 2 * Double.log(inputScale)
  }

  /// The γ that would give the same logSNR at b = 1: γb² / (γb² + 1 − γ).
  public func equivalentGammaAtUnitScale(_ t: Double) -> Double {
    let g = schedule.gamma(t), b2 = inputScale * inputScale
    return g * b2 / (g * b2 + 1 - g)
  }
}
