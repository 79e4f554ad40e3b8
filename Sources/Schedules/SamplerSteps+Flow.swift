import RealModule

/// The rectified-flow family's list as diffusers 0.42.1's FlowMatchEulerDiscreteScheduler makes
/// it, and every other continuous family's uniform t grid (`export --sigmas`).
extension SamplerSteps {
  /// FlowMatchEulerDiscreteScheduler's num_train_timesteps, which schedtui's continuous
  /// rectified flow does not have: diffusers' default.
  public static let flowTrainSteps = 1000

  /// Flux's `calculate_shift` for a square image of `side` pixels: μ is linear in the number of
  /// packed latent tokens (side/16)², 0.5 at 256 tokens and 1.15 at 4096.
  public static func flowMu(imageSide side: Int) -> Double {
    FluxShift().mu(imageSide: side)
  }

  static func flowMatch(_ schedule: Schedule, _ s: SamplerSettings) throws(SamplerError)
    -> SamplerSteps
  {
    try refuseTableSettings(s, family: schedule.spec.family)
    let n = s.steps
    guard (1...SamplerSettings.maxContinuousSteps).contains(n) else {
      throw SamplerError(.steps, n, "a whole number in [1, \(SamplerSettings.maxContinuousSteps)]")
    }
    let T = Double(flowTrainSteps)
    let shift = schedule.shift
    var quirks: [String] = []
    var sigmas: [Double]
    if let mu = shift.mu {
      // use_dynamic_shifting: __init__ leaves σ unshifted, so σ_min = 1/T (float32), and
      // set_timesteps(mu=μ) applies the time shift once.
      let sigmaMin = Double(Float(1 / T))
      sigmas = linspace(T, sigmaMin * T, n).map { t in
        let x = t / T
        switch shift.timeShift {
        case .exponential: return Double.exp(mu) / (Double.exp(mu) + (1 / x - 1))
        case .linear: return mu / (mu + (1 / x - 1))
        }
      }
      if let side = shift.imageSide {
        quirks.append(
          "dynamic shift μ = \(fmt(mu)) for a \(side)-pixel side ((\(side)/16)² = "
            + "\((side / 16) * (side / 16)) tokens, Flux's calculate_shift), "
            + "\(shift.timeShift.rawValue) time shift")
      } else {
        quirks.append(
          "dynamic shift μ = \(fmt(mu)) as given (set_timesteps(mu=\(fmt(mu)))), "
            + "\(shift.timeShift.rawValue) time shift")
      }
    } else {
      let S = shift.staticShift
      func shifted(_ x: Double) -> Double { S * x / (1 + (S - 1) * x) }
      // __init__ shifts its T levels (float32), and keeps the last as sigma_min …
      let initMin = Double(Float(shifted(Double(Float(1 / T)))))
      // … which set_timesteps spaces to and then shifts again.
      sigmas = linspace(T, initMin * T, n).map { shifted($0 / T) }
      if S != 1 {
        quirks.append(
          "FlowMatchEulerDiscreteScheduler(shift=\(fmt(S))) ends at σ = "
            + "\(fmt(shifted(initMin))), where \(fmt(initMin)) (the shifted 1/\(Int(T))) was "
            + "meant: it shifts σ_min in __init__ and again in set_timesteps")
      }
    }
    var timesteps = sigmas.map { $0 * T }
    if s.conversion != .schedule {
      let (high, low) = (sigmas[0], sigmas[n - 1])
      sigmas = convert(s.conversion, max: high, min: low, count: n, rho: s.karrasRho)
      timesteps = sigmas.map { $0 * T }
      if s.conversion == .karras, s.karrasRho != SamplerSettings.diffusersRho {
        quirks.append(
          "Karras ρ = \(fmt(s.karrasRho)): diffusers fixes ρ = 7, so no diffusers scheduler "
            + "makes this list")
      }
    }
    sigmas.append(0)
    let logSNR = sigmas.map { σ -> Double in
      σ == 0 ? .infinity : σ >= 1 ? -.infinity : 2 * Double.log((1 - σ) / σ)
    }
    return SamplerSteps(
      kind: .flowMatch(trainSteps: flowTrainSteps), sigmas: sigmas, timesteps: timesteps,
      logSNR: logSNR, noisiestLogSNR: -.infinity, noisiestTimestep: T, quirks: quirks)
  }

  static func uniform(_ process: NoiseProcess, _ s: SamplerSettings) throws(SamplerError)
    -> SamplerSteps
  {
    let family = process.schedule.spec.family
    try refuseTableSettings(s, family: family)
    let n = s.steps
    guard (1...SamplerSettings.maxContinuousSteps).contains(n) else {
      throw SamplerError(.steps, n, "a whole number in [1, \(SamplerSettings.maxContinuousSteps)]")
    }
    let grid: SamplerSigmas
    do {
      grid = try SamplerSigmas(process: process, count: n)
    } catch {
      throw SamplerError(.steps, n, "a whole number in [1, \(SamplerSettings.maxContinuousSteps)]")
    }
    var sigmas = grid.sigmas
    var timesteps = (0..<n).map { 1 - Double($0) / Double(n) }
    var logSNR = timesteps.map(process.logSNR) + [.infinity]
    var quirks = grid.warnings
    if s.conversion != .schedule {
      let high = Double.exp(-process.logSNR(1) / 2)
      let low = Double.exp(-process.logSNR(0) / 2)
      try checkConversionRange(
        s.conversion, sigmaMin: low, where: "\(family.rawValue)'s σ_min (its σ at t = 0)")
      sigmas = convert(s.conversion, max: high, min: low, count: n, rho: s.karrasRho) + [0]
      logSNR = sigmas.map(veLogSNR)
      timesteps = logSNR.dropLast().map { process.t(forLogSNR: $0) }
      quirks.append(
        "\(s.conversion.rawValue) runs between the schedule's σ at t = 1 and t = 0, "
          + "\(fmt(high)) … \(fmt(low)) (k-diffusion's convention)")
    }
    return SamplerSteps(
      kind: .uniformGrid, sigmas: sigmas, timesteps: timesteps, logSNR: logSNR,
      noisiestLogSNR: process.logSNR(1), noisiestTimestep: 1, quirks: quirks)
  }
}
