import Foundation
import Schedules

/// One training step's numbers: what the CLI prints and the explorer draws.
public struct StepReport: Sendable, Equatable {
  /// The step just taken, 1-based (step 1 is the first update).
  public var step: Int
  /// Mean squared error over the batch and pixels, before the update.
  public var loss: Double
  /// Global L2 norm of the gradient before clipping.
  public var gradientNorm: Double
  public var learningRate: Double
  /// Per example: the logSNR the network was conditioned on, and its own loss: what the
  /// per-logSNR-bin log is built from.
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
/// Algorithm 2, per example: t ~ U(0, 1), ε ~ N(0, I), z_t = √γ(t)·b·x0 + √(1−γ(t))·ε; the
/// network sees z_t / std(z_t) when `normalize` (population std over the example's pixels),
/// conditioned on the scaled process's logSNR λ = log(γb²/(1−γ)), and is trained with the MSE
/// against ε, z0 = b·x0 or v = √γ·ε − √(1−γ)·z0.
public final class Trainer {
  public let config: TrainingConfig
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
  var labels: [Int32]

  /// A freshly initialised trainer (weights from `config.seed`). `shape` overrides the model's
  /// sizes (tests train narrow models); by default it is the reference model for the data.
  public init(config: TrainingConfig, dataset: Dataset, shape: ModelShape? = nil) throws {
    try config.validate()
    self.config = config
    self.dataset = dataset
    process = try NoiseProcess(
      schedule: Schedule(config.schedule), inputScale: config.inputScale,
      normalize: config.normalize)
    model = makeDenoiser(shape ?? config.modelShape(for: dataset))
    let n = model.layout.count
    params = Tensor([n]); grads = Tensor([n]); ema = Tensor([n])
    optimizerState = OptimizerState(count: n)
    rng = Xoshiro256(seed: config.seed)
    model.initialize(params: params.data, using: &rng)
    ema.copy(from: params)
    let B = config.batch, D = dataset.pixels
    x0 = Tensor([B, D]); eps = Tensor([B, D]); input = Tensor([B, D])
    target = Tensor([B, D]); dout = Tensor([B, D]); lambda = Tensor([B])
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

  /// Forms one batch by Algorithm 2 from `x0`: fills `input` (what the network sees),
  /// `target`, `lambda`; returns each example's γ. Exposed to tests through `step()`.
  func noiseBatch(B: Int, D: Int) {
    let b = config.inputScale
    eps.zero()
    rng.fillGaussian(eps.data, count: B * D)
    for i in 0..<B {
      let t = rng.uniformOpen()
      let gamma = process.schedule.gamma(t)
      let sg = gamma.squareRoot(), sn = (1 - gamma).squareRoot()
      lambda[i] = Float(
        Swift.min(Swift.max(process.logSNR(t), -Self.logSNRLimit), Self.logSNRLimit))
      let x = x0.data + i * D, e = eps.data + i * D, z = input.data + i * D
      let tg = target.data + i * D
      let a = Float(sg * b), s = Float(sn)
      for j in 0..<D { z[j] = a * x[j] + s * e[j] }
      switch config.prediction {
      case .eps: tg.update(from: e, count: D)
      case .x0: for j in 0..<D { tg[j] = Float(b) * x[j] }
      case .v: for j in 0..<D { tg[j] = Float(sg) * e[j] - Float(sn * b) * x[j] }
      }
      if config.normalize { Trainer.normalizeExample(z, D: D) }
    }
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
    let B = config.batch, D = dataset.pixels
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
    // Loss and its gradient: L = (1/(B·D)) Σ (out − target)², dL/dout = 2(out − target)/(B·D).
    var exampleLoss = [Float](repeating: 0, count: B)
    var total = 0.0
    let scale = Float(2.0 / Double(B * D))
    for i in 0..<B {
      var sum = 0.0
      for j in 0..<D {
        let diff = out[i * D + j] - target[i * D + j]
        sum += Double(diff * diff)
        dout[i * D + j] = scale * diff
      }
      exampleLoss[i] = Float(sum / Double(D))
      total += sum
    }
    let loss = total / Double(B * D)
    grads.zero()
    model.backward(params: params.data, grads: grads.data, dout: dout.data)
    let norm = Trainer.norm(grads.data, count: grads.count)
    let lr = config.optimizer.learningRate(step: completedSteps, total: config.steps)
    let diverged = !loss.isFinite || !norm.isFinite
    if !diverged {
      let clip = config.optimizer.gradientClip
      if clip > 0 && norm > clip { Trainer.scale(grads.data, count: grads.count, by: Float(clip / norm)) }
      optimizerState.update(
        params: params, grads: grads, layout: model.layout, settings: config.optimizer, lr: lr)
      let decay = Float(Swift.min(config.optimizer.emaDecay, Double(1 + completedSteps) / Double(10 + completedSteps)))
      Trainer.lerp(ema.data, toward: params.data, count: params.count, keep: decay)
      completedSteps += 1
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    return StepReport(
      step: completedSteps, loss: loss, gradientNorm: norm, learningRate: lr,
      logSNR: Array(UnsafeBufferPointer(start: lambda.data, count: B)),
      exampleLoss: exampleLoss, seconds: seconds, diverged: diverged)
  }

  /// ‖x‖₂, summed in 8 Float lanes per block of 1024 and the blocks in Double (so a million
  /// squares lose no precision that matters for clipping).
  static func norm(_ x: UnsafePointer<Float>, count n: Int) -> Double {
    var total = 0.0, i = 0
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

  /// x *= f.
  static func scale(_ x: UnsafeMutablePointer<Float>, count n: Int, by f: Float) {
    var i = 0
    #if !DEBUG
    while i + 8 <= n {
      store8(load8(x, i) * f, x, i)
      i += 8
    }
    #endif
    while i < n {
      x[i] *= f
      i += 1
    }
  }

  /// e = keep·e + (1 − keep)·p: the EMA update.
  static func lerp(
    _ e: UnsafeMutablePointer<Float>, toward p: UnsafePointer<Float>, count n: Int, keep: Float
  ) {
    var i = 0
    #if !DEBUG
    while i + 8 <= n {
      store8(keep * load8(e, i) + (1 - keep) * load8(p, i), e, i)
      i += 8
    }
    #endif
    while i < n {
      e[i] = keep * e[i] + (1 - keep) * p[i]
      i += 1
    }
  }
}
