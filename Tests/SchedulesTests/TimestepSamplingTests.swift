import RealModule
import Schedules
import Testing

@Suite struct TimestepSamplingTests {
  /// ∫ f over [a, b] by Simpson's rule on `n` (even) intervals.
  static func integrate(_ a: Double, _ b: Double, n: Int = 200, _ f: (Double) -> Double) -> Double {
    let h = (b - a) / Double(n)
    var sum = f(a) + f(b)
    for i in 1..<n { sum += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
    return sum * h / 3
  }

  /// A count of `draws` Bernoulli(p) trials agrees with p to 5 binomial standard deviations
  /// (and a sliver for the quadrature), so 64 bins × 7 cases fail by chance about never.
  static func agrees(_ count: Int, _ draws: Int, _ p: Double) -> Bool {
    let n = Double(draws)
    let sd = (Swift.max(p, 1 / n) * (1 - p) * n).squareRoot()
    return Swift.abs(Double(count) - p * n) <= 5 * sd + 1e-4 * n * p + 2
  }

  @Test("p(λ) under every sampling matches a histogram of 10⁶ NumPy draws by its own formula")
  func matchesNumPyHistograms() throws {
    for c in try Fixtures.cases(in: "densities_golden.json", key: "numpy", count: 7) {
      let b = try #require(c.json["input_scale"]?.doubleValue)
      let sampling = try TimestepSampling(parsing: try #require(c.json["t_sampling"]?.stringValue))
      let process = try NoiseProcess(schedule: Schedule(c.spec), inputScale: b)
      let draws = Int(try #require(c.json["draws"]?.doubleValue))
      let edges = Fixtures.doubles(c.json["edges"])
      let counts = Fixtures.doubles(c.json["counts"]).map { Int($0) }
      var worst = 0.0
      for i in counts.indices {
        let p = Self.integrate(edges[i], edges[i + 1]) {
          process.logSNRDensity(atLogSNR: $0, sampling: sampling)
        }
        worst = Swift.max(worst, Swift.abs(Double(counts[i]) / Double(draws) - p))
        #expect(
          Self.agrees(counts[i], draws, p),
          "\(c) \(sampling.name): bin [\(edges[i]), \(edges[i + 1])) \(counts[i]) vs \(p * Double(draws))")
      }
      let clipped = Int(try #require(c.json["clipped"]?.doubleValue))
      #expect(
        Self.agrees(clipped, draws, process.clippedMass(sampling: sampling) - tails(process, sampling)),
        "\(c) \(sampling.name): clipped \(clipped) vs \(process.clippedMass(sampling: sampling))")
      #expect(worst < 2e-3, "\(c) \(sampling.name): worst bin \(worst)")
    }
  }

  /// For lognormal, clippedMass counts λ beyond the schedule's range, which NumPy's draws do not
  /// set apart (they count them in their bins); for the others it is 0.
  func tails(_ process: NoiseProcess, _ sampling: TimestepSampling) -> Double {
    sampling.drawsLogSNR ? process.clippedMass(sampling: sampling) : 0
  }

  @Test("p_t(t) of logit-normal and mode matches diffusers' compute_density_for_timestep_sampling")
  func matchesDiffusers() throws {
    let rows = try #require(try Fixtures.load("densities_golden.json")["diffusers"]?.arrayValue)
    #expect(rows.count == 3)
    for row in rows {
      let sampling = try TimestepSampling(parsing: try #require(row["t_sampling"]?.stringValue))
      let draws = Int(try #require(row["draws"]?.doubleValue))
      let edges = Fixtures.doubles(row["edges"])
      let counts = Fixtures.doubles(row["counts"]).map { Int($0) }
      for i in counts.indices {
        // The CDF, exactly; and the density, integrated, which is what the explorer draws.
        let exact = sampling.cdfOfT(edges[i + 1])! - sampling.cdfOfT(edges[i])!
        let integrated = Self.integrate(edges[i], edges[i + 1]) { sampling.densityOfT($0)! }
        #expect(Swift.abs(exact - integrated) < 1e-6, "\(sampling.name) bin \(i)")
        #expect(
          Self.agrees(counts[i], draws, exact),
          "\(sampling.name): bin \(i) \(counts[i]) vs \(exact * Double(draws))")
      }
    }
  }

  @Test("a density and its point masses add up to 1", arguments: [
    "uniform", "logit-normal", "logit-normal:1:0.5", "mode", "mode:-0.9", "lognormal",
  ])
  func totalIsOne(name: String) throws {
    let sampling = try TimestepSampling(parsing: name)
    for spec in [
      ScheduleSpec(family: .linear), ScheduleSpec(family: .cosine, start: 0.2),
      ScheduleSpec(family: .rectifiedFlow, shift: 3), ScheduleSpec(family: .edm),
    ] {
      let process = try NoiseProcess(schedule: Schedule(spec), inputScale: 0.5)
      // λ on t's grid, so the integral is over t: ∫ p(λ(t))·|dλ/dt| dt = ∫ p_t dt.
      let lo = Swift.max(process.logSNR(1), -60)
      let hi = Swift.min(process.logSNR(0), 60)
      let mass = Self.integrate(lo, hi, n: 20000) {
        process.logSNRDensity(atLogSNR: $0, sampling: sampling)
      }
      let total = mass + process.clippedMass(sampling: sampling)
      #expect(Swift.abs(total - 1) < 2e-3, "\(spec.family) \(name): \(mass) + clipped")
    }
  }

  @Test("uniform is today's density: p(λ) = 1/|dλ/dt|, t(1 − t) for 1 − t")
  func uniformIsTodays() throws {
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    for t in [0.1, 0.3, 0.5, 0.9] {
      #expect(Swift.abs(process.logSNRDensity(atT: t, sampling: .uniform) - t * (1 - t)) < 1e-12)
    }
  }

  @Test("the mode scale's range is where t(u) stays decreasing: 1/(π/2 − 1) by hand")
  func modeRange() throws {
    #expect(Swift.abs(TimestepSampling.modeScaleUpper - 1.7519383938) < 1e-9)
    _ = try TimestepSampling(parsing: "mode:1.75")
    _ = try TimestepSampling(parsing: "mode:-0.99")
    for bad in ["mode:1.76", "mode:-1", "mode:2"] {
      #expect(throws: ScheduleError.self, "\(bad)") { try TimestepSampling(parsing: bad) }
    }
  }

  @Test(
    "bad text is refused naming tSampling and what is allowed",
    arguments: [
      "", "normal", "logit-normal:0", "logit-normal:0:0", "logit-normal:0:-1", "mode:x",
      "lognormal:1:0", "uniform:1", "logit-normal:nan:1", "logit-normal:0:inf",
    ])
  func refusals(text: String) {
    #expect {
      _ = try TimestepSampling(parsing: text)
    } throws: { error in
      guard case .invalid(let field, let value, let allowed) = error as? ScheduleError else {
        return false
      }
      return field == "tSampling" && value == text && !allowed.isEmpty
    }
  }

  @Test("names are canonical: 0.50 and 0.5 are one sampling, bare names take the defaults")
  func names() throws {
    #expect(try TimestepSampling(parsing: "logit-normal:0.50:1.0").name == "logit-normal:0.5:1")
    #expect(try TimestepSampling(parsing: "logit-normal") == .logitNormal(mean: 0, std: 1))
    #expect(try TimestepSampling(parsing: "mode") == .mode(scale: 1.29))
    #expect(try TimestepSampling(parsing: "lognormal").name == "lognormal:-1.2:1.2")
    for name in ["uniform", "logit-normal:0:1", "mode:1.29", "lognormal:-0.4:1"] {
      #expect(try TimestepSampling(parsing: name).name == name)
    }
  }
}
