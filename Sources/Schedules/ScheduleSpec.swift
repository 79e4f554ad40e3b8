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

/// One parameter of a ``ScheduleSpec``, with the names it has in Swift, in a config file and on the
/// command line, so every error message can name the field the way the user wrote it.
public enum ScheduleField: String, CaseIterable, Sendable {
  case start, end, tau, clipMin, trainSteps, betaStart, betaEnd, baseResolution, resolution
  case sigmaMin, sigmaMax, rho, laplaceMu, laplaceBeta, shift, zeroTerminalSNR

  /// The key in a config's `schedule` object: `clip_min`, `beta_start`, ….
  public var jsonKey: String {
    switch self {
    case .zeroTerminalSNR: return "zero_terminal_snr"
    default:
      var out = ""
      for c in rawValue {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
      }
      return out
    }
  }

  /// The command-line option: `--clip-min`, `--beta-start`, …. `resolution` becomes
  /// `--target-resolution` so it does not collide with the training commands' `--resolution`.
  public var option: String {
    switch self {
    case .resolution: return "--target-resolution"
    case .zeroTerminalSNR: return "--zero-terminal-snr"
    default: return "--" + jsonKey.replacingUnderscores()
    }
  }

  /// The name the explorer's parameter list shows: `τ`, `β start`, `σ min`, ….
  public var label: String {
    switch self {
    case .start: return "start"
    case .end: return "end"
    case .tau: return "τ"
    case .clipMin: return "clipMin"
    case .trainSteps: return "train steps T"
    case .betaStart: return "β start"
    case .betaEnd: return "β end"
    case .baseResolution: return "base resolution"
    case .resolution: return "resolution"
    case .sigmaMin: return "σ min"
    case .sigmaMax: return "σ max"
    case .rho: return "ρ"
    case .laplaceMu: return "μ"
    case .laplaceBeta: return "β (scale)"
    case .shift: return "shift s"
    case .zeroTerminalSNR: return "zero terminal SNR"
    }
  }
}

extension String {
  fileprivate func replacingUnderscores() -> String {
    String(map { $0 == "_" ? "-" : $0 })
  }
}

extension ScheduleSpec {
  /// The fields `family` reads, besides `clipMin` and `zeroTerminalSNR`, which every family reads.
  ///
  /// A config stores exactly these (plus the two common ones); the command line rejects the others.
  public static func fields(of family: ScheduleFamily) -> [ScheduleField] {
    switch family {
    case .linear: return []
    case .cosine, .sigmoid: return [.start, .end, .tau]
    case .ddpmLinear, .ddpmScaledLinear: return [.trainSteps, .betaStart, .betaEnd]
    case .ddpmCosine: return [.trainSteps]
    case .shiftedCosine: return [.baseResolution, .resolution]
    case .edm: return [.sigmaMin, .sigmaMax, .rho]
    case .laplace: return [.laplaceMu, .laplaceBeta]
    case .rectifiedFlow: return [.shift]
    }
  }

  /// Every field `family` reads, the common ones last.
  public static func allFields(of family: ScheduleFamily) -> [ScheduleField] {
    fields(of: family) + [.clipMin, .zeroTerminalSNR]
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

  /// Reads or writes one field as a `Double` (`trainSteps` and `zeroTerminalSNR` convert; the
  /// setter truncates nothing: callers check integrality first, as the config reader does).
  public subscript(field: ScheduleField) -> Double {
    get {
      switch field {
      case .start: return start
      case .end: return end
      case .tau: return tau
      case .clipMin: return clipMin
      case .trainSteps: return Double(trainSteps)
      case .betaStart: return betaStart
      case .betaEnd: return betaEnd
      case .baseResolution: return baseResolution
      case .resolution: return resolution
      case .sigmaMin: return sigmaMin
      case .sigmaMax: return sigmaMax
      case .rho: return rho
      case .laplaceMu: return laplaceMu
      case .laplaceBeta: return laplaceBeta
      case .shift: return shift
      case .zeroTerminalSNR: return zeroTerminalSNR ? 1 : 0
      }
    }
    set {
      switch field {
      case .start: start = newValue
      case .end: end = newValue
      case .tau: tau = newValue
      case .clipMin: clipMin = newValue
      case .trainSteps:
        precondition(
          newValue == newValue.rounded() && abs(newValue) < 1e15, "trainSteps \(newValue)")
        trainSteps = Int(newValue)
      case .betaStart: betaStart = newValue
      case .betaEnd: betaEnd = newValue
      case .baseResolution: baseResolution = newValue
      case .resolution: resolution = newValue
      case .sigmaMin: sigmaMin = newValue
      case .sigmaMax: sigmaMax = newValue
      case .rho: rho = newValue
      case .laplaceMu: laplaceMu = newValue
      case .laplaceBeta: laplaceBeta = newValue
      case .shift: shift = newValue
      case .zeroTerminalSNR: zeroTerminalSNR = newValue != 0
      }
    }
  }
}
