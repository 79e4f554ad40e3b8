import Foundation
import Schedules

/// One training step's numbers: what the CLI prints and the explorer draws.
public struct StepReport: Sendable, Equatable {
  /// The step just taken, 1-based (step 1 is the first update).
  public var step: Int
  /// The objective before the update: the batch mean of w(λ)·‖ε̂ − ε‖²/D
  /// (``Objective``), which is the plain MSE of the output for each prediction's own weighting.
  public var loss: Double
  /// The unweighted MSE of the raw output against its target, ‖F − F*‖²/(B·D) (each example's
  /// scaled by x0Out² for the x0 skip, whose target grows with λ): bounded for every
  /// objective (targets are O(1)), so divergence is judged on it.
  public var outputLoss: Double
  /// Global L2 norm of the gradient before clipping.
  public var gradientNorm: Double
  public var learningRate: Double
  /// Per example: the logSNR the network was conditioned on, and its own (weighted) loss: what
  /// the per-logSNR-bin log is built from.
  public var logSNR: [Float]
  public var exampleLoss: [Float]
  /// Wall time of this step in seconds.
  public var seconds: Double
  /// True when the loss or the gradient was not finite; the update was then skipped, so the
  /// weights are still those of the previous step.
  public var diverged: Bool
}

/// Trains one denoiser with the paper's Algorithm 2. Owns the weights, optimiser state, EMA
/// and the random stream; `step()` never prints.
///
/// Algorithm 2, per example: t ~ U(0, 1) (or the config's t-sampling), ε ~ N(0, I), z_t = α·x0 + σ·ε with α = √γ(t)·b,
/// σ = √(1−γ(t)); the network sees z_t / std(z_t) when `normalize` (population std over the
/// example's pixels), conditioned on the scaled process's logSNR λ = log(α²/σ²), and its output
/// F is trained towards the objective's target F* with weight w(λ)·c_out² (``Objective``).
public final class Trainer {
  /// The config as trained: `dataRMS` is filled in from the data when it was nil.
  public let config: TrainingConfig
  public let objective: Objective
  public let dataset: Dataset
  public let model: any Denoiser
  public let process: NoiseProcess
  public let params: Tensor
  public let grads: Tensor
  public let ema: Tensor
  public let optimizerState: OptimizerState
  /// Steps taken so far.
  public private(set) var completedSteps = 0
  var rng: Xoshiro256

  // Per-step buffers, (B, D) or (B).
  let x0: Tensor, eps: Tensor, input: Tensor, target: Tensor, dout: Tensor
  let lambda: Tensor
  /// Per example: w(λ)·c_out², the factor on the output's squared error, and the factor that
  /// judges the raw error for divergence (``Objective/Coefficients/judged``).
  let weight: Tensor, judged: Tensor
  var labels: [Int32]

  /// A freshly initialised trainer (weights from `config.seed`). `shape` overrides the model's
  /// sizes (tests train narrow models); by default it is the reference model for the data.
  public init(config: TrainingConfig, dataset: Dataset, shape: ModelShape? = nil) throws {
    try config.validate()
    var config = config
    if config.dataRMS == nil { config.dataRMS = dataset.rms }
    self.config = config
    objective = config.objective()
    self.dataset = dataset
    process = try NoiseProcess(
      schedule: Schedule(config.schedule), inputScale: config.inputScale,
      normalize: config.normalize)
    model = makeDenoiser(shape ?? config.modelShape(for: dataset))
    let n = model.layout.count
    params = Tensor([n])
    grads = Tensor([n])
    ema = Tensor([n])
    optimizerState = OptimizerState(count: n)
    rng = Xoshiro256(seed: config.seed)
    model.initialize(params: params.data, using: &rng)
    ema.copy(from: params)
    let B = config.batch
    let D = dataset.pixels
    x0 = Tensor([B, D])
    eps = Tensor([B, D])
    input = Tensor([B, D])
    target = Tensor([B, D])
    dout = Tensor([B, D])
    lambda = Tensor([B])
    weight = Tensor([B])
    judged = Tensor([B])
    labels = .init(repeating: 0, count: B)
  }

  /// Restores the state a checkpoint saved (weights, EMA, m, v, step and random stream).
  func restore(step: Int, updates: Int, rngWords: [UInt64]) {
    completedSteps = step
    optimizerState.updates = updates
    rng = Xoshiro256(words: rngWords)
  }

  var rngWords: [UInt64] { rng.words }

  /// logSNR is clamped to ±40 so that γ = 1 (t = 0 exactly) or γ = clipMin stays finite.
  static let logSNRLimit = 40.0

  /// The noise level the network is conditioned on at t, in training and in sampling alike: the
  /// scaled process's λ(t) = log(γb²/(1−γ)) (the family's own formula, exact where 1 − γ
  /// rounds), clamped to ±``logSNRLimit``.
  static func conditioning(_ process: NoiseProcess, t: Double) -> Float {
    Float(Swift.min(Swift.max(process.logSNR(t), -logSNRLimit), logSNRLimit))
  }

  /// Forms one batch by Algorithm 2 from `x0`: fills `input` (what the network sees),
  /// `target` (F*), `lambda` and `weight`. Exposed to tests through `step()`.
  ///
  /// The noise level follows the config's t-sampling: uniform t takes one `uniformOpen` per
  /// example after the noise, exactly the stream of runs from before t-sampling existed (same
  /// seed, same losses); logit-normal and mode draw t by ``TimestepSampling/draw(uniform:normal:)``;
  /// lognormal draws the scaled process's λ itself and needs no t.
  func noiseBatch(B: Int, D: Int) {
    eps.zero()
    rng.fillGaussian(eps.data, count: B * D)
    for i in 0..<B {
      let level = drawNoiseLevel()
      noiseExample(i, D: D, gamma: level.gamma, oneMinusGamma: level.oneMinusGamma)
      lambda[i] = level.conditioning
    }
  }

  /// One example's γ, 1 − γ (separately, so that γ near 1 keeps its noise) and the λ the
  /// network is conditioned on, drawn by the config's t-sampling.
  func drawNoiseLevel() -> (gamma: Double, oneMinusGamma: Double, conditioning: Float) {
    let sampling = config.tSampling
    let t: Double
    switch sampling {
    case .uniform:
      t = rng.uniformOpen()
    case .mode:
      t = sampling.draw(uniform: rng.uniformOpen(), normal: 0)
    case .logitNormal:
      t = sampling.draw(uniform: 0, normal: gaussian())
    case .logNormal:
      // λ of the scaled process: λ = log(γb²/(1−γ)), so γ = e^λ/(b² + e^λ) = sigmoid(λ − 2 ln b).
      let drawn = sampling.draw(uniform: 0, normal: gaussian())
      let x = drawn - 2 * Double.log(config.inputScale)
      let clamped = Swift.min(Swift.max(drawn, -Self.logSNRLimit), Self.logSNRLimit)
      return (Self.sigmoid(x), Self.sigmoid(-x), Float(clamped))
    }
    let gamma = process.schedule.gamma(t)
    return (gamma, 1 - gamma, Self.conditioning(process, t: t))
  }

  /// A standard normal in Double by Box–Muller from two open uniforms (exact in distribution;
  /// only the non-uniform samplings use it, so uniform runs keep their stream).
  func gaussian() -> Double {
    let u1 = rng.uniformOpen()
    let u2 = rng.uniformOpen()
    return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
  }

  /// 1/(1 + e^−x) without overflow at either end.
  static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + Double.exp(-x)) : Double.exp(x) / (1 + Double.exp(x))
  }

  /// Noises example `i` at γ: z = α·x0 + σ·ε with α = √γ·b, σ = √(1−γ) (floored in the
  /// objective's coefficients), its target and weight, normalised when the config says.
  func noiseExample(_ i: Int, D: Int, gamma: Double, oneMinusGamma: Double) {
    let alpha = gamma.squareRoot() * config.inputScale
    let sigma = Swift.max(oneMinusGamma.squareRoot(), NoiseProcess.sigmaFloor)
    let k = objective.coefficients(alpha: alpha, sigma: sigma)
    weight[i] = Float(k.weight)
    judged[i] = Float(k.judged)
    let x = x0.data + i * D
    let e = eps.data + i * D
    let z = input.data + i * D
    let tg = target.data + i * D
    let a = Float(alpha)
    let s = Float(oneMinusGamma.squareRoot())
    let te = Float(k.targetEps)
    let tx = Float(k.targetX0)
    for j in 0..<D {
      z[j] = a * x[j] + s * e[j]
      tg[j] = te * e[j] + tx * x[j]
    }
    if config.normalize { Trainer.normalizeExample(z, D: D) }
  }

  /// z /= std(z) over the example's D values (numpy's population std); a constant example is
  /// left as it is rather than divided by 0.
  static func normalizeExample(_ z: UnsafeMutablePointer<Float>, D: Int) {
    var mean = 0.0
    for j in 0..<D { mean += Double(z[j]) }
    mean /= Double(D)
    var variance = 0.0
    for j in 0..<D { variance += (Double(z[j]) - mean) * (Double(z[j]) - mean) }
    let std = (variance / Double(D)).squareRoot()
    guard std > 1e-12 else { return }
    let inv = Float(1 / std)
    for j in 0..<D { z[j] *= inv }
  }

  /// One optimisation step on a random batch: Algorithm 2, backward, clip, AdamW/LAMB, EMA.
  public func step() -> StepReport {
    let start = DispatchTime.now().uptimeNanoseconds
    let B = config.batch
    let D = dataset.pixels
    // Batch: examples drawn uniformly with replacement; labels dropped to "no class" with
    // probability labelDropout.
    let noClass = Int32(dataset.classes)
    dataset.train.withUnsafeBufferPointer { data in
      for i in 0..<B {
        let k = Int(rng.next() % UInt64(dataset.trainCount))
        (x0.data + i * D).update(from: data.baseAddress! + k * D, count: D)
        let dropped = dataset.classes == 0 || rng.uniformOpen() < config.labelDropout
        labels[i] = dropped ? noClass : dataset.trainLabels[k]
      }
    }
    noiseBatch(B: B, D: D)
    let out = labels.withUnsafeBufferPointer { y in
      model.forward(
        params: params.data, x: input.data, logSNR: lambda.data, labels: y.baseAddress!, B: B)
    }
    var exampleLoss = [Float](repeating: 0, count: B)
    let (loss, outputLoss) = Trainer.objectiveLoss(
      out: out, target: target.data, weight: weight.data, judged: judged.data, B: B, D: D,
      dout: dout.data, exampleLoss: &exampleLoss)
    grads.zero()
    model.backward(params: params.data, grads: grads.data, dout: dout.data)
    let norm = Trainer.norm(grads.data, count: grads.count)
    let lr = config.optimizer.learningRate(step: completedSteps, total: config.steps)
    let diverged = !loss.isFinite || !outputLoss.isFinite || !norm.isFinite
    if !diverged {
      let clip = config.optimizer.gradientClip
      let gradScale = clip > 0 && norm > clip ? Float(clip / norm) : 1
      let keep = Float(
        Swift.min(
          config.optimizer.emaDecay, Double(1 + completedSteps) / Double(10 + completedSteps)))
      optimizerState.update(
        params: params, grads: grads, layout: model.layout, settings: config.optimizer, lr: lr,
        gradScale: gradScale, ema: ema, emaKeep: keep)
      completedSteps += 1
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    return StepReport(
      step: completedSteps, loss: loss, outputLoss: outputLoss, gradientNorm: norm, learningRate: lr,
      logSNR: Array(UnsafeBufferPointer(start: lambda.data, count: B)),
      exampleLoss: exampleLoss, seconds: seconds, diverged: diverged)
  }

  /// The weighted objective of outputs F (B, D) against targets F* (B, D) with per-example
  /// weights W (B) = w(λ)·c_out²:
  ///
  /// ```
  /// L = (1/(B·D)) Σ_i W_i Σ_j (F_ij − F*_ij)²       dL/dF_ij = 2·W_i·(F_ij − F*_ij)/(B·D)
  /// ```
  /// Writes dL/dF into `dout` and W_i·Σ_j(F − F*)²/D into `exampleLoss`; returns L and the
  /// output MSE, unweighted but for each example's `judged` factor (1 but for the x0 skip).
  static func objectiveLoss(
    out: UnsafePointer<Float>, target: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    judged: UnsafePointer<Float>, B: Int, D: Int, dout: UnsafeMutablePointer<Float>,
    exampleLoss: inout [Float]
  ) -> (loss: Double, outputLoss: Double) {
    var total = 0.0
    var outputTotal = 0.0
    for i in 0..<B {
      var sum = 0.0
      let scale = Float(2.0 * Double(weight[i]) / Double(B * D))
      for j in 0..<D {
        let diff = out[i * D + j] - target[i * D + j]
        sum += Double(diff * diff)
        dout[i * D + j] = scale * diff
      }
      exampleLoss[i] = Float(Double(weight[i]) * sum / Double(D))
      total += Double(weight[i]) * sum
      outputTotal += Double(judged[i]) * sum
    }
    return (total / Double(B * D), outputTotal / Double(B * D))
  }

  /// ‖x‖₂, summed in 8 Float lanes per block of 1024 and the blocks in Double (so a million
  /// squares lose no precision that matters for clipping).
  static func norm(_ x: UnsafePointer<Float>, count n: Int) -> Double {
    var total = 0.0
    var i = 0
    while i < n {
      let end = Swift.min(i + 1024, n)
      var acc = Float8(repeating: 0)
      #if !DEBUG
        while i + 8 <= end {
          let v = load8(x, i)
          acc += v * v
          i += 8
        }
      #endif
      var block = Double(acc.sum())
      while i < end {
        block += Double(x[i]) * Double(x[i])
        i += 1
      }
      total += block
    }
    return total.squareRoot()
  }
}
