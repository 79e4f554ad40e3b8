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
  }

  /// Noises every resolution at `gamma` ∈ [0, 1] with input scale b > 0 and `normalization`,
  /// with the fixed ε; runs the ``DenoiseProbe`` on each when `probe` (needs γ > 0).
  public func render(
    gamma: Double, inputScale: Double, normalization: Normalization, probe: Bool = true
  ) -> [Panel] {
    zip(clean, noise).enumerated().map { index, pair in
      let (x0, eps) = pair
      var batch = NoisingBatch(batch: 1, exampleSize: x0.pixels.count)
      batch.setNoise(eps)
      batch.run(x0: x0.pixels, gamma: [gamma], inputScale: inputScale, normalization: normalization)
      let noised = Image(
        width: x0.width, height: x0.height, channels: x0.channels, pixels: batch.noised)
      let scale = batch.scales[0]
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

  /// The display map of ``DataRange``.
  public func display(_ x: Image) -> Image {
    dataRange == .unit ? x.clamped() : x.fromSignedRange().clamped()
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
