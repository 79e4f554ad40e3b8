import Schedules
import TestSupport
import Testing

/// `SamplerSteps`' refusals, notes and output formats (the lists themselves are compared with
/// diffusers in ``SamplerStepsGoldenTests``).
@Suite struct SamplerStepsTests {
  static func process(_ family: ScheduleFamily, zeroSNR: Bool = false, shift: Double? = nil)
    throws -> NoiseProcess
  {
    var spec = ScheduleSpec(family: family)
    spec.zeroTerminalSNR = zeroSNR
    if let shift { spec[.shift] = shift }
    return try NoiseProcess(schedule: Schedule(spec))
  }

  static func refusal(_ process: NoiseProcess, _ settings: SamplerSettings) -> String? {
    do {
      _ = try SamplerSteps(process: process, settings: settings)
      return nil
    } catch {
      return error.fieldError(.commandLine).description
    }
  }

  @Test(
    "bad settings are refused naming the option and what is allowed",
    arguments: [
      (SamplerSettings(steps: 0), "--steps 0 is not allowed: a whole number in [1, 1000]"),
      (SamplerSettings(steps: 1001), "--steps 1001 is not allowed: a whole number in [1, 1000]"),
      (
        SamplerSettings(conversion: .karras, karrasRho: -1),
        "--karras-rho -1.0 is not allowed: a number > 0"
      ),
      (
        SamplerSettings(scheduler: .ddim, conversion: .karras),
        "--sigmas karras is not allowed: schedule with --scheduler ddim"
      ),
    ])
  func refusesTable(settings: SamplerSettings, message: String) throws {
    let text = Self.refusal(try Self.process(.ddpmScaledLinear), settings)
    #expect(text?.hasPrefix(message) == true, "\(text ?? "accepted")")
  }

  @Test("Karras and exponential are refused on a list whose σ_min is 0; beta is not")
  func refusesLogOfZero() throws {
    let linear = try Self.process(.cosine)
    for conversion in [SigmaConversion.karras, .exponential] {
      let text = Self.refusal(linear, SamplerSettings(steps: 10, conversion: conversion))
      #expect(
        text?.hasPrefix("--sigmas \(conversion.rawValue) is not allowed: schedule or beta") == true
          && text?.contains("cosine's σ_min (its σ at t = 0) is 0") == true, "\(text ?? "accepted")"
      )
    }
    #expect(Self.refusal(linear, SamplerSettings(steps: 10, conversion: .beta)) == nil)
    // edm's σ(0) = 0.002 > 0: Karras between it and σ(1) = 80 is Karras et al.'s own list.
    let edm = try SamplerSteps(
      process: Self.process(.edm), settings: SamplerSettings(steps: 5, conversion: .karras))
    #expect(isClose(edm.sigmas[0], 80, rtol: 1e-12) && isClose(edm.sigmas[4], 0.002, rtol: 1e-12))
  }

  @Test("table settings are refused on a continuous family, flow settings on a table")
  func refusesMisplacedSettings() throws {
    let text = Self.refusal(
      try Self.process(.cosine), SamplerSettings(steps: 10, spacing: .trailing))
    #expect(
      text?.hasPrefix(
        "--spacing trailing is not allowed: not given: it applies to the ddpm-* tables, not to "
          + "cosine's uniform t grid") == true,
      "\(text ?? "")")
    // A shift on a ddpm-* table: diffusers' discrete schedulers have none.
    let table = Self.refusal(try Self.process(.ddpmScaledLinear, shift: 2), SamplerSettings())
    #expect(
      table?.hasPrefix("--shift 2 is not allowed: none for a diffusers list") == true,
      "\(table ?? "accepted")")
  }

  @Test("leading at 10 steps on zero-SNR SD says where it starts, seriously; trailing does not")
  func leadingStartNote() throws {
    let process = try Self.process(.ddpmScaledLinear, zeroSNR: true)
    let leading = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 10, spacing: .leading))
    let notes = leading.notes(training: process)
    let start = try #require(notes.first { $0.kind == .start })
    #expect(start.serious)
    #expect(
      start.text.hasPrefix("starts at timestep 900 (σ 18.35, logSNR −5.819)"), "\(start.text)")
    #expect(start.text.contains("--spacing trailing"))
    let trailing = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 10, spacing: .trailing))
    let trailingNotes = trailing.notes(training: process)
    #expect(!trailingNotes.contains { $0.kind == .start })
    #expect(!trailingNotes.contains { $0.serious }, "\(trailingNotes.map { $0.text })")
  }

  @Test("without zero SNR, leading's start is a note, not serious; linspace at N = 1 is serious")
  func startSeriousness() throws {
    let process = try Self.process(.ddpmScaledLinear)
    let leading = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 10, spacing: .leading))
    let start = try #require(leading.notes(training: process).first { $0.kind == .start })
    #expect(!start.serious)
    // np.linspace(0, 999, 1) is [0]: Euler's one step is the cleanest level.
    let one = try SamplerSteps(process: process, settings: SamplerSettings(steps: 1))
    #expect(one.timesteps == [0])
    let note = try #require(one.notes(training: process).first { $0.kind == .start })
    #expect(note.serious && note.text.contains("more signal than noise"), "\(note.text)")
  }

  @Test("FlowMatch(shift=3) at 4 steps ends 0.0089 and the note says 0.0030 was meant")
  func flowMatchDoubleShift() throws {
    let process = try Self.process(.rectifiedFlow, shift: 3)
    let list = try SamplerSteps(process: process, settings: SamplerSettings(steps: 4))
    #expect(list.sigmas.count == 5 && list.sigmas[0] == 1 && list.sigmas[4] == 0)
    #expect(isClose(list.sigmas[3], 0.008928571, rtol: 1e-6), "\(list.sigmas)")
    let quirk = try #require(list.notes(training: process).first { $0.kind == .quirk })
    #expect(quirk.text.contains("ends at σ = 0.008929, where 0.002994"), "\(quirk.text)")
    // The dynamic shift is applied once.
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.imageSide] = 1024
    let dynamic = try SamplerSteps(
      process: NoiseProcess(schedule: Schedule(spec)), settings: SamplerSettings(steps: 4))
    #expect(isClose(SamplerSteps.flowMu(imageSide: 1024), 1.15, rtol: 1e-12))
    #expect(!dynamic.quirks.contains { $0.contains("again") })
  }

  @Test("trailing at 61 steps makes 62 timesteps ending at −1, as diffusers does; DDIM wraps it")
  func trailingOvershoot() throws {
    let process = try Self.process(.ddpmScaledLinear)
    let euler = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 61, spacing: .trailing))
    #expect(euler.timesteps.count == 62 && euler.timesteps.last == -1)
    #expect(euler.quirks.contains { $0.hasPrefix("trailing spacing makes 62 timesteps") })
    let ddim = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 61, scheduler: .ddim, spacing: .trailing))
    // alphas_cumprod[−1] is ᾱ_999: the last network call is at the noisiest level.
    #expect(ddim.sigmas[61] == ddim.sigmas[0])
    #expect(ddim.notes(training: process).contains { $0.kind == .monotone && $0.serious })
  }

  @Test("the zero-SNR linear table's 2⁻²⁴ floor is named: σ_999 = 4096 is not the noisiest")
  func nonMonotoneTable() throws {
    let process = try Self.process(.ddpmLinear, zeroSNR: true)
    let list = try SamplerSteps(process: process, settings: SamplerSettings(steps: 10))
    #expect(list.quirks.contains { $0.contains("timesteps 996–998") }, "\(list.quirks)")
  }

  @Test(
    "a diffusers list on its own table is not outside training (float32 vs Double)",
    arguments: [SigmaConversion.schedule, .karras, .exponential])
  func ownTableInside(conversion: SigmaConversion) throws {
    let process = try Self.process(.ddpmScaledLinear)
    let list = try SamplerSteps(
      process: process,
      settings: SamplerSettings(steps: 10, spacing: .trailing, conversion: conversion))
    let notes = list.notes(training: process)
    #expect(!notes.contains { $0.kind == .outsideTraining }, "\(notes.map { $0.text })")
  }

  @Test("training the list was not made for: levels outside it are serious")
  func againstOtherTraining() throws {
    // EDM's Karras list reaches σ = 80; SD's table is trained only up to σ 14.6.
    let edm = try SamplerSteps(
      process: Self.process(.edm), settings: SamplerSettings(steps: 10, conversion: .karras))
    let notes = edm.notes(training: try Self.process(.ddpmScaledLinear))
    let outside = try #require(notes.first { $0.kind == .outsideTraining })
    #expect(outside.serious && outside.text.contains("noisier than anything training drew"))
  }

  @Test("a list with σ = ∞ (DDIM at zero SNR) is refused in comfy and sdcpp, null in JSON")
  func formats() throws {
    let process = try Self.process(.ddpmScaledLinear, zeroSNR: true)
    let ddim = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 2, scheduler: .ddim, spacing: .trailing))
    #expect(ddim.sigmas[0] == .infinity)
    #expect(throws: SamplerError.self) { try ddim.rendered(.comfy, notes: []) }
    let json = try JSONValue.parse(ddim.rendered(.json, notes: []))
    #expect(json["sigmas"]?.arrayValue?.first == .null)
    let euler = try SamplerSteps(
      process: try Self.process(.ddpmScaledLinear), settings: SamplerSettings(steps: 2))
    // diffusers' float32 σ_999 and σ_0, at full precision.
    #expect(
      try euler.rendered(.sdcpp, notes: []) == "14.614646911621094,0.029167532920837402,0.0\n")
    #expect(
      try euler.rendered(.comfy, notes: []) == "14.614646911621094, 0.029167532920837402, 0.0\n")
    #expect(
      try euler.rendered(.text, notes: []) == "14.614646911621094\n0.029167532920837402\n0.0\n")
  }

  @Test("continuous families keep export --sigmas' uniform list")
  func uniformIsExportSigmas() throws {
    let process = try Self.process(.cosine)
    let list = try SamplerSteps(process: process, settings: SamplerSettings(steps: 20))
    #expect(list.sigmas == (try SamplerSigmas(process: process, count: 20)).sigmas)
    #expect(list.timesteps.first == 1 && list.timesteps.count == 20)
  }

  @Test("the Beta(0.6, 0.6) quantile inverts its CDF and is symmetric")
  func betaQuantile() {
    for p in [0.001, 0.1, 0.3, 0.5, 0.77, 0.999] {
      let x = BetaQuantile.quantile(p, a: 0.6, b: 0.6)
      #expect(isClose(BetaQuantile.cdf(x, a: 0.6, b: 0.6), p, rtol: 1e-12))
      #expect(isClose(x + BetaQuantile.quantile(1 - p, a: 0.6, b: 0.6), 1, rtol: 1e-12))
    }
    // scipy.stats.beta.ppf(0.1, 0.6, 0.6)
    #expect(isClose(BetaQuantile.quantile(0.1, a: 0.6, b: 0.6), 0.03958440558878085, rtol: 1e-10))
  }
}
