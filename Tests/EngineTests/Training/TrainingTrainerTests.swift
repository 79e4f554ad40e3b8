import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// A tiny config for fast tests: MLP-S with a narrow hidden layer on 8×8 digits.
func tinyConfig(steps: Int = 4, seed: UInt64 = 3) -> TrainingConfig {
  var c = TrainingConfig()
  c.steps = steps
  c.batch = 8
  c.seed = seed
  c.optimizer.warmupSteps = 2
  c.sampleSteps = 3
  c.evalSamples = 0
  c.checkpointEvery = 2
  return c
}

/// A trainer whose MLP-S is narrowed to `hidden` units (the reference width is 512).
func tinyTrainer(_ c: TrainingConfig, hidden: Int = 16) throws -> Trainer {
  let data = try Dataset.digits(resolution: c.resolution)
  var shape = c.modelShape(for: data)
  shape.hidden = hidden
  return try Trainer(config: c, dataset: data, shape: shape)
}

@Suite struct TrainingTrainerTests {
  @Test("a fixed seed gives the same losses after N steps; another seed does not")
  func deterministic() throws {
    func losses(_ seed: UInt64) throws -> [Double] {
      let t = try tinyTrainer(tinyConfig(seed: seed))
      return (0..<5).map { _ in t.step().loss }
    }
    let a = try losses(3)
    let b = try losses(3)
    let c = try losses(4)
    // Bitwise: the same seed must replay the same arithmetic.
    #expect(a == b)
    #expect(a != c)
  }

  @Test(
    "Algorithm 2: x_t = √γ·b·x0 + √(1−γ)·ε with γ recovered from the logSNR, and each output's target"
  )
  func noising() throws {
    let data = try Dataset.digits(resolution: 8)
    // σ_d of the EDM output, computed here from the raw pixels: √(mean x0²).
    let rms = (data.train.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(data.train.count))
      .squareRoot()
    for prediction in Parameterization.allCases {
      var c = tinyConfig()
      c.inputScale = 0.5
      c.normalize = false
      c.prediction = prediction
      let t = try tinyTrainer(c)
      #expect(isClose(t.config.dataRMS!, rms, rtol: 1e-9))
      _ = t.step()
      let B = c.batch
      let D = 64
      let b = 0.5
      var worst = 0.0
      for i in 0..<B {
        // λ = log(γb²/(1−γ))  ⇒  γ = e^λ / (b² + e^λ).
        let e = Foundation.exp(Double(t.lambda[i]))
        let gamma = e / (b * b + e)
        let alpha = gamma.squareRoot() * b
        let sigma = (1 - gamma).squareRoot()
        for j in 0..<D {
          let x = Double(t.x0[i * D + j])
          let eps = Double(t.eps[i * D + j])
          let z = alpha * x + sigma * eps
          worst = max(worst, abs(Double(t.input[i * D + j]) - z))
          let target: Double
          switch prediction {
          case .eps: target = eps
          case .x0:
            // The default output has the skip path: F* = x0 − e^{λ/2 − λ_s}·ε makes
            // x̂0 = c·z/α + (1 − c)·F* = x0 (by hand: c/(1 − c) = e^{λ − λ_s}, σ/α = e^{−λ/2}).
            let skipAt = try #require(c.x0Skip)
            target = x - Foundation.exp(Double(t.lambda[i]) / 2 - skipAt) * eps
          case .v:
            // Salimans & Ho's v in the variance-preserving frame x_t/n.
            let n = (alpha * alpha + sigma * sigma).squareRoot()
            target = (alpha * eps - sigma * x) / n
          case .edm:
            // −F of Karras et al.: (s·ε − σ·x0/σ_d)/√(s² + σ²), s = α·σ_d.
            let sd = alpha * rms
            target = (sd * eps - sigma * x / rms) / (sd * sd + sigma * sigma).squareRoot()
          case .flow:
            // Rectified flow's velocity of the data the process noises, b·x0.
            target = eps - b * x
          }
          worst = max(worst, abs(Double(t.target[i * D + j]) - target))
        }
      }
      #expect(worst < 1e-4, "\(prediction): largest difference \(worst)")
    }
  }

  @Test("the objective's gradient dL/dF matches finite differences, with unequal weights")
  func objectiveGradient() {
    let B = 3
    let D = 5
    var rng = SplitMixForTests(seed: 21)
    let target = rng.values(B * D)
    let weight: [Float] = [0.25, 1, 7.5]
    /// The objective of outputs `f` against `goal`, and its gradient.
    func objective(_ f: [Float], _ goal: [Float]) -> (loss: Double, output: Double, dout: [Float]) {
      var dout = [Float](repeating: 0, count: B * D)
      var exampleLoss = [Float](repeating: 0, count: B)
      let r = Trainer.objectiveLoss(
        out: f, target: goal, weight: weight, judged: [1, 1, 1], B: B, D: D, dout: &dout,
        exampleLoss: &exampleLoss)
      return (r.loss, r.outputLoss, dout)
    }
    let check = GradientCheck(
      parameters: rng.values(B * D, scale: 2), step: 1e-2,
      forward: { [Float(objective($0, target).loss)] },
      backward: { f, r in objective(f, target).dout.map { $0 * r[0] } })
    #expect(check.worstRelative < 1e-2, "worst relative difference \(check.worstRelative)")
    // By hand for one entry: L = Σ W_i (F − F*)² / (B·D) with F − F* = 1 in example 1 (W = 1).
    var f = [Float](repeating: 0, count: B * D)
    f[D] = 1
    let r = objective(f, [Float](repeating: 0, count: B * D))
    #expect(isClose(r.loss, 1.0 / 15, rtol: 1e-6))
    #expect(isClose(r.output, 1.0 / 15, rtol: 1e-6))
    #expect(isClose(Double(r.dout[D]), 2.0 / 15, rtol: 1e-6))
  }

  @Test(
    "the x0 skip: the trainer's loss and dL/dF are w(λ)·‖ε̂ − ε‖²/D of x̂0 = c·z/α + (1−c)·F")
  func x0SkipGradient() {
    let D = 6
    var rng = SplitMixForTests(seed: 5)
    let x0 = rng.values(D).map(Double.init)
    let eps = rng.values(D, scale: 2).map(Double.init)
    // Noise, half-way and almost clean, against λ_s = 3 and 4 (λ = −0.97, 3.7 and 7.4).
    for (a, s, lambdaS) in [(0.3, 0.95, 3.0), (0.9, 0.45, 3.0), (2.0, 0.05, 4.0)] {
      let z = (0..<D).map { a * x0[$0] + s * eps[$0] }
      /// The loss written out from its definition, in Double: min-SNR-5's w on the ε-MSE of
      /// ε̂ = (z − α·x̂0)/σ.
      func direct(_ f: [Float]) -> Double {
        let lambda = 2 * log(a / s)
        let c = 1 / (1 + exp(lambdaS - lambda))
        let w = min(1, 5 * exp(-lambda))
        var sum = 0.0
        for j in 0..<D {
          let x0Hat = c * z[j] / a + (1 - c) * Double(f[j])
          let epsHat = (z[j] - a * x0Hat) / s
          sum += (epsHat - eps[j]) * (epsHat - eps[j])
        }
        return w * sum / Double(D)
      }
      let k = Objective(prediction: .x0, weighting: .minSNR, x0Skip: lambdaS)
        .coefficients(alpha: a, sigma: s)
      let target = (0..<D).map { Float(k.targetEps * eps[$0] + k.targetX0 * x0[$0]) }
      func trainer(_ f: [Float]) -> (loss: Double, dout: [Float]) {
        var dout = [Float](repeating: 0, count: D)
        var exampleLoss: [Float] = [0]
        let r = Trainer.objectiveLoss(
          out: f, target: target, weight: [Float(k.weight)], judged: [Float(k.judged)], B: 1,
          D: D, dout: &dout, exampleLoss: &exampleLoss)
        return (r.loss, dout)
      }
      let f0 = rng.values(D)
      #expect(isClose(trainer(f0).loss, direct(f0), rtol: 1e-4), "α \(a) σ \(s)")
      let check = GradientCheck(
        parameters: f0, step: 1e-2, forward: { [Float(direct($0))] },
        backward: { f, r in trainer(f).dout.map { $0 * r[0] } })
      #expect(check.worstRelative < 1e-2, "α \(a) σ \(s): worst \(check.worstRelative)")
    }
  }

  @Test(
    "every output × weighting trains: the output's error falls, nothing diverges",
    arguments: Parameterization.allCases)
  func everyObjectiveTrains(prediction: Parameterization) throws {
    for weighting in LossWeighting.allCases {
      var c = tinyConfig(steps: 150)
      c.prediction = prediction
      c.weighting = weighting
      c.batch = 32
      c.optimizer.learningRate = 3e-3
      let t = try tinyTrainer(c, hidden: 64)
      let reports = (0..<150).map { _ in t.step() }
      let (first, last) = Self.ends(reports.map(\.outputLoss), over: 15)
      #expect(last < first, "\(prediction) × \(weighting): output MSE \(first) → \(last)")
      #expect(reports.allSatisfy { !$0.diverged && $0.loss.isFinite })
    }
  }

  @Test("normalisation gives each example unit population standard deviation")
  func normalization() throws {
    let t = try tinyTrainer(tinyConfig())
    _ = t.step()
    for i in 0..<8 {
      let row = (0..<64).map { Double(t.input[i * 64 + $0]) }
      let mean = row.reduce(0, +) / 64
      let std = (row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64).squareRoot()
      #expect(isClose(std, 1, rtol: 1e-4), "example \(i): std \(std)")
    }
  }

  /// The mean of the first and of the last `n` values.
  static func ends(_ values: [Double], over n: Int) -> (first: Double, last: Double) {
    (values.prefix(n).reduce(0, +) / Double(n), values.suffix(n).reduce(0, +) / Double(n))
  }

  @Test("the loss falls over a short run")
  func learns() throws {
    var c = tinyConfig(steps: 200)
    c.prediction = .eps  // the objective this bound was set for
    c.batch = 32
    c.optimizer.learningRate = 3e-3
    let t = try tinyTrainer(c, hidden: 64)
    let reports = (0..<200).map { _ in t.step() }
    let (first, last) = Self.ends(reports.map(\.loss), over: 10)
    #expect(last < 0.8 * first, "loss \(first) → \(last)")
    #expect(reports.allSatisfy { !$0.diverged })
  }
}

@Suite struct TrainingOptimizerTests {
  @Test("AdamW's first step is lr·(sign(g)·|g|/(|g|+ε) + wd·p) (bias correction cancels)")
  func adamwFirstStep() {
    var layout = ParameterLayout()
    layout.add("w", [3])
    let p = Tensor(values: [0.5, -1, 2])
    let g = Tensor(values: [0.2, -0.4, 0])
    var s = OptimizerSettings()
    s.weightDecay = 0.1
    OptimizerState(count: 3).update(params: p, grads: g, layout: layout, settings: s, lr: 0.01)
    // Hand: m̂ = g, v̂ = g², so the Adam term is g/(|g| + 1e-8) ≈ ±1 (0 where g = 0).
    let expected = [0.5 - 0.01 * (1 + 0.05), -1 - 0.01 * (-1 - 0.1), 2 - 0.01 * (0 + 0.2)]
    for i in 0..<3 { #expect(isClose(Double(p[i]), expected[i], rtol: 1e-6), "p[\(i)] = \(p[i])") }
  }

  @Test("LAMB scales each tensor's step by ‖p‖/‖r‖")
  func lambTrust() {
    var layout = ParameterLayout()
    layout.add("a", [2])
    layout.add("b", [1])
    let p = Tensor(values: [3, 4, 1])
    let g = Tensor(values: [1, 1, -1])
    var s = OptimizerSettings()
    s.kind = .lamb
    s.weightDecay = 0
    OptimizerState(count: 3).update(params: p, grads: g, layout: layout, settings: s, lr: 0.1)
    // Tensor a: r ≈ (1, 1), ‖p‖ = 5, ‖r‖ = √2: step 0.1·5/√2 per entry. Tensor b: r = −1, ‖p‖ = 1.
    let stepA = 0.1 * 5 / 2.0.squareRoot()
    #expect(isClose(Double(p[0]), 3 - stepA, rtol: 1e-5))
    #expect(isClose(Double(p[1]), 4 - stepA, rtol: 1e-5))
    #expect(isClose(Double(p[2]), 1.1, rtol: 1e-5))
  }

  @Test("learning rate: linear warm-up, then cosine to 0 at the last step")
  func schedule() {
    var s = OptimizerSettings()
    s.learningRate = 1
    s.warmupSteps = 10
    #expect(isClose(s.learningRate(step: 0, total: 110), 0.1, rtol: 1e-12))
    #expect(isClose(s.learningRate(step: 9, total: 110), 1, rtol: 1e-12))
    #expect(isClose(s.learningRate(step: 10, total: 110), 1, rtol: 1e-12))
    #expect(isClose(s.learningRate(step: 60, total: 110), 0.5, rtol: 1e-12))  // cos(π/2)
    #expect(abs(s.learningRate(step: 110, total: 110)) < 1e-12)
  }
}
