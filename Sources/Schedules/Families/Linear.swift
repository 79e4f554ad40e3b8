extension ScheduleFamily {
  /// The paper's γ(t) = 1 − t (Algorithm 1, `simple_linear_schedule`).
  public static let linear = ScheduleFamily("linear")
}

/// γ(t) = 1 − t: no parameters of its own.
enum Linear {
  static let definition = FamilyDefinition(
    family: .linear, help: "γ = 1 − t (the paper's Algorithm 1)",
    formula: "γ = 1 − t (Algorithm 1)", fields: [],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    init(_ spec: ScheduleSpec) {}

    func unclipped(_ t: Double) -> Schedule.Point {
      let g = 1 - t
      return Schedule.Point(gamma: g, logSNR: logit(g), dLogSNR: -1 / (g * t))
    }

    var python: PythonSnippet {
      PythonSnippet(
        body: """
              g = 1 - t
              return g, None
          """)
    }
  }
}
