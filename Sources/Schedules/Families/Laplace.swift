import RealModule

extension ScheduleFamily {
  /// Hang et al. 2024: logSNR(t) = μ − β·sgn(0.5−t)·ln(1−2|t−0.5|).
  public static let laplace = ScheduleFamily("laplace")
}

extension ScheduleField {
  public static let laplaceMu = ScheduleField(
    "laplaceMu", label: "μ", default: 0, step: .add(fine: 0.5, coarse: 2),
    help: "laplace: location μ of logSNR (default 0).")
  public static let laplaceBeta = ScheduleField(
    "laplaceBeta", label: "β (scale)", default: 0.5, bounds: Bounds(exclusiveMin: 0),
    step: .add(fine: 0.05, coarse: 0.5),
    help: "laplace: scale β > 0 of logSNR (default 0.5).")
}

/// Hang et al. 2024's Laplace schedule: logSNR(t) = μ − β·sgn(0.5−t)·ln(1−2|t−0.5|).
enum Laplace {
  static let definition = FamilyDefinition(
    family: .laplace, help: "Hang et al. 2024's Laplace logSNR",
    formula: "logSNR = μ − β·sgn(½−t)·ln(1 − 2\\|t−½\\|) (Hang et al. 2024)",
    fields: [.laplaceMu, .laplaceBeta],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    let mu, beta: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try ScheduleField.laplaceMu.check(spec[.laplaceMu])
      try ScheduleField.laplaceBeta.check(spec[.laplaceBeta])
      (mu, beta) = (spec[.laplaceMu], spec[.laplaceBeta])
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      // For t < ½: λ = μ − β ln(2t); for t > ½: λ = μ + β ln(2 − 2t); both slopes meet at −2β.
      let lambda = t < 0.5 ? mu - beta * Double.log(2 * t) : mu + beta * Double.log(2 - 2 * t)
      let slope = t < 0.5 ? -beta / t : -beta / (1 - t)
      return Schedule.Point(gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: slope)
    }

    var python: PythonSnippet {
      PythonSnippet(
        constants: ["MU = \(JSONValue.number(mu))", "BETA = \(JSONValue.number(beta))"],
        body: """
              lam = xp.where(t < 0.5, MU - BETA * xp.log(2 * t), MU + BETA * xp.log(2 - 2 * t))
              return _sigmoid(xp, lam), lam
          """)
    }
  }
}
