import RealModule
import Schedules
import TestSupport
import Testing

@Suite struct CurveOutputTests {
  @Test("curve JSON on 41 points reproduces Algorithm 1's NumPy values to 1e-12")
  func curveReproducesAlgorithm1() throws {
    let golden = try Fixtures.load("schedules_golden.json")
    let goldenT = Fixtures.doubles(golden["t"])
    for c in try Fixtures.cases(golden["algorithm1"]) {
      let process = try NoiseProcess(schedule: Schedule(c.spec))
      let json = try JSONValue.parse(CurveOutput.render(process, points: 41, format: .json))
      #expect(json.keys == ["t", "gamma", "logsnr", "density"])
      let ts = Fixtures.doubles(json["t"])
      let gammas = Fixtures.doubles(json["gamma"])
      #expect(ts.first == 0 && ts.last == 1 && ts.count == 41)
      let expected = Fixtures.doubles(c.json["gamma"])
      for (t, g) in zip(ts, gammas) {
        // The fixture's grid holds i/40 exactly (Python's i / 40 is the same Double).
        let i = try #require(goldenT.firstIndex(of: t))
        #expect(isClose(g, expected[i], rtol: 1e-12, atol: 8 * .ulpOfOne), "\(c) t = \(t)")
      }
    }
  }

  @Test("logSNR column includes 2·log b, +∞ prints inf / null")
  func scaleAndInfinity() throws {
    let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)), inputScale: 0.5)
    let csv = CurveOutput.render(p, points: 3, format: .csv)
    // p(λ) of 1 − t under uniform t is t(1 − t) (README): 0.25 at t = 0.5; none at λ = ∞;
    // 0 at t = 1, where γ is clipped (a point mass).
    #expect(
      csv == "t,gamma,logsnr,density\n0.0,1.0,inf,\n0.5,0.5,\(2 * Double.log(0.5)),0.25\n"
        + "1.0,1e-09,\(Double.log(1e-9) - Double.log(onePlus: -1e-9) + 2 * Double.log(0.5)),0.0\n")
    let json = CurveOutput.render(p, points: 2, format: .json)
    #expect(json.contains("\"logsnr\": [null, "))
    #expect(json.contains("\"density\": [null, 0.0]"))
    let table = CurveOutput.render(p, points: 2, format: .table).split(separator: "\n")
    #expect(table.count == 3)
    #expect(table[0].hasSuffix("p(λ)") && table[1].hasSuffix("-") && table[1].contains("inf"))
  }
}

@Suite struct PresetTests {
  @Test("every preset has a unique name and a valid schedule")
  func allValid() throws {
    #expect(Set(Preset.all.map(\.name)).count == Preset.all.count)
    for p in Preset.all {
      _ = try p.config.noiseProcess()
    }
  }

  @Test("the paper's tables are all there: 6 of Table 1, 12 of Table 3, 16 of Table 4")
  func tableCounts() {
    #expect(Preset.all.filter { $0.source == "Table 1" }.count == 6)
    #expect(Preset.all.filter { $0.source == "Table 3" }.count == 12)
    #expect(Preset.all.filter { $0.source == "Table 4" }.count == 16)
  }

  @Test("presets carry the paper's numbers (spot checks against the paper's text)")
  func spotChecks() throws {
    let t1 = try #require(Preset.named("table1-512"))
    #expect(t1.inputScale == 0.2 && t1.spec == ScheduleSpec(family: .cosine, start: 0.2))
    let best = try #require(Preset.named("table3-sigmoid-s0-e3-tau0.5"))
    #expect(best.fid.first { $0.resolution == 256 }?.value == 4.28)
    let t4 = try #require(Preset.named("table4-linear-b0.4"))
    #expect(t4.inputScale == 0.4 && t4.fid.map(\.value) == [3.79, 6.89, 3.52])
    let sd3 = try #require(Preset.named("sd3-rf-shift3"))
    #expect(sd3.spec.family == .rectifiedFlow && sd3.spec[.shift] == 3)
  }

  /// The numbers each trainer's preset cites (SD3 paper §5.1/§5.3.2; FLUX.1-dev's scheduler
  /// config with calculate_shift: μ = 0.5 + (L − 256)·0.65/3840, L = (side/16)²; EDM Table 1;
  /// NVlabs/edm2 train_edm2.py), checked by hand here.
  @Test("today's trainers' presets: SD3, Flux at 1024² and 512², EDM, EDM2 — schedule, density, output")
  func trainers() throws {
    let sd3 = try #require(Preset.named("sd3"))
    #expect(sd3.spec.family == .rectifiedFlow && sd3.spec[.shift] == 3)
    #expect(sd3.training == .init(tSampling: .logitNormal(mean: 0, std: 1), prediction: .flow, weighting: .flowMSE))
    for (side, mu) in [(1024, 1.15), (512, 0.5 + (1024 - 256) * 0.65 / 3840)] {
      let flux = try #require(Preset.named("flux-dev-\(side)"))
      let schedule = try Schedule(flux.spec)
      #expect(isClose(try #require(schedule.shift.mu), mu, rtol: 1e-14), "\(side)")
      #expect(schedule.shift.timeShift == .exponential)
      #expect(flux.training?.prediction == .flow)
    }
    for (name, mean, std) in [("edm", -1.2, 1.2), ("edm2-img512", -0.4, 1.0), ("edm2-img64", -0.8, 1.6)] {
      let p = try #require(Preset.named(name))
      #expect(p.spec == ScheduleSpec(family: .edm), "\(name)")
      #expect(p.training == .init(tSampling: .logNormal(mean: mean, std: std), prediction: .edm, weighting: .edm))
    }
    for p in Preset.trainers {
      #expect(p.citation?.isEmpty == false, "\(p.name) cites no source")
      // Their config carries the training side, which train, export and curve read.
      let section = try #require(p.config.training, "\(p.name)")
      #expect(section.tSampling == p.training?.tSampling && section.prediction == p.training?.prediction)
    }
    // The paper's presets stay schedule-only.
    #expect(Preset.named("table1-256")?.config.training == nil)
  }

  @Test("the preset list renders in all three formats")
  func renders() throws {
    let json = try JSONValue.parse(PresetOutput.render(Preset.all, format: .json))
    #expect(json.arrayValue?.count == Preset.all.count)
    let csv = PresetOutput.render(Preset.table3, format: .csv).split(separator: "\n")
    #expect(csv.count == 13)
    #expect(csv[1].hasPrefix("table3-linear,Table 3,linear,1.0,2.04,4.51,7.21,"))
    #expect(PresetOutput.csvField("a, \"b\"") == "\"a, \"\"b\"\"\"")
    let sd3 = try #require(json.arrayValue?.first { $0["name"]?.stringValue == "sd3" })
    #expect(sd3["training"]?["t_sampling"]?.stringValue == "logit-normal:0:1")
    #expect(sd3["citation"]?.stringValue?.contains("§5.3.2") == true)
    #expect(PresetOutput.render(Preset.all, format: .table).contains("Sources:\n  sd3: SD3 paper"))
  }
}

@Suite struct DiffusersExportTests {
  @Test("trained_betas rebuild γ(i/T) by the cumulative product, in Double")
  func betasRebuildGamma() throws {
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .cosine, tau: 2)))
    let export = try DiffusersExport(process: process, steps: 200)
    #expect(export.betas.count == 200)
    var product = 1.0
    for (i, beta) in export.betas.enumerated() {
      product *= 1 - beta
      if export.cappedSteps.contains(i + 1) { break }
      #expect(isClose(product, process.schedule.gamma(Double(i + 1) / 200), rtol: 1e-12))
    }
    let json = try JSONValue.parse(export.schedulerConfig)
    #expect(json["num_train_timesteps"]?.doubleValue == 200)
    #expect(json["trained_betas"]?.arrayValue?.count == 200)
    #expect(json["_class_name"]?.stringValue == "DDPMScheduler")
  }

  @Test("a schedule ending at clipMin is capped, warned about, and v-prediction suggested")
  func zeroTerminalWarns() throws {
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    let export = try DiffusersExport(process: process, steps: 100)
    #expect(export.cappedSteps == [100])
    #expect(export.betas.last == 0.999)
    #expect(export.warnings.contains { $0.contains("v_prediction") })
    #expect(export.warnings.contains { $0.contains("capped") })
  }

  @Test("with b ≠ 1 and normalisation the export is the equivalent b = 1 γ'")
  func inputScaleExport() throws {
    let s = try Schedule(ScheduleSpec(family: .sigmoid, start: 0, end: 3, tau: 0.7))
    let p = try NoiseProcess(schedule: s, inputScale: 0.5)
    let export = try DiffusersExport(process: p, steps: 50)
    let g = s.gamma(0.5)
    // By hand: γ' = γb²/(γb² + 1 − γ) at t = 25/50.
    #expect(isClose(export.gammas[24], g * 0.25 / (g * 0.25 + 1 - g), rtol: 1e-14))
    #expect(export.warnings.allSatisfy { !$0.contains("without normalisation") })
    let raw = try DiffusersExport(
      process: NoiseProcess(schedule: s, inputScale: 0.5, normalize: false), steps: 50)
    #expect(raw.warnings.contains { $0.contains("without normalisation") })
  }

  @Test("bad steps and max β are rejected naming them")
  func rejects() throws {
    let p = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    #expect(
      throws: ScheduleError.invalid(
        field: "steps", value: "1",
        allowed: "a whole number in [2, 1000000]")
    ) {
      try DiffusersExport(process: p, steps: 1)
    }
    #expect(throws: ScheduleError.self) { try DiffusersExport(process: p, steps: 10, maxBeta: 0) }
  }
}
