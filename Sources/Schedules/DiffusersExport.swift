import RealModule

/// A schedule as a diffusers `DDPMScheduler` config: γ(t) carried as `trained_betas` on T steps.
///
/// ```
/// ᾱ_i = γ(i/T),  i = 1 … T,   ᾱ_0 = 1
/// β_i = 1 − ᾱ_i / ᾱ_{i−1}
/// ```
///
/// diffusers then rebuilds `alphas_cumprod[i−1] = ∏_{j≤i} (1 − β_j) = γ(i/T)` (in float32). With an
/// input scale b ≠ 1 and normalisation on, the process x_t/√((b²−1)γ+1) *is* a b = 1 process with
/// γ' = γb²/(γb² + 1 − γ) (``NoiseProcess/equivalentGammaAtUnitScale(_:)``), so γ' is exported;
/// without normalisation it is exported with a warning (the network's input scale then differs).
/// ᾱ_0 = 1 rather than γ(0) so `alphas_cumprod` matches γ(i/T) even where γ(0) < 1 (EDM).
///
/// Edges: β is capped at `maxBeta` (diffusers' own `betas_for_alpha_bar` caps at 0.999, since a
/// β near 1 makes ε-prediction blow up); a capped step, a β too small for float32's 1 − β, and a
/// γ(1) at clipMin (zero terminal SNR: use v-prediction) each add a warning.
public struct DiffusersExport: Sendable {
  /// diffusers' `prediction_type`.
  public enum PredictionType: String, CaseIterable, Sendable {
    case epsilon
    case vPrediction = "v_prediction"
    case sample

    /// Nil for the flow velocity, which `DDPMScheduler` has no `prediction_type` for.
    public init?(_ prediction: Parameterization?) {
      // (The message for that case is ``flowHasNone``.)
      switch prediction {
      case nil, .eps: self = .epsilon
      case .x0: self = .sample
      case .v, .edm: self = .vPrediction
      case .flow: return nil
      }
    }
  }

  /// Why a flow-velocity config has no `DDPMScheduler` export: named, not approximated.
  public static let flowHasNone =
    "training.prediction flow has no DDPMScheduler prediction_type (diffusers' flow-matching "
    + "models use FlowMatchEulerDiscreteScheduler, whose export is not written yet)"

  /// The `prediction_type` for a training config's output: diffusers has no EDM-preconditioned
  /// output, and v-prediction is exactly that preconditioning for unit-variance data (see
  /// ``Parameterization/edm``), so edm maps to v_prediction; none means epsilon. schedtui's v is
  /// defined in the variance-preserving frame, which is diffusers' v on the exported γ'.
  /// β_1 … β_T, as written.
  public let betas: [Double]
  /// γ(i/T) (or γ' at b ≠ 1) for i = 1 … T: what diffusers' `alphas_cumprod` should hold where no
  /// β was capped.
  public let gammas: [Double]
  /// Steps (1-based) whose β was capped at `maxBeta`.
  public let cappedSteps: [Int]
  /// Things the user should know, one sentence each.
  public let warnings: [String]
  /// The `scheduler_config.json` object.
  public let json: JSONValue

  /// `scheduler_config.json`'s text.
  public var schedulerConfig: String { json.rendered() + "\n" }

  /// The diffusers version whose `DDPMScheduler` config keys this writes.
  public static let diffusersVersion = "0.30.0"

  /// Builds the export of `process` on `steps` steps. Throws naming `steps` or `maxBeta`.
  public init(
    process: NoiseProcess, steps: Int, maxBeta: Double = 0.999,
    predictionType: PredictionType = .epsilon
  ) throws(ScheduleError) {
    try Schedule.checkInt(steps, "steps", 2...1_000_000)
    try Schedule.check(maxBeta, "maxBeta", "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
    // On the export's own grid: a γ or logSNR that is not finite would write NaN (`null`) betas.
    try process.checkOutputs(steps: steps)
    let schedule = process.schedule
    var warnings: [String] = []
    let b = process.inputScale
    if b != 1 && !process.normalize {
      warnings.append(
        "input scale b = \(b) without normalisation has no exact DDPM equivalent: exported γ' = "
          + "γb²/(γb²+1−γ) (same logSNR), but x_t then differs by the factor √((b²−1)γ+1)")
    }
    let gammas = (1...steps).map { i in
      b == 1
        ? schedule.gamma(Double(i) / Double(steps))
        : process.equivalentGammaAtUnitScale(Double(i) / Double(steps))
    }
    var betas: [Double] = []
    var capped: [Int] = []
    var tooSmall = 0
    var previous = 1.0
    for (i, g) in gammas.enumerated() {
      var beta = 1 - g / previous
      // γ is non-increasing, so β ≥ 0 up to rounding; never write a negative β.
      beta = Swift.max(beta, 0)
      if beta > maxBeta {
        beta = maxBeta
        capped.append(i + 1)
      }
      // float32 cannot represent 1 − β ≠ 1 below 2^-24, nor any β below its least normal.
      if beta > 0 && beta < 0x1p-24 { tooSmall += 1 }
      if beta < 0x1p-126 { beta = 0 }
      betas.append(beta)
      previous = g
    }
    if !capped.isEmpty {
      let list =
        capped.count <= 5
        ? capped.map(String.init).joined(separator: ", ")
        : "\(capped[0]) … \(capped[capped.count - 1]) (\(capped.count) steps)"
      warnings.append(
        "β capped at max β = \(maxBeta) on step \(list): alphas_cumprod there is larger than "
          + "γ(i/T) (the last is \(betas.reduce(1.0) { $0 * (1 - $1) }) instead of "
          + "\(gammas[gammas.count - 1]))")
    }
    if tooSmall > 0 {
      warnings.append(
        "\(tooSmall) step(s) have β < 2^-24: float32's 1 − β rounds to 1 there, so diffusers' "
          + "alphas_cumprod drifts by up to the sum of those β")
    }
    let spec = schedule.spec
    if schedule.gamma(1) <= spec.clipMin * (1 + 1e-12) {
      warnings.append(
        "γ(1) reaches clipMin (\(spec.clipMin)): the schedule ends at (almost) zero SNR, where "
          + "ε-prediction cannot recover x0; train with prediction_type \"v_prediction\" "
          + "(--prediction-type v_prediction) and, to end at exactly zero SNR in diffusers, set "
          + "rescale_betas_zero_snr: true with timestep_spacing \"trailing\"")
    }
    self.betas = betas
    self.gammas = gammas
    self.cappedSteps = capped
    self.warnings = warnings
    self.json = .object([
      ("_class_name", .string("DDPMScheduler")),
      ("_diffusers_version", .string(DiffusersExport.diffusersVersion)),
      ("num_train_timesteps", .int(steps)),
      ("beta_schedule", .string("linear")),
      ("beta_start", .double(betas[0])),
      ("beta_end", .double(betas[betas.count - 1])),
      ("trained_betas", .array(betas.map(JSONValue.double))),
      ("prediction_type", .string(predictionType.rawValue)),
      ("variance_type", .string("fixed_small")),
      ("clip_sample", .bool(false)),
      ("timestep_spacing", .string("leading")),
      ("steps_offset", .int(0)),
      ("rescale_betas_zero_snr", .bool(false)),
    ])
  }

  /// The steps a schedule is naturally exported on: T for the discrete families, else 1000.
  public static func defaultSteps(for spec: ScheduleSpec) -> Int {
    spec.family.isDiscrete ? spec.trainSteps : 1000
  }
}
