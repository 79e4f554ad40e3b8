import Foundation
import Testing

@testable import Engine

@Suite struct DenoiseProbeTests {
  static let bundled = [
    "astronaut", "brick", "camera", "chelsea", "coffee", "grass", "gravel", "rocket",
  ]

  /// Photographs; the rest of the bundled images are fine textures.
  static let photographs = ["astronaut", "camera", "chelsea", "coffee", "rocket"]

  @Test(
    "at γ = 0.7 the probe's SNR rises with resolution, 64 < 128 < 256 (the paper's Figure 2)",
    arguments: bundled)
  func risesWithResolution(name: String) throws {
    let image = try PNG.read(path: try Assets.path("images/\(name).png"))
    let preview = NoisePreview(image: image, resolutions: [64, 128, 256], seed: 1)
    let probes = preview.render(gamma: 0.7, inputScale: 1, normalization: .empirical)
      .map { $0.probe! }
    let snr = probes.map(\.snr), psnr = probes.map(\.psnr)
    #expect(snr[0] < snr[1] && snr[1] < snr[2], "\(name): SNR \(snr)")
    if Self.photographs.contains(name) {
      #expect(psnr[0] < psnr[1] && psnr[1] < psnr[2], "\(name): PSNR \(psnr)")
    }
  }

  @Test("the rise with resolution holds in the signed [−1, 1] data range too")
  func risesSigned() throws {
    let image = try PNG.read(path: try Assets.path("images/astronaut.png"))
    let preview = NoisePreview(
      image: image, resolutions: [64, 128, 256], dataRange: .signed, seed: 1)
    let probes = preview.render(gamma: 0.7, inputScale: 1, normalization: .none).map { $0.probe! }
    #expect(probes[0].psnr < probes[1].psnr && probes[1].psnr < probes[2].psnr, "\(probes)")
    #expect(probes[0].snr < probes[1].snr && probes[1].snr < probes[2].snr, "\(probes)")
  }

  @Test("PSNR of a constant error e on range [0, 1] is −20·log10|e| (hand computation)")
  func psnrFormula() {
    let clean = Image(width: 4, height: 2, channels: 1, repeating: 0.5)
    let off = clean.mapped { $0 + 0.1 }
    #expect(abs(DenoiseProbe.psnr(estimate: off, clean: clean, range: 0...1) - 20) < 1e-4)
    // On [−1, 1] the peak is 2: +20·log10(2) dB.
    let signed = DenoiseProbe.psnr(estimate: off, clean: clean, range: -1...1)
    #expect(abs(signed - (20 + 20 * log10(2.0))) < 1e-4)
    #expect(DenoiseProbe.psnr(estimate: clean, clean: clean, range: 0...1) == .infinity)
  }

  @Test("the estimate is clamped to the data range before the error is measured")
  func clamps() {
    let clean = Image(width: 1, height: 1, channels: 1, pixels: [1])
    let over = Image(width: 1, height: 1, channels: 1, pixels: [5])
    #expect(DenoiseProbe.psnr(estimate: over, clean: clean, range: 0...1) == .infinity)
  }

  @Test("γ = 1 needs no denoising: the probe is exact whatever b and normalisation")
  func noiseless() throws {
    let image = try PNG.read(path: try Assets.path("images/camera.png"))
    let preview = NoisePreview(image: image, resolutions: [32], seed: 2)
    for normalization in Normalization.allCases {
      let panel = preview.render(gamma: 1, inputScale: 0.4, normalization: normalization)[0]
      let probe = try #require(panel.probe)
      #expect(probe.sigma == 0)
      #expect(probe.psnr > 100, "\(normalization): \(probe.psnr)")
    }
  }

  @Test("less signal, lower PSNR: the probe decreases as γ or b decreases")
  func monotone() throws {
    let image = try PNG.read(path: try Assets.path("images/astronaut.png"))
    let preview = NoisePreview(image: image, resolutions: [64], seed: 3)
    let byGamma = [0.95, 0.7, 0.3, 0.05].map {
      preview.render(gamma: $0, inputScale: 1, normalization: .none)[0].probe!.psnr
    }
    #expect(zip(byGamma, byGamma.dropFirst()).allSatisfy { $0 > $1 }, "\(byGamma)")
    let byScale = [1.0, 0.5, 0.2].map {
      preview.render(gamma: 0.7, inputScale: $0, normalization: .empirical)[0].probe!.psnr
    }
    #expect(zip(byScale, byScale.dropFirst()).allSatisfy { $0 > $1 }, "\(byScale)")
  }

  @Test("a Gaussian blur keeps a constant image and sums its kernel to 1")
  func blurConstant() {
    let flat = Image(width: 9, height: 7, channels: 3, repeating: 0.25)
    let blurred = DenoiseProbe.gaussianBlur(flat, sigma: 1.5)
    #expect(blurred.pixels.allSatisfy { abs($0 - 0.25) < 1e-6 })
    // A unit impulse spreads into weights exp(−d²/2σ²)/Z: the centre over its neighbour is
    // exp(1/(2σ²)) per axis.
    var impulse = Image(width: 11, height: 11, channels: 1)
    impulse[x: 5, y: 5, c: 0] = 1
    let spread = DenoiseProbe.gaussianBlur(impulse, sigma: 1)
    let ratio = Double(spread[x: 5, y: 5, c: 0] / spread[x: 6, y: 5, c: 0])
    #expect(abs(ratio - exp(0.5)) < 1e-4)
  }
}
