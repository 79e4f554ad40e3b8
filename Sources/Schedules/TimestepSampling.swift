import RealModule

/// How training draws its noise levels: the density of t, separate from the schedule γ(t).
///
/// The paper draws t ~ U(0, 1) and lets the schedule decide which logSNRs that visits. Today's
/// rectified-flow trainers keep a simple schedule and change the density of t instead (SD3's
/// logit-normal and "mode" sampling), and EDM draws the noise level itself. Every one of them is
/// a density p(λ) on the logSNR axis the explorer draws:
///
/// ```
/// p(λ) = p_t(t(λ)) · |dt/dλ|          (uniform, logit-normal, mode: t is drawn)
/// p(λ) = N(λ; −2·P_mean, (2·P_std)²)  (lognormal: ln σ ~ N(P_mean, P_std²), λ = −2·ln σ)
/// ```
///
/// t = 1 is pure noise, as everywhere in schedtui and in SD3's paper (x_t = (1−t)·x0 + t·ε).
/// For lognormal σ is the variance-exploding noise level σ/α of the scaled process, so λ is the
/// scaled process's logSNR and b does not move the density: b only changes which t a λ falls at.
public enum TimestepSampling: Hashable, Sendable {
  /// t ~ U(0, 1): the paper's, and schedtui's default.
  case uniform
  /// t = sigmoid(mean + std·n), n ~ N(0, 1) (SD3; diffusers' `logit_normal`).
  case logitNormal(mean: Double, std: Double)
  /// t = 1 − u − scale·(cos²(πu/2) − 1 + u), u ~ U(0, 1) (SD3's mode sampling; diffusers'
  /// `mode` with `mode_scale`).
  case mode(scale: Double)
  /// ln σ ~ N(mean, std²) with σ the VE noise level: λ = −2·ln σ is drawn, not t (EDM).
  case logNormal(mean: Double, std: Double)

  /// The defaults a bare name takes: SD3's logit-normal (0, 1), diffusers' mode scale 1.29 and
  /// EDM's (−1.2, 1.2).
  public static let defaultLogitNormal = TimestepSampling.logitNormal(mean: 0, std: 1)
  public static let defaultMode = TimestepSampling.mode(scale: 1.29)
  public static let defaultLogNormal = TimestepSampling.logNormal(mean: -1.2, std: 1.2)

  /// The mode scales for which t(u) stays strictly decreasing on [0, 1]:
  /// dt/du = −1 − S + (Sπ/2)·sin(πu) is negative for every u exactly when −1 < S < 1/(π/2 − 1).
  public static let modeScaleUpper = 1 / (Double.pi / 2 - 1)

  /// What `--t-sampling` and `training.t_sampling` take.
  public static let allowed =
    "uniform, logit-normal:M:S (S > 0; default 0:1), mode:S (−1 < S < "
    + "\(short(modeScaleUpper)); default 1.29) or lognormal:PMEAN:PSTD (PSTD > 0; "
    + "default -1.2:1.2)"

  /// The names, as a user types them.
  public static let names = ["uniform", "logit-normal", "mode", "lognormal"]

  /// The JSON Schema's pattern of the typed forms: each kind's name, then optionally as many
  /// `:number`s as it takes (whether they are numbers in range is schedtui's check).
  public static var pattern: String {
    let forms = Kind.allCases.map { kind in
      let n = kind.defaultSampling.parameters.count
      return kind.rawValue + (n == 0 ? "" : "(" + String(repeating: ":[^:]+", count: n) + ")?")
    }
    return "^(" + forms.joined(separator: "|") + ")$"
  }

  /// Reads `uniform`, `logit-normal[:M:S]`, `mode[:S]` or `lognormal[:PMEAN:PSTD]`; throws
  /// naming `tSampling`, the text and what is allowed.
  public init(parsing text: String) throws(ScheduleError) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let numbers = parts.dropFirst().map { Double($0) }
    func refuse(_ why: String = TimestepSampling.allowed) -> ScheduleError {
      .invalid(field: "tSampling", value: text, allowed: why)
    }
    guard numbers.allSatisfy({ $0 != nil && $0!.isFinite }) else { throw refuse() }
    let n = numbers.map { $0! }
    switch (parts[0], n.count) {
    case ("uniform", 0): self = .uniform
    case ("logit-normal", 0): self = Self.defaultLogitNormal
    case ("logit-normal", 2): self = .logitNormal(mean: n[0], std: n[1])
    case ("mode", 0): self = Self.defaultMode
    case ("mode", 1): self = .mode(scale: n[0])
    case ("lognormal", 0): self = Self.defaultLogNormal
    case ("lognormal", 2): self = .logNormal(mean: n[0], std: n[1])
    default: throw refuse()
    }
    do { try validate() } catch { throw refuse(error.allowedText) }
  }

  /// Checks the parameters; the error names `tSampling` and says what is wrong.
  public func validate() throws(ScheduleError) {
    func refuse(_ why: String) -> ScheduleError {
      .invalid(field: "tSampling", value: name, allowed: why)
    }
    switch self {
    case .uniform: return
    case .logitNormal(let mean, let std), .logNormal(let mean, let std):
      guard mean.isFinite else { throw refuse("a finite mean") }
      guard std.isFinite, std > 0 else { throw refuse("a standard deviation > 0") }
    case .mode(let s):
      guard s > -1, s < Self.modeScaleUpper else {
        throw refuse(
          "a mode scale S with −1 < S < 1/(π/2 − 1) = \(Self.short(Self.modeScaleUpper)), "
            + "where t(u) stays decreasing")
      }
    }
  }

  /// The canonical text: `uniform`, `logit-normal:0:1`, `mode:1.29`, `lognormal:-1.2:1.2`
  /// (shortest numbers, so `0.20` and `0.2` name the same sampling).
  public var name: String {
    switch self {
    case .uniform: return "uniform"
    case .logitNormal(let m, let s): return "logit-normal:\(Self.short(m)):\(Self.short(s))"
    case .mode(let s): return "mode:\(Self.short(s))"
    case .logNormal(let m, let s): return "lognormal:\(Self.short(m)):\(Self.short(s))"
    }
  }

  /// Whether λ is drawn directly (lognormal) rather than t.
  public var drawsLogSNR: Bool {
    if case .logNormal = self { return true }
    return false
  }

  // MARK: - The density of t

  /// p_t(t) on [0, 1]; nil for lognormal, which draws λ.
  public func densityOfT(_ t: Double) -> Double? {
    guard t >= 0, t <= 1 else { return 0 }
    switch self {
    case .uniform: return 1
    case .logitNormal(let m, let s):
      guard t > 0, t < 1 else { return 0 }
      let z = (Double.log(t) - Double.log(onePlus: -t) - m) / s
      return Double.exp(-z * z / 2) / (s * (2 * Double.pi).squareRoot() * t * (1 - t))
    case .mode(let s):
      return 1 / Swift.abs(Self.modeSlope(Self.modeU(forT: t, scale: s), scale: s))
    case .logNormal: return nil
    }
  }

  /// P(T ≤ t); nil for lognormal.
  public func cdfOfT(_ t: Double) -> Double? {
    let t = Swift.min(Swift.max(t, 0), 1)
    switch self {
    case .uniform: return t
    case .logitNormal(let m, let s):
      if t == 0 { return 0 }
      if t == 1 { return 1 }
      return normalCDF((Double.log(t) - Double.log(onePlus: -t) - m) / s)
    case .mode(let s):
      // t(u) decreases, so T ≤ t exactly when u ≥ u(t).
      return 1 - Self.modeU(forT: t, scale: s)
    case .logNormal: return nil
    }
  }

  /// The t (or, for lognormal, the λ) one draw gives from a uniform `u` ∈ [0, 1) and a standard
  /// normal `n`: each sampling uses one of them. Pure, so the engine's generator, NumPy and
  /// diffusers can be compared draw by draw.
  public func draw(uniform u: Double, normal n: Double) -> Double {
    switch self {
    case .uniform: return u
    case .logitNormal(let m, let s): return sigmoid(m + s * n)
    case .mode(let s): return Self.modeT(u, scale: s)
    case .logNormal(let m, let s): return -2 * (m + s * n)
    }
  }

  /// SD3's f_mode(u) = 1 − u − S·(cos²(πu/2) − 1 + u).
  static func modeT(_ u: Double, scale s: Double) -> Double {
    let c = Double.cos(Double.pi * u / 2)
    return 1 - u - s * (c * c - 1 + u)
  }

  /// d f_mode / du = −1 − S + (Sπ/2)·sin(πu).
  static func modeSlope(_ u: Double, scale s: Double) -> Double {
    -1 - s + s * Double.pi / 2 * Double.sin(Double.pi * u)
  }

  /// The u with f_mode(u) = t, by bisection on the decreasing f_mode (to the last bit of u).
  static func modeU(forT t: Double, scale s: Double) -> Double {
    var lo = 0.0
    var hi = 1.0
    while true {
      let mid = lo + (hi - lo) / 2
      if mid <= lo || mid >= hi { return mid }
      if modeT(mid, scale: s) > t { lo = mid } else { hi = mid }
    }
  }

  static func short(_ x: Double) -> String {
    x == x.rounded() && Swift.abs(x) < 1e15 ? "\(Int(x))" : "\(x)"
  }
}

extension ScheduleError {
  /// The `allowed` text of an ``invalid(field:value:allowed:)``.
  public var allowedText: String {
    switch self {
    case .invalid(_, _, let allowed): return allowed
    }
  }
}

/// Φ(z) for the standard normal, through erfc so the far tails keep their relative precision.
func normalCDF(_ z: Double) -> Double {
  0.5 * Double.erfc(-z / 2.0.squareRoot())
}

extension NoiseProcess {
  /// The density of the scaled process's logSNR λ when training draws with `sampling`, at λ:
  ///
  /// ```
  /// p(λ) = p_t(t(λ)) / |dλ/dt|      (t drawn)
  /// p(λ) = N(λ; −2·P_mean, (2·P_std)²)   (lognormal)
  /// ```
  ///
  /// 0 outside the λ the schedule covers (for t drawn) and where γ is clipped: those stretches of
  /// t are point masses (``clippedMass(sampling:)``).
  public func logSNRDensity(atLogSNR lambda: Double, sampling: TimestepSampling) -> Double {
    guard lambda.isFinite else { return 0 }
    if case .logNormal(let m, let s) = sampling { return Self.gaussian(lambda, -2 * m, 2 * s) }
    guard lambda < logSNR(0), lambda > logSNR(1) else { return 0 }
    return logSNRDensity(atT: t(forLogSNR: lambda), sampling: sampling)
  }

  /// p(λ) at the λ that `t` maps to (see ``logSNRDensity(atLogSNR:sampling:)``): for t drawn,
  /// p_t(t)/|dλ/dt|, 0 where γ is clipped; for lognormal, the Gaussian at λ(t).
  public func logSNRDensity(atT t: Double, sampling: TimestepSampling) -> Double {
    if case .logNormal(let m, let s) = sampling {
      let lambda = logSNR(t)
      return lambda.isFinite ? Self.gaussian(lambda, -2 * m, 2 * s) : 0
    }
    let slope = schedule.dLogSNRdt(t)
    guard slope != 0, slope.isFinite, let pt = sampling.densityOfT(t) else { return 0 }
    return pt / Swift.abs(slope)
  }

  /// The probability that a draw lands where γ is clipped (at clipMin or at 1): λ is one value
  /// there, a point mass the density does not show. For lognormal, the probability of a λ beyond
  /// the schedule's range, which the trainer conditions on as drawn but a sampler's t cannot reach.
  public func clippedMass(sampling: TimestepSampling) -> Double {
    if case .logNormal(let m, let s) = sampling {
      let top = logSNR(0)
      let bottom = logSNR(1)
      let above = top.isFinite ? 1 - normalCDF((top + 2 * m) / (2 * s)) : 0
      let below = bottom.isFinite ? normalCDF((bottom + 2 * m) / (2 * s)) : 0
      return above + below
    }
    let (tLow, tHigh) = clippedEnds
    let cdf = { (t: Double) in sampling.cdfOfT(t) ?? t }
    return (1 - cdf(tLow)) + cdf(tHigh)
  }

  /// Where the clipped stretches of t begin and end: γ ≤ clipMin from `low` to 1, γ = 1 from 0
  /// to `high` (1 and 0 when γ is not clipped there), through the schedule's own inverse.
  var clippedEnds: (low: Double, high: Double) {
    let s = schedule
    let low = s.gamma(1) <= s.spec.clipMin ? (try? s.t(forGamma: s.spec.clipMin)) ?? 1 : 1
    let high = s.gamma(0) >= 1 ? (try? s.t(forGamma: (1.0).nextDown)) ?? 0 : 0
    return (low, high)
  }

  static func gaussian(_ x: Double, _ mean: Double, _ std: Double) -> Double {
    let z = (x - mean) / std
    return Double.exp(-z * z / 2) / (std * (2 * Double.pi).squareRoot())
  }
}

/// Stored by its canonical ``TimestepSampling/name`` (summary.json, checkpoints, sweep.json), the
/// same text a user types, so a file reads back through the same refusals.
extension TimestepSampling: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    do { self = try TimestepSampling(parsing: text) } catch {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(name)
  }
}

extension NoiseProcess {
  /// The share of training draws under `sampling` whose logSNR is below `lambda` (λ falls as t
  /// rises): P(T > t(λ)) for t drawn, including the point mass where γ is clipped at clipMin;
  /// Φ((λ + 2·P_mean)/(2·P_std)) for lognormal.
  public func shareBelow(logSNR lambda: Double, sampling: TimestepSampling) -> Double {
    if case .logNormal(let m, let s) = sampling { return normalCDF((lambda + 2 * m) / (2 * s)) }
    if lambda <= logSNR(1) { return 0 }
    if lambda > logSNR(0) { return 1 }
    return 1 - (sampling.cdfOfT(t(forLogSNR: lambda)) ?? 0)
  }

  /// The share of a run's training draws below its conditioning floor.
  public static let rarelyTrainedShare = 0.001

  /// The share of a run's loss weight below its conditioning floor.
  public static let rarelyWeightedShare = 1e-6

  /// The lowest λ a run's network is told when sampling and scoring, within ±`limit`: the
  /// higher of the level under which its training drew ``rarelyTrainedShare`` (0.1 %) of its
  /// examples and the level under which those examples carried ``rarelyWeightedShare`` (a
  /// millionth) of its loss weight (``weightShareBelow(logSNR:sampling:objective:limit:)``).
  /// Below it the network was hardly trained: few examples, or examples the loss barely
  /// counted (the x0 output's weight is about e^λ there). It is told the floor there while z
  /// keeps its true noise; a fixed denoiser's error falls as the signal grows, so the held-out
  /// error cannot wander below the floor as an untrained conditioning's output did
  /// (DECISIONS.md 2026-12-06, two entries). For γ = 1 − t at b = 1 with uniform t: −6.91 by
  /// draws (λ(t = 0.999)); −6.27 by weight for the x0 output under min-SNR-5.
  public func conditioningFloor(
    sampling: TimestepSampling, objective: Objective, limit: Double = 40
  ) -> Double {
    Swift.max(
      drawnFloor(sampling: sampling, limit: limit),
      weightedFloor(sampling: sampling, objective: objective, limit: limit))
  }

  /// The range of λ training draws, within ±`limit`: the schedule's, or ±`limit` for
  /// lognormal, which draws λ itself.
  func drawnRange(sampling: TimestepSampling, limit: Double) -> (low: Double, high: Double) {
    if sampling.drawsLogSNR { return (-limit, limit) }
    return (Swift.max(-limit, logSNR(1)), Swift.min(limit, logSNR(0)))
  }

  /// The λ under which training drew ``rarelyTrainedShare`` of its examples (bisection on
  /// ``shareBelow(logSNR:sampling:)``), or the lowest λ drawn when the clip alone holds more.
  func drawnFloor(sampling: TimestepSampling, limit: Double) -> Double {
    let share = Self.rarelyTrainedShare
    var (lo, hi) = drawnRange(sampling: sampling, limit: limit)
    guard lo < hi, shareBelow(logSNR: lo.nextUp, sampling: sampling) < share else { return lo }
    for _ in 0..<200 where hi - lo > 1e-9 {
      let mid = (lo + hi) / 2
      if shareBelow(logSNR: mid, sampling: sampling) < share { lo = mid } else { hi = mid }
    }
    return lo
  }

  /// The λ under which training put ``rarelyWeightedShare`` of its loss weight, or the lowest
  /// λ drawn when its point mass alone holds more.
  func weightedFloor(sampling: TimestepSampling, objective: Objective, limit: Double) -> Double {
    let table = weightTable(sampling: sampling, objective: objective, limit: limit)
    let target = Self.rarelyWeightedShare * table.total
    guard let i = table.below.firstIndex(where: { $0 >= target }), i > 0 else {
      return table.lambdas[0]
    }
    // Linear between the two grid points around the crossing (0.005 apart).
    let (c0, c1) = (table.below[i - 1], table.below[i])
    let f = c1 > c0 ? (target - c0) / (c1 - c0) : 0
    return table.lambdas[i - 1] + f * (table.lambdas[i] - table.lambdas[i - 1])
  }

  /// The share of a run's loss weight on examples whose λ is below `lambda`:
  ///
  /// ```
  /// ∫_{λ' < λ} p(λ')·W(λ') dλ' / ∫ p(λ')·W(λ') dλ'      W = w(λ)·out² (Objective.Coefficients.weight)
  /// ```
  ///
  /// W is the weight on the network's own output's squared error, the part of the loss whose
  /// gradient trains it at λ: 1 for the ε output under ε-MSE, min(e^λ, γ)·k² for the x0
  /// output under min-SNR-γ. The draws where γ is clipped are point masses at the ends.
  public func weightShareBelow(
    logSNR lambda: Double, sampling: TimestepSampling, objective: Objective, limit: Double = 40
  ) -> Double {
    let table = weightTable(sampling: sampling, objective: objective, limit: limit)
    guard table.total > 0 else { return 0 }
    guard let i = table.lambdas.firstIndex(where: { $0 >= lambda }) else { return 1 }
    if i == 0 { return lambda < table.lambdas[0] ? 0 : table.below[0] / table.total }
    let (l0, l1) = (table.lambdas[i - 1], table.lambdas[i])
    let f = (lambda - l0) / (l1 - l0)
    return (table.below[i - 1] + f * (table.below[i] - table.below[i - 1])) / table.total
  }

  /// ∫ p·W up to each λ of a grid of step ≤ 0.005 over the range drawn (trapezoids), starting
  /// with the bottom point mass; `total` adds the top one.
  func weightTable(sampling: TimestepSampling, objective: Objective, limit: Double)
    -> (lambdas: [Double], below: [Double], total: Double)
  {
    let (lo, hi) = drawnRange(sampling: sampling, limit: limit)
    func weight(_ lambda: Double) -> Double {
      // As the trainer noises an example at λ (σ floored as there).
      let (alpha, sigma) = Self.scales(atLogSNR: lambda, inputScale: inputScale)
      return objective.coefficients(alpha: alpha, sigma: Swift.max(sigma, Self.sigmaFloor)).weight
    }
    guard lo < hi else { return ([lo], [weight(lo)], weight(lo)) }
    let n = Int(((hi - lo) / 0.005).rounded(.up))
    let h = (hi - lo) / Double(n)
    let lambdas = (0...n).map { lo + Double($0) * h }
    let mass = lambdas.map { logSNRDensity(atLogSNR: $0, sampling: sampling) * weight($0) }
    var below = [Double](repeating: 0, count: n + 1)
    below[0] = shareBelow(logSNR: lo.nextUp, sampling: sampling) * weight(lo)
    for i in 1...n { below[i] = below[i - 1] + (mass[i - 1] + mass[i]) * h / 2 }
    let top = (1 - shareBelow(logSNR: hi.nextDown, sampling: sampling)) * weight(hi)
    return (lambdas, below, below[n] + top)
  }
}
