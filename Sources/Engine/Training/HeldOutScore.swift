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
  /// The same error on as many of the run's training images, on the same points: where the
  /// held-out curve rises and this one does not, the network reproduces its training images
  /// rather than the data's distribution (``Rise``, README "The x0 output's skip path").
  public var trainingCurve: [Point]
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
    var result: [Double] = []
    for lambda in lambdas {
      let (alpha, sigma) = NoiseProcess.scales(atLogSNR: lambda, inputScale: b)
      let k = objective.coefficients(alpha: alpha, sigma: Swift.max(sigma, NoiseProcess.sigmaFloor))
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
  /// clamped as training clamps it, and from below by the level under which training under
  /// `sampling` and `objective` drew 0.1 % of its examples or put a millionth of its loss weight
  /// (``NoiseProcess/conditioningFloor(sampling:objective:limit:)``): the sampler tells the
  /// network the same floor (``Sampler``), so the model scored is the model that generates.
  public static func conditioningRange(
    _ process: NoiseProcess, sampling: TimestepSampling, objective: Objective
  ) -> ClosedRange<Double> {
    let a = Double(Trainer.conditioning(process, t: 0))
    let c = Double(Trainer.conditioning(process, t: 1))
    let top = Swift.max(a, c)
    let floor = Swift.max(
      Swift.min(a, c), process.conditioningFloor(
        sampling: sampling, objective: objective, limit: Trainer.logSNRLimit))
    return Swift.min(floor, top)...top
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
    let trained = conditioningRange(
      process, sampling: config.tSampling, objective: config.objective())
    let fine = errors(
      model: model, params: params, objective: config.objective(), inputScale: config.inputScale,
      normalize: config.normalize, conditioning: trained, images: images,
      count: count, lambdas: grid.fine, batch: config.model.samplingBatch)
    let every = LogSNRGrid.subdivisions
    let curve = grid.points.enumerated().map { i, l in Point(logSNR: l, error: fine[i * every]) }
    // As many training images, spread evenly over the split (a folder's files are sorted by
    // path, so its first ones would all be cut from one photograph).
    let seen = Swift.min(count, data.trainCount)
    var seenImages: [Float] = []
    seenImages.reserveCapacity(seen * D)
    for i in 0..<seen {
      let o = i * data.trainCount / seen * D
      seenImages += data.train[o..<(o + D)].map(VDMBound.quantize)
    }
    let training = errors(
      model: model, params: params, objective: config.objective(), inputScale: config.inputScale,
      normalize: config.normalize, conditioning: trained, images: seenImages,
      count: seen, lambdas: grid.points, batch: config.model.samplingBatch)
    let trainingCurve = zip(grid.points, training).map { Point(logSNR: $0, error: $1) }
    // λmax is chosen on these same images (DECISIONS.md: on training images a network that
    // memorised them stops far too late for the held-out ones, and the bound then says more
    // about that one choice than about the network).
    let bound = VDMBound.terms(
      grid: grid, fineErrors: fine, meanSquare: square / Double(images.count),
      edgeFraction: Double(edges) / Double(images.count), images: count, choosingLogSNRMax: true)
    return HeldOutScore(curve: curve, trainingCurve: trainingCurve, bound: bound)
  }
}

extension HeldOutScore {
  /// A rise of the held-out error by ``riseThreshold`` or more from one grid point to the next
  /// (the best denoiser's error cannot rise: adding noise to z_λ' and denoising at λ < λ' is a
  /// denoiser at λ'), with what the training images' error did over the same step.
  public struct Rise: Sendable, Equatable {
    public var from, to: Double
    /// Relative change e(to)/e(from) − 1 of the held-out error, and of the training images'.
    public var heldOut: Double
    public var training: Double?
    /// The held-out error rises where the training images' does not: the network reproduces
    /// its training images there, a generalisation failure, not the score's.
    public var memorised: Bool { training.map { $0 < HeldOutScore.riseThreshold } ?? false }
  }

  /// A rise smaller than this is within what the score's 100-odd images resolve.
  public static let riseThreshold = 0.01

  public static func rises(curve: [Point], training: [Point]?) -> [Rise] {
    let seen = Dictionary(
      (training ?? []).map { ($0.logSNR, $0.error) }, uniquingKeysWith: { a, _ in a })
    return zip(curve, curve.dropFirst()).compactMap { a, b in
      let change = b.error / a.error - 1
      guard a.error > 0, change >= riseThreshold else { return nil }
      let t = seen[a.logSNR].flatMap { x in seen[b.logSNR].map { $0 / x - 1 } }
      return Rise(from: a.logSNR, to: b.logSNR, heldOut: change, training: t)
    }
  }

  /// What the user is told about the rises of a run's held-out curve, a line per kind; none
  /// when it falls. `trained` is the λ range the run's schedule covered (``trainedRange(_:)``).
  public static func riseNotes(
    curve: [Point], training: [Point]?, trained: ClosedRange<Double>? = nil
  ) -> [String] {
    func pct(_ x: Double) -> String { String(format: "%+.1f %%", 100 * x) }
    func listed(_ found: [Rise]) -> String {
      found.prefix(4).map { r in
        "λ \(String(format: "%g", r.from))→\(String(format: "%g", r.to)) \(pct(r.heldOut))"
          + (r.training.map { " (training images \(pct($0)))" } ?? "")
      }.joined(separator: ", ") + (found.count > 4 ? ", and \(found.count - 4) more" : "")
    }
    var outside: [Rise] = []
    var memorised: [Rise] = []
    var other: [Rise] = []
    for r in rises(curve: curve, training: training) {
      // Either end outside: there the network is shown the nearest level it trained on.
      if let trained, r.from < trained.lowerBound || r.to > trained.upperBound {
        outside.append(r)
      } else if r.memorised {
        memorised.append(r)
      } else {
        other.append(r)
      }
    }
    var lines: [String] = []
    if !memorised.isEmpty {
      lines.append(
        "held-out error rises at " + listed(memorised) + " while the training images' error "
          + "does not: the network reproduces its training images rather than generalising "
          + "there (memorisation: more training images are the cure)")
    }
    if let trained, !outside.isEmpty {
      lines.append(
        "held-out error rises at " + listed(outside) + String(
          format: ", reaching outside the λ the run trained on (%.3g…%.3g): the network is "
            + "shown the nearest trained level there, where its loss weight was least",
          trained.lowerBound, trained.upperBound))
    }
    if !other.isEmpty {
      lines.append(
        "held-out error rises at " + listed(other) + ": the network is worse there than at "
          + "the lower λ, where noising z down to it and denoising would do better")
    }
    return lines
  }

  /// The λ range a run with `config` trained on (``conditioningRange(_:sampling:objective:)``);
  /// nil when its schedule cannot be built (then the run could not have trained).
  public static func trainedRange(_ config: TrainingConfig) -> ClosedRange<Double>? {
    guard
      let process = try? NoiseProcess(
        schedule: Schedule(config.schedule), inputScale: config.inputScale,
        normalize: config.normalize)
    else { return nil }
    return conditioningRange(process, sampling: config.tSampling, objective: config.objective())
  }
}
