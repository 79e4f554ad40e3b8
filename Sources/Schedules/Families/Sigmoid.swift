extension ScheduleFamily {
  /// The paper's sigmoid schedule with start, end and temperature τ (Algorithm 1).
  public static let sigmoid = ScheduleFamily("sigmoid")
}

/// Algorithm 1's sigmoid: γ = (v_end − sigmoid(u/τ)) / (v_end − v_start),
/// u = t·(end − start) + start; start, end and τ are cosine's fields with Algorithm 1's
/// defaults for the sigmoid (−3, 3, 1).
enum Sigmoid {
  static let definition = FamilyDefinition(
    family: .sigmoid, help: "the paper's sigmoid with start, end and τ",
    formula: "Algorithm 1: γ = (v_e − σ((t(e−s)+s)/τ)) / (v_e − v_s)",
    fields: [.start.defaulting(to: -3), .end.defaulting(to: 3), .tau],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    let start, end, tau, vStart, vEnd: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try Cosine.checkStartEndTau(spec)
      vStart = sigmoid(spec.start / spec.tau)
      vEnd = sigmoid(spec.end / spec.tau)
      guard vStart < vEnd else {
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "sigmoid(start/τ) must differ from sigmoid(end/τ) (end = \(spec.end), "
            + "τ = \(spec.tau)); they are equal in Double when both saturate")
      }
      (start, end, tau) = (spec.start, spec.end, spec.tau)
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      let s = start
      let e = end
      let output = sigmoid((t * (e - s) + s) / tau)
      let dOutput = output * (1 - output) * (e - s) / tau
      return algorithm1Point(output, dOutput, vStart, vEnd)
    }

    var python: PythonSnippet {
      PythonSnippet(
        constants: algorithm1Constants(start, end, tau, vStart, vEnd),
        body: """
              # Algorithm 1: v_start = sigmoid(start/τ), v_end = sigmoid(end/τ).
              output = _sigmoid(xp, (t * (END - START) + START) / TAU)
              return (V_END - output) / (V_END - V_START), None
          """)
    }
  }
}
