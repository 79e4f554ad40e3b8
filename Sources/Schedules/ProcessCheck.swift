import RealModule

extension NoiseProcess {
  /// The input scales b that are allowed.
  ///
  /// Chosen from what stays finite and normal in the types that compute with b: at the ends,
  /// b² is 1e±24 and γb² (γ ≥ 1e-9, the default clipMin) no smaller than 1e-33, all normal
  /// Doubles by a wide margin (b² overflows Double only near 1.3e154, which is what turned
  /// `--scale 1e155` into `null` betas) and normal Floats too (Float's least normal is 1.2e-38;
  /// a 4096-sample chunk of x_t² at b = 1e12 sums to ~4e27, far below Float's 3.4e38). Beyond
  /// 2·log b = ±55 the network's conditioning (clamped to ±40) cannot tell the levels apart
  /// anyway.
  public static let inputScaleRange: ClosedRange<Double> = 1e-12...1e12

  /// How ``inputScaleRange`` reads in messages.
  public static let inputScaleAllowed =
    "a number > 0, from 1e-12 to 1e12 (b, b² and γb² must stay finite and normal in Float and "
    + "Double)"

  /// The grid ``checkOutputs(steps:)`` uses: t = i/T, i = 1 … T (the points a diffusers export
  /// writes and a sampler walks; t = 0 is left out, where γ = 1 and logSNR = +∞ are expected).
  static func grid(steps: Int) -> [Double] {
    (1...steps).map { Double($0) / Double(steps) }
  }

  /// The first t on the grid where the process produces something that is not a number a
  /// model can use: γ outside [0, 1] or NaN, logSNR (at this b) infinite or NaN, or the
  /// equivalent b = 1 γ not finite. Nil when every point is sound.
  func firstProblem(steps: Int) -> String? {
    for t in Self.grid(steps: steps) {
      let g = schedule.gamma(t)
      let lambda = logSNR(t)
      let unit = equivalentGammaAtUnitScale(t)
      if !(g >= 0 && g <= 1) {
        return "γ(\(t)) = \(g)"
      }
      if !lambda.isFinite {
        return "logSNR(\(t)) = \(lambda) (γ = \(g)"
          + (g == 1 ? ": no noise is added there)" : ")")
      }
      if !unit.isFinite { return "the b = 1 equivalent γ at t = \(t) is \(unit)" }
    }
    return nil
  }

  /// Checks what the process produces, not only its parameters: γ, logSNR and the b = 1
  /// equivalent γ must be finite at every t = i/T, i = 1 … `steps`.
  ///
  /// Throws ``ScheduleError/invalid(field:value:allowed:)`` naming the parameter to blame: the
  /// one whose reset to its default makes every point sound, with the range that works (found
  /// by bisection between the default and the given value, the others as given). When no
  /// single parameter is to blame the field is `family`.
  public func checkOutputs(steps: Int = 1000) throws(ScheduleError) {
    guard let problem = firstProblem(steps: steps) else { return }
    let spec = schedule.spec
    let defaults = ScheduleSpec(family: spec.family)
    func sound(_ s: ScheduleSpec) -> Bool {
      guard let schedule = try? Schedule(s),
        let process = try? NoiseProcess(schedule: schedule, inputScale: inputScale)
      else { return false }
      return process.firstProblem(steps: steps) == nil
    }
    for field in ScheduleSpec.allFields(of: spec.family) where field != .zeroTerminalSNR {
      let given = spec[field]
      let good = defaults[field]
      guard given != good else { continue }
      var trial = spec
      trial[field] = good
      guard sound(trial) else { continue }
      // Bisection in asinh(x), which spans signs and orders of magnitude evenly.
      var lo = Double.asinh(good)
      var hi = Double.asinh(given)
      for _ in 0..<200 {
        let mid = lo + (hi - lo) / 2
        if mid == lo || mid == hi { break }
        trial[field] = Double.sinh(mid)
        if sound(trial) { lo = mid } else { hi = mid }
      }
      let edge = Double.sinh(lo)
      let side = given > good ? "up to about" : "down to about"
      throw .invalid(
        field: field.rawValue, value: "\(given)",
        allowed: "a value that keeps γ and logSNR finite on t = i/\(steps) (this one gives "
          + "\(problem)); with the other parameters as given, from the default \(good) "
          + "\(side) \(Self.shortText(edge))")
    }
    let given = ScheduleSpec.allFields(of: spec.family)
      .filter { $0 != .zeroTerminalSNR && spec[$0] != defaults[$0] }
      .map { "\($0.jsonKey) = \(spec[$0])" }
    throw .invalid(
      field: "family", value: spec.family.rawValue,
      allowed: "parameters that keep γ and logSNR finite on t = i/\(steps); "
        + (given.isEmpty ? "" : given.joined(separator: ", ") + " give ") + "\(problem)")
  }

  /// Four significant digits, enough to state a range edge.
  static func shortText(_ x: Double) -> String {
    guard x != 0, x.isFinite else { return "\(x)" }
    let exponent = Int(Double.log10(Swift.abs(x)).rounded(.down))
    let scale = Double.pow(10, Double(3 - exponent))
    guard scale.isFinite, scale > 0 else { return "\(x)" }
    let rounded = (x * scale).rounded(.towardZero) / scale
    return "\(rounded)"
  }
}
