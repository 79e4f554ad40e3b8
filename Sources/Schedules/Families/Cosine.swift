import RealModule

extension ScheduleFamily {
  /// The paper's cosine schedule with start, end and temperature τ (Algorithm 1).
  public static let cosine = ScheduleFamily("cosine")
}

/// Algorithm 1's start, end and τ, which the cosine and sigmoid families share (sigmoid with its
/// own defaults, see `Sigmoid.swift`).
extension ScheduleField {
  public static let start = ScheduleField(
    "start", label: "start", default: 0, step: .add(fine: 0.05, coarse: 0.5),
    help: "cosine/sigmoid: start of the base curve (cosine: [0, 1); default 0, sigmoid −3).")
  public static let end = ScheduleField(
    "end", label: "end", default: 1, step: .add(fine: 0.05, coarse: 0.5),
    help: "cosine/sigmoid: end of the base curve (> start; cosine ≤ 1; default 1, sigmoid 3).")
  public static let tau = ScheduleField(
    "tau", label: "τ", default: 1, bounds: Bounds(exclusiveMin: 0),
    step: .add(fine: 0.1, coarse: 1),
    help: "cosine/sigmoid: temperature τ > 0 (default 1).")
}

/// Algorithm 1's cosine: γ = (v_end − cos(u)^(2τ)) / (v_end − v_start),
/// u = (t·(end − start) + start)·π/2.
enum Cosine {
  static let definition = FamilyDefinition(
    family: .cosine, help: "the paper's cosine with start, end and τ",
    formula: "Algorithm 1: γ = (v_e − cos((t(e−s)+s)π/2)^{2τ}) / (v_e − v_s)",
    fields: [.start, .end, .tau],
    // Beyond [0, 1] cos(u·π/2) turns negative and cos^(2τ) is NaN (or no longer decreasing).
    bounds: [.start: Bounds(min: 0, exclusiveMax: 1), .end: Bounds(max: 1)],
    curve: Curve.self)

  /// The checks cosine and sigmoid share: finite start and end, τ > 0, start < end.
  static func checkStartEndTau(_ spec: ScheduleSpec) throws(ScheduleError) {
    try ScheduleField.start.check(spec.start)
    try ScheduleField.end.check(spec.end)
    try ScheduleField.tau.check(spec.tau)
    guard spec.start < spec.end else {
      throw .invalid(
        field: "end", value: "\(spec.end)",
        allowed: "a number > start (\(spec.start)); start = end is degenerate and end < start "
          + "would make γ increase")
    }
  }

  struct Curve: FamilyCurve {
    let start, end, tau, vStart, vEnd: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try Cosine.checkStartEndTau(spec)
      let bounds = Cosine.definition.bounds
      try ScheduleField.start.check(spec.start, within: bounds[.start], " for cosine")
      try Schedule.check(spec.end, "end", "a number in (start, 1] for cosine") {
        bounds[.end]!.contains($0)
      }
      vStart = Double.pow(Double.cos(spec.start * .pi / 2), 2 * spec.tau)
      vEnd = Double.pow(Double.cos(spec.end * .pi / 2), 2 * spec.tau)
      guard vStart > vEnd else {
        // Apart at τ = 1, the two ends are equal only because of τ (1e-300 makes both 1).
        if Double.cos(spec.start * .pi / 2) > Double.cos(spec.end * .pi / 2) {
          throw .invalid(
            field: "tau", value: "\(spec.tau)",
            allowed: "cos(start·π/2)^(2τ) must differ from cos(end·π/2)^(2τ), and at this τ "
              + "they are equal in Double (start = \(spec.start), end = \(spec.end))")
        }
        throw .invalid(
          field: "start", value: "\(spec.start)",
          allowed: "cos(start·π/2)^(2τ) must differ from cos(end·π/2)^(2τ) (end = \(spec.end))")
      }
      (start, end, tau) = (spec.start, spec.end, spec.tau)
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      // Algorithm 1 verbatim; d output/dt = −2τ cos^(2τ−1)(u) sin(u) (e−s)π/2.
      let s = start
      let e = end
      let u = (t * (e - s) + s) * .pi / 2
      let output = Double.pow(Double.cos(u), 2 * tau)
      let dOutput =
        -2 * tau * Double.pow(Double.cos(u), 2 * tau - 1) * Double.sin(u)
        * (e - s) * .pi / 2
      return algorithm1Point(output, dOutput, vStart, vEnd)
    }

    var python: PythonSnippet {
      PythonSnippet(
        constants: algorithm1Constants(start, end, tau, vStart, vEnd),
        body: """
              # Algorithm 1: v_start = cos(start·π/2)^(2τ), v_end = cos(end·π/2)^(2τ).
              u = (t * (END - START) + START) * math.pi / 2
              output = xp.cos(u) ** (2 * TAU)
              return (V_END - output) / (V_END - V_START), None
          """)
    }
  }
}

/// Algorithm 1's last step for cosine and sigmoid: γ = (v_end − output)/(v_end − v_start), with
/// dγ/dt from d output/dt, and dλ/dt = (dγ/dt)/(γ(1 − γ)).
func algorithm1Point(
  _ output: Double, _ dOutput: Double, _ vStart: Double, _ vEnd: Double
) -> Schedule.Point {
  let g = (vEnd - output) / (vEnd - vStart)
  let dGamma = -dOutput / (vEnd - vStart)
  return Schedule.Point(gamma: g, logSNR: logit(g), dLogSNR: dGamma / (g * (1 - g)))
}

/// The Python constants of Algorithm 1's cosine and sigmoid.
func algorithm1Constants(
  _ start: Double, _ end: Double, _ tau: Double, _ vStart: Double, _ vEnd: Double
) -> [String] {
  func num(_ x: Double) -> String { JSONValue.number(x) }
  return [
    "START = \(num(start))", "END = \(num(end))", "TAU = \(num(tau))",
    "V_START = \(num(vStart))", "V_END = \(num(vEnd))",
  ]
}
