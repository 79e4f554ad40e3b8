import RealModule

/// The training objective, split the way Kingma & Gao (2023) and Karras et al. (2022) split it:
/// what the network outputs (``Parameterization``) and how the loss weights noise levels
/// (``LossWeighting``). Derivations: DECISIONS.md, "Objective = parameterisation × weighting".
///
/// Notation, per example, with input scale b and data x0 (pixel values in [−1, 1], RMS σ_d):
///
/// ```
/// α = b·√γ,  σ = √(1−γ),  x_t = α·x0 + σ·ε,  λ = log(α²/σ²)   (the scaled process's logSNR)
/// ```
/// Every parameterisation turns the raw network output F into ε̂ = A·x_t + C·F and
/// x̂0 = P·x_t + Q·F (the same line, solved for x0); the loss is w(λ)·‖ε̂ − ε‖²/D, which is
/// w(λ)·C²·‖F − F*‖²/D with F* = cε·ε + cx·x0 the output that makes ε̂ = ε exactly.
///
/// The coefficients are defined on x_t, not on what the network sees: normalisation divides the
/// network's input by the example's std and changes none of them.

/// What the network outputs.
public enum Parameterization: String, CaseIterable, Sendable, Codable {
  /// F = ε̂ (the paper's Algorithm 2, DDPM).
  case eps
  /// F = x̂0, the clean data in data units; with ``Objective/x0Skip`` λ_s, x̂0 =
  /// c·x_t/α + (1 − c)·F with c = sigmoid(λ − λ_s): F below λ_s, the input's own z/α above.
  case x0
  /// F = v̂ with v = α'·ε − σ'·x0 in the variance-preserving frame α' = α/n, σ' = σ/n,
  /// n = √(α² + σ²) (Salimans & Ho 2022; with b = 1 the usual √γ·ε − √(1−γ)·x0).
  case v
  /// EDM's preconditioning (Karras et al. 2022) for data of RMS σ_d: ε̂ = c_skip·x_t + c_out·F
  /// with s = α·σ_d, n = √(s² + σ²), c_skip = σ/n², c_out = s/n. F's target has unit variance
  /// at every noise level, so the network never has to copy the noise. v is this with σ_d = 1.
  case edm
  /// F = v̂ with v = ε − b·x0, rectified flow's velocity of the data the process noises (SD3,
  /// Flux): for x_t = √γ·(b·x0) + σ·ε, ε̂ = (x_t + √γ·F)/(√γ + σ), x̂0 = (x_t − σ·F)/(b·(√γ + σ)).
  /// On the rectified-flow family (√γ = (1−t)/n, σ = t/n) it is dx/dt of (1−t)·b·x0 + t·ε.
  case flow

  /// The name shown in the explorer and in tables.
  public var displayName: String {
    switch self {
    case .eps: return "ε-prediction"
    case .x0: return "x0-prediction"
    case .v: return "v-prediction"
    case .edm: return "EDM-preconditioned F"
    case .flow: return "flow velocity"
    }
  }

  /// One line for `--help` and the explorer's help.
  public var help: String {
    switch self {
    case .eps: return "ε, as the paper's Algorithm 2"
    case .x0: return "the clean image x0"
    case .v: return "v = α'ε − σ'x0 in the variance-preserving frame"
    case .edm: return "EDM's preconditioned F, ε̂ = c_skip·x_t + c_out·F, a target of unit variance"
    case .flow: return "rectified flow's velocity ε − b·x0 (SD3, Flux)"
    }
  }

  /// The weighting that makes this output's own MSE the loss (ε-MSE for ε and for EDM's F, whose
  /// own MSE weighting would be EDM's; ε-MSE keeps the paper's loss).
  public var ownWeighting: LossWeighting {
    switch self {
    case .eps, .edm: return .epsMSE
    case .x0: return .x0MSE
    case .v: return .vMSE
    case .flow: return .flowMSE
    }
  }
}

/// How the loss weights noise levels, as a factor w(λ) on the ε-MSE ‖ε̂ − ε‖²/D.
public enum LossWeighting: String, CaseIterable, Sendable, Codable {
  /// w = 1: the paper's loss (Algorithm 2) and DDPM's "simple" loss.
  case epsMSE = "eps-mse"
  /// w = e^{−λ}: the MSE of x̂0 in data units (‖x̂0 − x0‖² = (σ/α)²‖ε̂ − ε‖²).
  case x0MSE = "x0-mse"
  /// w = 1 + e^{−λ}: the MSE of v̂ in the variance-preserving frame.
  case vMSE = "v-mse"
  /// w = min(1, γ_min/e^λ): Hang et al. (2023)'s min-SNR-γ, on the ε loss (their
  /// min(SNR, γ)/SNR); γ_min is ``Objective/minSNRGamma``.
  case minSNR = "min-snr"
  /// w = 1 + e^{−λ}/σ_d²: EDM's λ(σ) = (σ² + σ_d²)/(σ·σ_d)² on the x0 loss with σ = e^{−λ/2}
  /// (Kingma & Gao's (e^{−λ} + σ_d²)/σ_d², with EDM's σ_d = 0.5 replaced by the data's RMS).
  case edm
  /// w = (1 + b·e^{−λ/2})²: the MSE of the flow velocity ε − b·x0 (‖v̂ − v‖² = ‖ε̂ − ε‖²·
  /// ((√γ + σ)/√γ)², and σ/√γ = b·e^{−λ/2}); on rectified flow at b = 1, 1/(1 − t)².
  case flowMSE = "flow-mse"

  public var displayName: String {
    switch self {
    case .epsMSE: return "ε-MSE"
    case .x0MSE: return "x0-MSE"
    case .vMSE: return "v-MSE"
    case .minSNR: return "min-SNR-γ"
    case .edm: return "EDM"
    case .flowMSE: return "flow-MSE"
    }
  }

  public var help: String {
    switch self {
    case .epsMSE: return "w = 1, the paper's ε loss"
    case .x0MSE: return "w = e^-λ, the MSE of x0"
    case .vMSE: return "w = 1 + e^-λ, the MSE of v"
    case .minSNR: return "w = min(1, γ/e^λ), Hang et al. 2023"
    case .edm: return "w = 1 + e^-λ/σ_d², Karras et al. 2022"
    case .flowMSE: return "w = (1 + b·e^-λ/2)², the MSE of the flow velocity"
    }
  }
}

/// One objective: a parameterisation, a weighting, and the two numbers they may need.
public struct Objective: Equatable, Sendable {
  /// schedtui's default for both models: the network outputs x0 and the loss is the paper's
  /// ε-MSE up to SNR 5, capped there (min-SNR-5). Measured in README "Sweeps" and DECISIONS.md:
  /// it is the one objective here with which MLP-S learns clean samples at 8 to 32 px and the
  /// sweep shows Table 4's trend; EDM's preconditioned output leaves the up-sampled digits'
  /// within-block noise in the samples, ε-output cannot learn 32 px, x0-MSE flattens the trend.
  public static let defaultPrediction = Parameterization.x0
  public static let defaultWeighting = LossWeighting.minSNR
  /// λ_s of the x0 output's skip path when none is chosen (``x0Skip``): the highest crossover
  /// whose samples measured as clean as the plain output's, and with it the held-out error
  /// falls at every λ (README "The x0 output's skip path", DECISIONS.md 2026-12-05). Runs and
  /// configs recorded without it stay the plain output. UNet-S on photographs takes
  /// ``photographX0Skip`` instead (``ModelKind/defaultX0Skip(photographs:)``).
  public static let defaultX0Skip = 8.0
  /// λ_s for UNet-S on photographs: its floor there (≈ 0.01 per pixel) puts the crossover
  /// −ln f at about 4.6; at 8 its error rose from λ = 4 to 5 and its samples were smoother
  /// than the photographs, at 5 grainier, at 6 their grain measured the photographs' own, with
  /// the error falling and the bound 0.05–0.14 bits/dim below 8's (DECISIONS.md 2026-12-06).
  public static let photographX0Skip = 6.0

  public var prediction: Parameterization
  public var weighting: LossWeighting
  /// γ of min-SNR-γ (Hang et al.'s default 5); used only by ``LossWeighting/minSNR``.
  public var minSNRGamma: Double
  /// σ_d, the RMS of the training data's pixel values (√E[x0²]); used by ``Parameterization/edm``
  /// and ``LossWeighting/edm``.
  public var dataRMS: Double
  /// The input scale b, for ``weight(logSNR:)`` of ``LossWeighting/flowMSE`` alone (its w(λ)
  /// depends on b; ``coefficients(alpha:sigma:)`` reads b from α and σ instead).
  public var inputScale: Double
  /// λ_s of the x0 output's skip path, used only by ``Parameterization/x0``; nil: none (the
  /// plain x0 output of every run before it existed). With it x̂0 = c·x_t/α + (1 − c)·F,
  /// c = sigmoid(λ − λ_s): z/α's error is e^{−λ} per dimension and falls without end, where a
  /// direct x0 output stops at a floor of its own (DECISIONS.md, 2026-12-05).
  public var x0Skip: Double?

  /// `weighting` nil: the prediction's own (``Parameterization/ownWeighting``).
  public init(
    prediction: Parameterization, weighting: LossWeighting? = nil, minSNRGamma: Double = 5,
    dataRMS: Double = 1, inputScale: Double = 1, x0Skip: Double? = nil
  ) {
    self.prediction = prediction
    self.weighting = weighting ?? prediction.ownWeighting
    self.minSNRGamma = minSNRGamma
    self.dataRMS = dataRMS
    self.inputScale = inputScale
    self.x0Skip = x0Skip
  }

  /// The objective's numbers at one noise level, for x_t = α·x0 + σ·ε (α, σ > 0):
  /// ε̂ = skip·x_t + out·F; x̂0 = x0Skip·x_t + x0Out·F; the target F* = targetEps·ε + targetX0·x0;
  /// the loss is `weight`·‖F − F*‖²/D (= w(λ)·‖ε̂ − ε‖²/D).
  public struct Coefficients: Equatable, Sendable {
    public var skip, out: Double
    public var x0Skip, x0Out: Double
    public var targetEps, targetX0: Double
    /// w(λ)·out², the factor on the raw output's squared error.
    public var weight: Double
    /// The factor that puts the raw output's squared error on the scale of its O(1) targets,
    /// for judging divergence: 1, but x0Out² for the x0 skip, whose target F* = x0 −
    /// e^{λ/2−λ_s}·ε grows without bound while x0Out·F* stays within x0 and z/α's noise.
    public var judged: Double = 1
  }

  public func coefficients(alpha a: Double, sigma s: Double) -> Coefficients {
    let lambda = 2 * (Double.log(a) - Double.log(s))
    // √γ = √(1 − σ²) and b = α/√γ: the flow output and weighting need them apart.
    let rootGamma = (1 - s * s).squareRoot()
    let b = a / rootGamma
    var c: Coefficients
    switch prediction {
    case .eps:
      c = Coefficients(
        skip: 0, out: 1, x0Skip: 1 / a, x0Out: -s / a, targetEps: 1, targetX0: 0, weight: 0)
    case .x0:
      if let skipAt = x0Skip {
        // x̂0 = share·x_t/α + k·F with share = sigmoid(λ − λ_s), k = 1 − share; ε̂ = (x_t −
        // α·x̂0)/σ; x̂0 = x0 needs F* = x0 − (share/k)(σ/α)·ε = x0 − e^{λ/2 − λ_s}·ε.
        let share = sigmoid(lambda - skipAt)
        let k = sigmoid(skipAt - lambda)
        c = Coefficients(
          skip: k / s, out: -a * k / s, x0Skip: share / a, x0Out: k,
          targetEps: -Double.exp(lambda / 2 - skipAt), targetX0: 1, weight: 0, judged: k * k)
      } else {
        c = Coefficients(
          skip: 1 / s, out: -a / s, x0Skip: 0, x0Out: 1, targetEps: 0, targetX0: 1, weight: 0)
      }
    case .v, .edm:
      let d = prediction == .v ? 1 : dataRMS
      let signal = a * d
      let n2 = signal * signal + s * s
      let n = n2.squareRoot()
      c = Coefficients(
        skip: s / n2, out: signal / n, x0Skip: a * d * d / n2, x0Out: -s * d / n,
        targetEps: signal / n, targetX0: -s / (d * n), weight: 0)
    case .flow:
      let r = rootGamma + s
      c = Coefficients(
        skip: 1 / r, out: rootGamma / r, x0Skip: 1 / (b * r), x0Out: -s / (b * r),
        targetEps: 1, targetX0: -b, weight: 0)
    }
    let w: Double
    if weighting == .flowMSE {
      // (1 + b·e^{−λ/2})² = ((√γ + σ)/√γ)², from this level's own b.
      let f = (rootGamma + s) / rootGamma
      w = f * f
    } else {
      w = weight(logSNR: lambda)
    }
    c.weight = w * c.out * c.out
    return c
  }

  /// w(λ): the weighting's factor on the ε-MSE at logSNR λ.
  public func weight(logSNR lambda: Double) -> Double {
    switch weighting {
    case .epsMSE: return 1
    case .x0MSE: return Double.exp(-lambda)
    case .vMSE: return 1 + Double.exp(-lambda)
    case .minSNR: return Swift.min(1, minSNRGamma * Double.exp(-lambda))
    case .edm: return 1 + Double.exp(-lambda) / (dataRMS * dataRMS)
    case .flowMSE:
      let f = 1 + inputScale * Double.exp(-lambda / 2)
      return f * f
    }
  }
}
