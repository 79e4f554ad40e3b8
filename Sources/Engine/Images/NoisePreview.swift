import Schedules

/// One image noised at several resolutions, as in the paper's Figures 2 and 4, with a fixed noise
/// sample per resolution so that only the parameters' effect changes between renders.
///
/// Built once per image and list of resolutions: the image is centre-cropped to a square, alpha
/// is composited over white, and it is area-averaged down (or up) to each resolution. ε for a
/// resolution comes from `Xoshiro256(seed: seed ^ resolution · φ)`, so it depends only on the
/// seed and that resolution, not on the other resolutions in the list.
///
/// Data range and display mapping (documented in the README):
/// - ``DataRange/unit``: x0 ∈ [0, 1] and the pixel shown is `clamp(x_t, 0, 1)`. This is how the
///   paper's figures show x_t: at b = 1, γ = 1 it is the image; as b shrinks the signal
///   √γ·b·x0 shrinks towards 0 (black) and the picture darkens, as in Figure 4.
/// - ``DataRange/signed``: x0 ∈ [−1, 1], what a model is usually trained on, and the pixel shown
///   is `clamp((x_t + 1) / 2, 0, 1)`: as b shrinks the picture fades to grey noise.
/// With normalisation on, the normalised x_t (what the network sees) goes through the same map.
public struct NoisePreview: Sendable {
  public enum DataRange: String, CaseIterable, Sendable {
    case unit
    case signed

    /// The interval x0 lives in.
    public var bounds: ClosedRange<Float> { self == .unit ? 0...1 : -1...1 }
  }

  /// One resolution's result.
  public struct Panel: Sendable {
    public let resolution: Int
    /// x_t mapped to displayable [0, 1] (see the type's documentation); 1 or 3 channels.
    public let display: Image
    /// The normalisation factor s applied to x_t (1 with `.none`).
    public let scale: Double
    /// The denoising probe on this panel, when asked for.
    public let probe: DenoiseProbe.Result?
  }

  public let resolutions: [Int]
  public let dataRange: DataRange
  /// The clean image at each resolution, in the data range.
  public let clean: [Image]
  /// The fixed ε at each resolution.
  public let noise: [[Float]]
  /// Sums of x0, ε and their products at each resolution: with them the normalisation of x_t
  /// is known in closed form for any γ and b, without a pass over x_t (``displayMap``).
  public let moments: [Moments]

  /// Σx0, Σε, Σx0², Σε², Σx0·ε over one resolution's samples (Double), and their count.
  public struct Moments: Sendable, Equatable {
    public let count, x, e, xx, ee, xe: Double

    init(_ x0: [Float], _ eps: [Float]) {
      var x = 0.0, e = 0.0, xx = 0.0, ee = 0.0, xe = 0.0
      for i in 0..<x0.count {
        let a = Double(x0[i]), b = Double(eps[i])
        x += a
        e += b
        xx += a * a
        ee += b * b
        xe += a * b
      }
      (count, self.x, self.e, self.xx, self.ee, self.xe) = (Double(x0.count), x, e, xx, ee, xe)
    }
  }

  /// The displayed pixel as one multiply-add per sample: `clamp(a·x0 + c·ε + d, 0, 1)`, with
  /// `scale` the normalisation factor s that was folded in.
  public struct DisplayMap: Sendable, Equatable {
    public let a, c, d: Float
    public let scale: Double
  }

  /// Prepares `image` at each of `resolutions` (each ≥ 1) with a fixed noise sample from `seed`.
  public init(image: Image, resolutions: [Int], dataRange: DataRange = .unit, seed: UInt64 = 0) {
    precondition(!resolutions.isEmpty && resolutions.allSatisfy { $0 > 0 }, "bad resolutions")
    self.resolutions = resolutions
    self.dataRange = dataRange
    let square = image.removingAlpha(over: 1).centerCroppedToSquare()
    clean = resolutions.map { r in
      let resized = square.resized(to: r)
      return dataRange == .unit ? resized : resized.toSignedRange()
    }
    noise = zip(resolutions, clean).map { r, img in
      var rng = Xoshiro256(seed: seed ^ (UInt64(r) &* 0x9E37_79B9_7F4A_7C15))
      var eps = [Float](repeating: 0, count: img.pixels.count)
      fillGaussian(&eps, using: &rng)
      return eps
    }
    moments = zip(clean, noise).map { Moments($0.pixels, $1) }
  }

  /// The display map of resolution `index` at γ ∈ [0, 1], b > 0: x_t = α·x0 + σ·ε with
  /// α = √γ·b, σ = √(1 − γ), times s, through the display map of ``DataRange``. For
  /// `.empirical`, s = 1/std(x_t) from the stored sums,
  ///
  /// ```
  /// mean = (α·Σx0 + σ·Σε) / n,   E[x_t²] = (α²·Σx0² + 2ασ·Σx0ε + σ²·Σε²) / n
  /// s = 1 / √(E[x_t²] − mean²)    (1 when that variance is 0, as Noising does)
  /// ```
  ///
  /// which is what ``render(gamma:inputScale:normalization:probe:)`` computes with a pass over
  /// x_t (the same to Float rounding: the sums are Double, the terms O(1)).
  public func displayMap(
    index: Int, gamma: Double, inputScale b: Double, normalization: Normalization
  ) -> DisplayMap {
    precondition(gamma >= 0 && gamma <= 1 && b > 0, "gamma \(gamma) or b \(b) out of range")
    let alpha = gamma.squareRoot() * b, sigma = (1 - gamma).squareRoot()
    var s = 1.0
    switch normalization {
    case .none: break
    case .analytic: s = Noising.analyticFactor(gamma: gamma, inputScale: b)
    case .empirical:
      let m = moments[index]
      let mean = (alpha * m.x + sigma * m.e) / m.count
      let second =
        (alpha * alpha * m.xx + 2 * alpha * sigma * m.xe + sigma * sigma * m.ee) / m.count
      let variance = second - mean * mean
      if variance > 0 { s = 1 / variance.squareRoot() }
    }
    let (k, d): (Double, Float) = dataRange == .unit ? (1, 0) : (0.5, 0.5)
    return DisplayMap(a: Float(k * s * alpha), c: Float(k * s * sigma), d: d, scale: s)
  }

  /// Writes the displayed pixels of resolution `index` under `map` into `out` (as many samples
  /// as the clean image has): one multiply-add and a clamp per sample.
  public func writeDisplay(
    index: Int, _ map: DisplayMap, into out: UnsafeMutableBufferPointer<Float>
  ) {
    let x0 = clean[index].pixels, eps = noise[index]
    precondition(out.count == x0.count, "out holds \(out.count) samples, want \(x0.count)")
    // A plain loop: the compiler vectorises it (SIMD's `clamped` calls unspecialised generic
    // pointwiseMin/Max, which made this 10× slower).
    let a = map.a, c = map.c, d = map.d
    x0.withUnsafeBufferPointer { xb in
      eps.withUnsafeBufferPointer { eb in
        let px = xb.baseAddress!, pe = eb.baseAddress!, po = out.baseAddress!
        for i in 0..<out.count {
          let v = a * px[i] + c * pe[i] + d
          po[i] = v < 0 ? 0 : (v > 1 ? 1 : v)
        }
      }
    }
  }

  /// What the probe's denoiser recovers at resolution `index` with blur `sigma` (0: none):
  /// clamp(G_σ * x_t / (√γ·b)) in the data range, mapped for display like x_t. γ ∈ (0, 1].
  public func denoised(index: Int, gamma: Double, inputScale: Double, sigma: Double) -> Image {
    let x0 = clean[index]
    // x_t / (√γ·b) = x0 + k·ε with k = √(1 − γ) / (√γ·b).
    let k = Float((1 - gamma).squareRoot() / (gamma.squareRoot() * inputScale))
    var y = x0
    noise[index].withUnsafeBufferPointer { e in
      y.pixels.withUnsafeMutableBufferPointer { o in
        for i in 0..<o.count { o[i] += k * e[i] }
      }
    }
    let estimate = sigma > 0 ? DenoiseProbe.gaussianBlur(y, sigma: sigma) : y
    let lo = dataRange.bounds.lowerBound, hi = dataRange.bounds.upperBound
    return display(estimate.mapped { Swift.min(Swift.max($0, lo), hi) })
  }

  /// The probe of resolution `index` at γ ∈ (0, 1], b > 0: the same numbers as ``render``'s
  /// (the probe divides the normalisation out again, so it does not depend on it), computed on
  /// x_t without normalisation.
  public func probe(index: Int, gamma: Double, inputScale: Double) -> DenoiseProbe.Result {
    let x0 = clean[index]
    let alpha = Float(gamma.squareRoot() * inputScale), sigma = Float((1 - gamma).squareRoot())
    var xt = x0
    noise[index].withUnsafeBufferPointer { e in
      xt.pixels.withUnsafeMutableBufferPointer { o in
        for i in 0..<o.count { o[i] = alpha * o[i] + sigma * e[i] }
      }
    }
    return DenoiseProbe.measure(
      clean: x0, noised: xt, gamma: gamma, inputScale: inputScale, range: dataRange.bounds)
  }

  /// Noises every resolution at `gamma` ∈ [0, 1] with input scale b > 0 and `normalization`,
  /// with the fixed ε; runs the ``DenoiseProbe`` on each when `probe` (needs γ > 0).
  public func render(
    gamma: Double, inputScale: Double, normalization: Normalization, probe: Bool = true
  ) -> [Panel] {
    zip(clean, noise).enumerated().map { index, pair in
      let (x0, eps) = pair
      // The kernel straight on the stored buffers: one allocation (x_t) per resolution.
      var xt = [Float](repeating: 0, count: eps.count)
      var scale = 1.0
      x0.pixels.withUnsafeBufferPointer { x in
        eps.withUnsafeBufferPointer { e in
          xt.withUnsafeMutableBufferPointer { o in
            withUnsafeMutablePointer(to: &scale) { s in
              Noising.noise(
                x0: x, noise: e, gamma: [gamma], inputScale: inputScale,
                normalization: normalization, exampleSize: eps.count, into: o,
                scales: UnsafeMutableBufferPointer(start: s, count: 1))
            }
          }
        }
      }
      let noised = Image(width: x0.width, height: x0.height, channels: x0.channels, pixels: xt)
      let result = probe && gamma > 0
        ? DenoiseProbe.measure(
          clean: x0, noised: noised, gamma: gamma, inputScale: inputScale,
          normalizationScale: scale, range: dataRange.bounds)
        : nil
      return Panel(
        resolution: resolutions[index], display: display(noised), scale: scale, probe: result)
    }
  }

  /// Renders at time `t` of `process`: γ = γ(t), b and normalisation from the process
  /// (`normalize` means Algorithm 2's empirical std).
  public func render(t: Double, process: NoiseProcess, probe: Bool = true) -> [Panel] {
    render(
      gamma: process.schedule.gamma(t), inputScale: process.inputScale,
      normalization: process.normalize ? .empirical : .none, probe: probe)
  }

  /// The display map of ``DataRange``: clamp(x, 0, 1) or clamp((x + 1)/2, 0, 1); NaN → 0.
  public func display(_ x: Image) -> Image {
    var out = x
    let (a, c): (Float, Float) = dataRange == .unit ? (1, 0) : (0.5, 0.5)
    out.pixels.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count {
        let v = a * p[i] + c
        p[i] = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
      }
    }
    return out
  }

  /// `images` side by side, each scaled to `size`×`size` by nearest neighbour (so small ones
  /// keep their visible pixels), separated by `gap` columns of `background`.
  public static func sideBySide(
    _ images: [Image], size: Int, gap: Int = 8, background: Float = 1
  ) -> Image {
    precondition(!images.isEmpty && size > 0 && gap >= 0, "nothing to lay out")
    let channels = images.map(\.channels).max()!
    let width = images.count * size + (images.count - 1) * gap
    var out = Image(width: width, height: size, channels: channels, repeating: background)
    for (i, image) in images.enumerated() {
      let scaled = image.resizedNearest(width: size, height: size)
      let shown = channels == 3 ? scaled.toRGB() : scaled
      let x0 = i * (size + gap)
      for y in 0..<size {
        for x in 0..<size {
          for c in 0..<channels { out[x: x0 + x, y: y, c: c] = shown[x: x, y: y, c: c] }
        }
      }
    }
    return out
  }
}
