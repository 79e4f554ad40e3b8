import RealModule

/// A schedule as the noise levels a variance-exploding sampler steps through (k-diffusion's
/// convention, which diffusers' `sigmas=` and ComfyUI's custom-sigma nodes share):
///
/// ```
/// t_i = 1 − i/N,  i = 0 … N−1
/// σ_i = √((1 − γ'(t_i)) / γ'(t_i)) = e^(−λ_b(t_i)/2),   then a final σ_N = 0
/// ```
///
/// γ' is the schedule with the input scale b folded in exactly as ``DiffusersExport`` folds it,
/// γ' = γb²/(γb² + 1 − γ), whose logSNR is the scaled process's λ_b = log(γb²/(1 − γ)). The
/// variance-exploding x = x0 + σ·ε is the variance-preserving x_t = √γ'·x0 + √(1−γ')·ε divided by
/// √γ', so both have the same SNR 1/σ² = γ'/(1−γ') and a sampler on σ visits the noise levels the
/// network was trained on.
///
/// σ is computed as e^(−λ_b/2) rather than from γ', because λ_b is what every family evaluates
/// directly: near γ' = 1 (EDM's σmin) 1 − γ' would lose digits. The list is non-increasing;
/// where γ is clipped at clipMin neighbouring σ are equal, and γ = 1 gives σ = 0.
public struct SamplerSigmas: Sendable {
  /// σ_0 … σ_{N−1}, then 0: N + 1 numbers.
  public let sigmas: [Double]
  /// Things the user should know, one sentence each.
  public let warnings: [String]

  /// The σ list of `process` for `count` sampling steps, in [1, 100000]; throws naming `sigmas`.
  public init(process: NoiseProcess, count: Int) throws(ScheduleError) {
    try Schedule.checkInt(count, "sigmas", 1...100_000)
    var warnings: [String] = []
    let b = process.inputScale
    if b != 1 && !process.normalize {
      warnings.append(
        "input scale b = \(b) without normalisation: the σ list carries the scaled process's "
          + "logSNR (γ' = γb²/(γb²+1−γ)), but a model trained without normalisation sees x_t "
          + "larger by the factor √((b²−1)γ+1) than the sampler's √γ'-scaled input")
    }
    var sigmas = (0..<count).map { i in
      Double.exp(-process.logSNR(1 - Double(i) / Double(count)) / 2)
    }
    sigmas.append(0)
    if process.schedule.gamma(1) <= process.schedule.spec.clipMin * (1 + 1e-12) {
      // Where γ stays clipped over several steps their σ are all the clip's: count them.
      let clipped = sigmas.prefix(count).prefix { $0 == sigmas[0] }.count
      let which = clipped > 1 ? "the first \(clipped) σ (of \(count)) are" : "the first σ is"
      warnings.append(
        "γ(1) reaches clipMin (\(process.schedule.spec.clipMin)): \(which) "
          + "\(sigmas[0]), the clip's, not infinity; a sampler starting there needs its "
          + "initial noise scaled by that σ"
          + (clipped > 1 ? ", and the steps between equal σ do nothing" : ""))
    }
    self.sigmas = sigmas
    self.warnings = warnings
  }

  /// The JSON array on one line, every number at full precision, with a final newline.
  public var json: String {
    JSONValue.array(sigmas.map(JSONValue.double)).rendered() + "\n"
  }
}
