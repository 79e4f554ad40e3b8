import RealModule

/// The ddpm-* lists: diffusers 0.42.1's `set_timesteps` of EulerDiscreteScheduler,
/// DDIMScheduler and DPMSolverMultistepScheduler, line by line (NumPy's linspace, arange and
/// round-half-to-even included), on the table ᾱ_k, k = 0 … T−1.
extension SamplerSteps {
  static func diffusers(_ spec: ScheduleSpec, _ s: SamplerSettings) throws(SamplerError)
    -> SamplerSteps
  {
    let T = spec.trainSteps
    let n = s.steps
    guard (1...T).contains(n) else {
      throw SamplerError(
        .steps, n, "a whole number in [1, \(T)] (the table has T = \(T) levels, --train-steps)")
    }
    let scheduler = s.scheduler
    if scheduler == .ddim, let flag = s.conversion.diffusersFlag {
      throw SamplerError(
        .sigmas, s.conversion.rawValue,
        "schedule with --scheduler ddim: diffusers' DDIMScheduler has no \(flag) (it raises "
          + "TypeError)")
    }
    var quirks: [String] = []
    let tableSigma = tableSigmas(tableAlphasCumprod(spec, scheduler: scheduler))
    let spacing = s.effectiveSpacing
    let offset = spacing == .leading ? s.stepsOffset : 0
    if s.stepsOffset != 0, spacing != .leading {
      quirks.append(
        "steps_offset \(s.stepsOffset) is ignored: diffusers adds it to leading's timesteps "
          + "only, not to \(spacing.rawValue)'s")
    }

    // The spacing's timesteps, largest first.
    var timesteps: [Double]
    switch (spacing, scheduler) {
    case (.linspace, .euler):
      // np.linspace(0, T−1, N, dtype=float32): computed in float64, stored in float32.
      timesteps = linspace(0, Double(T - 1), n).reversed().map { Double(Float($0)) }
    case (.linspace, .ddim):
      timesteps = linspace(0, Double(T - 1), n).reversed().map { $0.rounded(.toNearestOrEven) }
    case (.linspace, .dpmSolver):
      timesteps = Array(
        linspace(0, Double(T - 1), n + 1).map { $0.rounded(.toNearestOrEven) }.reversed()
          .dropLast())
    case (.leading, .euler), (.leading, .ddim):
      let ratio = T / n
      timesteps = (0..<n).reversed().map { Double($0 * ratio + offset) }
    case (.leading, .dpmSolver):
      let ratio = T / (n + 1)
      timesteps = (1...n).reversed().map { Double($0 * ratio + offset) }
    case (.trailing, _):
      // np.arange(T, 0, −T/N).round() − 1; arange's length is ceil(T/(T/N)) in float64.
      let step = Double(T) / Double(n)
      let count = Int((Double(T) / step).rounded(.up))
      timesteps = (0..<count).map { (Double(T) - Double($0) * step).rounded(.toNearestOrEven) - 1 }
      if count > n, let last = timesteps.last {
        // 1000/(1000/61) is 61.000000000000007 in float64: arange overshoots by one element.
        let reading =
          scheduler == .ddim
          ? "which DDIM's step reads as ᾱ[\(Int(last))] = ᾱ_\(T + Int(last)) (Python's negative "
            + "index): its last network call is at the noisiest level"
          : "where np.interp holds σ at σ_0"
        quirks.append(
          "trailing spacing makes \(count) timesteps for \(n) steps (np.arange(\(T), 0, "
            + "−\(T)/\(n)) overshoots by one), the last \(Int(last)), \(reading)")
      }
    }
    if let first = timesteps.first, first > Double(T - 1), scheduler != .ddim {
      quirks.append(
        "the first timestep, \(Int(first)), is past the table's last, \(T - 1) (steps_offset "
          + "\(s.stepsOffset)): diffusers' np.interp holds it at σ_\(T - 1)")
    } else if let first = timesteps.first, first > Double(T - 1) {
      // DDIM's step would index ᾱ past the table (an IndexError in diffusers).
      throw SamplerError(
        .stepsOffset, s.stepsOffset,
        "a whole number in [0, \(T - 1 - Int(first) + s.stepsOffset)] here: leading's first "
          + "timestep would be \(Int(first)), past the table's last, \(T - 1)")
    }

    var sigmas: [Double]
    // np.log of the float32 σ array: float32 too.
    let logTable = tableSigma.map { Double(Float(Double.log($0))) }
    switch (scheduler, s.conversion) {
    case (.ddim, _):
      // DDIM indexes alphas_cumprod with the timestep itself; Python wraps −1 to the last.
      sigmas = timesteps.map { tableSigma[(Int($0) + T) % T] }
    case (.euler, .schedule), (.dpmSolver, .schedule):
      sigmas = timesteps.map { interpolate(tableSigma, at: $0) }
    case (.euler, let conversion):
      // Euler converts between its spaced list's own ends, not the table's.
      let spaced = timesteps.map { interpolate(tableSigma, at: $0) }
      // The ends of the spaced list (N + 1 long when trailing overshoots), but N levels.
      let (high, low) = (spaced[0], spaced[spaced.count - 1])
      try checkConversionRange(conversion, sigmaMin: low, where: "the spaced list's σ_min")
      sigmas = convert(conversion, max: high, min: low, count: n, rho: s.karrasRho)
      timesteps = sigmas.map { Double(Float(sigmaToT($0, logTable))) }
      if !(abs(low / tableSigma[0] - 1) < 1e-9 && abs(high / tableSigma[T - 1] - 1) < 1e-9) {
        quirks.append(
          "\(conversion.rawValue) runs between the \(spacing.rawValue)-spaced list's ends, σ "
            + "\(fmt(high)) … \(fmt(low)), not the table's \(fmt(tableSigma[T - 1])) … "
            + "\(fmt(tableSigma[0])): diffusers' Euler converts the list it has just spaced")
      }
    case (.dpmSolver, let conversion):
      // DPM-Solver converts between the whole table's ends; the spacing is dropped.
      sigmas = convert(
        conversion, max: tableSigma[T - 1], min: tableSigma[0], count: n, rho: s.karrasRho)
      let roundsKarras = conversion == .karras && spec.family != .ddpmCosine
      timesteps = sigmas.map {
        let t = sigmaToT($0, logTable)
        // Karras' timesteps are rounded; the others are cast to int64, which truncates.
        return roundsKarras ? t.rounded(.toNearestOrEven) : t.rounded(.towardZero)
      }
      if conversion != .karras {
        quirks.append(
          "the \(conversion.rawValue) list's timesteps are truncated to whole numbers, not "
            + "rounded: diffusers' DPMSolverMultistepScheduler casts them to int64")
      }
      if spacing != scheduler.defaultSpacing || offset != 0 {
        quirks.append(
          "--spacing \(spacing.rawValue) has no effect: DPM-Solver's \(conversion.rawValue) "
            + "list spans the whole table whatever the spacing")
      }
    }
    if s.conversion == .karras, s.karrasRho != SamplerSettings.diffusersRho {
      quirks.append(
        "Karras ρ = \(fmt(s.karrasRho)): diffusers fixes ρ = 7, so no diffusers scheduler makes "
          + "this list (k-diffusion's get_sigmas_karras does)")
    }
    let aboveLast = (0..<(T - 1)).filter { tableSigma[$0] > tableSigma[T - 1] }
    if let low = aboveLast.first, let high = aboveLast.last {
      quirks.append(
        "the 2⁻²⁴ floor on ᾱ_\(T - 1) is above ᾱ at timesteps \(low)–\(high) (σ up to "
          + "\(fmt(aboveLast.map { tableSigma[$0] }.max()!))): diffusers' table is not monotone, "
          + "and its last level, σ \(fmt(tableSigma[T - 1])), is not its noisiest")
    }
    if spec.zeroTerminalSNR {
      quirks.append(
        scheduler == .ddim
          ? "DDIM keeps ᾱ_\(T - 1) = 0 at zero terminal SNR: its noisiest level is σ = ∞, pure "
            + "noise"
          : "at zero terminal SNR diffusers sets ᾱ_\(T - 1) = 2⁻²⁴, so the noisiest σ is "
            + "\(fmt(tableSigma[T - 1])) (logSNR \(fmt(veLogSNR(tableSigma[T - 1])))), not ∞")
    }
    // DDIM's last step goes to final_alpha_cumprod = 1 (set_alpha_to_one); Euler and
    // DPM-Solver append final_sigmas_type "zero".
    sigmas.append(0)
    return SamplerSteps(
      kind: .diffusers(scheduler, trainSteps: T), sigmas: sigmas, timesteps: timesteps,
      logSNR: sigmas.map(veLogSNR), noisiestLogSNR: veLogSNR(tableSigma[T - 1]),
      noisiestTimestep: Double(T - 1), quirks: quirks)
  }

  /// diffusers' float32 table: σ_k = √((1−ᾱ_k)/ᾱ_k), k = 0 … T−1, computed as torch does
  /// (see ``tableAlphasCumprod(_:scheduler:)``).
  static func tableSigmas(_ ac: [Float]) -> [Double] {
    ac.map { Double(((1 - $0) / $0).squareRoot()) }
  }

  /// diffusers' alphas_cumprod in float32, as torch computes it: the betas from torch.linspace
  /// (a fused multiply-add from either end; scaled_linear squared in float32), the cumulative
  /// product with a double accumulator rounded to float32 at each step, and
  /// rescale_zero_terminal_snr's float32 steps (through betas and a second cumprod); Euler and
  /// DPM-Solver then set the last to 2⁻²⁴ "so first sigma is not inf". The float32 rounding is
  /// kept on purpose: near ᾱ = 1 it moves σ by up to 3e-4 relative (ddpm-linear's ᾱ₀ =
  /// 0.9999), and the lists are meant to be diffusers' own.
  static func tableAlphasCumprod(_ spec: ScheduleSpec, scheduler: DiffusersScheduler) -> [Float] {
    let T = spec.trainSteps
    func linspace32(_ a: Double, _ b: Double) -> [Float] {
      let (start, end) = (Float(a), Float(b))
      let step = (end - start) / Float(T - 1)
      return (0..<T).map { i in
        i < T / 2
          ? start.addingProduct(step, Float(i)) : end.addingProduct(-step, Float(T - 1 - i))
      }
    }
    var betas: [Float]
    switch spec.family {
    case .ddpmLinear: betas = linspace32(spec[.betaStart], spec[.betaEnd])
    case .ddpmScaledLinear:
      betas = linspace32(spec[.betaStart].squareRoot(), spec[.betaEnd].squareRoot()).map { $0 * $0 }
    default:
      // squaredcos_cap_v2: betas_for_alpha_bar in Python floats, then a float32 tensor. The
      // process was built from this spec, so its betas are valid.
      betas = (try! Schedule.diffusersBetas(spec)).map { Float($0) }
    }
    func cumprod(_ alphas: [Float]) -> [Float] {
      var product = 1.0
      return alphas.map { a in
        product *= Double(a)
        return Float(product)
      }
    }
    if spec.zeroTerminalSNR {
      var root = cumprod(betas.map { 1 - $0 }).map { $0.squareRoot() }
      let (a0, aT) = (root[0], root[T - 1])
      let scale = a0 / (a0 - aT)
      root = root.map { ($0 - aT) * scale }
      let alphaBar = root.map { $0 * $0 }
      let alphas = [alphaBar[0]] + (1..<T).map { alphaBar[$0] / alphaBar[$0 - 1] }
      betas = alphas.map { 1 - $0 }
    }
    var ac = cumprod(betas.map { 1 - $0 })
    if spec.zeroTerminalSNR, scheduler != .ddim { ac[T - 1] = 0x1p-24 }
    return ac
  }

  /// np.linspace(a, b, n): a + i·(b−a)/(n−1) with the last exactly b; [a] for n = 1.
  static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
    guard n > 1 else { return [a] }
    let step = (b - a) / Double(n - 1)
    return (0..<n).map { $0 == n - 1 ? b : Double($0) * step + a }
  }

  /// np.interp(x, arange(len), table): linear between entries, the ends held outside.
  static func interpolate(_ table: [Double], at x: Double) -> Double {
    if x <= 0 { return table[0] }
    if x >= Double(table.count - 1) { return table[table.count - 1] }
    let k = Int(x.rounded(.down))
    return (table[k + 1] - table[k]) * (x - Double(k)) + table[k]
  }

  /// diffusers' `_sigma_to_t`: the fractional table index whose log σ is log σ, linear in
  /// log σ between neighbours, held to [0, T−1].
  static func sigmaToT(_ sigma: Double, _ logSigmas: [Double]) -> Double {
    let logSigma = Double.log(Swift.max(sigma, 1e-10))
    let count = logSigmas.reduce(0) { $0 + (logSigma - $1 >= 0 ? 1 : 0) }
    let low = Swift.min(Swift.max(count - 1, 0), logSigmas.count - 2)
    let (a, b) = (logSigmas[low], logSigmas[low + 1])
    let w = Swift.min(Swift.max((a - logSigma) / (a - b), 0), 1)
    return (1 - w) * Double(low) + w * Double(low + 1)
  }
}

/// A number for a sentence: four significant digits.
func fmt(_ x: Double) -> String {
  if x.isInfinite { return x > 0 ? "∞" : "−∞" }
  // A peak found at logSNR 4e−16 is at 0: rounding, not a number to read.
  if abs(x) < 1e-12 { return "0" }
  let magnitude = abs(x)
  if magnitude >= 1e5 || magnitude < 1e-3 {
    return String(format4Exponent: x)
  }
  let digits = Swift.max(0, 3 - Int(Double.log10(magnitude).rounded(.down)))
  let scale = Double.pow(10, Double(digits))
  var text = "\((x * scale).rounded() / scale)"
  if text.hasSuffix(".0") { text.removeLast(2) }
  return String(text.map { $0 == "-" ? "−" : $0 })
}

extension String {
  /// `1.234e−05`-style text without Foundation.
  init(format4Exponent x: Double) {
    let exponent = Int(Double.log10(abs(x)).rounded(.down))
    let mantissa = (x / Double.pow(10, Double(exponent)) * 1000).rounded() / 1000
    self = String("\(mantissa)e\(exponent)".map { $0 == "-" ? "−" : $0 })
  }
}
