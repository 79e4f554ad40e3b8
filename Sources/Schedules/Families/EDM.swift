import RealModule

extension ScheduleFamily {
  /// EDM / Karras σ schedule, ρ = 7 by default, γ = 1/(1+σ²).
  public static let edm = ScheduleFamily("edm")
}

extension ScheduleField {
  public static let sigmaMin = ScheduleField(
    "sigmaMin", label: "σ min", default: 0.002, bounds: Bounds(exclusiveMin: 0),
    step: .multiply(fine: 2, coarse: 10),
    help: "edm: smallest σ > 0 (default 0.002).")
  public static let sigmaMax = ScheduleField(
    "sigmaMax", label: "σ max", default: 80, bounds: Bounds(exclusiveMin: 0),
    step: .multiply(fine: 1.25, coarse: 2),
    help: "edm: largest σ > sigma-min (default 80).")
  public static let rho = ScheduleField(
    "rho", label: "ρ", default: 7, bounds: Bounds(exclusiveMin: 0),
    step: .add(fine: 0.5, coarse: 2),
    help: "edm: Karras' ρ > 0 (default 7).")
}

/// Karras et al. 2022: σ(t) = (σmin^(1/ρ) + t·(σmax^(1/ρ) − σmin^(1/ρ)))^ρ (t = 0 → σmin,
/// t = 1 → σmax), γ = 1/(1+σ²), logSNR = −2 log σ.
enum EDM {
  static let definition = FamilyDefinition(
    family: .edm, help: "Karras et al.'s σ schedule with ρ",
    formula: "σ = (σmin^{1/ρ} + t(σmax^{1/ρ} − σmin^{1/ρ}))^ρ, γ = 1/(1+σ²) (t = 0 → σmin)",
    fields: [.sigmaMin, .sigmaMax, .rho],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    let rho: Double
    /// σmin^(1/ρ) and σmax^(1/ρ).
    let a, b: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try ScheduleField.sigmaMin.check(spec[.sigmaMin])
      try Schedule.check(
        spec[.sigmaMax], "sigmaMax", "a number > σmin (\(spec[.sigmaMin]))"
      ) { $0 > spec[.sigmaMin] }
      try ScheduleField.rho.check(spec[.rho])
      a = Double.pow(spec[.sigmaMin], 1 / spec[.rho])
      b = Double.pow(spec[.sigmaMax], 1 / spec[.rho])
      guard a < b, b.isFinite else {
        throw .invalid(
          field: "rho", value: "\(spec[.rho])",
          allowed: "a ρ for which σmin^(1/ρ) < σmax^(1/ρ) stay apart in Double")
      }
      rho = spec[.rho]
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      let base = a + t * (b - a)
      let logSigma = rho * Double.log(base)
      let lambda = -2 * logSigma
      return Schedule.Point(
        gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: -2 * rho * (b - a) / base)
    }

    var python: PythonSnippet {
      func num(_ x: Double) -> String { JSONValue.number(x) }
      return PythonSnippet(
        constants: [
          "RHO = \(num(rho))", "A = \(num(a))  # sigma_min^(1/ρ)",
          "B = \(num(b))  # sigma_max^(1/ρ)",
        ],
        body: """
              lam = -2 * (RHO * xp.log(A + t * (B - A)))
              return _sigmoid(xp, lam), lam
          """)
    }
  }
}
