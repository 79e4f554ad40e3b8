import Foundation
import Schedules

/// How to draw samples from a trained denoiser.
public struct SamplerSettings: Sendable, Equatable {
  public var kind: SamplerKind = .ddim
  /// Uniform steps from t = 1 to t = 0.
  public var steps = 50
  /// DDIM's η ∈ [0, 1] (0: deterministic; 1: DDPM-like noise). Ignored by DDPM.
  public var eta: Double = 0
  /// Classifier-free guidance weight w: ε̃ = (1+w)·ε(z, y) − w·ε(z, ∅). 0 turns it off.
  public var guidance: Double = 0
  /// The inference schedule; continuous t makes it independent of the training one.
  public var schedule = ScheduleSpec(family: .cosine)

  public init() {}
}

/// DDPM ancestral and DDIM sampling on any inference schedule, in the scaled space z = b·x.
///
/// At each step from t to s < t (t_i = i/steps): the network sees z_t (divided by its std when
/// the run normalised) and the logSNR log(γ_t b²/(1−γ_t)); its output F becomes
/// x̂0 = P·z_t + Q·F by the run's objective (``Objective/Coefficients``), x̂0 is clipped to
/// [−1, 1] (the data's range), ẑ0 = b·x̂0 and ε̂ = (z_t − √γt·ẑ0)/√(1−γt); then
///
/// ```
/// DDIM:  σ = η·√((1−γs)/(1−γt))·√(1 − γt/γs)
///        z_s = √γs·ẑ0 + √(1−γs−σ²)·ε̂ + σ·ξ
/// DDPM:  α = γt/γs;  z_s = √γs(1−α)/(1−γt)·ẑ0 + √α(1−γs)/(1−γt)·z_t + √((1−γs)(1−α)/(1−γt))·ξ
/// ```
/// The last step returns ẑ0; the result is ẑ0 / b, clamped to [−1, 1].
public enum Sampler {
  /// `count` samples (count, C·H·W) in data space [−1, 1], conditioned on `labels` (one per
  /// sample, `model.shape.noClass` for none), drawn in batches of at most `batch`.
  /// The network is told λ no lower than `conditioningFloor`, the run's
  /// ``HeldOutScore/conditioningRange(_:sampling:objective:)`` lower bound (the level under
  /// which its training drew almost nothing, or gave it almost no loss weight), while z keeps
  /// the step's true noise.
  public static func sample(
    model: any Denoiser, params: UnsafePointer<Float>, objective: Objective,
    inputScale b: Double, normalize: Bool, conditioningFloor: Double, settings: SamplerSettings,
    labels: [Int32], batch: Int = 256, using rng: inout some RandomNumberGenerator
  ) throws -> [Float] {
    // The inference schedule with the run's b: what the network is conditioned on.
    let process = try NoiseProcess(schedule: Schedule(settings.schedule), inputScale: b)
    let D = model.shape.pixels
    let count = labels.count
    var result = [Float](repeating: 0, count: count * D)
    var start = 0
    while start < count {
      let n = Swift.min(batch, count - start)
      let part = sampleBatch(
        model: model, params: params, objective: objective, b: b, normalize: normalize,
        floor: Float(conditioningFloor), settings: settings, process: process,
        labels: Array(labels[start..<(start + n)]),
        rng: &rng)
      result.replaceSubrange((start * D)..<((start + n) * D), with: part)
      start += n
    }
    return result
  }

  static func sampleBatch(
    model: any Denoiser, params: UnsafePointer<Float>, objective: Objective, b: Double,
    normalize: Bool, floor: Float, settings: SamplerSettings,
    process: NoiseProcess, labels: [Int32], rng: inout some RandomNumberGenerator
  ) -> [Float] {
    let schedule = process.schedule
    let n = labels.count
    let D = model.shape.pixels
    let guided = settings.guidance != 0
    // With guidance the batch is doubled: the first n rows conditioned, the last n unconditional.
    let rows = guided ? 2 * n : n
    let netLabels = guided ? labels + [Int32](repeating: model.shape.noClass, count: n) : labels
    var z = [Float](repeating: 0, count: n * D)
    Engine.fillGaussian(&z, using: &rng)
    var input = [Float](repeating: 0, count: rows * D)
    var lambda = [Float](repeating: 0, count: rows)
    var noise = [Float](repeating: 0, count: n * D)
    let w = Float(settings.guidance)
    let K = settings.steps
    for i in stride(from: K, to: 0, by: -1) {
      let t = Double(i) / Double(K)
      let s = Double(i - 1) / Double(K)
      let gt = schedule.gamma(t)
      let gs = i == 1 ? 1 : schedule.gamma(s)
      let logSNR = Swift.max(Trainer.conditioning(process, t: t), floor)
      for r in 0..<rows {
        let src = (r % n) * D
        for j in 0..<D { input[r * D + j] = z[src + j] }
        if normalize {
          input.withUnsafeMutableBufferPointer {
            Trainer.normalizeExample($0.baseAddress! + r * D, D: D)
          }
        }
        lambda[r] = logSNR
      }
      let out = model.forward(params: params, x: input, logSNR: lambda, labels: netLabels, B: rows)
      let k = objective.coefficients(
        alpha: gt.squareRoot() * b, sigma: Swift.max((1 - gt).squareRoot(), NoiseProcess.sigmaFloor))
      let p = Float(k.x0Skip)
      let q = Float(k.x0Out)
      let sgt = Float(gt.squareRoot())
      let snt = Float((1 - gt).squareRoot())
      let sgs = Float(gs.squareRoot())
      if i > 1 { Engine.fillGaussian(&noise, using: &rng) }
      for k in 0..<n {
        for j in 0..<D {
          let idx = k * D + j
          var o = out[idx]
          if guided { o = (1 + w) * o - w * out[(n + k) * D + j] }
          let zt = z[idx]
          let x0 = Float(b) * Swift.min(Swift.max(p * zt + q * o, -1), 1)
          if i == 1 {
            z[idx] = x0
            continue
          }
          let epsHat = (zt - sgt * x0) / snt
          switch settings.kind {
          case .ddim:
            let sigma = Float(
              settings.eta * ((1 - gs) / (1 - gt)).squareRoot()
                * Swift.max(1 - gt / gs, 0).squareRoot())
            let dir = Swift.max(Float(1 - gs) - sigma * sigma, 0).squareRoot()
            z[idx] = sgs * x0 + dir * epsHat + sigma * noise[idx]
          case .ddpm:
            let alpha = gt / gs
            let cx = Float(gs.squareRoot() * (1 - alpha) / (1 - gt))
            let cz = Float(alpha.squareRoot() * (1 - gs) / (1 - gt))
            let sd = Float(Swift.max((1 - gs) * (1 - alpha) / (1 - gt), 0).squareRoot())
            z[idx] = cx * x0 + cz * zt + sd * noise[idx]
          }
        }
      }
    }
    let inv = Float(1 / b)
    return z.map { Swift.min(Swift.max($0 * inv, -1), 1) }
  }
}
