import Engine
import Foundation
import Schedules
import TestSupport
import Testing

/// `schedtui export --python`'s module, imported by a real Python with NumPy, against the
/// engine: γ and logSNR as `schedtui curve` prints them, Algorithm 2's network input as the
/// engine's noising builds it, and the objective's coefficients as ``Objective`` computes them.
@Suite struct PythonExportTests {
  /// Every family at its defaults, and the variants whose code paths differ (the zero-terminal-
  /// SNR rescale, b ≠ 1 with and without normalisation, other discrete tables, a shift).
  static let configs: [(String, Config)] = {
    var out = ScheduleFamily.allCases.map {
      ($0.rawValue, Config(schedule: ScheduleSpec(family: $0)))
    }
    var zero = ScheduleSpec(family: .cosine, start: 0.2, end: 0.9, tau: 2)
    zero.zeroTerminalSNR = true
    out.append(("cosine zero-terminal-SNR", Config(schedule: zero, inputScale: 0.5)))
    var sd = ScheduleSpec(family: .ddpmScaledLinear)
    sd.zeroTerminalSNR = true
    out.append(("ddpm-scaled-linear zero-terminal-SNR", Config(schedule: sd)))
    out.append((
      "sigmoid b = 0.3 unnormalised",
      Config(schedule: ScheduleSpec(family: .sigmoid, start: 0, end: 3, tau: 0.5), inputScale: 0.3,
             normalize: false)))
    var rf = ScheduleSpec(family: .rectifiedFlow)
    rf[.shift] = 3
    out.append(("rectified-flow shift 3", Config(schedule: rf, inputScale: 2)))
    // The shift on other families, and Flux's μ (from an image side, linear) with zero SNR.
    out.append(("cosine shift 2", Config(schedule: ScheduleSpec(family: .cosine, shift: 2))))
    var flux = ScheduleSpec(family: .sigmoid, start: 0, end: 3, tau: 0.5, zeroTerminalSNR: true)
    flux[.imageSide] = 512
    flux[.timeShift] = 1
    out.append(("sigmoid zero-SNR Flux μ 512 px linear", Config(schedule: flux, inputScale: 0.7)))
    return out
  }()

  static let ts: [Double] =
    [0, 1e-9, 1e-6, 1e-3, 0.25, 0.4999, 0.5, 0.5001, 0.999, 1 - 1e-9, 1]
    + (0...100).map { Double($0) / 100 }

  /// Runs `driver` with the module at hand and returns what it printed as JSON.
  static func runPython(module: String, input: JSONValue, driver: String = driver) throws
    -> JSONValue
  {
    let dir = URL(fileURLWithPath: temporaryFolder("python"))
    try module.write(
      to: dir.appendingPathComponent("schedule_export.py"), atomically: true, encoding: .utf8)
    try input.rendered().write(
      to: dir.appendingPathComponent("input.json"), atomically: true, encoding: .utf8)
    let (status, output, errors) = try SchedtuiCommand.run(
      executable: "/usr/bin/env", ["python3", "-c", driver, dir.path])
    guard status == 0 else { throw PythonFailed(message: "python3 exited \(status): \(errors)") }
    return try JSONValue.parse(output)
  }

  struct PythonFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { message + " (scripts/setup installs NumPy)" }
  }

  /// Imports the module and evaluates everything on the input's points; ±∞ become null.
  static let driver = """
    import json, math, sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import schedule_export as m
    inp = json.load(open(sys.argv[1] + "/input.json"))
    def clean(v):
        return [None if not math.isfinite(x) else x for x in np.asarray(v, dtype=float).ravel()]
    t = np.array(inp["t"])
    out = dict(gamma=clean(m.gamma(t)), logsnr=clean(m.logsnr(t)), condition=clean(m.condition(t)))
    x0 = np.array(inp["x0"]).reshape(len(inp["tb"]), -1)
    eps = np.array(inp["eps"]).reshape(x0.shape)
    shape = (x0.shape[0], 2, -1)
    out["noisy"] = clean(m.noisy(x0.reshape(shape), np.array(inp["tb"]), eps.reshape(shape)))
    coeffs = []
    for p in \(Parameterization.names):
        for w in \(LossWeighting.names):
            c = m.coefficients(np.array(inp["alpha"]), np.array(inp["sigma"]), p, w)
            coeffs.append({k: clean(v) for k, v in c.items()})
    out["coefficients"] = coeffs
    default_skip = m.X0_SKIP
    m.X0_SKIP = 3.5
    out["x0_skip"] = [{k: clean(v) for k, v in m.coefficients(
        np.array(inp["alpha"]), np.array(inp["sigma"]), "x0", w).items()}
        for w in \(LossWeighting.names)]
    m.X0_SKIP = default_skip
    out["meta"] = [m.PREDICTION, m.WEIGHTING, m.MIN_SNR_GAMMA, m.DATA_RMS, m.INPUT_SCALE,
                   m.DATA_RMS_FROM_DATA, m.set_data_rms(np.array([[0.3, -0.4], [0.0, 0.0]])),
                   m.X0_SKIP]
    print(json.dumps(out))
    """

  /// λ to 1e-6 relative (an infinity only equals itself), except within 1e-12 of γ = 1: there
  /// λ = log γ − log(1 − γ) turns one ulp of γ (NumPy's vectorised cos differs from the C
  /// library's by one) into a jump to +∞, so both need only be beyond 27 (1 − γ < 2e-12).
  static func sameLogSNR(_ python: Double, _ engine: Double, gamma: Double) -> Bool {
    if gamma > 1 - 1e-12 { return python > 27 && engine > 27 }
    if python.isInfinite || engine.isInfinite { return python == engine }
    return isClose(python, engine, rtol: 1e-6, atol: 1e-9)
  }

  static func doubles(_ v: JSONValue?) -> [Double] {
    (v?.arrayValue ?? []).map { $0.doubleValue ?? .infinity }
  }

  @Test(
    "the module reproduces schedtui curve, Algorithm 2's input and Objective",
    arguments: 0..<configs.count)
  func reproducesEngine(index: Int) throws {
    let (name, config) = Self.configs[index]
    let objective = Objective(prediction: .edm, minSNRGamma: 3, dataRMS: 0.6)
    let module = try PythonExport(config: config, objective: objective, source: "test \(name)")
    let process = try config.noiseProcess()
    // Algorithm 2's inputs: 3 examples of 2 × 8 values.
    var rng = Xoshiro256(seed: 7)
    let tb = [0.05, 0.5, 0.97]
    let d = 16
    var x0 = [Float](repeating: 0, count: tb.count * d)
    var eps = x0
    fillGaussian(&x0, using: &rng)
    fillGaussian(&eps, using: &rng)
    let alpha = [0.9, 0.5, 1e-3, 2.0]
    let sigma = [0.1, 0.8, 1.0, 0.3]
    let input = JSONValue.object([
      ("t", .array(Self.ts.map(JSONValue.double))),
      ("tb", .array(tb.map(JSONValue.double))),
      ("x0", .array(x0.map { JSONValue.double(Double($0)) })),
      ("eps", .array(eps.map { JSONValue.double(Double($0)) })),
      ("alpha", .array(alpha.map(JSONValue.double))),
      ("sigma", .array(sigma.map(JSONValue.double))),
    ])
    let out = try Self.runPython(module: module.text, input: input)

    // γ and logSNR against the engine at every t, and against `schedtui curve`'s own text.
    let gamma = Self.doubles(out["gamma"])
    let logsnr = Self.doubles(out["logsnr"])
    let condition = Self.doubles(out["condition"])
    for (i, t) in Self.ts.enumerated() {
      #expect(isClose(gamma[i], process.schedule.gamma(t), rtol: 1e-6), "\(name) γ(\(t))")
      let clamped = min(max(process.logSNR(t), -40), 40)
      #expect(Self.sameLogSNR(logsnr[i], process.logSNR(t), gamma: gamma[i]), "\(name) λ(\(t))")
      #expect(Self.sameLogSNR(condition[i], clamped, gamma: gamma[i]), "\(name) condition(\(t))")
    }
    let curve = try JSONValue.parse(CurveOutput.render(process, points: 101, format: .json))
    let curveGamma = Self.doubles(curve["gamma"])
    let curveLogSNR = Self.doubles(curve["logsnr"])
    for i in 0...100 {
      #expect(isClose(gamma[11 + i], curveGamma[i], rtol: 1e-6), "\(name) curve γ at \(i)")
      #expect(
        Self.sameLogSNR(logsnr[11 + i], curveLogSNR[i], gamma: gamma[11 + i]), "\(name) curve λ")
    }

    // The network input against the engine's Algorithm 2 (Float32, so 1e-5 of unit variance).
    var expected = [Float](repeating: 0, count: x0.count)
    x0.withUnsafeBufferPointer { x in
      eps.withUnsafeBufferPointer { e in
        expected.withUnsafeMutableBufferPointer { o in
          Noising.noise(
            x0: x, noise: e, gamma: tb.map { process.schedule.gamma($0) },
            inputScale: config.inputScale,
            normalization: config.normalize ? .empirical : .none, exampleSize: d, into: o)
        }
      }
    }
    let noisy = Self.doubles(out["noisy"])
    #expect(noisy.count == expected.count)
    for (a, b) in zip(noisy, expected) {
      #expect(abs(a - Double(b)) <= 1e-5 * max(1, abs(a)), "\(name) noisy: \(a) vs \(b)")
    }

    // Every parameterisation × weighting against Objective, then the x0 output with its skip
    // path at λ_s = 3.5 under every weighting.
    let coefficients =
      (out["coefficients"]?.arrayValue ?? []) + (out["x0_skip"]?.arrayValue ?? [])
    let pairs =
      Parameterization.allCases.flatMap { p in LossWeighting.allCases.map { (p, $0, nil) } }
      + LossWeighting.allCases.map { (Parameterization.x0, $0, 3.5) }
    #expect(coefficients.count == pairs.count)
    for (k, (p, w, skip)) in pairs.enumerated() where k < coefficients.count {
      let o = Objective(prediction: p, weighting: w, minSNRGamma: 3, dataRMS: 0.6, x0Skip: skip)
      for j in alpha.indices {
        let c = o.coefficients(alpha: alpha[j], sigma: sigma[j])
        let expected: [(String, Double)] = [
          ("skip", c.skip), ("out", c.out), ("x0_skip", c.x0Skip), ("x0_out", c.x0Out),
          ("target_eps", c.targetEps), ("target_x0", c.targetX0), ("weight", c.weight),
        ]
        for (key, value) in expected {
          let got = Self.doubles(coefficients[k][key])[j]
          // σ = 1 is γ = 0, where the flow output's b = α/√γ is undefined: both sides must say
          // so (±∞ or NaN), not agree on a number.
          if !value.isFinite {
            #expect(!got.isFinite, "\(p) \(w) \(key) at \(j): \(got), Swift \(value)")
            continue
          }
          #expect(
            isClose(got, value, rtol: 1e-12, atol: 1e-15), "\(p) \(w) \(skip ?? .nan) \(key) at \(j)")
        }
      }
    }
    let meta = out["meta"]?.arrayValue ?? []
    #expect(meta.count == 8)
    #expect(meta.last == JSONValue.null, "the objective has no skip: X0_SKIP is None")
    // √((0.09 + 0.16)/4) = 0.25: the second moment, over every pixel of every image.
    #expect(meta[5] == .bool(false) && isClose(meta[6].doubleValue ?? 0, 0.25, rtol: 1e-12))
    #expect(meta.first?.stringValue == "edm" && meta[1].stringValue == "eps-mse")
    #expect(meta[2].doubleValue == 3 && meta[3].doubleValue == 0.6)
    #expect(meta[4].doubleValue == config.inputScale)
  }

  /// The module's draw_t against ``TimestepSampling/draw(uniform:normal:)`` on the same (u, n),
  /// for each sampling; lognormal's t must give back the drawn logSNR through logsnr(t).
  @Test("draw_t draws as the trainer does, for each t-sampling (lognormal through t_of_logsnr)")
  func drawT() throws {
    let us = [0.0, 0.05, 0.3, 0.5, 0.77, 0.999]
    let ns = [-2.5, -1.0, 0.0, 0.4, 1.3, 2.2]
    let samplings: [TimestepSampling] = [
      .uniform, .logitNormal(mean: 0.5, std: 1.2), .mode(scale: 1.29),
      .logNormal(mean: -0.8, std: 1.6),
    ]
    for sampling in samplings {
      let config = Config(
        schedule: ScheduleSpec(family: .rectifiedFlow, shift: 3), inputScale: 0.7,
        training: TrainingSection(tSampling: sampling))
      let module = try PythonExport(
        config: config, objective: Objective(prediction: .flow, inputScale: 0.7), source: "test")
      let driver = """
        import json, sys
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import schedule_export as m
        t = m.draw_t(np.array(\(us)), np.array(\(ns)))
        fin = lambda v: [float(x) if np.isfinite(x) else None for x in v]
        print(json.dumps(dict(name=m.T_SAMPLING, t=fin(t), lam=fin(m.logsnr(t)))))
        """
      let out = try Self.runPython(module: module.text, input: .null, driver: driver)
      #expect(out["name"]?.stringValue == sampling.name)
      let t = Self.doubles(out["t"])
      let lam = Self.doubles(out["lam"])
      let process = try config.noiseProcess()
      for i in us.indices {
        let drawn = sampling.draw(uniform: us[i], normal: ns[i])
        if case .logNormal = sampling {
          #expect(isClose(lam[i], drawn, rtol: 1e-9, atol: 1e-9), "\(sampling) λ \(drawn)")
          #expect(isClose(process.logSNR(t[i]), drawn, rtol: 1e-9, atol: 1e-9))
        } else {
          #expect(isClose(t[i], drawn, rtol: 1e-14, atol: 1e-15), "\(sampling) u=\(us[i]) n=\(ns[i])")
        }
      }
    }
  }
}

/// `schedtui export --sigmas / --python` run as a user would.
@Suite struct ExportHandOffCommandTests {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    try SchedtuiCommand.run(["export"] + arguments)
  }

  @Test("--python takes the config's objective and σ_d measured on its data, as train does")
  func pythonFromConfig() throws {
    let dir = temporaryFolder("export-python")
    var config = Config(schedule: ScheduleSpec(family: .linear))
    config.training = TrainingSection(
      resolution: 16, prediction: .v, weighting: .minSNR, minSNRGamma: 2)
    try config.encoded().write(toFile: dir + "/c.json", atomically: true, encoding: .utf8)
    let (status, _, error) = try Self.run([
      "--config", dir + "/c.json", "--python", dir + "/m.py",
    ])
    #expect(status == 0, "\(error)")
    let text = try String(contentsOfFile: dir + "/m.py", encoding: .utf8)
    let rms = try Dataset.digits(resolution: 16).rms
    #expect(text.contains("PREDICTION = \"v\""))
    #expect(text.contains("WEIGHTING = \"min-snr\""))
    #expect(text.contains("MIN_SNR_GAMMA = 2.0\n"))
    #expect(text.contains("DATA_RMS = \(rms)\n") && text.contains("DATA_RMS_FROM_DATA = True"))
    #expect(text.contains("`schedtui export --python` from: config file \(dir)/c.json"))
  }

  @Test("a default export names the x0 output's default skip: as missing in --train-flags (not refused), as X0_SKIP in --python")
  func defaultSkip() throws {
    // A flow schedule with the default training section, whose output is x0 with its skip.
    let (status, output, error) = try Self.run(["--family", "rectified-flow", "--train-flags", "kohya"])
    #expect(status == 0, "\(error)")
    #expect(
      output.contains("# no equivalent: the x0 output's skip path (training.x0_skip 8, "),
      "\(output)")
    let dir = temporaryFolder("export-default-skip")
    let (made, _, why) = try Self.run(["--python", dir + "/m.py"])
    #expect(made == 0, "\(why)")
    let text = try String(contentsOfFile: dir + "/m.py", encoding: .utf8)
    #expect(text.contains("X0_SKIP = 8"), "\(text.prefix(400))")
    // Another output: the x0 output's default does not apply, so nothing is refused or carried.
    let (v, _, vWhy) = try Self.run(["--python", dir + "/v.py", "--prediction", "v"])
    #expect(v == 0, "\(vWhy)")
    let vText = try String(contentsOfFile: dir + "/v.py", encoding: .utf8)
    #expect(vText.contains("X0_SKIP = None"))
  }

  @Test("--sigmas without --output prints only the JSON array on standard output")
  func sigmasToStandardOutput() throws {
    let (status, output, _) = try Self.run(["--preset", "edm", "--sigmas", "4"])
    #expect(status == 0)
    let list = (try JSONValue.parse(output).arrayValue ?? []).compactMap(\.doubleValue)
    #expect(list.count == 5 && list.last == 0)
    // EDM's t = 1 is σmax = 80 exactly (up to the exp/log round trip).
    #expect(isClose(list[0], 80, rtol: 1e-12))
  }

  @Test(
    "bad hand-off options are refused with the option, the value and what is allowed",
    arguments: [
      (["--sigmas", "0"], "--sigmas 0 is not allowed: a whole number of sampling steps in [1, 1"),
      (["--sigmas", "x"], "--sigmas"),
      (["--python", "m.txt"], "--python m.txt is not allowed: a file name ending in .py"),
      // The objective options parse into the vocabulary's types, so ArgumentParser names them.
      (["--python", "m.py", "--prediction", "foo"], "'foo' is invalid for '--prediction <output>'"),
      (["--python", "m.py", "--weighting", "l1"], "'l1' is invalid for '--weighting <weighting>'"),
      (["--python", "m.py", "--data-rms", "0"], "--data-rms 0.0 is not allowed: a number > 0"),
      (["--output", "c.json", "--weighting", "edm"], "--weighting only applies with --python"),
      (["--python", "m.py", "--x0-skip", "off"], "--x0-skip off is not allowed: \"none\" or"),
      (
        ["--python", "m.py", "--prediction", "v", "--x0-skip", "4"],
        "--x0-skip 4 with prediction v is not allowed: \"none\" or, with prediction x0,"
      ),
      (["--python", "m.py", "--x0-skip", "41"], "--x0-skip 41 is not allowed"),
      (
        ["--preset", "sd3", "--train-flags", "kohya", "--x0-skip", "4"],
        "--x0-skip 4 is not allowed: none with --train-flags: kohya's flags have no x0 output"
      ),
      ([], "Say where to write: --output FILE (JSON config), --diffusers DIR, --sigmas N"),
    ])
  func refuses(arguments: [String], message: String) throws {
    let (status, _, error) = try Self.run(arguments)
    #expect(status != 0)
    #expect(error.contains(message), "\(error)")
  }
}
