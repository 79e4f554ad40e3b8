import Engine
import Foundation
import Testing

@testable import TUI

/// The preview's fast path (one multiply-add per pixel, the normalisation from stored sums, the
/// probe outside the frame) against the full path it replaces in the explorer:
/// `NoisePreview.render`, which noises through Algorithm 2's kernel (checked against NumPy in
/// EngineTests), and `Picture.fitted`, the area average checked by hand in HalfBlockTests.
@Suite struct PreviewTests {
  /// A 40×40 RGB image with a gradient, a bright square and a colour cast: not flat, not
  /// symmetric, so a wrong mean or variance shows.
  func image() -> Image {
    var px = [Float](repeating: 0, count: 40 * 40 * 3)
    for y in 0..<40 {
      for x in 0..<40 {
        let i = (y * 40 + x) * 3
        px[i] = Float(x) / 39
        px[i + 1] = (10..<20).contains(x) && (5..<25).contains(y) ? 1 : 0.2
        px[i + 2] = Float(y) / 60
      }
    }
    return Image(width: 40, height: 40, channels: 3, pixels: px)
  }

  @Test(
    "the display map equals the full render for every normalisation and both data ranges",
    arguments: [Normalization.none, .empirical, .analytic], [NoisePreview.DataRange.unit, .signed])
  func displayMap(_ normalization: Normalization, _ range: NoisePreview.DataRange) {
    let p = NoisePreview(image: image(), resolutions: [16, 40], dataRange: range, seed: 3)
    for (gamma, b) in [(0.7, 1.0), (0.2, 0.5), (0.95, 0.3), (1.0, 1.0), (0.0, 1.0)] {
      let full = p.render(gamma: gamma, inputScale: b, normalization: normalization, probe: false)
      for index in 0..<2 {
        let map = p.displayMap(
          index: index, gamma: gamma, inputScale: b, normalization: normalization)
        #expect(abs(map.scale - full[index].scale) <= 1e-5 * full[index].scale)
        var out = [Float](repeating: -1, count: p.clean[index].pixels.count)
        out.withUnsafeMutableBufferPointer { p.writeDisplay(index: index, map, into: $0) }
        let worst = zip(out, full[index].display.pixels).map { abs($0 - $1) }.max()!
        #expect(worst < 2e-5, "γ = \(gamma), b = \(b), resolution \(p.resolutions[index])")
      }
    }
  }

  @Test("the probe on unnormalised x_t gives the render's numbers (normalisation divides out)")
  func probe() throws {
    let p = NoisePreview(image: image(), resolutions: [16, 40], seed: 1)
    let full = p.render(gamma: 0.6, inputScale: 0.7, normalization: .empirical)
    for index in 0..<2 {
      let expected = try #require(full[index].probe)
      let r = p.probe(index: index, gamma: 0.6, inputScale: 0.7)
      #expect(abs(r.psnr - expected.psnr) < 1e-3)
      #expect(abs(r.snr - expected.snr) < 1e-3)
      #expect(r.sigma == expected.sigma)
    }
  }

  @Test(
    "the area resampler equals Picture.fitted", arguments: [(40, 40, 12, 12), (40, 40, 40, 40),
      (16, 16, 30, 30), (40, 40, 7, 13)])
  func resampler(_ sw: Int, _ sh: Int, _ tw: Int, _ th: Int) {
    let rgb = (0..<(sw * sh * 3)).map { Float(($0 * 37) % 101) / 100 }
    let picture = Picture(width: sw, height: sh, rgb: rgb)
    var r = AreaResampler(from: (sw, sh), to: (tw, th))
    let fast = r.apply(rgb)
    let reference = picture.fitted(width: tw, height: th).rgb
    #expect(zip(fast, reference).map { abs($0 - $1) }.max()! < 1e-5)
  }

  @Test("a panel is the display fitted to its size; a γ change redraws it, a repeat is cached")
  func panel() {
    let source = NoisePreviewSource(image: image(), name: "test", resolutions: [16, 40])
    func panel(_ gamma: Double) -> PreviewPanel {
      source.panel(index: 1, gamma: gamma, inputScale: 1, normalize: true, width: 20, height: 20)
    }
    let a = panel(0.5)
    let full = source.preview.render(
      gamma: 0.5, inputScale: 1, normalization: .empirical, probe: false)
    let reference = Picture(full[1].display).fitted(width: 20, height: 20)
    #expect(zip(a.picture.rgb, reference.rgb).map { abs($0 - $1) }.max()! < 1e-5)
    #expect(a.psnr == nil)
    let b = panel(0.6)
    #expect(b.picture != a.picture)
    #expect(source.computePendingProbes())
    let c = panel(0.5)
    #expect(c.psnr != nil && c.picture == a.picture)
  }
}
