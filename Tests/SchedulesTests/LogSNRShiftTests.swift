import Foundation
import Schedules
import TestSupport
import Testing

/// The shift fields every family reads (SD3's static shift, Flux's μ with its two time shifts,
/// μ from an image side): against the real diffusers' FlowMatchEulerDiscreteScheduler
/// (`scripts/golden_flow_shift.py`, Fixtures/flow_shift_golden.json), against hand derivations
/// on the non-flow families, and every bad value refused by name.
@Suite struct LogSNRShiftTests {
  static let fixture = Result { try Fixtures.load("flow_shift_golden.json") }

  /// The fixture's list under `key`, which holds exactly `count` entries (one that lost some
  /// fails the test rather than checking fewer).
  static func entries(_ key: String, count: Int) throws -> [JSONValue] {
    let list = try #require(try fixture.get()[key]?.arrayValue)
    #expect(list.count == count, "\(key)")
    return list
  }

  /// Rectified flow's σ (x_t = (1−σ)x0 + σε) from the schedule's logSNR: (1−σ)/σ = e^(λ/2).
  static func flowSigma(_ schedule: Schedule, _ t: Double) -> Double {
    1 / (1 + exp(schedule.logSNR(t) / 2))
  }

  /// The spec a fixture entry describes (image side and time shift, or a μ, or a static shift).
  static func spec(_ g: JSONValue) throws -> ScheduleSpec {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    if let shift = g["shift"]?.doubleValue { spec[.shift] = shift }
    if let side = g["image_side"]?.doubleValue {
      spec[.imageSide] = side
    } else if let mu = g["mu"]?.doubleValue {
      spec[.fluxMu] = mu
    }
    if g["time_shift"]?.stringValue == "linear" { spec[.timeShift] = 1 }
    return spec
  }

  @Test("rectified flow's σ'(t) with shift 3, and with Flux's μ at 512² and 1024² (exponential and linear), is diffusers'")
  func trainingCurvesMatchDiffusers() throws {
    for g in try Self.entries("training", count: 5) {
      let spec = try Self.spec(g)
      let schedule = try Schedule(spec)
      if let mu = g["mu"]?.doubleValue {
        // calculate_shift's μ, from the image side through Flux's defaults.
        #expect(isClose(try #require(schedule.shift.mu), mu, rtol: 1e-14), "\(g["image_side"]!)")
      }
      let ts = Fixtures.doubles(g["t"])
      let sigmas = Fixtures.doubles(g["sigma"])
      // The static shift's fixture is diffusers' float32 table (float32 t, float32 arithmetic):
      // a few float32 ulps. The time shifts ran in float64 on float64 t.
      let rtol = g["shift"] != nil ? 4e-7 : 1e-12
      for (t, theirs) in zip(ts, sigmas) {
        // At t = 1 diffusers' σ is 1 (pure noise); schedtui clips γ there at clipMin
        // (Algorithm 1's clip), which is the only place the two differ.
        guard t < 1 else {
          #expect(theirs == 1 && schedule.gamma(t) == spec.clipMin)
          continue
        }
        let mine = Self.flowSigma(schedule, t)
        #expect(isClose(mine, theirs, rtol: rtol), "\(spec.storedFields) t=\(t): \(mine) vs \(theirs)")
      }
    }
  }

  @Test("set_timesteps(mu=…) lists with use_dynamic_shifting, both time shifts, μ from 512/1024 px or given, are diffusers'")
  func samplingListsMatchDiffusers() throws {
    for g in try Self.entries("sampling", count: 6) {
      let process = try NoiseProcess(schedule: Schedule(Self.spec(g)))
      for run in try #require(g["runs"]?.arrayValue) {
        let n = Int(try #require(run["steps"]?.doubleValue))
        let list = try SamplerSteps(process: process, settings: SamplerSettings(steps: n))
        let sigmas = Fixtures.doubles(run["sigma"])
        let timesteps = Fixtures.doubles(run["timestep"])
        #expect(list.sigmas.count == sigmas.count)
        for (mine, theirs) in zip(list.sigmas, sigmas) {
          // diffusers holds them in float32: within 4 float32 ulps, or 2.5e-7 absolute near 0.
          #expect(isClose(mine, theirs, rtol: 5e-7, atol: 2.5e-7), "\(g) N=\(n): \(mine) vs \(theirs)")
        }
        for (mine, theirs) in zip(list.timesteps, timesteps) {
          #expect(isClose(mine, theirs, rtol: 1e-6, atol: 1e-4), "\(g) N=\(n) timestep")
        }
      }
    }
  }

  /// Hand derivations, one per family shape: the cosine (start 0, end 1, τ 1) is γ = cos²(πt/2)
  /// to 1e-32, i.e. variance-exploding σ = tan(πt/2); a shift S multiplies that σ by S (λ is
  /// −2·ln σ), so γ' = 1/(1 + S²·tan²(πt/2)). The paper's linear γ = 1 − t has σ² = t/(1−t),
  /// so γ' = (1−t)/((1−t) + S²·t).
  @Test("shift S on cosine and linear is λ − 2·ln S: γ' = 1/(1 + S² tan²(πt/2)) and (1−t)/((1−t) + S² t)")
  func staticShiftOnOtherFamiliesByHand() throws {
    for S in [0.25, 0.5, 2.0, 3.0, 10.0] {
      let cosine = try Schedule(ScheduleSpec(family: .cosine, shift: S))
      let linear = try Schedule(ScheduleSpec(family: .linear, shift: S))
      for t in stride(from: 0.05, through: 0.95, by: 0.05) {
        let tangent = tan(Double.pi * t / 2)
        #expect(isClose(cosine.gamma(t), 1 / (1 + S * S * tangent * tangent), rtol: 1e-12), "S=\(S) t=\(t)")
        #expect(isClose(linear.gamma(t), (1 - t) / ((1 - t) + S * S * t), rtol: 1e-12), "S=\(S) t=\(t)")
        #expect(isClose(cosine.logSNR(t), -2 * log(tangent) - 2 * log(S), rtol: 1e-12, atol: 1e-12))
      }
    }
  }

  @Test("on every family, each shift moves logSNR by a constant and leaves dλ/dt alone")
  func everyFamilyMovesByAConstant() throws {
    // (field values, the move): S = 2; μ = 0.7 exponential (−1.4); μ = 0.7 linear (−2·ln 0.7).
    let shifts: [([(ScheduleField, Double)], Double)] = [
      ([(.shift, 2)], -2 * log(2.0)),
      ([(.fluxMu, 0.7)], -1.4),
      ([(.fluxMu, 0.7), (.timeShift, 1)], -2 * log(0.7)),
    ]
    for family in ScheduleFamily.allCases {
      let plain = try Schedule(ScheduleSpec(family: family))
      for (values, move) in shifts {
        var spec = ScheduleSpec(family: family)
        for (field, value) in values { spec[field] = value }
        let shifted = try Schedule(spec)
        #expect(isClose(shifted.shift.offset, move, rtol: 1e-15))
        for t in stride(from: 0.1, through: 0.9, by: 0.1) {
          // Away from the clip: compare where neither is clipped.
          guard plain.gamma(t) > 1e-8, shifted.gamma(t) > 1e-8 else { continue }
          #expect(
            isClose(shifted.logSNR(t), plain.logSNR(t) + move, rtol: 1e-10, atol: 1e-10),
            "\(family) \(values) t=\(t)")
          #expect(isClose(shifted.dLogSNRdt(t), plain.dLogSNRdt(t), rtol: 1e-12), "\(family)")
        }
      }
    }
  }

  @Test("zero terminal SNR stays zero terminal SNR under a shift; the shift moves the rescaled curve")
  func zeroTerminalSNRThenShift() throws {
    var spec = ScheduleSpec(family: .cosine, shift: 2, zeroTerminalSNR: true)
    let shifted = try Schedule(spec)
    spec[.shift] = 1
    let rescaled = try Schedule(spec)
    #expect(shifted.gamma(1) == spec.clipMin)
    for t in [0.1, 0.5, 0.9] {
      #expect(isClose(shifted.logSNR(t), rescaled.logSNR(t) - 2 * log(2.0), rtol: 1e-12))
    }
  }

  /// `field` = `value` (with `others` set) is refused naming the field, with `allowed` in the text.
  func refuses(
    _ values: [(ScheduleField, Double)], field: String, allowed: String,
    family: ScheduleFamily = .cosine
  ) {
    var spec = ScheduleSpec(family: family)
    for (f, v) in values { spec[f] = v }
    do {
      _ = try Schedule(spec)
      Issue.record("\(values) was accepted")
    } catch {
      switch error {
      case .invalid(let name, _, let text):
        #expect(name == field, "\(values): named \(name)")
        #expect(text.contains(allowed), "\(values): \(text)")
      }
    }
  }

  @Test("bad shift values are refused naming the field, value and what is allowed")
  func refusals() {
    for s in [0, -1, .infinity, .nan] {
      refuses([(.shift, s)], field: "shift", allowed: "> 0")
    }
    refuses([(.fluxMu, .infinity)], field: "fluxMu", allowed: "finite")
    refuses([(.imageSide, 8)], field: "imageSide", allowed: "16 … 16384")
    refuses([(.imageSide, 20000)], field: "imageSide", allowed: "16 … 16384")
    refuses([(.imageSide, 512), (.fluxMu, 0.8)], field: "fluxMu", allowed: "auto")
    refuses([(.shift, 3), (.fluxMu, 0.8)], field: "shift", allowed: "1 with Flux's μ")
    refuses([(.shift, 3), (.imageSide, 1024)], field: "shift", allowed: "1 with Flux's μ")
    refuses([(.timeShift, 1)], field: "timeShift", allowed: "exponential without Flux's μ")
    refuses([(.timeShift, 1), (.fluxMu, -0.5)], field: "fluxMu", allowed: "> 0 with the linear")
    refuses([(.timeShift, 2), (.fluxMu, 1)], field: "timeShift", allowed: "exponential or linear")
    refuses([(.fluxBaseSeqLen, 512)], field: "fluxBaseSeqLen", allowed: "without an image side")
    refuses(
      [(.imageSide, 512), (.fluxMaxShift, 0.2)], field: "fluxMaxShift", allowed: "> the base shift")
    refuses(
      [(.imageSide, 512), (.fluxMaxSeqLen, 100)], field: "fluxMaxSeqLen",
      allowed: "> the base sequence length")
  }

  @Test("the shift's messages use the option, the config key and the explorer's label")
  func namesPerSource() {
    let error = ScheduleError.invalid(field: "fluxMu", value: "inf", allowed: "a finite number")
    #expect(error.fieldError(.commandLine).field == "--flux-mu")
    #expect(error.fieldError(.file("c.json"), prefix: "schedule.").field == "schedule.flux_mu")
    #expect(error.fieldError(.explorer).field == "Flux μ")
  }

  @Test("a config writes the shift fields it uses (time_shift by name) and reads them back")
  func configRoundTrip() throws {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.imageSide] = 512
    spec[.timeShift] = 1
    spec[.fluxMaxShift] = 1.3
    let json = Config.json(spec)
    #expect(json["time_shift"]?.stringValue == "linear")
    #expect(json["image_side"] == .int(512))
    #expect(json["max_shift"]?.doubleValue == 1.3)
    #expect(json["shift"] == nil, "a shift field at its default is not written")
    #expect(try ScheduleSpec(json: json) == spec)
    let cosine = Config.json(ScheduleSpec(family: .cosine))
    #expect(cosine["flux_mu"] == nil && cosine["shift"] == nil)
  }

  @Test("a config's unknown time shift is refused naming schedule.time_shift")
  func configRefusesTimeShift() throws {
    let text = """
      {"schedtui_config_version": 1, "schedule": {"family": "rectified-flow", "flux_mu": 1, "time_shift": "cubic"}}
      """
    #expect {
      try Config.decode(text, file: "c.json")
    } throws: { error in
      let d = "\(error)"
      return d.contains("schedule.time_shift") && d.contains("cubic") && d.contains("exponential or linear")
    }
  }
}

/// The FlowMatchEulerDiscreteScheduler export's keys, against hand-worked values (the σ diffusers
/// makes from it are compared with the real diffusers by `scripts/check_diffusers_export.py`).
@Suite struct FlowMatchExportTests {
  static func export(_ spec: ScheduleSpec, b: Double = 1, normalize: Bool = true) throws
    -> FlowMatchExport
  {
    try FlowMatchExport(
      process: NoiseProcess(schedule: Schedule(spec), inputScale: b, normalize: normalize))
  }

  @Test("a static shift is `shift`; b = 0.5 with normalisation is folded in: shift 2/0.5 = 4")
  func staticShift() throws {
    let plain = try Self.export(ScheduleSpec(family: .rectifiedFlow, shift: 3)).json
    #expect(plain["_class_name"]?.stringValue == "FlowMatchEulerDiscreteScheduler")
    #expect(plain["shift"]?.doubleValue == 3)
    #expect(plain["use_dynamic_shifting"] == .bool(false))
    let folded = try Self.export(ScheduleSpec(family: .rectifiedFlow, shift: 2), b: 0.5)
    #expect(folded.json["shift"]?.doubleValue == 4)
    #expect(folded.warnings.contains { $0.contains("folded") })
  }

  @Test("an image side is use_dynamic_shifting with its constants; b moves base and max shift")
  func dynamicShift() throws {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.imageSide] = 1024
    let json = try Self.export(spec).json
    #expect(json["use_dynamic_shifting"] == .bool(true))
    #expect(json["base_shift"]?.doubleValue == 0.5 && json["max_shift"]?.doubleValue == 1.15)
    #expect(json["base_image_seq_len"] == .int(256) && json["max_image_seq_len"] == .int(4096))
    #expect(json["time_shift_type"]?.stringValue == "exponential")
    // b = 0.7: exponential μ − ln 0.7 on both ends; linear μ/0.7.
    let exp = try Self.export(spec, b: 0.7).json
    #expect(isClose(exp["base_shift"]!.doubleValue!, 0.5 - log(0.7), rtol: 1e-15))
    #expect(isClose(exp["max_shift"]!.doubleValue!, 1.15 - log(0.7), rtol: 1e-15))
    spec[.timeShift] = 1
    let linear = try Self.export(spec, b: 0.7).json
    #expect(isClose(linear["max_shift"]!.doubleValue!, 1.15 / 0.7, rtol: 1e-15))
    #expect(linear["time_shift_type"]?.stringValue == "linear")
  }

  @Test("a μ given as a number is base_shift = max_shift = μ, with a warning saying so")
  func givenMu() throws {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.fluxMu] = 0.8
    let export = try Self.export(spec)
    #expect(export.json["base_shift"]?.doubleValue == 0.8)
    #expect(export.json["max_shift"]?.doubleValue == 0.8)
    #expect(export.warnings.contains { $0.contains("every image size") })
  }

  @Test("what FlowMatch cannot hold is refused, named: zero terminal SNR, b without normalisation, another family")
  func refusals() {
    #expect(throws: ScheduleError.self) {
      try Self.export(ScheduleSpec(family: .rectifiedFlow, zeroTerminalSNR: true))
    }
    #expect(throws: ScheduleError.self) {
      try Self.export(ScheduleSpec(family: .rectifiedFlow), b: 0.5, normalize: false)
    }
    #expect(throws: ScheduleError.self) { try Self.export(ScheduleSpec(family: .cosine)) }
  }
}

/// `export --train-flags`: the flags read from the scripts' argument definitions
/// (diffusers train_dreambooth_sd3.py / _flux.py parse_args, kohya flux_train_utils.py and
/// train_util.py), checked for the presets users start from and the sign flip of the mean.
@Suite struct TrainFlagsTests {
  static func flags(
    _ trainer: TrainFlags.Trainer, preset: String, tSampling: TimestepSampling? = nil,
    prediction: Parameterization? = nil
  ) throws -> [TrainFlags.Script] {
    let p = try #require(Preset.named(preset))
    let t = try #require(p.training)
    return try TrainFlags(
      trainer, process: p.config.noiseProcess(), tSampling: tSampling ?? t.tSampling,
      prediction: prediction ?? t.prediction, weighting: t.weighting
    ).scripts
  }

  @Test("sd3 in diffusers: logit_normal 0 1 with the velocity target; the shift is the scheduler config's")
  func sd3Diffusers() throws {
    let scripts = try Self.flags(.diffusers, preset: "sd3")
    #expect(scripts.count == 2)
    #expect(
      scripts[0].flags == [
        "--weighting_scheme", "logit_normal", "--logit_mean", "0", "--logit_std", "1",
        "--precondition_outputs", "0",
      ])
    #expect(scripts[0].missing.isEmpty)
    #expect(scripts[0].notes.contains { $0.contains("shift 3 with use_dynamic_shifting false") })
    // The Flux script trains FLUX.1-dev's unshifted table: the shift is named, not approximated.
    #expect(scripts[1].missing.contains { $0.contains("unshifted σ table") })
  }

  @Test("a logit-normal mean flips sign in the scripts that index descending timesteps, not in kohya's sigmoid")
  func meanFlips() throws {
    let shifted = TimestepSampling.logitNormal(mean: 0.5, std: 1.2)
    let diffusers = try Self.flags(.diffusers, preset: "sd3", tSampling: shifted)
    #expect(diffusers[0].flags.starts(with: ["--weighting_scheme", "logit_normal", "--logit_mean", "-0.5"]))
    let kohya = try Self.flags(.kohya, preset: "sd3", tSampling: shifted)[0]
    #expect(kohya.flags.starts(with: ["--timestep_sampling", "sigma", "--weighting_scheme", "logit_normal", "--logit_mean", "-0.5"]))
    #expect(kohya.flags.contains("--discrete_flow_shift"))
  }

  @Test("kohya: sd3 is shift with --discrete_flow_shift 3, flux-dev-1024 is flux_shift, both raw")
  func kohya() throws {
    let sd3 = try Self.flags(.kohya, preset: "sd3")[0]
    #expect(
      sd3.flags == [
        "--timestep_sampling", "shift", "--sigmoid_scale", "1", "--discrete_flow_shift", "3",
        "--model_prediction_type", "raw",
      ])
    let flux = try Self.flags(.kohya, preset: "flux-dev-1024")[0]
    #expect(
      flux.flags == [
        "--timestep_sampling", "flux_shift", "--sigmoid_scale", "1", "--model_prediction_type", "raw",
      ])
  }

  @Test("what a trainer has no equivalent for is named: lognormal, an ε output; other families are refused")
  func missing() throws {
    let lognormal = try Self.flags(.kohya, preset: "sd3", tSampling: .logNormal(mean: -1.2, std: 1.2))[0]
    #expect(lognormal.missing.contains { $0.contains("lognormal") })
    let eps = try Self.flags(.diffusers, preset: "sd3", prediction: .eps)
    #expect(eps.allSatisfy { s in s.missing.contains { $0.contains("eps output") } })
    let edm = try #require(Preset.named("edm"))
    #expect(throws: ScheduleError.self) {
      try TrainFlags(
        .kohya, process: edm.config.noiseProcess(), tSampling: .uniform, prediction: .edm,
        weighting: .edm)
    }
  }
}
