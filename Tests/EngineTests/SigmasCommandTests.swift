import Foundation
import Schedules
import Testing

/// `schedtui sigmas` run as a user would: the issue's leading/trailing case, --check's exit
/// status and the refusals.
@Suite struct SigmasCommandTests {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    try SchedtuiCommand.run(["sigmas", "--family", "ddpm-scaled-linear"] + arguments)
  }

  @Test("leading at 10 steps gives diffusers' Euler list and says where it starts")
  func leading() throws {
    let (status, output, _) = try Self.run(["--steps", "10", "--spacing", "leading"])
    #expect(status == 0)
    let json = try JSONValue.parse(output)
    let sigmas = (json["sigmas"]?.arrayValue ?? []).compactMap(\.doubleValue)
    // diffusers 0.42.1's EulerDiscreteScheduler (float32), from the golden fixture.
    #expect(sigmas.count == 11 && abs(sigmas[0] - 8.346599) < 1e-5 && sigmas[10] == 0)
    #expect(json["timesteps"]?.arrayValue?.first?.doubleValue == 900)
    let notes = (json["notes"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
    #expect(notes.contains { $0.hasPrefix("starts at timestep 900") }, "\(notes)")
  }

  @Test("--check exits 1 on leading with zero terminal SNR and 0 on trailing")
  func check() throws {
    let leading = try Self.run(
      ["--zero-terminal-snr", "--steps", "10", "--spacing", "leading", "--check"])
    #expect(leading.status == 1)
    #expect(leading.output.hasPrefix("serious: starts at timestep 900"), "\(leading.output)")
    let trailing = try Self.run(
      ["--zero-terminal-snr", "--steps", "10", "--spacing", "trailing", "--check"])
    #expect(trailing.status == 0, "\(trailing.output)")
    #expect(!trailing.output.contains("serious"))
  }

  @Test("--train-config compares with the training's schedule: zero SNR there makes it serious")
  func trainConfig() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("sigmas-train-\(getpid()).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let export = try SchedtuiCommand.run(
      ["export", "--family", "ddpm-scaled-linear", "--zero-terminal-snr", "--output", file])
    #expect(export.status == 0)
    let plain = try Self.run(["--steps", "10", "--spacing", "leading", "--check"])
    #expect(plain.status == 0, "\(plain.output)")
    let (status, output, _) = try Self.run(
      ["--steps", "10", "--spacing", "leading", "--train-config", file, "--check"])
    #expect(status == 1)
    #expect(output.contains("on a table with --zero-terminal-snr"), "\(output)")
  }

  @Test(
    "bad input is refused (exit 64) naming the option and what is allowed",
    arguments: [
      (["--steps", "0"], "Error: --steps 0 is not allowed: a whole number in [1, 1000]"),
      (["--steps", "1001"], "Error: --steps 1001 is not allowed: a whole number in [1, 1000]"),
      (
        ["--spacing", "middle"],
        "Error: The value 'middle' is invalid for '--spacing <spacing>'. Please provide one of "
          + "'linspace', 'leading' or 'trailing'."
      ),
      (
        ["--family", "cosine", "--sigmas", "karras"],
        "Error: --sigmas karras is not allowed: schedule or beta here"
      ),
      (
        ["--sigmas", "karras", "--karras-rho", "-1"],
        "Error: --karras-rho -1.0 is not allowed: a number > 0"
      ),
    ])
  func refusals(arguments: [String], message: String) throws {
    let (status, _, error) = try Self.run(arguments)
    #expect(status == 64)
    #expect(error.hasPrefix(message), "\(error)")
  }

  @Test("the rarely-trained note reads --train-config's t-sampling: SD3's logit-normal on shift 3")
  func trainConfigSampling() throws {
    // Shift 3, logit-normal 0:1: λ ~ N(−2 ln 3, 2²), peak 1/(2√(2π)) = 0.1995 at λ = −2.197
    // (by hand); the last level, σ 0.008929 (λ 9.42, z = 5.8), is under 1% of it. Under uniform
    // t the same level is not.
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("sigmas-sd3-\(getpid()).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Data(
      #"{"schedtui_config_version": 1, "schedule": {"family": "rectified-flow", "shift": 3}, "training": {"t_sampling": "logit-normal:0:1"}}"#
        .utf8
    ).write(to: URL(fileURLWithPath: file))
    let flow = ["sigmas", "--family", "rectified-flow", "--shift", "3", "--steps", "10", "--check"]
    let uniform = try SchedtuiCommand.run(flow)
    #expect(!uniform.output.contains("under 1% of its peak"), "\(uniform.output)")
    let sd3 = try SchedtuiCommand.run(flow + ["--train-config", file])
    #expect(
      sd3.output.contains(
        "1 of 9 levels lie where the training density of logSNR (logit-normal:0:1) is under 1% "
          + "of its peak (0.1995 at logSNR −2.197): step 9 (logSNR 9.419)"), "\(sd3.output)")
  }

  @Test("comfy and sdcpp print one line; notes go to standard error")
  func formats() throws {
    let comfy = try Self.run(["--steps", "2", "--format", "comfy"])
    #expect(comfy.output == "14.614646911621094, 0.029167532920837402, 0.0\n")
    #expect(comfy.error.contains("note: "))
    let sdcpp = try Self.run(["--steps", "2", "--format", "sdcpp"])
    #expect(sdcpp.output == "14.614646911621094,0.029167532920837402,0.0\n")
  }
}
