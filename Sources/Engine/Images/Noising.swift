/// How x_t is scaled before the network sees it (the paper's section 2.2 and Algorithm 2).
public enum Normalization: String, CaseIterable, Sendable {
  /// x_t as it is.
  case none
  /// Algorithm 2: `x_t / x_t.std(axis=(1,2,3))`, the population standard deviation (ddof = 0)
  /// of each example over all its pixels and channels.
  case empirical
  /// The analytic factor 1/√((b² − 1)γ + 1): unit variance when x0 has unit variance (the paper
  /// prints it without the square root, which does not give unit variance).
  case analytic
}

/// Algorithm 2's first half on a batch: noising with input scale b, then normalisation.
///
/// Shapes: a batch is `batch` examples of `exampleSize = h·w·c` Float samples each, contiguous
/// (any layout within an example; Algorithm 2's statistics are over the whole example). For
/// example i with signal variance γ_i:
///
/// ```
/// x_t[i] = √γ_i · b · x0[i] + √(1 − γ_i) · ε[i]
/// x_t[i] = x_t[i] · s_i,   s_i = 1 / std(x_t[i])           (empirical)
///                          s_i = 1 / √((b² − 1)γ_i + 1)    (analytic)
///                          s_i = 1                         (none)
/// ```
///
/// The kernels work on caller-owned buffers and allocate nothing; ``NoisingBatch`` owns reusable
/// buffers and draws ε.
public enum Noising {
  /// 1/√((b² − 1)γ + 1): the factor that gives x_t unit variance when x0 and ε have unit
  /// variance, since Var(x_t) = γb² + (1 − γ) = (b² − 1)γ + 1. Defined for γ ∈ [0, 1], b > 0
  /// (the denominator is then ≥ min(b², 1) > 0).
  public static func analyticFactor(gamma: Double, inputScale b: Double) -> Double {
    1 / ((b * b - 1) * gamma + 1).squareRoot()
  }

  /// Noises and normalises every example of a batch into `out`.
  ///
  /// `x0`, `noise` and `out` hold `gamma.count · exampleSize` samples (`out` may not alias the
  /// inputs); `scales`, when given, receives s_i per example. An example whose x_t has zero
  /// variance (possible only with γ = 1 on a constant image) keeps s_i = 1 under `.empirical`
  /// instead of being divided by zero.
  public static func noise(
    x0: UnsafeBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, gamma: [Double],
    inputScale b: Double, normalization: Normalization, exampleSize: Int,
    into out: UnsafeMutableBufferPointer<Float>, scales: UnsafeMutableBufferPointer<Double>? = nil
  ) {
    let n = exampleSize
    precondition(x0.count == gamma.count * n && noise.count == x0.count && out.count == x0.count,
      "buffers must hold \(gamma.count) × \(n) samples")
    precondition(b > 0 && b.isFinite, "inputScale must be > 0, got \(b)")
    for (i, g) in gamma.enumerated() {
      precondition(g >= 0 && g <= 1, "gamma[\(i)] = \(g) is outside [0, 1]")
      let base = i * n
      let signal = Float(g.squareRoot() * b), sigma = Float((1 - g).squareRoot())
      let x = UnsafeBufferPointer(rebasing: x0[base..<(base + n)])
      let e = UnsafeBufferPointer(rebasing: noise[base..<(base + n)])
      let o = UnsafeMutableBufferPointer(rebasing: out[base..<(base + n)])
      let sum = axpbyAndSum(signal, x, sigma, e, into: o)
      var s = 1.0
      switch normalization {
      case .none:
        break
      case .analytic:
        s = analyticFactor(gamma: g, inputScale: b)
      case .empirical:
        let mean = sum / Double(n)
        let variance = sumOfSquaredDeviations(UnsafeBufferPointer(o), from: Float(mean)) / Double(n)
        if variance > 0 { s = 1 / variance.squareRoot() }
      }
      if s != 1 { scale(o, by: Float(s)) }
      scales?[i] = s
    }
  }

  // MARK: - Kernels
  // Eight lanes of Float (two SSE or one AVX register); sums are Float within a chunk of 4096
  // samples and Double across chunks, which keeps the relative error near 1e-6 for any size.

  static let chunk = 4096
  typealias Lanes = SIMD8<Float>

  /// Σ over `0..<n` in chunks: `chunkSum(start, end)` sums one chunk in Float, the chunks add
  /// up in Double.
  @inline(__always)
  static func chunkedSum(_ n: Int, _ chunkSum: (Int, Int) -> Float) -> Double {
    var total = 0.0, start = 0
    while start < n {
      let end = Swift.min(start + chunk, n)
      total += Double(chunkSum(start, end))
      start = end
    }
    return total
  }

  /// out = a·x + c·y, returning Σ out (in Double).
  @inline(__always)
  static func axpbyAndSum(
    _ a: Float, _ x: UnsafeBufferPointer<Float>, _ c: Float, _ y: UnsafeBufferPointer<Float>,
    into out: UnsafeMutableBufferPointer<Float>
  ) -> Double {
    let px = UnsafeRawPointer(x.baseAddress!), py = UnsafeRawPointer(y.baseAddress!)
    let po = UnsafeMutableRawPointer(out.baseAddress!)
    let step = Lanes.scalarCount
    return chunkedSum(out.count) { start, end in
      var acc = Lanes()
      var i = start
      while i + step <= end {
        let v = a * px.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
          + c * py.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
        po.storeBytes(of: v, toByteOffset: i * 4, as: Lanes.self)
        acc += v
        i += step
      }
      var tail: Float = 0
      for j in i..<end {
        out[j] = a * x[j] + c * y[j]
        tail += out[j]
      }
      return acc.sum() + tail
    }
  }

  /// Σ (x − mean)² (in Double).
  @inline(__always)
  static func sumOfSquaredDeviations(_ x: UnsafeBufferPointer<Float>, from mean: Float) -> Double {
    let px = UnsafeRawPointer(x.baseAddress!), step = Lanes.scalarCount
    let m = Lanes(repeating: mean)
    return chunkedSum(x.count) { start, end in
      var acc = Lanes()
      var i = start
      while i + step <= end {
        let d = px.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self) - m
        acc += d * d
        i += step
      }
      var tail: Float = 0
      for j in i..<end { tail += (x[j] - mean) * (x[j] - mean) }
      return acc.sum() + tail
    }
  }

  /// x *= s.
  @inline(__always)
  static func scale(_ x: UnsafeMutableBufferPointer<Float>, by s: Float) {
    for i in x.indices { x[i] *= s }
  }
}

/// Reusable buffers for noising a batch again and again (training steps, benchmark runs): ε and
/// x_t are allocated once, at construction.
public struct NoisingBatch: Sendable {
  public let batch: Int
  public let exampleSize: Int
  /// ε of the last ``run(x0:gamma:inputScale:normalization:using:)``: the training target.
  public private(set) var noise: [Float]
  /// x_t of the last run, normalised as asked: the network's input.
  public private(set) var noised: [Float]
  /// The normalisation factor s_i applied to each example in the last run.
  public private(set) var scales: [Double]

  public init(batch: Int, exampleSize: Int) {
    precondition(batch > 0 && exampleSize > 0, "batch and exampleSize must be positive")
    self.batch = batch
    self.exampleSize = exampleSize
    noise = [Float](repeating: 0, count: batch * exampleSize)
    noised = noise
    scales = [Double](repeating: 1, count: batch)
  }

  /// Draws fresh ε ~ N(0, I) from `rng`, then noises and normalises `x0` (see ``Noising``).
  public mutating func run(
    x0: [Float], gamma: [Double], inputScale: Double, normalization: Normalization,
    using rng: inout some RandomNumberGenerator
  ) {
    fillGaussian(&noise, using: &rng)
    run(x0: x0, gamma: gamma, inputScale: inputScale, normalization: normalization)
  }

  /// The same for schedtui's own generator: a concrete overload, so that the ziggurat is
  /// specialised for it inside this module (a generic call from another module would go through
  /// the protocol for every sample, about 2.5× slower).
  public mutating func run(
    x0: [Float], gamma: [Double], inputScale: Double, normalization: Normalization,
    using rng: inout Xoshiro256
  ) {
    fillGaussian(&noise, using: &rng)
    run(x0: x0, gamma: gamma, inputScale: inputScale, normalization: normalization)
  }

  /// Noises and normalises `x0` with the ε already in ``noise`` (kept from the last draw, or set
  /// with ``setNoise(_:)``).
  public mutating func run(
    x0: [Float], gamma: [Double], inputScale: Double, normalization: Normalization
  ) {
    precondition(gamma.count == batch, "\(gamma.count) gammas for a batch of \(batch)")
    precondition(x0.count == noise.count, "x0 has \(x0.count) samples, want \(noise.count)")
    let size = exampleSize
    x0.withUnsafeBufferPointer { x in
      noise.withUnsafeBufferPointer { e in
        noised.withUnsafeMutableBufferPointer { o in
          scales.withUnsafeMutableBufferPointer { s in
            Noising.noise(
              x0: x, noise: e, gamma: gamma, inputScale: inputScale,
              normalization: normalization, exampleSize: size, into: o, scales: s)
          }
        }
      }
    }
  }

  /// Replaces ε (for a fixed noise sample chosen elsewhere).
  public mutating func setNoise(_ newNoise: [Float]) {
    precondition(newNoise.count == noise.count, "noise must have \(noise.count) samples")
    noise = newNoise
  }
}
