import Engine
import Schedules

/// One resolution of the preview, drawn at a given size: the noised picture and, once it has
/// been computed, what the probe measured on it.
public struct PreviewPanel: Sendable {
  public var resolution: Int
  public var picture: Picture
  /// PSNR and SNR (dB) of the best Gaussian-blur denoiser on this panel (``Engine/DenoiseProbe``);
  /// nil while the probe is still to be computed (see ``PreviewSource/computePendingProbes()``).
  public var psnr: Double?
  public var snr: Double?
}

/// Noised pictures for the preview: one per resolution, from the same noise sample per resolution
/// while the parameters change, so only the parameters' effect moves.
public protocol PreviewSource: AnyObject {
  /// Where the picture came from, for the title.
  var imageName: String { get }
  /// The resolutions, in the order they are drawn.
  var resolutions: [Int] { get }
  /// Resolution `index` at signal variance `gamma` with input scale `inputScale`, fitted to
  /// `width × height` pixels. The probe numbers are those already computed for these
  /// parameters, or nil: asking for them queues them for ``computePendingProbes()``.
  func panel(
    index: Int, gamma: Double, inputScale: Double, normalize: Bool, width: Int, height: Int
  ) -> PreviewPanel
  /// Computes one of the probes asked for since the last call; returns whether there was one
  /// (then the frame should be drawn again, and this called again).
  func computePendingProbes() -> Bool
  /// What the probe's best blur recovers from resolution `index` at γ, b, fitted to
  /// `width × height`, once its probe has been computed (nil before).
  func recovered(index: Int, gamma: Double, inputScale: Double, width: Int, height: Int)
    -> (picture: Picture, sigma: Double)?
}

/// The preview from Engine's ``Engine/NoisePreview`` (fixed ε per resolution, paper-style
/// display: x0 in [0, 1], shown clamped, so a smaller b darkens the picture as in Figure 4) and
/// ``Engine/DenoiseProbe``.
///
/// A γ (or b) change costs one multiply-add and a clamp per pixel (the normalisation comes from
/// stored sums, ``Engine/NoisePreview/displayMap(index:gamma:inputScale:normalization:)``),
/// then an area-average to the cells with precomputed weights. The probe (eight blurs per
/// resolution, about 5 ms each at 256×256) is not part of a frame: its numbers are cached per
/// (γ, b), and those not yet known are computed when the explorer is idle.
public final class NoisePreviewSource: PreviewSource {
  public let imageName: String
  let preview: NoisePreview
  public var resolutions: [Int] { preview.resolutions }

  private struct ProbeKey: Hashable { var index: Int, gamma: Double, inputScale: Double }
  private var probes: [ProbeKey: DenoiseProbe.Result] = [:]
  private var pending: [ProbeKey] = []
  /// The recovered images of the last few probes (full resolution; they are large, so few).
  private var recoveredImages: [ProbeKey: Image] = [:]
  private var recoveredOrder: [ProbeKey] = []
  /// The last recovered picture fitted per resolution, so a redraw does not fit it again.
  private var lastRecovered: [Int: (ProbeKey, Int, Int, Picture)] = [:]
  /// Per resolution: the full-resolution display buffer, the resampler to the last size asked
  /// for, and the last panel (a redraw with nothing changed costs nothing).
  private var scratch: [[Float]]
  private var resamplers: [AreaResampler?]
  private struct PanelKey: Equatable {
    var gamma: Double, inputScale: Double, normalize: Bool, width: Int, height: Int
  }
  private var last: [(PanelKey, Picture)?]

  /// Prepares `image` at `resolutions` with the noise of `seed`.
  public init(image: Image, name: String, resolutions: [Int], seed: UInt64 = 0) {
    imageName = name
    preview = NoisePreview(image: image, resolutions: resolutions, dataRange: .unit, seed: seed)
    scratch = preview.clean.map { [Float](repeating: 0, count: $0.width * $0.height * 3) }
    resamplers = Array(repeating: nil, count: resolutions.count)
    last = Array(repeating: nil, count: resolutions.count)
  }

  public func panel(
    index: Int, gamma: Double, inputScale: Double, normalize: Bool, width: Int, height: Int
  ) -> PreviewPanel {
    let key = PanelKey(
      gamma: gamma, inputScale: inputScale, normalize: normalize, width: width, height: height)
    let picture: Picture
    if let (k, p) = last[index], k == key {
      picture = p
    } else {
      picture = render(index, key)
      last[index] = (key, picture)
    }
    var result = PreviewPanel(resolution: resolutions[index], picture: picture)
    if gamma > 0 {
      let probeKey = ProbeKey(index: index, gamma: gamma, inputScale: inputScale)
      if let r = probes[probeKey] {
        (result.psnr, result.snr) = (r.psnr, r.snr)
      } else if !pending.contains(probeKey) {
        pending.append(probeKey)
      }
    }
    return result
  }

  private func render(_ index: Int, _ key: PanelKey) -> Picture {
    let map = preview.displayMap(
      index: index, gamma: key.gamma, inputScale: key.inputScale,
      normalization: key.normalize ? .empirical : .none)
    let clean = preview.clean[index]
    // The display map writes the image's own channels; a grey image is spread to RGB after.
    let channels = clean.channels
    scratch[index].withUnsafeMutableBufferPointer { buffer in
      let n = clean.width * clean.height * channels
      preview.writeDisplay(
        index: index, map, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<n]))
      if channels == 1 {
        for i in stride(from: n - 1, through: 0, by: -1) {
          let v = buffer[i]
          (buffer[3 * i], buffer[3 * i + 1], buffer[3 * i + 2]) = (v, v, v)
        }
      }
    }
    if resamplers[index]?.matches(clean.width, clean.height, key.width, key.height) != true {
      resamplers[index] = AreaResampler(
        from: (clean.width, clean.height), to: (key.width, key.height))
    }
    let rgb = resamplers[index]!.apply(scratch[index])
    return Picture(width: key.width, height: key.height, rgb: rgb)
  }

  /// One probe per call (a 1024² probe takes a good part of a second): the loop calls again
  /// on its next idle tick, so a key pressed meanwhile waits for one probe at most.
  public func computePendingProbes() -> Bool {
    while let key = pending.first {
      pending.removeFirst()
      guard probes[key] == nil else { continue }
      let result = preview.probe(index: key.index, gamma: key.gamma, inputScale: key.inputScale)
      probes[key] = result
      // A long session visits many γ: keep the cache bounded.
      if probes.count > 3000 { probes = [key: result] }
      recoveredImages[key] = preview.denoised(
        index: key.index, gamma: key.gamma, inputScale: key.inputScale, sigma: result.sigma)
      recoveredOrder.append(key)
      if recoveredOrder.count > 4 * resolutions.count {
        recoveredImages[recoveredOrder.removeFirst()] = nil
      }
      return true
    }
    return false
  }
}

extension NoisePreviewSource {
  public func recovered(
    index: Int, gamma: Double, inputScale: Double, width: Int, height: Int
  ) -> (picture: Picture, sigma: Double)? {
    let key = ProbeKey(index: index, gamma: gamma, inputScale: inputScale)
    guard let image = recoveredImages[key], let result = probes[key] else { return nil }
    if let (k, w, h, p) = lastRecovered[index], k == key, w == width, h == height {
      return (p, result.sigma)
    }
    let p = Picture(image).fitted(width: width, height: height)
    lastRecovered[index] = (key, width, height, p)
    return (p, result.sigma)
  }
}

/// Area averaging of RGB pixels from one size to another with the weights computed once:
/// separable, each output pixel the covered-fraction-weighted mean of the source pixels under
/// its footprint (the same result as ``Picture/fitted(width:height:)``, in Float). The weights
/// sit in flat arrays so the passes are plain pointer loops.
struct AreaResampler {
  let source: (width: Int, height: Int)
  let target: (width: Int, height: Int)
  /// One axis: output pixel o covers `count[o]` source pixels from `first[o]`, with weights
  /// `weights[start[o] ..< start[o] + count[o]]`.
  struct Axis {
    var first: [Int] = [], count: [Int] = [], start: [Int] = [], weights: [Float] = []

    /// Weights of output pixel o covering source [o·s, (o+1)·s), s = n/m, normalised to sum 1.
    init(_ n: Int, _ m: Int) {
      let s = Double(n) / Double(m)
      for o in 0..<m {
        let lo = Double(o) * s, hi = lo + s
        let begin = Swift.min(Int(lo), n - 1)
        first.append(begin)
        start.append(weights.count)
        var i = begin
        while Double(i) < hi, i < n {
          weights.append(Float((Swift.min(Double(i + 1), hi) - Swift.max(Double(i), lo)) / s))
          i += 1
        }
        if weights.count == start.last! { weights.append(1) }
        count.append(weights.count - start.last!)
      }
    }
  }
  let columns: Axis
  let rows: Axis
  private var horizontal: [Float]

  init(from source: (Int, Int), to target: (Int, Int)) {
    self.source = source
    self.target = target
    columns = Axis(source.0, target.0)
    rows = Axis(source.1, target.1)
    horizontal = [Float](repeating: 0, count: target.0 * source.1 * 3)
  }

  func matches(_ sw: Int, _ sh: Int, _ tw: Int, _ th: Int) -> Bool {
    source == (sw, sh) && target == (tw, th)
  }

  /// `rgb` (source size, 3 floats per pixel) resampled to the target size.
  mutating func apply(_ rgb: [Float]) -> [Float] {
    let (sw, sh) = source, (tw, th) = target
    var out = [Float](repeating: 0, count: tw * th * 3)
    let c = columns, r = rows
    rgb.withUnsafeBufferPointer { src in
      horizontal.withUnsafeMutableBufferPointer { h in
        c.weights.withUnsafeBufferPointer { cw in
          // Rows first: each source row to the target width.
          for y in 0..<sh {
            let row = src.baseAddress! + y * sw * 3, hrow = h.baseAddress! + y * tw * 3
            for x in 0..<tw {
              var red: Float = 0, green: Float = 0, blue: Float = 0
              var p = row + c.first[x] * 3
              let w = cw.baseAddress! + c.start[x]
              for k in 0..<c.count[x] {
                red += w[k] * p[0]
                green += w[k] * p[1]
                blue += w[k] * p[2]
                p += 3
              }
              hrow[3 * x] = red
              hrow[3 * x + 1] = green
              hrow[3 * x + 2] = blue
            }
          }
        }
        r.weights.withUnsafeBufferPointer { rw in
          out.withUnsafeMutableBufferPointer { o in
            // Then columns: each output row a weighted sum of whole horizontal rows.
            let n = tw * 3
            for y in 0..<th {
              let orow = o.baseAddress! + y * n
              for k in 0..<r.count[y] {
                let w = rw[r.start[y] + k]
                let hrow = h.baseAddress! + (r.first[y] + k) * n
                for i in 0..<n { orow[i] += w * hrow[i] }
              }
            }
          }
        }
      }
    }
    return out
  }
}

extension Picture {
  /// An Engine image (1 or 3 colour channels, alpha dropped over white) as a picture.
  public init(_ image: Image) {
    let rgb = image.removingAlpha(over: 1).toRGB()
    self.init(width: rgb.width, height: rgb.height, rgb: rgb.pixels)
  }
}
