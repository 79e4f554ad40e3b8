import RealModule

extension ScheduleFamily {
  /// simple diffusion's shifted cosine: logSNR(t) = −2 log tan(πt/2) + 2 log(base/resolution).
  public static let shiftedCosine = ScheduleFamily("shifted-cosine")
}

extension ScheduleField {
  /// Shifted cosine: the resolution the plain cosine is meant for.
  public static let baseResolution = ScheduleField(
    "baseResolution", label: "base resolution", default: 64, allowed: "a whole number ≥ 1",
    bounds: Bounds(exclusiveMin: 0), step: .multiply(fine: 2, coarse: 4),
    help: "shifted-cosine: the resolution the plain cosine is meant for (default 64).")
  /// Shifted cosine: the resolution being trained. `--target-resolution` so that it does not
  /// collide with the training commands' `--resolution`.
  public static let resolution = ScheduleField(
    "resolution", option: "--target-resolution", label: "resolution", default: 64,
    allowed: "a whole number ≥ 1", bounds: Bounds(exclusiveMin: 0),
    step: .multiply(fine: 2, coarse: 4),
    help: "shifted-cosine: the resolution being trained (default 64).")
}

/// simple diffusion (Hoogeboom et al. 2023): the cosine's logSNR shifted by 2·log(base/resolution).
enum ShiftedCosine {
  static let definition = FamilyDefinition(
    family: .shiftedCosine,
    help: "simple diffusion's cosine shifted by 2 log(base/resolution)",
    formula: "logSNR = −2 log tan(πt/2) + 2 log(base/resolution) (simple diffusion)",
    fields: [.baseResolution, .resolution],
    curve: Curve.self)

  struct Curve: FamilyCurve {
    /// The constant 2·log(base/resolution).
    let offset: Double

    init(_ spec: ScheduleSpec) throws(ScheduleError) {
      try ScheduleField.baseResolution.check(spec[.baseResolution])
      try ScheduleField.resolution.check(spec.resolution)
      offset = 2 * Double.log(spec[.baseResolution] / spec.resolution)
    }

    func unclipped(_ t: Double) -> Schedule.Point {
      let lambda = -2 * Double.log(Double.tan(.pi * t / 2)) + offset
      return Schedule.Point(
        gamma: sigmoid(lambda), logSNR: lambda, dLogSNR: -2 * .pi / Double.sin(.pi * t))
    }

    var python: PythonSnippet {
      PythonSnippet(
        constants: ["OFFSET = \(JSONValue.number(offset))  # 2·log(base_resolution/resolution)"],
        body: """
              lam = -2 * xp.log(xp.tan(math.pi * t / 2)) + OFFSET
              return _sigmoid(xp, lam), lam
          """)
    }
  }
}
