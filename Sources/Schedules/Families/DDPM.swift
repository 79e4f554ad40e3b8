import RealModule

extension ScheduleFamily {
  /// diffusers' DDPM `linear`: β linspace(βstart, βend, T).
  public static let ddpmLinear = ScheduleFamily("ddpm-linear")
  /// diffusers' DDPM `scaled_linear`: √β linspace, squared (Stable Diffusion).
  public static let ddpmScaledLinear = ScheduleFamily("ddpm-scaled-linear")
  /// diffusers' DDPM `squaredcos_cap_v2` (Nichol & Dhariwal, s = 0.008, β ≤ 0.999).
  public static let ddpmCosine = ScheduleFamily("ddpm-cosine")
}

extension ScheduleField {
  /// Discrete DDPM families: number of training steps T.
  public static let trainSteps = ScheduleField(
    "trainSteps", label: "train steps T", default: 1000, allowed: "a whole number ≥ 2",
    bounds: Bounds(DDPM.trainStepsRange), kind: .whole, step: .add(fine: 100, coarse: 1000),
    help: "ddpm-*: number of steps T ≥ 2 (default 1000).")
  /// Discrete DDPM linear families: first β.
  public static let betaStart = ScheduleField(
    "betaStart", label: "β start", default: 0.0001,
    bounds: Bounds(exclusiveMin: 0, exclusiveMax: 1), step: .multiply(fine: 2, coarse: 10),
    help: "ddpm-linear/-scaled-linear: first β in (0, 1) (default 1e-4; 8.5e-4 scaled).")
  /// Discrete DDPM linear families: last β.
  public static let betaEnd = ScheduleField(
    "betaEnd", label: "β end", default: 0.02,
    bounds: Bounds(exclusiveMin: 0, exclusiveMax: 1), step: .multiply(fine: 2, coarse: 10),
    help: "ddpm-linear/-scaled-linear: last β in (0, 1) (default 0.02; 0.012 scaled).")
}

/// diffusers' three DDPM β schedules on T steps, computed in `Double`; γ(k/T) = ᾱ_{k−1}
/// (diffusers' `alphas_cumprod[k−1]`), γ(0) = 1, and log γ linear in between. A linear log γ
/// within a step is what a constant β inside that step gives, so the discrete process is embedded
/// exactly. Zero terminal SNR runs on the T-step table as diffusers' `rescale_zero_terminal_snr`.
enum DDPM {
  /// T: two steps at least (one step has no interior), and a table of at most a million.
  static let trainStepsRange = 2...1_000_000
  static let linear = FamilyDefinition(
    family: .ddpmLinear, help: "diffusers' DDPM linear β",
    formula: "diffusers `linear`: β = linspace(β₀, β₁, T)",
    fields: [.trainSteps, .betaStart, .betaEnd], isDiscrete: true,
    curve: Curve.self)
  static let scaledLinear = FamilyDefinition(
    family: .ddpmScaledLinear, help: "diffusers' scaled linear β (Stable Diffusion)",
    formula: "diffusers `scaled_linear`: β = linspace(√β₀, √β₁, T)²",
    fields: [.trainSteps, .betaStart.defaulting(to: 0.00085), .betaEnd.defaulting(to: 0.012)],
    isDiscrete: true, curve: Curve.self)
  static let cosine = FamilyDefinition(
    family: .ddpmCosine, help: "diffusers' squaredcos_cap_v2 (Nichol & Dhariwal)",
    formula: "diffusers `squaredcos_cap_v2`: s = 0.008, β ≤ 0.999",
    fields: [.trainSteps], isDiscrete: true,
    curve: Curve.self)

  /// The table of log γ(k/T), k = 0...T (index 0 is log 1 = 0), already clipped to [clipMin, 1].
  struct Curve: FamilyCurve {
    let logGamma: [Double]

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      logGamma = try DDPM.logGamma(spec)
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      let steps = logGamma.count - 1
      let u = t * Double(steps)
      let k = Swift.min(Int(u), steps - 1)
      let w = u - Double(k)
      let slope = logGamma[k + 1] - logGamma[k]
      let lg = logGamma[k] + w * slope
      let g = Double.exp(lg)
      // λ = log γ − log(1 − γ), so dλ/dt = (d log γ/dt)/(1 − γ), and d log γ/dt = T·slope.
      return Schedule.Point(
        gamma: g, logSNR: lg - Double.log(onePlus: -g),
        dLogSNR: Double(steps) * slope / (1 - g))
    }

    var python: PythonSnippet {
      let rows = stride(from: 0, to: logGamma.count, by: 4).map { i in
        "    "
          + logGamma[i..<Swift.min(i + 4, logGamma.count)].map { JSONValue.number($0) }
          .joined(separator: ", ") + ","
      }
      return PythonSnippet(
        constants: [
          "# log γ(k/T), k = 0 … T: diffusers' alphas_cumprod (in float64) with γ(0) = 1, clipped.",
          "LOG_GAMMA = [\n" + rows.joined(separator: "\n") + "\n]",
        ],
        body: """
              # log γ is linear in t between grid points (a constant β within each step).
              steps = len(LOG_GAMMA) - 1
              table = _table(xp, t, LOG_GAMMA)
              u = t * steps
              k = xp.clip(xp.floor(u), None, steps - 1)
              w = u - k
              k = _index(xp, k)
              lg = table[k] + w * (table[k + 1] - table[k])
              g = xp.exp(lg)
              return g, lg - xp.log1p(-g)
          """)
    }
  }

  /// log γ(k/T), k = 0...T, from diffusers' ᾱ (after its zero-terminal-SNR rescale if asked),
  /// clipped to [clipMin, 1].
  static func logGamma(_ spec: ScheduleSpec) throws(ScheduleError) -> [Double] {
    let betas = try Schedule.diffusersBetas(spec)
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
}

extension Schedule {
  /// diffusers' β for a discrete family on T = `spec.trainSteps` steps, in `Double` (diffusers
  /// builds the linear ones in float32; see the tests for the tolerance that follows).
  public static func diffusersBetas(_ spec: ScheduleSpec) throws(ScheduleError) -> [Double] {
    try checkInt(spec.trainSteps, "trainSteps", DDPM.trainStepsRange)
    let steps = spec.trainSteps
    // torch.linspace(start, end, T): start + i·(end − start)/(T − 1).
    func linspace(_ a: Double, _ b: Double) -> [Double] {
      (0..<steps).map { a + Double($0) * (b - a) / Double(steps - 1) }
    }
    switch spec.family {
    case .ddpmLinear, .ddpmScaledLinear:
      try ScheduleField.betaStart.check(spec[.betaStart])
      try ScheduleField.betaEnd.check(spec[.betaEnd])
      if spec.family == .ddpmLinear { return linspace(spec[.betaStart], spec[.betaEnd]) }
      return linspace(spec[.betaStart].squareRoot(), spec[.betaEnd].squareRoot()).map { $0 * $0 }
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
}
