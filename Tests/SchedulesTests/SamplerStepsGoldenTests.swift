import Schedules
import TestSupport
import Testing

/// `SamplerSteps` against the lists the real diffusers 0.42.1 made
/// (`scripts/golden_sampler_steps.py`, Fixtures/sampler_steps_golden.json).
///
/// Tolerance: schedtui reproduces diffusers' float32 table (``SamplerSteps``), and the lists
/// agree to 2e-6 relative except where zero-terminal-SNR's float32 rescale is not reproduced bit
/// for bit. A σ passes if it is within 4e-6 relative, or if its ᾱ = 1/(1+σ²) (a flow's t'
/// itself) is within 2.5e-7, four float32 ulps of 1: near ᾱ = 1, 1 − ᾱ cancels, and one ulp of
/// ᾱ moves σ = 0.0229 by 1e-4 relative. Timesteps: within 1e-3 (float32 of numbers up to 1000,
/// and _sigma_to_t on float32 log σ); measured 4.6e-4.
@Suite struct SamplerStepsGoldenTests {
  static let fixture = Result { try Fixtures.load("sampler_steps_golden.json") }

  static func settingsSpec(_ g: JSONValue) throws -> (ScheduleSpec, SamplerSettings) {
    let scheduler = try #require(g["scheduler"]?.stringValue)
    var settings = SamplerSettings()
    settings.conversion = try #require(SigmaConversion(rawValue: g["sigmas"]?.stringValue ?? ""))
    if scheduler == "flow-match" {
      var spec = ScheduleSpec(family: .rectifiedFlow)
      if let shift = g["shift"]?.doubleValue { spec[.shift] = shift }
      if let side = g["image_side"]?.doubleValue { spec[.imageSide] = side }
      return (spec, settings)
    }
    settings.scheduler = try #require(DiffusersScheduler(rawValue: scheduler))
    settings.spacing = try #require(TimestepSpacing(rawValue: g["spacing"]?.stringValue ?? ""))
    settings.stepsOffset = Int(g["steps_offset"]?.doubleValue ?? 0)
    var spec = ScheduleSpec(
      family: g["table"]?.stringValue == "linear" ? .ddpmLinear : .ddpmScaledLinear)
    spec.zeroTerminalSNR = g["zero_snr"]?.boolValue ?? false
    return (spec, settings)
  }

  /// ᾱ of a variance-exploding σ, or t' itself for a flow.
  static func alphaBar(_ sigma: Double, flow: Bool) -> Double {
    flow ? sigma : sigma.isInfinite ? 0 : 1 / (1 + sigma * sigma)
  }

  @Test("every Euler, DDIM, DPM-Solver and FlowMatch list matches diffusers to float32 precision")
  func matchesDiffusers() throws {
    let golden = try Self.fixture.get()
    let settings = try #require(golden["settings"]?.arrayValue)
    #expect(settings.count > 100)
    var compared = 0
    var refused = 0
    var worstAlphaBar = 0.0
    var worstSigma = 0.0
    var worstTimestep = 0.0
    for g in settings {
      var (spec, s) = try Self.settingsSpec(g)
      let flow = spec.family == .rectifiedFlow
      let process = try NoiseProcess(schedule: Schedule(spec))
      for run in try #require(g["runs"]?.arrayValue) {
        s.steps = Int(try #require(run["steps"]?.doubleValue))
        let label =
          "\(g["scheduler"]!.stringValue!) \(spec.family.rawValue) \(s) "
          + "zsnr=\(spec.zeroTerminalSNR)"
        if run["refused"] != nil {
          #expect(throws: SamplerError.self, "\(label): diffusers refuses it") {
            try SamplerSteps(process: process, settings: s)
          }
          refused += 1
          continue
        }
        let list = try SamplerSteps(process: process, settings: s)
        let length = Int(try #require(run["length"]?.doubleValue))
        #expect(list.sigmas.count == length, "\(label)")
        #expect(list.timesteps.count == length - 1, "\(label)")
        guard list.sigmas.count == length else { continue }
        let index = run["index"].map { Fixtures.doubles($0).map(Int.init) } ?? Array(0..<length)
        let sigmas = (run["sigma"]?.arrayValue ?? []).map { $0.doubleValue ?? .infinity }
        let timesteps = Fixtures.doubles(run["timestep"])
        for (k, i) in index.enumerated() {
          let (mine, theirs) = (list.sigmas[i], sigmas[k])
          let (a, b) = (Self.alphaBar(mine, flow: flow), Self.alphaBar(theirs, flow: flow))
          let ok = isClose(mine, theirs, rtol: 4e-6) || abs(a - b) <= 2.5e-7
          #expect(ok, "\(label) σ[\(i)] = \(mine), diffusers \(theirs)")
          worstAlphaBar = max(worstAlphaBar, abs(a - b))
          if mine.isFinite, theirs > 0 {
            worstSigma = max(worstSigma, abs(mine - theirs) / theirs)
          }
          if k < timesteps.count {
            let dt = abs(list.timesteps[i] - timesteps[k])
            #expect(
              dt <= 1e-3,
              "\(label) timestep[\(i)] = \(list.timesteps[i]), diffusers \(timesteps[k])")
            worstTimestep = max(worstTimestep, dt)
          }
        }
        compared += 1
      }
    }
    print(
      "SamplerStepsGolden: \(compared) lists compared, \(refused) refusals; worst |Δᾱ| "
        + "\(worstAlphaBar), worst relative Δσ \(worstSigma), worst |Δtimestep| \(worstTimestep)")
    #expect(compared > 800)
  }
}
