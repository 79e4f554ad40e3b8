import Engine
import Schedules

/// One resolution of the preview: the noised picture and what the probe measured on it.
public struct PreviewPanel: Sendable {
  public var resolution: Int
  public var picture: Picture
  /// PSNR and SNR (dB) of the best Gaussian-blur denoiser on this panel (``Engine/DenoiseProbe``).
  public var psnr: Double?
  public var snr: Double?
}

/// Noised pictures for the preview: one per resolution, from the same noise sample per resolution
/// while the parameters change, so only the parameters' effect moves.
public protocol PreviewSource: AnyObject {
  /// The panels at signal variance `gamma` with input scale `inputScale`.
  func panels(gamma: Double, inputScale: Double, normalize: Bool) -> [PreviewPanel]
  /// Where the picture came from, for the title.
  var imageName: String { get }
}

/// The preview from Engine's ``Engine/NoisePreview`` (fixed ε per resolution, paper-style
/// display: x0 in [0, 1], shown clamped, so a smaller b darkens the picture as in Figure 4) and
/// ``Engine/DenoiseProbe``. Remembers the last few parameter sets, since the probe's blurs are
/// the costly part and a redraw without a parameter change must not pay for them again.
public final class NoisePreviewSource: PreviewSource {
  public let imageName: String
  let preview: NoisePreview
  private var cache: [Key: [PreviewPanel]] = [:]
  private var order: [Key] = []

  struct Key: Hashable {
    var gamma: Double, inputScale: Double, normalize: Bool
  }

  /// Prepares `image` at `resolutions` with the noise of `seed`.
  public init(image: Image, name: String, resolutions: [Int], seed: UInt64 = 0) {
    imageName = name
    preview = NoisePreview(image: image, resolutions: resolutions, dataRange: .unit, seed: seed)
  }

  public func panels(gamma: Double, inputScale: Double, normalize: Bool) -> [PreviewPanel] {
    let key = Key(gamma: gamma, inputScale: inputScale, normalize: normalize)
    if let hit = cache[key] { return hit }
    let rendered = preview.render(
      gamma: gamma, inputScale: inputScale, normalization: normalize ? .empirical : .none,
      probe: gamma > 0)
    let result = rendered.map { p in
      PreviewPanel(
        resolution: p.resolution, picture: Picture(p.display),
        psnr: p.probe?.psnr, snr: p.probe?.snr)
    }
    cache[key] = result
    order.append(key)
    if order.count > 16 { cache[order.removeFirst()] = nil }
    return result
  }
}

extension Picture {
  /// An Engine image (1 or 3 colour channels, alpha dropped over white) as a picture.
  public init(_ image: Image) {
    let rgb = image.removingAlpha(over: 1).toRGB()
    self.init(width: rgb.width, height: rgb.height, rgb: rgb.pixels)
  }
}
