import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// The trainer draws its noise levels by the config's t-sampling: the λ it conditions on must
/// follow p(λ) as `NoiseProcess.logSNRDensity(atLogSNR:sampling:)` states it (itself checked
/// against NumPy histograms in TimestepSamplingTests), and uniform must keep the old stream.
@Suite struct TrainingTSamplingTests {
  /// A trainer with a large batch, so many draws come from few calls of `noiseBatch`.
  func trainer(_ spec: ScheduleSpec, b: Double, _ sampling: TimestepSampling) throws -> Trainer {
    var c = tinyConfig(seed: 11)
    c.schedule = spec
    c.inputScale = b
    c.batch = 500
    c.tSampling = sampling
    return try tinyTrainer(c)
  }

  /// ∫ f over [a, b] by composite Simpson with 200 panels (the densities are smooth inside a bin).
  static func integrate(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
    let n = 200
    let h = (b - a) / Double(n)
    var s = f(a) + f(b)
    for k in 1..<n { s += f(a + Double(k) * h) * (k % 2 == 1 ? 4 : 2) }
    return s * h / 3
  }

  /// A count agrees with n·p within 5 binomial standard deviations (plus one draw, for p ≈ 0):
  /// wrong by chance about once in 3·10⁶ per bin.
  static func agrees(_ count: Int, _ n: Int, _ p: Double) -> Bool {
    let sd = (Double(n) * p * (1 - p)).squareRoot()
    return abs(Double(count) - Double(n) * p) <= 5 * sd + 1
  }

  /// Draws `batches` batches and compares the histogram of the conditioned λ on unit bins from
  /// −12 to 12 with p(λ) integrated over each bin; the rest (tails beyond ±12, the clipped ends'
  /// point masses) with one minus the bins' total.
  func checkHistogram(_ t: Trainer, _ sampling: TimestepSampling, batches: Int) {
    let edges = (-12...12).map(Double.init)
    var counts = [Int](repeating: 0, count: edges.count - 1)
    var outside = 0
    let B = t.config.batch
    for _ in 0..<batches {
      t.noiseBatch(B: B, D: t.dataset.pixels)
      for i in 0..<B {
        let l = Double(t.lambda[i])
        if l >= edges.first!, l < edges.last! {
          counts[Int((l - edges.first!).rounded(.down))] += 1
        } else {
          outside += 1
        }
      }
    }
    let n = batches * B
    var inside = 0.0
    for i in counts.indices {
      let p = Self.integrate(edges[i], edges[i + 1]) {
        t.process.logSNRDensity(atLogSNR: $0, sampling: sampling)
      }
      inside += p
      #expect(
        Self.agrees(counts[i], n, p),
        "\(sampling.name): bin [\(edges[i]), \(edges[i + 1])) has \(counts[i]) of \(n), p = \(p)")
    }
    #expect(Self.agrees(outside, n, 1 - inside), "\(sampling.name): \(outside) outside ±12")
  }

  @Test("logit-normal on rectified flow with shift 3: the trainer's λ follow p(λ) per bin")
  func logitNormalHistogram() throws {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.shift] = 3
    let sampling = try TimestepSampling(parsing: "logit-normal:0:1")
    checkHistogram(try trainer(spec, b: 1, sampling), sampling, batches: 80)
  }

  @Test("lognormal at b = 0.5: λ follow N(−2·P_mean, (2·P_std)²), whatever the schedule")
  func logNormalHistogram() throws {
    let sampling = try TimestepSampling(parsing: "lognormal:-1.2:1.2")
    checkHistogram(
      try trainer(ScheduleSpec(family: .cosine), b: 0.5, sampling), sampling, batches: 80)
  }

  @Test("mode:1.29 on cosine: the trainer's λ follow p(λ) per bin")
  func modeHistogram() throws {
    let sampling = try TimestepSampling(parsing: "mode")
    checkHistogram(
      try trainer(ScheduleSpec(family: .cosine), b: 1, sampling), sampling, batches: 40)
  }

  @Test("lognormal noises with γ = e^λ/(b² + e^λ): x_t = √γ·b·x0 + √(1−γ)·ε at b = 0.5")
  func logNormalNoising() throws {
    var c = tinyConfig()
    c.inputScale = 0.5
    c.normalize = false
    c.tSampling = .defaultLogNormal
    let t = try tinyTrainer(c)
    t.noiseBatch(B: c.batch, D: 64)
    var worst = 0.0
    for i in 0..<c.batch {
      // The scaled process's λ = log(γb²/(1−γ)), solved for γ.
      let e = Foundation.exp(Double(t.lambda[i]))
      let gamma = e / (0.25 + e)
      for j in 0..<64 {
        let z = gamma.squareRoot() * 0.5 * Double(t.x0[i * 64 + j])
          + (1 - gamma).squareRoot() * Double(t.eps[i * 64 + j])
        worst = max(worst, abs(Double(t.input[i * 64 + j]) - z))
      }
    }
    #expect(worst < 1e-4, "largest difference \(worst)")
  }

  @Test("uniform draws t with one uniformOpen per example after the noise, as before t-sampling")
  func uniformKeepsTheStream() throws {
    let t = try tinyTrainer(tinyConfig())
    var copy = t.rng
    // The batch's noise comes first, then one uniform per example in order.
    var noise = [Float](repeating: 0, count: 8 * 64)
    noise.withUnsafeMutableBufferPointer { copy.fillGaussian($0.baseAddress!, count: 8 * 64) }
    t.noiseBatch(B: 8, D: 64)
    for i in 0..<8 {
      let expected = Trainer.conditioning(t.process, t: copy.uniformOpen())
      #expect(t.lambda[i] == expected, "example \(i)")
    }
    #expect(t.rng.words == copy.words)
  }

  @Test("t_sampling reads back from summary.json's coding; a file without it trains uniformly")
  func coding() throws {
    var c = TrainingConfig()
    c.tSampling = try TimestepSampling(parsing: "mode:0.8")
    let back = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(c))
    #expect(back.tSampling == .mode(scale: 0.8))
    let old = try JSONEncoder().encode(TrainingConfig())
    var object = try #require(JSONSerialization.jsonObject(with: old) as? [String: Any])
    #expect(object["tSampling"] as? String == "uniform")
    object["tSampling"] = nil
    let without = try JSONSerialization.data(withJSONObject: object)
    #expect(try JSONDecoder().decode(TrainingConfig.self, from: without).tSampling == .uniform)
  }
}
