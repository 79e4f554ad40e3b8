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
/// How each family becomes a continuous γ(t):
/// - `linear`, `cosine`, `sigmoid`: the paper's Algorithm 1, verbatim, in `Double`.
/// - `ddpm-*`: diffusers' β on T steps, computed in `Double`; γ(k/T) = ᾱ_{k−1} (diffusers'
///   `alphas_cumprod[k−1]`), γ(0) = 1, and log γ linear in between. A linear log γ within a step
///   is what a constant β inside that step gives, so the discrete process is embedded exactly.
/// - `shifted-cosine`: logSNR(t) = −2 log tan(πt/2) + 2 log(base/resolution).
/// - `edm`: σ(t) = (σmin^(1/ρ) + t·(σmax^(1/ρ) − σmin^(1/ρ)))^ρ (Karras' ρ-spacing, t = 0 → σmin,
///   t = 1 → σmax), γ = 1/(1+σ²), logSNR = −2 log σ.
/// - `laplace`: logSNR(t) = μ − β·sgn(0.5−t)·ln(1−2|t−0.5|) (Hang et al. 2024).
/// - `rectified-flow`: x_t = (1−t')x0 + t'ε with t' = s·t/(1+(s−1)t), so
///   γ = (1−t')²/((1−t')²+t'²) and logSNR = 2 log((1−t')/t').
/// - `zeroTerminalSNR` (any family): Lin et al. 2023's rescale of √γ,
///   √γ' = (√γ − √γ₁)·√γ₀/(√γ₀ − √γ₁). For the discrete families it runs on the T-step table
///   exactly as diffusers' `rescale_zero_terminal_snr` (γ₀ = ᾱ₀ = γ(1/T), γ₁ = ᾱ_{T−1}); for the
///   continuous ones γ₀ = γ(0) and γ₁ = γ(1) (both after the clip). γ(1) then is 0, clipped to
///   clipMin.
public struct Schedule: Sendable {
  public let spec: ScheduleSpec
  let kind: Kind
  /// The continuous families' zero-terminal-SNR rescale, if asked for.
  let rescale: Rescale?

  /// Precomputed, family-specific constants, computed once in `Double`.
  enum Kind: Sendable {
    case linear
    case cosine(vStart: Double, vEnd: Double)
    case sigmoid(vStart: Double, vEnd: Double)
    /// log γ(k/T) for k = 0...T (index 0 is log 1 = 0), already clipped to [clipMin, 1].
    case discrete(logGamma: [Double])
    /// The constant 2·log(base/resolution).
    case shiftedCosine(offset: Double)
    /// σmin^(1/ρ) and σmax^(1/ρ).
    case edm(a: Double, b: Double)
    case laplace
    case rectifiedFlow
  }

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
    try Schedule.check(spec.clipMin, "clipMin", "a number in (0, 1)") { $0 > 0 && $0 < 1 }
    let kind: Kind
    switch spec.family {
    case .linear:
      kind = .linear
    case .cosine:
      try Schedule.checkStartEndTau(spec)
      // Beyond [0, 1] cos(u·π/2) turns negative and cos^(2τ) is NaN (or no longer decreasing).
      try Schedule.check(spec.start, "start", "a number in [0, 1) for cosine") { $0 >= 0 && $0 < 1 }
      try Schedule.check(spec.end, "end", "a number in (start, 1] for cosine") { $0 <= 1 }
      let vStart = Double.pow(Double.cos(spec.start * .pi / 2), 2 * spec.tau)
      let vEnd = Double.pow(Double.cos(spec.end * .pi / 2), 2 * spec.tau)
      guard vStart > vEnd else {
        // Apart at τ = 1, the two ends are equal only because of τ (1e-300 makes both 1).
        if Double.cos(spec.start * .pi / 2) > Double.cos(spec.end * .pi / 2) {
          throw .invalid(
            field: "tau", value: "\(spec.tau)",
            allowed: "cos(start·π/2)^(2τ) must differ from cos(end·π/2)^(2τ), and at this τ "
              + "they are equal in Double (start = \(spec.start), end = \(spec.end))")
        }
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "cos(start·π/2)^(2τ) must differ from cos(end·π/2)^(2τ) (end = \(spec.end))")
      }
      kind = .cosine(vStart: vStart, vEnd: vEnd)
    case .sigmoid:
      try Schedule.checkStartEndTau(spec)
      let vStart = sigmoid(spec.start / spec.tau)
      let vEnd = sigmoid(spec.end / spec.tau)
      guard vStart < vEnd else {
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "sigmoid(start/τ) must differ from sigmoid(end/τ) (end = \(spec.end), "
            + "τ = \(spec.tau)); they are equal in Double when both saturate")
      }
      kind = .sigmoid(vStart: vStart, vEnd: vEnd)
    case .ddpmLinear, .ddpmScaledLinear, .ddpmCosine:
      kind = .discrete(logGamma: try Schedule.discreteLogGamma(spec))
    case .shiftedCosine:
      try Schedule.check(spec.baseResolution, "baseResolution", "a number > 0") { $0 > 0 }
      try Schedule.check(spec.resolution, "resolution", "a number > 0") { $0 > 0 }
      kind = .shiftedCosine(offset: 2 * Double.log(spec.baseResolution / spec.resolution))
    case .edm:
      try Schedule.check(spec.sigmaMin, "sigmaMin", "a number > 0") { $0 > 0 }
      try Schedule.check(
        spec.sigmaMax, "sigmaMax", "a number > σmin (\(spec.sigmaMin))"
      ) { $0 > spec.sigmaMin }
      try Schedule.check(spec.rho, "rho", "a number > 0") { $0 > 0 }
      let a = Double.pow(spec.sigmaMin, 1 / spec.rho)
      let b = Double.pow(spec.sigmaMax, 1 / spec.rho)
      guard a < b, b.isFinite else {
        throw .invalid(
          field: "rho", value: "\(spec.rho)",
          allowed: "a ρ for which σmin^(1/ρ) < σmax^(1/ρ) stay apart in Double")
      }
      kind = .edm(a: a, b: b)
    case .laplace:
      try Schedule.check(spec.laplaceMu, "laplaceMu", "a finite number") { _ in true }
      try Schedule.check(spec.laplaceBeta, "laplaceBeta", "a number > 0") { $0 > 0 }
      kind = .laplace
    case .rectifiedFlow:
      try Schedule.check(spec.shift, "shift", "a number > 0") { $0 > 0 }
      kind = .rectifiedFlow
    }
    let plain = Schedule(spec: spec, kind: kind, rescale: nil)
    guard spec.zeroTerminalSNR, !spec.family.isDiscrete else {
      self = plain
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
    self.init(spec: spec, kind: kind, rescale: Rescale(sqrtEnd: a1, scale: a0 / (a0 - a1)))
  }

  private init(spec: ScheduleSpec, kind: Kind, rescale: Rescale?) {
    self.spec = spec
    self.kind = kind
    self.rescale = rescale
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

  // MARK: - The families

  /// γ, logSNR and dλ/dt at one t, after the rescale and the clip.
  struct Point {
    var gamma: Double
    var logSNR: Double
    var dLogSNR: Double
  }

  func evaluate(_ t: Double) -> Point {
    let t = Swift.min(Swift.max(t, 0), 1)
    var p = unclipped(t)
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
    if p.gamma.isNaN || p.gamma <= spec.clipMin {
      let g = spec.clipMin
      return Point(gamma: g, logSNR: logit(g), dLogSNR: 0)
    }
    if p.gamma >= 1 {
      return Point(gamma: 1, logSNR: .infinity, dLogSNR: 0)
    }
    return p
  }

  /// The family's γ, logSNR and dλ/dt before any clip, t ∈ [0, 1].
  func unclipped(_ t: Double) -> Point {
    switch kind {
    case .linear:
      let g = 1 - t
      return Point(gamma: g, logSNR: logit(g), dLogSNR: -1 / (g * t))
    case .cosine(let vStart, let vEnd):
      // Algorithm 1 verbatim; d output/dt = −2τ cos^(2τ−1)(u) sin(u) (e−s)π/2.
      let s = spec.start
      let e = spec.end
      let tau = spec.tau
      let u = (t * (e - s) + s) * .pi / 2
      let output = Double.pow(Double.cos(u), 2 * tau)
      let g = (vEnd - output) / (vEnd - vStart)
      let dOutput =
        -2 * tau * Double.pow(Double.cos(u), 2 * tau - 1) * Double.sin(u)
        * (e - s) * .pi / 2
      let dGamma = -dOutput / (vEnd - vStart)
      return Point(gamma: g, logSNR: logit(g), dLogSNR: dGamma / (g * (1 - g)))
    case .sigmoid(let vStart, let vEnd):
      let s = spec.start
      let e = spec.end
      let tau = spec.tau
      let output = sigmoid((t * (e - s) + s) / tau)
      let g = (vEnd - output) / (vEnd - vStart)
      let dOutput = output * (1 - output) * (e - s) / tau
      let dGamma = -dOutput / (vEnd - vStart)
      return Point(gamma: g, logSNR: logit(g), dLogSNR: dGamma / (g * (1 - g)))
    case .discrete(let logGamma):
      let steps = logGamma.count - 1
      let u = t * Double(steps)
      let k = Swift.min(Int(u), steps - 1)
      let w = u - Double(k)
      let slope = logGamma[k + 1] - logGamma[k]
      let lg = logGamma[k] + w * slope
      let g = Double.exp(lg)
      // λ = log γ − log(1 − γ), so dλ/dt = (d log γ/dt)/(1 − γ), and d log γ/dt = T·slope.
      return Point(
        gamma: g, logSNR: lg - Double.log(onePlus: -g),
        dLogSNR: Double(steps) * slope / (1 - g))
    case .shiftedCosine(let offset):
      let lambda = -2 * Double.log(Double.tan(.pi * t / 2)) + offset
      return Point(gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: -2 * .pi / Double.sin(.pi * t))
    case .edm(let a, let b):
      let base = a + t * (b - a)
      let logSigma = spec.rho * Double.log(base)
      let lambda = -2 * logSigma
      return Point(gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: -2 * spec.rho * (b - a) / base)
    case .laplace:
      let mu = spec.laplaceMu
      let beta = spec.laplaceBeta
      // For t < ½: λ = μ − β ln(2t); for t > ½: λ = μ + β ln(2 − 2t); both slopes meet at −2β.
      let lambda = t < 0.5 ? mu - beta * Double.log(2 * t) : mu + beta * Double.log(2 - 2 * t)
      let slope = t < 0.5 ? -beta / t : -beta / (1 - t)
      return Point(gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: slope)
    case .rectifiedFlow:
      let s = spec.shift
      let denominator = 1 + (s - 1) * t
      let tShifted = s * t / denominator
      let lambda = 2 * (Double.log(onePlus: -tShifted) - Double.log(tShifted))
      let dShifted = s / (denominator * denominator)
      let dLambda = -2 / (tShifted * (1 - tShifted)) * dShifted
      let a = 1 - tShifted
      return Point(gamma: a * a / (a * a + tShifted * tShifted), logSNR: lambda, dLogSNR: dLambda)
    }
  }

  // MARK: - Discrete tables (diffusers' betas, in Double)

  /// diffusers' β for a discrete family on T = `spec.trainSteps` steps, in `Double` (diffusers
  /// builds the linear ones in float32; see the tests for the tolerance that follows).
  public static func diffusersBetas(_ spec: ScheduleSpec) throws(ScheduleError) -> [Double] {
    try checkInt(spec.trainSteps, "trainSteps", 2...1_000_000)
    let steps = spec.trainSteps
    // torch.linspace(start, end, T): start + i·(end − start)/(T − 1).
    func linspace(_ a: Double, _ b: Double) -> [Double] {
      (0..<steps).map { a + Double($0) * (b - a) / Double(steps - 1) }
    }
    switch spec.family {
    case .ddpmLinear, .ddpmScaledLinear:
      try check(spec.betaStart, "betaStart", "a number in (0, 1)") { $0 > 0 && $0 < 1 }
      try check(spec.betaEnd, "betaEnd", "a number in (0, 1)") { $0 > 0 && $0 < 1 }
      if spec.family == .ddpmLinear { return linspace(spec.betaStart, spec.betaEnd) }
      return linspace(spec.betaStart.squareRoot(), spec.betaEnd.squareRoot()).map { $0 * $0 }
    case .ddpmCosine:
      // betas_for_alpha_bar(T, max_beta=0.999) with squaredcos_cap_v2's
      // ᾱ(t) = cos²((t+s)/(1+s)·π/2).
      func alphaBar(_ t: Double) -> Double {
        let c = Double.cos((t + 0.008) / 1.008 * .pi / 2)
        return c * c
      }
      return (0..<steps).map { i in
        Swift.min(
          1 - alphaBar(Double(i + 1) / Double(steps)) / alphaBar(Double(i) / Double(steps)),
          0.999)
      }
    default:
      preconditionFailure("\(spec.family) is not a discrete family")
    }
  }

  /// log γ(k/T), k = 0...T, from diffusers' ᾱ (after its zero-terminal-SNR rescale if asked),
  /// clipped to [clipMin, 1].
  static func discreteLogGamma(_ spec: ScheduleSpec) throws(ScheduleError) -> [Double] {
    let betas = try diffusersBetas(spec)
    var alphasCumprod: [Double] = []
    alphasCumprod.reserveCapacity(betas.count)
    var product = 1.0
    for beta in betas {
      product *= 1 - beta
      alphasCumprod.append(product)
    }
    if spec.zeroTerminalSNR {
      // diffusers' rescale_zero_terminal_snr, on √ᾱ.
      let a0 = alphasCumprod[0].squareRoot()
      let aT = alphasCumprod[alphasCumprod.count - 1].squareRoot()
      guard a0 > aT else {
        throw .invalid(
          field: "zeroTerminalSNR", value: "true",
          allowed: "false for a schedule whose ᾱ does not decrease")
      }
      alphasCumprod = alphasCumprod.map { a in
        let r = (a.squareRoot() - aT) * (a0 / (a0 - aT))
        return r * r
      }
    }
    return [0] + alphasCumprod.map { Double.log(Swift.min(Swift.max($0, spec.clipMin), 1)) }
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

  static func checkStartEndTau(_ spec: ScheduleSpec) throws(ScheduleError) {
    try check(spec.start, "start", "a finite number") { _ in true }
    try check(spec.end, "end", "a finite number") { _ in true }
    try check(spec.tau, "tau", "a number > 0") { $0 > 0 }
    guard spec.start < spec.end else {
      throw .invalid(
        field: "end", value: "\(spec.end)",
        allowed: "a number > start (\(spec.start)); start = end is degenerate and end < start "
          + "would make γ increase")
    }
  }
}

extension ScheduleFamily {
  /// diffusers' discrete DDPM families, defined on T steps.
  public var isDiscrete: Bool {
    self == .ddpmLinear || self == .ddpmScaledLinear || self == .ddpmCosine
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
}
