import Foundation

/// A number that makes the paper's Figure 2 measurable: how much of a noised image a simple
/// denoiser can recover.
///
/// The denoiser un-scales x_t to an unbiased estimate of x0, blurs it with a Gaussian and clamps
/// it to the data range [lo, hi]:
///
/// ```
/// y   = x_t / (s · √γ · b)          = x0 + √(1 − γ) / (√γ · b) · ε
/// x̂0  = clamp(G_σ * y, lo, hi)
/// MSE = mean((x̂0 − x0)²)
/// PSNR = 10 · log10((hi − lo)² / MSE)       SNR = 10 · log10(Var(x0) / MSE)
/// ```
///
/// where s is the normalisation factor that was applied to x_t. σ is the best of a fixed set
/// (0 = no blur, then 0.5 to 4 pixels), chosen by the MSE itself: an oracle, so the numbers are
/// an upper bound for this family of denoisers and do not depend on a tuning rule.
///
/// At a fixed γ a higher resolution has more correlated neighbouring pixels, so the blur removes
/// noise with less loss of detail: "the same γ destroys less at higher resolution". SNR (error
/// relative to the image's own contrast, "how much of the picture survives") shows this for every
/// bundled image. PSNR (error relative to the full range) shows it for photographs, but not for
/// fine textures (brick, grass, gravel): averaging them down to 64 pixels flattens them, and a
/// flat image is easy to approximate in absolute terms even when its detail is lost.
public enum DenoiseProbe {
  public struct Result: Equatable, Sendable {
    /// Peak signal-to-noise ratio of the best blur, in dB (+∞ for a perfect estimate).
    public let psnr: Double
    /// Signal (the clean image's variance) to error ratio of the best blur, in dB.
    public let snr: Double
    /// The Gaussian σ, in pixels, that gave them (0 = no blur).
    public let sigma: Double
  }

  /// The blur widths tried, in pixels.
  public static let sigmas: [Double] = [0, 0.5, 0.75, 1, 1.5, 2, 3, 4]

  /// The best Gaussian blur of the un-scaled `noised` image, measured against `clean`.
  ///
  /// `clean` and `noised` have the same shape; `clean` is in the data range `range`;
  /// `normalizationScale` is the factor s already applied to `noised` (1 if none). γ ∈ (0, 1],
  /// b > 0.
  public static func measure(
    clean: Image, noised: Image, gamma: Double, inputScale: Double,
    normalizationScale: Double = 1, range: ClosedRange<Float> = 0...1
  ) -> Result {
    precondition(
      clean.width == noised.width && clean.height == noised.height
        && clean.channels == noised.channels, "clean and noised differ in shape")
    precondition(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got \(gamma)")
    precondition(inputScale > 0, "inputScale must be > 0")
    let unscale = Float(1 / (normalizationScale * gamma.squareRoot() * inputScale))
    let y = noised.mapped { $0 * unscale }
    var bestMSE = Double.infinity, bestSigma = 0.0
    for sigma in sigmas {
      let estimate = sigma == 0 ? y : gaussianBlur(y, sigma: sigma)
      let mse = meanSquaredError(estimate: estimate, clean: clean, range: range)
      if mse < bestMSE { (bestMSE, bestSigma) = (mse, sigma) }
    }
    let peak = Double(range.upperBound - range.lowerBound)
    return Result(
      psnr: decibels(peak * peak, bestMSE), snr: decibels(variance(clean.pixels), bestMSE),
      sigma: bestSigma)
  }

  /// 10 · log10((hi − lo)² / MSE) of `estimate` clamped to `range`, against `clean`.
  public static func psnr(estimate: Image, clean: Image, range: ClosedRange<Float>) -> Double {
    let peak = Double(range.upperBound - range.lowerBound)
    return decibels(peak * peak, meanSquaredError(estimate: estimate, clean: clean, range: range))
  }

  /// mean((clamp(estimate, range) − clean)²), accumulated in Double.
  static func meanSquaredError(estimate: Image, clean: Image, range: ClosedRange<Float>) -> Double {
    precondition(estimate.pixels.count == clean.pixels.count, "images differ in size")
    let lo = range.lowerBound, hi = range.upperBound
    var sum = 0.0
    estimate.pixels.withUnsafeBufferPointer { e in
      clean.pixels.withUnsafeBufferPointer { c in
        for i in 0..<c.count {
          let d = Double(Swift.min(Swift.max(e[i], lo), hi) - c[i])
          sum += d * d
        }
      }
    }
    return sum / Double(clean.pixels.count)
  }

  /// Population variance, in Double.
  static func variance(_ x: [Float]) -> Double {
    var sum = 0.0, sumSquares = 0.0
    for v in x { sum += Double(v) }
    let mean = sum / Double(x.count)
    for v in x { sumSquares += (Double(v) - mean) * (Double(v) - mean) }
    return sumSquares / Double(x.count)
  }

  /// 10 · log10(signal / error); +∞ when the error is 0.
  static func decibels(_ signal: Double, _ error: Double) -> Double {
    error == 0 ? .infinity : 10 * log10(signal / error)
  }

  /// Separable Gaussian blur, kernel radius ⌈3σ⌉, normalised to sum 1, edges replicated.
  public static func gaussianBlur(_ image: Image, sigma: Double) -> Image {
    precondition(sigma > 0, "sigma must be > 0")
    let radius = Int((3 * sigma).rounded(.up)), taps = 2 * radius + 1
    var kernel = (0..<taps).map { Float(exp(-Double(($0 - radius) * ($0 - radius)) / (2 * sigma * sigma))) }
    let total = kernel.reduce(0, +)
    kernel = kernel.map { $0 / total }
    let w = image.width, h = image.height, c = image.channels, rowLength = w * c
    var out = [Float](repeating: 0, count: image.pixels.count)
    // Plain pointer loops: they stay fast enough in debug builds, where the tests run.
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: (w + 2 * radius) * c)
    let horizontal = UnsafeMutablePointer<Float>.allocate(capacity: image.pixels.count)
    defer {
      padded.deallocate()
      horizontal.deallocate()
    }
    kernel.withUnsafeBufferPointer { kb in
      let k = kb.baseAddress!
      image.pixels.withUnsafeBufferPointer { sb in
        let src = sb.baseAddress!
        // Horizontal: each row, edge-replicated into `padded`, convolved into `horizontal`.
        for y in 0..<h {
          let row = src + y * rowLength
          for x in 0..<(w + 2 * radius) {
            let sx = Swift.min(Swift.max(x - radius, 0), w - 1)
            (padded + x * c).update(from: row + sx * c, count: c)
          }
          let dst = horizontal + y * rowLength
          dst.update(repeating: 0, count: rowLength)
          for j in 0..<taps {
            let weight = k[j], shifted = padded + j * c
            for e in 0..<rowLength { dst[e] += weight * shifted[e] }
          }
        }
      }
      out.withUnsafeMutableBufferPointer { ob in
        // Vertical: each output row is a weighted sum of whole (edge-clamped) input rows.
        for y in 0..<h {
          let dst = ob.baseAddress! + y * rowLength
          for j in 0..<taps {
            let sy = Swift.min(Swift.max(y + j - radius, 0), h - 1)
            let weight = k[j], srcRow = horizontal + sy * rowLength
            for e in 0..<rowLength { dst[e] += weight * srcRow[e] }
          }
        }
      }
    }
    return Image(width: w, height: h, channels: c, pixels: out)
  }
}
