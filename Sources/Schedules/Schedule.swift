import RealModule

/// What a user can get wrong about a schedule, named by field and value.
///
/// `field` is the Swift property name (`tau`, `clipMin`, `inputScale`, …), for code to match
/// on; ``fieldError(_:prefix:)`` names it as the user wrote it (the option, the config key or
/// the explorer's label), and ``description`` uses the label, so no property name reaches a user.
public enum ScheduleError: Error, Equatable, CustomStringConvertible, Sendable {
  /// `field` = `value` is not allowed; `allowed` says what is.
  case invalid(field: String, value: String, allowed: String)

  /// `b (input scale) = -1.0 is not allowed: a number > 0`: the explorer's wording.
  public var description: String { fieldError(.explorer).description }

  /// The same error with the field renamed (e.g. to a config path or an option).
  public func renamingField(_ rename: (String) -> String) -> ScheduleError {
    switch self {
    case .invalid(let field, let value, let allowed):
      return .invalid(field: rename(field), value: value, allowed: allowed)
    }
  }
}

/// A validated noise schedule γ(t): build it from a ``ScheduleSpec``, then evaluate.
///
/// Conventions: t ∈ [0, 1], t = 0 is clean data; γ(t) is the signal variance, non-increasing in t,
/// clipped to [clipMin, 1] as the paper's Algorithm 1 does. logSNR(t) = log(γ / (1 − γ)) here is
/// the schedule's own, at input scale b = 1; ``NoiseProcess`` adds the exact 2·log b shift.
///
/// Each family's γ(t), logSNR and dλ/dt, and its validation, are declared in its own file under
/// `Families/` (``ScheduleFamily/registry`` lists them). This type adds what every family shares:
/// the clip, the inverse, the densities, and `zeroTerminalSNR` (any family), Lin et al. 2023's
/// rescale of √γ, √γ' = (√γ − √γ₁)·√γ₀/(√γ₀ − √γ₁). The discrete families run it on their
/// T-step table exactly as diffusers' `rescale_zero_terminal_snr` (γ₀ = ᾱ₀ = γ(1/T),
/// γ₁ = ᾱ_{T−1}); for the continuous ones γ₀ = γ(0) and γ₁ = γ(1) (both after the clip). γ(1)
/// then is 0, clipped to clipMin.
public struct Schedule: Sendable {
  public let spec: ScheduleSpec
  /// The family's validated constants and formulas (declared in `Families/`).
  let curve: any FamilyCurve
  /// The continuous families' zero-terminal-SNR rescale, if asked for.
  let rescale: Rescale?
  /// `spec.clipMin`, kept out of the spec's field table since every evaluation reads it.
  let clipMin: Double
  /// The shift fields (SD3's S, Flux's μ), validated: a constant move of logSNR.
  public let shift: LogSNRShift
  /// `shift.offset`, read by every evaluation.
  let logSNROffset: Double

  /// √γ' = (√γ − sqrtEnd)·scale, scale = √γ₀/(√γ₀ − √γ₁).
  struct Rescale: Sendable {
    let sqrtEnd: Double
    let scale: Double
  }

  /// Validates `spec` and precomputes what evaluation needs.
  ///
  /// Throws ``ScheduleError/invalid(field:value:allowed:)`` naming the first field that is NaN,
  /// out of range, or makes the schedule degenerate (start = end, τ ≤ 0, σmin ≥ σmax, T < 2, …).
  public init(_ spec: ScheduleSpec) throws(ScheduleError) {
    try ScheduleField.clipMin.check(spec.clipMin)
    let definition = spec.family.definition
    let curve = try definition.curve.init(spec)
    let shift = try LogSNRShift(spec)
    // The rescale pins the unshifted curve's ends; the shift then moves the rescaled logSNR, so
    // a zero-terminal-SNR schedule stays one and λ − 2·ln S holds at every t.
    var unshifted = spec
    for field in ScheduleField.shiftGroup { unshifted[field] = field.defaultValue }
    let plain = Schedule(spec: unshifted, curve: curve, rescale: nil, shift: nil)
    guard spec.zeroTerminalSNR, !definition.isDiscrete else {
      self.init(spec: spec, curve: curve, rescale: nil, shift: shift)
      return
    }
    let g0 = plain.gamma(0)
    let g1 = plain.gamma(1)
    let a0 = g0.squareRoot()
    let a1 = g1.squareRoot()
    guard a0 > a1 else {
      throw .invalid(
        field: "zeroTerminalSNR", value: "true",
        allowed: "false for a schedule whose γ(0) = γ(1) = \(g0)")
    }
    self.init(
      spec: spec, curve: curve, rescale: Rescale(sqrtEnd: a1, scale: a0 / (a0 - a1)), shift: shift)
  }

  /// `shift` nil: no shift (the unshifted curve the rescale is measured on).
  private init(spec: ScheduleSpec, curve: any FamilyCurve, rescale: Rescale?, shift: LogSNRShift?) {
    self.spec = spec
    self.curve = curve
    self.rescale = rescale
    self.clipMin = spec.clipMin
    self.shift = shift ?? (try! LogSNRShift(ScheduleSpec(family: spec.family)))
    self.logSNROffset = shift?.offset ?? 0
  }

  // MARK: - Evaluation

  /// γ(t), clipped to [clipMin, 1]. `t` outside [0, 1] is clamped.
  public func gamma(_ t: Double) -> Double {
    evaluate(t).gamma
  }

  /// logSNR(t) = log(γ / (1 − γ)) at input scale 1; +∞ where γ = 1.
  ///
  /// The families defined by their logSNR (shifted cosine, EDM, Laplace, rectified flow) return
  /// it directly rather than through γ, which keeps full precision where γ is close to 1.
  public func logSNR(_ t: Double) -> Double {
    evaluate(t).logSNR
  }

  /// dλ/dt at t (λ = logSNR), analytic for every family; 0 where γ is clipped (λ is constant
  /// there), −∞ where the curve starts vertically (t = 0 for most families).
  public func dLogSNRdt(_ t: Double) -> Double {
    evaluate(t).dLogSNR
  }

  /// The density of λ = logSNR(t) when t ~ U(0, 1), at the λ that t maps to:
  ///
  /// ```
  /// p(λ(t)) = 1 / |dλ/dt|
  /// ```
  ///
  /// This is the distribution of noise levels a network trained with this schedule sees (the
  /// paper's central point). Where γ is clipped λ is constant: that stretch of t is a point mass
  /// at one λ (see ``clippedMass``), and the density returned there is 0. At the ends where
  /// λ → ±∞ with an infinite slope it is 0 as well.
  public func logSNRDensity(atT t: Double) -> Double {
    let d = dLogSNRdt(t)
    return d == 0 ? 0 : 1 / Swift.abs(d)
  }

  /// p(λ) at a given logSNR λ (at input scale 1): ``logSNRDensity(atT:)`` at t(λ); 0 outside the
  /// range of λ the schedule covers.
  public func logSNRDensity(atLogSNR lambda: Double) -> Double {
    guard lambda.isFinite, lambda < logSNR(0), lambda > logSNR(1) else { return 0 }
    return logSNRDensity(atT: t(forLogSNR: lambda))
  }

  /// The probability (under t ~ U(0, 1)) of landing where γ is clipped at clipMin or 1: a point
  /// mass of λ that ``logSNRDensity(atT:)`` does not show. Measured by bisection on the clip edges.
  public var clippedMass: Double {
    let gLow = spec.clipMin
    // t where γ first reaches clipMin (the clip at the noisy end) …
    let tLow = gamma(1) <= gLow ? firstT { $0.gamma <= gLow } : 1
    // … and t where γ first drops below 1 (a clip at the clean end).
    let tHigh = gamma(0) >= 1 ? firstT { $0.gamma < 1 } : 0
    return (1 - tLow) + tHigh
  }

  // MARK: - Inverse

  /// The t at which γ(t) = `gamma`, by bisection on the non-increasing γ(t) (to the last bit of
  /// t: ~55 halvings, so γ(t(γ)) matches γ to ~1e-15 relative wherever γ is not flat).
  ///
  /// A γ above γ(0) gives 0, below γ(1) gives 1; where γ is flat (the clipped ends) it is the
  /// first t that reaches it. Throws for NaN or γ outside [0, 1], naming `gamma`.
  public func t(forGamma gamma: Double) throws(ScheduleError) -> Double {
    try Schedule.check(gamma, "gamma", "a number in [0, 1]") { $0 >= 0 && $0 <= 1 }
    if gamma >= self.gamma(0) { return 0 }
    if gamma <= self.gamma(1) { return firstT { $0.gamma <= gamma } }
    return closest(firstT { $0.gamma <= gamma }, to: gamma) { self.gamma($0) }
  }

  /// The t at which logSNR(t) = λ (at input scale 1), by bisection; λ above logSNR(0) gives 0,
  /// below logSNR(1) gives 1. NaN gives NaN (a programmer error upstream).
  public func t(forLogSNR lambda: Double) -> Double {
    if lambda.isNaN { return .nan }
    if lambda >= logSNR(0) { return 0 }
    if lambda <= logSNR(1) { return firstT { $0.logSNR <= lambda } }
    return closest(firstT { $0.logSNR <= lambda }, to: lambda) { self.logSNR($0) }
  }

  /// The smallest t in [0, 1] where `reached` holds, for a predicate that is monotone in t
  /// (false … false true … true), to the last bit of t.
  func firstT(_ reached: (Point) -> Bool) -> Double {
    var lo = 0.0
    var hi = 1.0
    if reached(evaluate(0)) { return 0 }
    while true {
      let mid = lo + (hi - lo) / 2
      if mid <= lo || mid >= hi { return hi }
      if reached(evaluate(mid)) { hi = mid } else { lo = mid }
    }
  }

  /// Of `t` and its lower neighbour in Double, the one whose value is nearest `target`.
  func closest(_ t: Double, to target: Double, _ f: (Double) -> Double) -> Double {
    let below = t.nextDown
    guard below >= 0 else { return t }
    return Swift.abs(f(below) - target) < Swift.abs(f(t) - target) ? below : t
  }

  // MARK: - One point of the curve

  /// γ, logSNR and dλ/dt at one t, after the rescale and the clip.
  struct Point {
    var gamma: Double
    var logSNR: Double
    var dLogSNR: Double
  }

  func evaluate(_ t: Double) -> Point {
    let t = Swift.min(Swift.max(t, 0), 1)
    var p = curve.unclipped(t)
    if let r = rescale {
      // γ' = (c(√γ − a))², dγ'/dt = c²(√γ − a)/√γ · dγ/dt, and dγ/dt = λ'·γ(1−γ).
      let root = p.gamma.squareRoot()
      let shifted = Swift.max(root - r.sqrtEnd, 0) * r.scale
      let g = shifted * shifted
      let dGamma =
        p.gamma == 0
        ? 0
        : r.scale * r.scale * (root - r.sqrtEnd) / root * p.dLogSNR * p.gamma * (1 - p.gamma)
      p = Point(gamma: g, logSNR: logit(g), dLogSNR: dGamma / (g * (1 - g)))
    }
    if logSNROffset != 0 {
      // λ' = λ + offset (LogSNRShift): dλ/dt is unchanged, γ' = sigmoid(λ').
      let lambda = p.logSNR + logSNROffset
      p = Point(gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: p.dLogSNR)
    }
    if p.gamma.isNaN || p.gamma <= clipMin {
      let g = clipMin
      return Point(gamma: g, logSNR: logit(g), dLogSNR: 0)
    }
    if p.gamma >= 1 {
      return Point(gamma: 1, logSNR: .infinity, dLogSNR: 0)
    }
    return p
  }

  // MARK: - Validation helpers

  static func check(
    _ value: Double, _ field: String, _ allowed: String, _ ok: (Double) -> Bool
  ) throws(ScheduleError) {
    guard value.isFinite, ok(value) else {
      throw .invalid(field: field, value: "\(value)", allowed: allowed)
    }
  }

  /// `check` for whole-number fields, so messages show `1` rather than `1.0`.
  static func checkInt(
    _ value: Int, _ field: String, _ range: ClosedRange<Int>
  ) throws(ScheduleError) {
    guard range.contains(value) else {
      throw .invalid(
        field: field, value: "\(value)",
        allowed: "a whole number in [\(range.lowerBound), \(range.upperBound)]")
    }
  }
}

/// The logistic function 1 / (1 + e^−x), as Algorithm 1 uses it.
@inlinable func sigmoid(_ x: Double) -> Double { 1 / (1 + Double.exp(-x)) }

/// log(γ / (1 − γ)), with log1p for the 1 − γ.
@inlinable func logit(_ g: Double) -> Double { Double.log(g) - Double.log(onePlus: -g) }

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
    try Schedule.check(inputScale, "inputScale", NoiseProcess.inputScaleAllowed) {
      NoiseProcess.inputScaleRange.contains($0)
    }
    self.schedule = schedule
    self.inputScale = inputScale
    self.normalize = normalize
  }

  /// logSNR of the scaled process: the schedule's own plus 2·log b.
  public func logSNR(_ t: Double) -> Double {
    schedule.logSNR(t) + 2 * Double.log(inputScale)
  }

  /// The γ that would give the same logSNR at b = 1: γb² / (γb² + 1 − γ).
  ///
  /// With variance normalisation by 1/√((b²−1)γ + 1) the scaled process *is* the b = 1 process
  /// with this γ (signal √γ' and noise √(1−γ') both match), which is what the diffusers export
  /// uses.
  public func equivalentGammaAtUnitScale(_ t: Double) -> Double {
    let g = schedule.gamma(t)
    let b2 = inputScale * inputScale
    return g * b2 / (g * b2 + 1 - g)
  }

  /// The density of the scaled logSNR under t ~ U(0, 1): the schedule's, shifted by 2·log b.
  public func logSNRDensity(atLogSNR lambda: Double) -> Double {
    schedule.logSNRDensity(atLogSNR: lambda - 2 * Double.log(inputScale))
  }

  /// The t at which the scaled logSNR equals λ.
  public func t(forLogSNR lambda: Double) -> Double {
    schedule.t(forLogSNR: lambda - 2 * Double.log(inputScale))
  }

  /// σ is floored at this in the objective's coefficients so that γ = 1 in Double (t within
  /// rounding of 0) keeps every coefficient finite; it is far below any noise level a network
  /// can tell apart.
  public static let sigmaFloor = 1e-10

  /// α = √γ·b and σ = √(1 − γ) of a process with input scale b at logSNR λ, whatever its
  /// schedule: λ = log(γb²/(1 − γ)) gives γ = sigmoid(λ − 2·ln b) and 1 − γ =
  /// sigmoid(2·ln b − λ), each by the form that does not overflow. σ is not floored
  /// (``sigmaFloor``).
  public static func scales(atLogSNR lambda: Double, inputScale b: Double)
    -> (alpha: Double, sigma: Double)
  {
    func sigmoid(_ x: Double) -> Double {
      x >= 0 ? 1 / (1 + Double.exp(-x)) : Double.exp(x) / (1 + Double.exp(x))
    }
    let logB2 = 2 * Double.log(b)
    return (sigmoid(lambda - logB2).squareRoot() * b, sigmoid(logB2 - lambda).squareRoot())
  }
}
