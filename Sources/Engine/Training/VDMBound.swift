import Schedules
import Foundation

/// The fixed logSNR grid a run's held-out error is measured on: MIN:MAX:STEP, −12:12:1 by
/// default (`--eval-grid`). It belongs to no schedule, b or objective, so two runs' curves share
/// their λ axis; the bound's diffusion term integrates on ``fine`` (the same range, step/4).
public struct LogSNRGrid: Codable, Sendable, Equatable {
  public var min: Double
  public var max: Double
  public var step: Double

  public static let standard = LogSNRGrid(min: -12, max: 12, step: 1)
  /// |λ| beyond this is refused: e^±30 is already far past any 8-bit image's noise levels.
  public static let limit = 30.0
  /// Points on the reported grid, at most.
  public static let maxPoints = 201
  /// Fine points per grid step for the quadrature (even, as composite Simpson needs).
  public static let subdivisions = 4

  /// Number of intervals of the reported grid.
  public var intervals: Int { Int(((max - min) / step).rounded()) }
  /// The reported λ values, rising.
  public var points: [Double] { (0...intervals).map { min + Double($0) * step } }
  /// The quadrature's λ values, rising; every ``subdivisions``-th is a reported point.
  public var fine: [Double] {
    let n = intervals * LogSNRGrid.subdivisions
    let h = step / Double(LogSNRGrid.subdivisions)
    return (0...n).map { min + Double($0) * h }
  }

  /// `MIN:MAX:STEP`, e.g. `-12:12:1`; refusals name the value and what is allowed.
  public static func parse(_ text: String, field: String = "eval-grid") throws(FieldError)
    -> LogSNRGrid
  {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard parts.count == 3, let lo = parts[0], let hi = parts[1], let step = parts[2] else {
      throw .option(
        field: field, value: text, allowed: "MIN:MAX:STEP, three numbers such as -12:12:1")
    }
    let grid = LogSNRGrid(min: lo, max: hi, step: step)
    try grid.validate(field: field)
    return grid
  }

  public func validate(field: String = "eval-grid") throws(FieldError) {
    let text = "\(LogSNRGrid.short(min)):\(LogSNRGrid.short(max)):\(LogSNRGrid.short(step))"
    let limit = LogSNRGrid.limit
    guard min.isFinite, max.isFinite, step.isFinite, -limit <= min, min < max, max <= limit
    else {
      throw .option(
        field: field, value: text,
        allowed: "MIN < MAX, both in [−\(Int(limit)), \(Int(limit))] (logSNR of the data)")
    }
    let n = (max - min) / step
    guard step > 0, abs(n - n.rounded()) < 1e-9 * Swift.max(1, n), n.rounded() >= 2,
      n.rounded() < Double(LogSNRGrid.maxPoints)
    else {
      throw .option(
        field: field, value: text,
        allowed: "a STEP > 0 that divides MAX − MIN into 2 … \(LogSNRGrid.maxPoints - 1) "
          + "equal steps")
    }
  }

  static func short(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }
}

/// The continuous-time variational bound of Kingma et al. (2021, VDM, eq. 11–17) on −log p(x0)
/// per dimension, from a denoiser's error per logSNR. Conventions (DECISIONS.md, "2026-12-04 —
/// The held-out score"):
///
/// ```
/// x0 ∈ [−1, 1]^D, quantised to 256 levels (bin width 2/255)
/// z_λ = α_λ·x0 + σ_λ·ε,  α_λ² = sigmoid(λ),  σ_λ² = sigmoid(−λ)     (variance preserving)
/// e(λ) = E‖x0 − x̂0(z_λ, λ)‖²/D
///
/// diffusion       = ½ ∫_{λmin}^{λmax} e^λ · e(λ) dλ                        (composite Simpson)
/// prior           = KL(q(z_λmin | x0) ‖ N(0, I))/D = ½(α²·E[x0²] + σ² − 1 − ln σ²) at λmin
/// reconstruction  = E −log P(x0 | z_λmax)/D, P the discretised Gaussian
///                   N(z/α, σ²/α² = e^{−λmax}) integrated over x0's bin (outer bins open)
/// ```
/// every term in nats per dimension here, bits per dimension (÷ ln 2) in ``Terms``.
///
/// λmax is the model's, as in VDM, where the ends of the schedule are learned to minimise the
/// bound: the generative model denoises with the network down to λmax and then emits the
/// discretised Gaussian around z/α, a model for every λmax, each with its own valid bound; the
/// even fine point of the grid with the lowest bound is taken (``bestLogSNRMaxIndex``). Raising
/// λmax by dλ costs ½e^λ·e(λ)dλ of diffusion and saves what the reconstruction term falls by,
/// ½dλ for continuous data, less for 8-bit data once e^{−λ/2} nears the bin (and little for
/// values at ±1, whose outer bins are open). So a network whose error stops falling (a direct
/// x0 output cannot pass its input through: DECISIONS.md) stops near where its error crosses
/// e^{−λ}, z/α's, instead of being charged e^λ times its floor up to the grid's top; that
/// bound, with the network used to the top, is kept beside it (``Terms/fullRange``). λ is the
/// logSNR of the data x0 itself: a run with input scale b observes x0 at λ exactly when its own
/// z = b√γ·x0 + √(1−γ)·ε has γb²/(1−γ) = e^λ, and that z is the VP z_λ times a constant, so
/// the run's network is a denoiser of z_λ and the bound is one on the same x0 for every b.
public enum VDMBound {
  /// The bound and its three terms, in bits per dimension.
  public struct Terms: Codable, Sendable, Equatable {
    public var diffusion: Double
    public var prior: Double
    public var reconstruction: Double
    /// The λ range integrated over: the grid's bottom and the model's top (where the bound is
    /// lowest, ``VDMBound``; the grid's top in files from before it was chosen).
    public var logSNRMin: Double
    public var logSNRMax: Double
    /// Held-out images the expectation was taken over.
    public var images: Int
    /// The bound in bits/dim with the network used up to the grid's top, whatever its error
    /// there; equal to ``total`` when ``logSNRMax`` is the grid's top. nil in files from before
    /// the top was chosen (their ``total`` is this number).
    public var fullRange: Double?
    /// The grid's top, when ``logSNRMax`` is below it.
    public var gridMax: Double?

    public init(
      diffusion: Double, prior: Double, reconstruction: Double, logSNRMin: Double,
      logSNRMax: Double, images: Int, fullRange: Double? = nil, gridMax: Double? = nil
    ) {
      self.diffusion = diffusion
      self.prior = prior
      self.reconstruction = reconstruction
      self.logSNRMin = logSNRMin
      self.logSNRMax = logSNRMax
      self.images = images
      self.fullRange = fullRange
      self.gridMax = gridMax
    }

    public var total: Double { diffusion + prior + reconstruction }
  }

  /// Half the width of one of the 256 levels in [−1, 1].
  public static let halfBin = 1.0 / 255

  /// x rounded to the nearest of the 256 levels −1 + 2k/255 (and clamped to [−1, 1]).
  public static func quantize(_ x: Float) -> Float {
    let k = ((Double(x) + 1) * 127.5).rounded()
    return Float(Swift.min(Swift.max(k, 0), 255) / 127.5 - 1)
  }

  /// ½ ∫ e^λ·e(λ) dλ by composite Simpson on equally spaced, rising `lambdas` (an odd number of
  /// them, at least 3), in nats per dimension.
  public static func diffusionNats(lambdas: [Double], errors: [Double]) -> Double {
    precondition(lambdas.count == errors.count, "one error per λ")
    precondition(lambdas.count >= 3 && lambdas.count % 2 == 1, "Simpson needs an odd count ≥ 3")
    let h = (lambdas[lambdas.count - 1] - lambdas[0]) / Double(lambdas.count - 1)
    var sum = 0.0
    for (i, (l, e)) in zip(lambdas, errors).enumerated() {
      let w: Double = i == 0 || i == lambdas.count - 1 ? 1 : (i % 2 == 1 ? 4 : 2)
      sum += w * exp(l) * e
    }
    return 0.5 * sum * h / 3
  }

  /// KL(N(α·x0, σ²) ‖ N(0, 1)) per dimension at λmin, averaged over the data through its mean
  /// square `meanSquare` = E[x0²]; nats.
  public static func priorNats(logSNRMin lambda: Double, meanSquare: Double) -> Double {
    let alpha2 = sigmoid(lambda)
    let sigma2 = sigmoid(-lambda)
    // ln σ² = −ln(1 + e^λ), written so that it stays exact where σ² rounds to 1.
    let logSigma2 = -softplus(lambda)
    return 0.5 * (alpha2 * meanSquare + sigma2 - 1 - logSigma2)
  }

  /// E −log N(x0; z/α, e^{−λmax}) per dimension for continuous data: z/α − x0 = e^{−λ/2}·ε, so
  /// it is ½·ln(2π·e^{−λmax}) + ½ exactly; nats. For tests and the Gaussian check: image data
  /// are discrete and use ``reconstructionNats(logSNRMax:edgeFraction:)``.
  public static func continuousReconstructionNats(logSNRMax lambda: Double) -> Double {
    0.5 * (log(2 * Double.pi) - lambda) + 0.5
  }

  /// E −log P(x0 | z_λmax) per dimension for 256-level data: P is N(z/α, s²), s = e^{−λmax/2},
  /// integrated over x0's bin [x0 − h, x0 + h], h = 1/255, the outer bins open to ±∞. With
  /// z/α = x0 + s·ε the probability depends on ε alone (a = h/s):
  ///
  /// ```
  /// inner bin:  Φ(a − ε) − Φ(−a − ε)          outer bin (x0 = ±1):  Φ(a + ε)
  /// ```
  /// The expectation over ε ~ N(0, 1) is a 1-D integral, done by the trapezoid rule on
  /// [−12, 12] (no sampling noise). `edgeFraction` is the share of values at ±1; nats.
  public static func reconstructionNats(logSNRMax lambda: Double, edgeFraction: Double) -> Double {
    let a = halfBin / exp(-0.5 * lambda)
    let n = 24_000
    let h = 24.0 / Double(n)
    var inner = 0.0
    var outer = 0.0
    for i in 0...n {
      let e = -12 + Double(i) * h
      let w = (i == 0 || i == n ? 0.5 : 1) * h * exp(-0.5 * e * e) / (2 * Double.pi).squareRoot()
      // Φ(x) − Φ(y) = ½(erfc(−x/√2) − erfc(−y/√2)); written on the side where neither erfc
      // is near 1, so a narrow bin far from the mean keeps its digits.
      let p: Double
      if e >= 0 {
        p = 0.5 * (erfc((e - a) / 2.0.squareRoot()) - erfc((e + a) / 2.0.squareRoot()))
      } else {
        p = 0.5 * (erfc((-e - a) / 2.0.squareRoot()) - erfc((-e + a) / 2.0.squareRoot()))
      }
      inner -= w * log(Swift.max(p, .leastNormalMagnitude))
      let q = 0.5 * erfc(-(a + e) / 2.0.squareRoot())
      outer -= w * log(Swift.max(q, .leastNormalMagnitude))
    }
    return (1 - edgeFraction) * inner + edgeFraction * outer
  }

  /// The bound in bits per dimension from held-out errors e(λ) on `grid.fine`, the data's mean
  /// square and share of values at ±1 (both of the quantised held-out images), up to the grid's
  /// top or, `choosingLogSNRMax`, up to the fine point (an even index ≥ 2, as Simpson needs)
  /// where it is lowest.
  public static func terms(
    grid: LogSNRGrid, fineErrors: [Double], meanSquare: Double, edgeFraction: Double, images: Int,
    choosingLogSNRMax: Bool = false
  ) -> Terms {
    let bits = 1 / log(2.0)
    let fine = grid.fine
    let top = fine.count - 1
    let k =
      choosingLogSNRMax
      ? bestLogSNRMaxIndex(lambdas: fine, errors: fineErrors, edgeFraction: edgeFraction) : top
    let prior = bits * priorNats(logSNRMin: grid.min, meanSquare: meanSquare)
    func bound(upTo k: Int) -> (diffusion: Double, reconstruction: Double) {
      (
        bits * diffusionNats(lambdas: Array(fine[...k]), errors: Array(fineErrors[...k])),
        bits * reconstructionNats(logSNRMax: fine[k], edgeFraction: edgeFraction)
      )
    }
    let chosen = bound(upTo: k)
    let full = k == top ? chosen : bound(upTo: top)
    return Terms(
      diffusion: chosen.diffusion, prior: prior, reconstruction: chosen.reconstruction,
      logSNRMin: grid.min, logSNRMax: fine[k], images: images,
      fullRange: prior + full.diffusion + full.reconstruction, gridMax: k == top ? nil : grid.max)
  }

  /// The index k (even, ≥ 2) of `lambdas` at which prior + diffusion over lambdas[0…k] +
  /// reconstruction at lambdas[k] is lowest, in nats; the prior is the same for every k, so it
  /// is left out. Ties keep the higher λ (the network used as far as it does no harm).
  public static func bestLogSNRMaxIndex(
    lambdas: [Double], errors: [Double], edgeFraction: Double
  ) -> Int {
    precondition(lambdas.count == errors.count && lambdas.count >= 3 && lambdas.count % 2 == 1)
    let h = (lambdas[lambdas.count - 1] - lambdas[0]) / Double(lambdas.count - 1)
    func f(_ i: Int) -> Double { 0.5 * exp(lambdas[i]) * errors[i] }
    var best = (index: 2, nats: Double.infinity)
    var diffusion = 0.0
    for k in stride(from: 2, to: lambdas.count, by: 2) {
      // Simpson on one more pair of intervals: the composite rule's sum, built up pairwise.
      diffusion += h / 3 * (f(k - 2) + 4 * f(k - 1) + f(k))
      let nats = diffusion + reconstructionNats(logSNRMax: lambdas[k], edgeFraction: edgeFraction)
      if nats <= best.nats { best = (k, nats) }
    }
    return best.index
  }

  static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
  }

  /// ln(1 + e^x) without overflow.
  static func softplus(_ x: Double) -> Double {
    x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
  }
}
