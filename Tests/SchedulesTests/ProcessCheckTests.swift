import Foundation
import Testing

@testable import Schedules

/// Schedules are validated on what they produce (issue 13, finding 5).
@Suite struct ProcessCheckTests {
  @Test("b = 1e155 and 1e-170 are refused naming inputScale and the range")
  func extremeScales() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    for b in [1e155, 1e-170, 1e308, 1e-300, 1.01e12, 0.99e-12] {
      #expect {
        try NoiseProcess(schedule: s, inputScale: b)
      } throws: { error in
        guard case .invalid("inputScale", _, let allowed) = error as? ScheduleError else {
          return false
        }
        return allowed.contains("1e-12") && allowed.contains("1e12")
      }
    }
  }

  @Test(
    "at both ends of b's range every preset's diffusers betas are finite and in [0, 1]",
    arguments: [1e-12, 1e12])
  func edgesStayFinite(b: Double) throws {
    for preset in Preset.all {
      let process = try NoiseProcess(
        schedule: Schedule(preset.config.schedule), inputScale: b, normalize: true)
      try process.checkOutputs()
      let export = try DiffusersExport(
        process: process, steps: DiffusersExport.defaultSteps(for: preset.config.schedule))
      #expect(
        export.betas.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 },
        "\(preset.name) at b = \(b)")
      // In Float, the engine's type, b² and γb² at the default clipMin stay normal.
      let b2 = Float(b * b)
      #expect(b2.isNormal && (Float(1e-9) * b2).isNormal && (4096 * b2).isFinite)
    }
  }

  /// The edge of a message "… up to about X".
  func edge(_ message: String) throws -> Double {
    let tail = try #require(message.components(separatedBy: "up to about ").last)
    return try #require(Double(tail))
  }

  @Test("a Laplace μ that rounds γ to 1 is refused, naming laplaceMu and where it stops working")
  func laplaceMu() throws {
    var spec = ScheduleSpec(family: .laplace)
    spec[.laplaceMu] = 800
    let process = try NoiseProcess(schedule: Schedule(spec))
    do {
      try process.checkOutputs()
      Issue.record("μ = 800 passed: γ(0.001) is 1 in Double")
    } catch {
      guard case .invalid("laplaceMu", "800.0", let allowed) = error else {
        Issue.record("expected laplaceMu to be named, got \(error)")
        return
      }
      // By hand: σ(λ) is 1 in Double once e^−λ < 2^−53, λ > 53·ln 2 = 36.737; at t = 0.001,
      // λ = μ − β·ln(0.002) = μ + 3.107 (β = 0.5), so μ works up to 36.737 − 3.107 = 33.63.
      let x = try edge(allowed)
      #expect(abs(x - (53 * log(2.0) + 0.5 * log(0.002))) < 0.05, "\(allowed)")
    }
  }

  @Test("a config file whose schedule produces an infinite logSNR is refused by field path")
  func configFile() throws {
    let text = """
      {"schedtui_config_version": 1, "schedule": {"family": "rectified-flow", "shift": 1e-320}}
      """
    #expect {
      try Config.decode(text, file: "rf.json")
    } throws: { error in
      let e = error as? ConfigError
      return e?.path == "schedule.shift" && e?.message.contains("down to about") == true
    }
  }
}
