/// A picture as `Float` samples: the unit every image operation in schedtui works on.
///
/// Layout: interleaved, row-major, channels last (HWC, as Algorithm 2's `x` of shape
/// `[bsz, h, w, c]` without the batch axis): sample `c` of pixel `(x, y)` is
/// `pixels[(y * width + x) * channels + c]`. `channels` is 1 (grey), 2 (grey + alpha), 3 (RGB) or
/// 4 (RGBA). ``PNG/read(path:)`` gives samples in [0, 1] (sample / (2^bitDepth − 1), no gamma
/// applied); ``toSignedRange()`` maps them to the [−1, 1] a diffusion model is trained on.
public struct Image: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public let channels: Int
  /// `width * height * channels` samples, HWC.
  public var pixels: [Float]

  /// An image over existing samples; `pixels.count` must be `width * height * channels`.
  public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
    precondition(width > 0 && height > 0, "image size must be positive: \(width)×\(height)")
    precondition((1...4).contains(channels), "channels must be 1...4, got \(channels)")
    precondition(
      pixels.count == width * height * channels,
      "\(pixels.count) samples for \(width)×\(height)×\(channels)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// An image with every sample equal to `value`.
  public init(width: Int, height: Int, channels: Int, repeating value: Float = 0) {
    self.init(
      width: width, height: height, channels: channels,
      pixels: [Float](repeating: value, count: width * height * channels))
  }

  /// Sample `c` of pixel `(x, y)`.
  public subscript(x x: Int, y y: Int, c c: Int) -> Float {
    get { pixels[(y * width + x) * channels + c] }
    set { pixels[(y * width + x) * channels + c] = newValue }
  }

  /// Whether the last channel is alpha (grey + alpha or RGBA).
  public var hasAlpha: Bool { channels == 2 || channels == 4 }

  /// Colour channels without alpha: 1 or 3.
  public var colorChannels: Int { hasAlpha ? channels - 1 : channels }
}

// MARK: - Value mappings

extension Image {
  /// Every sample mapped by `transform`, same shape.
  public func mapped(_ transform: (Float) -> Float) -> Image {
    Image(width: width, height: height, channels: channels, pixels: pixels.map(transform))
  }

  /// [0, 1] → [−1, 1]: `2x − 1`, the range a diffusion model sees.
  public func toSignedRange() -> Image { mapped { 2 * $0 - 1 } }

  /// [−1, 1] → [0, 1]: `(x + 1) / 2`, the inverse of ``toSignedRange()`` (no clamping).
  public func fromSignedRange() -> Image { mapped { ($0 + 1) / 2 } }

  /// Samples clamped to [0, 1]; NaN becomes 0.
  public func clamped() -> Image {
    mapped { $0.isNaN ? 0 : Swift.min(Swift.max($0, 0), 1) }
  }

  /// Alpha composited over a constant `background` (1 = white), leaving 1 or 3 colour channels:
  /// `c·α + background·(1 − α)`. Images without alpha are returned unchanged.
  public func removingAlpha(over background: Float = 1) -> Image {
    guard hasAlpha else { return self }
    let k = colorChannels
    var out = [Float](repeating: 0, count: width * height * k)
    for p in 0..<(width * height) {
      let alpha = pixels[p * channels + k]
      for c in 0..<k {
        out[p * k + c] = pixels[p * channels + c] * alpha + background * (1 - alpha)
      }
    }
    return Image(width: width, height: height, channels: k, pixels: out)
  }

  /// Grey replicated to RGB (alpha removed first, over white); RGB images are unchanged.
  public func toRGB() -> Image {
    let opaque = removingAlpha()
    guard opaque.channels == 1 else { return opaque }
    var out = [Float](repeating: 0, count: width * height * 3)
    for p in 0..<(width * height) {
      let v = opaque.pixels[p]
      out[3 * p] = v
      out[3 * p + 1] = v
      out[3 * p + 2] = v
    }
    return Image(width: width, height: height, channels: 3, pixels: out)
  }
}
