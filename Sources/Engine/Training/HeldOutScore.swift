import Foundation
import Schedules

/// A run's held-out score: the denoiser's error per logSNR on a fixed grid and the VDM bound in
/// bits per dimension built from it (``VDMBound``). Both are measured on the data x0 at the
/// data's own logSNR, so they compare across schedules, input scales and objectives, which a
/// training loss does not (README "Comparing runs").
public struct HeldOutScore: Sendable, Equatable {
  /// One point of the error curve: `summary.json`'s `{"log_snr": λ, "error": e}`.
  public struct Point: Codable, Sendable, Equatable {
    public var logSNR: Double
    /// Mean ‖x̂0 − x0‖²/D over the held-out images at λ.
    public var error: Double
    // Spelled out so summary.json (snake-case encoder) and sweep.json (plain) agree.
    enum CodingKeys: String, CodingKey {
      case logSNR = "log_snr", error
    }
    public init(logSNR: Double, error: Double) {
      self.logSNR = logSNR
      self.error = error
    }
  }

  /// The reported grid's points, rising λ.
  public var curve: [Point]
  public var bound: VDMBound.Terms
  public var bitsPerDim: Double { bound.total }

  /// The noise of held-out image i is the i-th block of this one stream, the same in every run:
  /// two runs' curves differ by their networks, not by their draws.
  public static let noiseSeed: UInt64 = 0x0E1B_0000_0000_0020

  /// The network's error e(λ) = mean ‖x̂0 − x0‖²/D on `images` (count, D) at each λ of
  /// `lambdas`, with guidance off (the "no class" label: the bound is on p(x0)).
  ///
  /// At λ, with input scale b, the run's own process has γ = sigmoid(λ − 2·ln b), so its input
  /// is z = b√γ·x0 + √(1−γ)·ε (then divided by its std when the run normalised) and its
  /// objective turns the output into x̂0 with α = b√γ, σ = √(1−γ), exactly as in sampling;
  /// x̂0 is clipped to [−1, 1] as the sampler does (the model that generates is the model
  /// scored). The network is told λ clamped to `conditioning`, the range its training
  /// schedule covered: outside it the network has never been conditioned, so it is shown the
  /// nearest level it knows while z carries the true noise (DECISIONS.md).
  public static func errors(
    model: any Denoiser, params: UnsafePointer<Float>, objective: Objective, inputScale b: Double,
    normalize: Bool, conditioning: ClosedRange<Double>, images: [Float], count: Int,
    lambdas: [Double], batch: Int
  ) -> [Double] {
    let D = model.shape.pixels
    precondition(images.count == count * D, "images is (count, \(D))")
    var noise = [Float](repeating: 0, count: count * D)
    var rng = Xoshiro256(seed: noiseSeed)
    Engine.fillGaussian(&noise, using: &rng)
    let B = Swift.max(1, Swift.min(batch, count))
    var input = [Float](repeating: 0, count: B * D)
    var cond = [Float](repeating: 0, count: B)
    let labels = [Int32](repeating: model.shape.noClass, count: B)
    let logB2 = 2 * log(b)
    var result: [Double] = []
    for lambda in lambdas {
      let gamma = VDMBound.sigmoid(lambda - logB2)
      let alpha = gamma.squareRoot() * b
      let sigma = VDMBound.sigmoid(logB2 - lambda).squareRoot()
      let k = objective.coefficients(alpha: alpha, sigma: Swift.max(sigma, Trainer.sigmaFloor))
      let c = Float(Swift.min(Swift.max(lambda, conditioning.lowerBound), conditioning.upperBound))
      let (a, s, p, q) = (Float(alpha), Float(sigma), Float(k.x0Skip), Float(k.x0Out))
      var total = 0.0
      var start = 0
      while start < count {
        let n = Swift.min(B, count - start)
        for r in 0..<n {
          let o = (start + r) * D
          for j in 0..<D { input[r * D + j] = a * images[o + j] + s * noise[o + j] }
          if normalize {
            input.withUnsafeMutableBufferPointer {
              Trainer.normalizeExample($0.baseAddress! + r * D, D: D)
            }
          }
          cond[r] = c
        }
        // The raw z for x̂0 = P·z + Q·F: the coefficients are defined on z, not on what the
        // network sees.
        let out = model.forward(params: params, x: input, logSNR: cond, labels: labels, B: n)
        for r in 0..<n {
          let o = (start + r) * D
          var sum = 0.0
          for j in 0..<D {
            let x = images[o + j]
            let z = a * x + s * noise[o + j]
            let x0 = Swift.min(Swift.max(p * z + q * out[r * D + j], -1), 1)
            sum += Double((x0 - x) * (x0 - x))
          }
          total += sum / Double(D)
        }
        start += n
      }
      result.append(total / Double(count))
    }
    return result
  }

  /// The range of λ the network was trained on: the scaled process's λ over t ∈ [0, 1],
  /// clamped as training clamps it.
  public static func conditioningRange(_ process: NoiseProcess) -> ClosedRange<Double> {
    let a = Double(Trainer.conditioning(process, t: 0))
    let c = Double(Trainer.conditioning(process, t: 1))
    return Swift.min(a, c)...Swift.max(a, c)
  }

  /// Scores the EMA weights `params` of a run with `config` on the first `count` held-out
  /// images of `data` (quantised to 256 levels first: the bound is on 8-bit data).
  public static func measure(
    model: any Denoiser, params: UnsafePointer<Float>, config: TrainingConfig, data: Dataset,
    count requested: Int, grid: LogSNRGrid
  ) throws -> HeldOutScore {
    let count = Swift.min(requested, data.heldOutCount)
    guard count >= 1 else {
      throw FieldError.option(
        field: "held-out images", value: "0", allowed: "at least 1 to measure the bound on")
    }
    let D = data.pixels
    let images = data.heldOut.prefix(count * D).map(VDMBound.quantize)
    var square = 0.0
    var edges = 0
    for v in images {
      square += Double(v) * Double(v)
      if abs(v) == 1 { edges += 1 }
    }
    let process = try NoiseProcess(
      schedule: Schedule(config.schedule), inputScale: config.inputScale,
      normalize: config.normalize)
    let fine = errors(
      model: model, params: params, objective: config.objective(), inputScale: config.inputScale,
      normalize: config.normalize, conditioning: conditioningRange(process), images: images,
      count: count, lambdas: grid.fine, batch: config.model.samplingBatch)
    let every = LogSNRGrid.subdivisions
    let curve = grid.points.enumerated().map { i, l in Point(logSNR: l, error: fine[i * every]) }
    // λmax is chosen on these same images (DECISIONS.md: on training images a network that
    // memorised them stops far too late for the held-out ones, and the bound then says more
    // about that one choice than about the network).
    let bound = VDMBound.terms(
      grid: grid, fineErrors: fine, meanSquare: square / Double(images.count),
      edgeFraction: Double(edges) / Double(images.count), images: count, choosingLogSNRMax: true)
    return HeldOutScore(curve: curve, bound: bound)
  }
}
