import RealModule

extension ScheduleFamily {
  /// Rectified flow x_t = (1−t)x0 + tε; SD3's shift is the common `shift` field.
  public static let rectifiedFlow = ScheduleFamily("rectified-flow")
}

/// Rectified flow: x_t = (1−t)x0 + tε, so γ = (1−t)²/((1−t)²+t²) and logSNR = 2 log((1−t)/t).
///
/// SD3's timestep shift t' = St/(1+(S−1)t) is the `shift` every family reads
/// (``LogSNRShift``): on this family it moves logSNR by exactly −2·ln S, which is that t'.
enum RectifiedFlow {
  static let definition = FamilyDefinition(
    family: .rectifiedFlow, help: "rectified flow, x_t = (1−t)x0 + tε (SD3, Flux)",
    formula: "x_t = (1−t)x0 + tε: γ = (1−t)²/((1−t)² + t²), logSNR = 2 log((1−t)/t)",
    fields: [],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    init(_ spec: ScheduleSpec) throws(ScheduleError) {}

    func unclipped(_ t: Double) -> Schedule.Point {
      let lambda = 2 * (Double.log(onePlus: -t) - Double.log(t))
      let a = 1 - t
      return Schedule.Point(
        gamma: a * a / (a * a + t * t), logSNR: lambda, dLogSNR: -2 / (t * (1 - t)))
    }

    var python: PythonSnippet {
      PythonSnippet(
        body: """
              lam = 2 * (xp.log1p(-t) - xp.log(t))
              a = 1 - t
              return a * a / (a * a + t * t), lam
          """)
    }
  }
}
