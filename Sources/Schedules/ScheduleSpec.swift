/// The families of noise schedule schedtui knows, each turned into a continuous γ(t).
///
/// Conventions (all families): t ∈ [0, 1], t = 0 is clean data; γ(t) is the signal variance
/// (ᾱ in DDPM notation), so x_t = √γ(t)·b·x0 + √(1−γ(t))·ε with input scale b.
public enum ScheduleFamily: String, CaseIterable, Codable, Sendable {
  /// The paper's γ(t) = 1 − t (Algorithm 1, `simple_linear_schedule`).
  case linear
  /// The paper's cosine schedule with start, end and temperature τ (Algorithm 1).
  case cosine
  /// The paper's sigmoid schedule with start, end and temperature τ (Algorithm 1).
  case sigmoid
  /// diffusers' DDPM `linear`: β linspace(βstart, βend, T).
  case ddpmLinear = "ddpm-linear"
  /// diffusers' DDPM `scaled_linear`: √β linspace, squared (Stable Diffusion).
  case ddpmScaledLinear = "ddpm-scaled-linear"
  /// diffusers' DDPM `squaredcos_cap_v2` (Nichol & Dhariwal, s = 0.008, β ≤ 0.999).
  case ddpmCosine = "ddpm-cosine"
  /// simple diffusion's shifted cosine: logSNR(t) = −2 log tan(πt/2) + 2 log(base/resolution).
  case shiftedCosine = "shifted-cosine"
  /// EDM / Karras σ schedule, ρ = 7 by default, γ = 1/(1+σ²).
  case edm
  /// Hang et al. 2024: logSNR(t) = μ − β·sgn(0.5−t)·ln(1−2|t−0.5|).
  case laplace
  /// Rectified flow x_t = (1−t)x0 + tε with SD3's timestep shift s.
  case rectifiedFlow = "rectified-flow"
}

/// Everything that defines one schedule, as a user edits it and as a config stores it.
///
/// One flat value for every family: each family reads the fields it needs (see
/// ``ScheduleSpec/fields(of:)``) and ignores the rest, so switching family in the explorer keeps
/// the values of the others. Build a ``Schedule`` from it to validate and evaluate.
public struct ScheduleSpec: Equatable, Hashable, Sendable {
  public var family: ScheduleFamily
  /// Cosine/sigmoid: where on the base curve t = 0 starts.
  public var start: Double
  /// Cosine/sigmoid: where on the base curve t = 1 ends.
  public var end: Double
  /// Cosine/sigmoid: temperature τ.
  public var tau: Double
  /// Lower clip of γ (Algorithm 1's `clip_min`).
  public var clipMin: Double
  /// Discrete DDPM families: number of training steps T.
  public var trainSteps: Int
  /// Discrete DDPM linear families: first and last β.
  public var betaStart: Double
  public var betaEnd: Double
  /// Shifted cosine: base resolution and the resolution being trained.
  public var baseResolution: Double
  public var resolution: Double
  /// EDM: σ range and ρ.
  public var sigmaMin: Double
  public var sigmaMax: Double
  public var rho: Double
  /// Laplace: location μ and scale β of logSNR.
  public var laplaceMu: Double
  public var laplaceBeta: Double
  /// Rectified flow: SD3 shift s (t' = s·t / (1 + (s−1)·t)).
  public var shift: Double
  /// Rescale to zero terminal SNR (Lin et al. 2023); applies to any family.
  public var zeroTerminalSNR: Bool

  public init(
    family: ScheduleFamily,
    start: Double? = nil, end: Double? = nil, tau: Double? = nil, clipMin: Double = 1e-9,
    trainSteps: Int = 1000, betaStart: Double? = nil, betaEnd: Double? = nil,
    baseResolution: Double = 64, resolution: Double = 64,
    sigmaMin: Double = 0.002, sigmaMax: Double = 80, rho: Double = 7,
    laplaceMu: Double = 0, laplaceBeta: Double = 0.5, shift: Double = 1,
    zeroTerminalSNR: Bool = false
  ) {
    self.family = family
    let d = ScheduleSpec.defaults(for: family)
    self.start = start ?? d.start
    self.end = end ?? d.end
    self.tau = tau ?? d.tau
    self.clipMin = clipMin
    self.trainSteps = trainSteps
    self.betaStart = betaStart ?? d.betaStart
    self.betaEnd = betaEnd ?? d.betaEnd
    self.baseResolution = baseResolution
    self.resolution = resolution
    self.sigmaMin = sigmaMin
    self.sigmaMax = sigmaMax
    self.rho = rho
    self.laplaceMu = laplaceMu
    self.laplaceBeta = laplaceBeta
    self.shift = shift
    self.zeroTerminalSNR = zeroTerminalSNR
  }

  /// Algorithm 1's defaults for start/end/τ, diffusers' for β.
  static func defaults(for family: ScheduleFamily)
    -> (start: Double, end: Double, tau: Double, betaStart: Double, betaEnd: Double)
  {
    switch family {
    case .sigmoid: return (-3, 3, 1, 0.0001, 0.02)
    case .ddpmScaledLinear: return (0, 1, 1, 0.00085, 0.012)
    default: return (0, 1, 1, 0.0001, 0.02)
    }
  }
}
