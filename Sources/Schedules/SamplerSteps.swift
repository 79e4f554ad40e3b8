import RealModule

/// The noise levels a sampler visits, made as the tool that samples would make them.
///
/// Three kinds of list, by family:
/// - `ddpm-*` (a discrete T-step table): diffusers' `set_timesteps` of Euler, DDIM or
///   DPM-Solver (multistep), reproduced line by line from their 0.42.1 source: the spacing's
///   timesteps, σ_k = √((1−ᾱ_k)/ᾱ_k) of the table (Euler and DPM-Solver interpolate σ linearly
///   at fractional timesteps), the conversion, then a final 0. The table is diffusers' float32
///   one, rounding included; the rest runs in `Double`, as NumPy does. With `zeroTerminalSNR`,
///   Euler and DPM-Solver set ᾱ_{T−1} = 2⁻²⁴ so the first σ is 4096, not ∞; DDIM keeps
///   ᾱ_{T−1} = 0 (σ = ∞, its level is pure noise).
/// - `rectified-flow`: FlowMatchEulerDiscreteScheduler (T = 1000): σ are the flow's t' (x_t =
///   (1−t')x0 + t'ε), timesteps 1000·t'. The schedule's static shift is applied to σ_min in
///   `__init__` and again in `set_timesteps` (a diffusers quirk, reproduced); its Flux μ (given,
///   or from the image side) is `use_dynamic_shifting` with `set_timesteps(mu=μ)`.
/// - every other family: today's `export --sigmas`, σ_i = e^(−λ_b(t_i)/2) at t_i = 1 − i/N, with
///   timesteps t_i; a conversion runs between the schedule's σ at t = 0 and t = 1.
///
/// The lists agree with the real diffusers' to float32 precision (`scripts/golden_sampler_steps.py`
/// writes the fixture the tests compare against).
public struct SamplerSteps: Sendable {
  public enum Kind: Sendable, Equatable {
    /// A diffusers table of `trainSteps` levels.
    case diffusers(DiffusersScheduler, trainSteps: Int)
    case flowMatch(trainSteps: Int)
    case uniformGrid
  }

  public let kind: Kind
  /// σ_0 … σ_{N−1}, then the final level: N + 1 numbers. Variance-exploding σ, except for
  /// flow-matching lists, whose σ are the flow's t' (as diffusers and ComfyUI hold them).
  public let sigmas: [Double]
  /// N numbers in the scheduler's own units: table index (0 … T−1), 1000·t' for flow matching,
  /// t ∈ [0, 1] on the uniform grid.
  public let timesteps: [Double]
  /// The scaled process's logSNR at each level (+∞ at σ = 0, −∞ at σ = ∞).
  public let logSNR: [Double]
  /// The noisiest level the sampler could start from (its table's t = 1), as logSNR.
  public let noisiestLogSNR: Double
  /// That level's timestep (T − 1 on a table, 1000 for flow matching, 1 on the grid).
  public let noisiestTimestep: Double
  /// diffusers' own behaviours this list carries, one sentence each with its numbers.
  public let quirks: [String]
}

// The lists' constructor in an extension, so the struct keeps Swift's memberwise init (kind,
// sigmas, …, quirks), which each kind's builder returns.
extension SamplerSteps {
  public init(process: NoiseProcess, settings s: SamplerSettings) throws(SamplerError) {
    let spec = process.schedule.spec
    guard s.karrasRho.isFinite, s.karrasRho > 0 else {
      throw SamplerError(.karrasRho, s.karrasRho, "a number > 0 (diffusers uses 7)")
    }
    if spec.family.isDiscrete || spec.family == .rectifiedFlow {
      guard process.inputScale == 1 else {
        throw SamplerError(
          property: "inputScale", process.inputScale,
          "1 for a diffusers list (\(spec.family.rawValue)): diffusers' tables have no input "
            + "scale; `export --diffusers` folds b into trained_betas")
      }
    }
    if spec.family.isDiscrete, process.schedule.shift.offset != 0 {
      throw SamplerError(
        property: process.schedule.shift.isDynamic ? "fluxMu" : "shift",
        process.schedule.shift.isDynamic
          ? shortNumber(process.schedule.shift.mu!) : shortNumber(spec[.shift]),
        "none for a diffusers list (\(spec.family.rawValue)): diffusers' "
          + "\(s.scheduler.className) has no shift; `export --diffusers` folds it into "
          + "trained_betas")
    }
    if spec.family.isDiscrete {
      self = try SamplerSteps.diffusers(spec, s)
    } else if spec.family == .rectifiedFlow {
      self = try SamplerSteps.flowMatch(process.schedule, s)
    } else {
      self = try SamplerSteps.uniform(process, s)
    }
  }

  /// λ = −2 log σ of a variance-exploding σ.
  static func veLogSNR(_ sigma: Double) -> Double {
    sigma == 0 ? .infinity : sigma.isInfinite ? -.infinity : -2 * Double.log(sigma)
  }

  // MARK: - Settings that apply only to some kinds

  static func refuseTableSettings(_ s: SamplerSettings, family: ScheduleFamily) throws(SamplerError)
  {
    let list = family == .rectifiedFlow ? "FlowMatch list" : "uniform t grid"
    let what = "not given: it applies to the ddpm-* tables, not to \(family.rawValue)'s \(list)"
    if let spacing = s.spacing { throw SamplerError(.spacing, spacing.rawValue, what) }
    if s.stepsOffset != 0 { throw SamplerError(.stepsOffset, s.stepsOffset, what) }
    if s.scheduler != .euler { throw SamplerError(.scheduler, s.scheduler.rawValue, what) }
  }

  // MARK: - Conversions (diffusers' _convert_to_karras / _exponential / _beta)

  /// `n` levels from `sigmaMax` down to `sigmaMin` by the conversion; `schedule` is not one.
  static func convert(
    _ conversion: SigmaConversion, max sigmaMax: Double, min sigmaMin: Double, count n: Int,
    rho: Double
  ) -> [Double] {
    // np.linspace(0, 1, n): i/(n−1), and [0] for n = 1.
    let ramp = (0..<n).map { n == 1 ? 0 : Double($0) / Double(n - 1) }
    switch conversion {
    case .schedule:
      preconditionFailure("schedule is no conversion")
    case .karras:
      let minInv = Double.pow(sigmaMin, 1 / rho)
      let maxInv = Double.pow(sigmaMax, 1 / rho)
      return ramp.map { Double.pow(maxInv + $0 * (minInv - maxInv), rho) }
    case .exponential:
      let a = Double.log(sigmaMax)
      let b = Double.log(sigmaMin)
      return ramp.map { Double.exp(a + $0 * (b - a)) }
    case .beta:
      return ramp.map {
        sigmaMin + BetaQuantile.quantile(1 - $0, a: 0.6, b: 0.6) * (sigmaMax - sigmaMin)
      }
    }
  }

  /// Refuses a conversion that needs log σ_min (Karras, exponential) on a list reaching σ = 0.
  static func checkConversionRange(
    _ conversion: SigmaConversion, sigmaMin: Double, where place: String
  ) throws(SamplerError) {
    guard conversion == .karras || conversion == .exponential, !(sigmaMin > 0) else { return }
    throw SamplerError(
      .sigmas, conversion.rawValue,
      "schedule or beta here: \(conversion.rawValue) runs between σ_min and σ_max in log σ "
        + "(or σ^(1/ρ)), and \(place) is 0")
  }
}
