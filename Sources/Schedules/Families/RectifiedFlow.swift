import RealModule

extension ScheduleFamily {
  /// Rectified flow x_t = (1−t)x0 + tε with SD3's timestep shift s.
  public static let rectifiedFlow = ScheduleFamily("rectified-flow")
}

extension ScheduleField {
  public static let shift = ScheduleField(
    "shift", label: "shift s", default: 1, step: .add(fine: 0.25, coarse: 1),
    help: "rectified-flow: SD3 timestep shift s > 0 (default 1; SD3 uses 3).")
}

/// Rectified flow: x_t = (1−t')x0 + t'ε with t' = s·t/(1+(s−1)t), so
/// γ = (1−t')²/((1−t')²+t'²) and logSNR = 2 log((1−t')/t').
enum RectifiedFlow {
  static let definition = FamilyDefinition(
    family: .rectifiedFlow, help: "rectified flow with SD3's timestep shift",
    fields: [.shift],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    let s: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try Schedule.check(spec[.shift], "shift", "a number > 0") { $0 > 0 }
      s = spec[.shift]
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      let denominator = 1 + (s - 1) * t
      let tShifted = s * t / denominator
      let lambda = 2 * (Double.log(onePlus: -tShifted) - Double.log(tShifted))
      let dShifted = s / (denominator * denominator)
      let dLambda = -2 / (tShifted * (1 - tShifted)) * dShifted
      let a = 1 - tShifted
      return Schedule.Point(
        gamma: a * a / (a * a + tShifted * tShifted), logSNR: lambda, dLogSNR: dLambda)
    }

    var python: PythonSnippet {
      PythonSnippet(
        constants: ["SHIFT = \(JSONValue.number(s))"],
        body: """
              ts = SHIFT * t / (1 + (SHIFT - 1) * t)
              lam = 2 * (xp.log1p(-ts) - xp.log(ts))
              a = 1 - ts
              return a * a / (a * a + ts * ts), lam
          """)
    }
  }
}
