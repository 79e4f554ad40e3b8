import Schedules
import Testing

@testable import Engine

@Suite struct NoisePreviewTests {
  static let image: Image = {
    var img = Image(width: 40, height: 30, channels: 3)
    for y in 0..<30 { for x in 0..<40 { for c in 0..<3 {
      img[x: x, y: y, c: c] = Float((x + 2 * y + 5 * c) % 17) / 16
    } } }
    return img
  }()

  @Test("the noise sample per resolution stays fixed while the parameters change")
  func fixedNoise() {
    let preview = NoisePreview(image: Self.image, resolutions: [8, 16], seed: 4)
    let a = preview.render(gamma: 0.5, inputScale: 1, normalization: .none, probe: false)
    let b = preview.render(gamma: 0.5, inputScale: 1, normalization: .none, probe: false)
    #expect(a[0].display == b[0].display && a[1].display == b[1].display)
    // x_t = √γ·b·x0 + √(1−γ)·ε, so ε = (x_t − √γ·b·x0)/√(1−γ) is the same at every γ.
    let x0 = preview.clean[1].pixels, eps = preview.noise[1]
    for gamma in [0.2, 0.9] {
      var batch = NoisingBatch(batch: 1, exampleSize: x0.count)
      batch.setNoise(eps)
      batch.run(x0: x0, gamma: [gamma], inputScale: 1, normalization: .none)
      let recovered = zip(batch.noised, x0).map {
        ($0 - Float(gamma.squareRoot()) * $1) / Float((1 - gamma).squareRoot())
      }
      #expect(zip(recovered, eps).allSatisfy { abs($0 - $1) < 1e-4 })
    }
  }

  @Test("a resolution's noise depends on the seed and that resolution only")
  func noisePerResolution() {
    let one = NoisePreview(image: Self.image, resolutions: [16], seed: 4)
    let two = NoisePreview(image: Self.image, resolutions: [8, 16], seed: 4)
    let other = NoisePreview(image: Self.image, resolutions: [16], seed: 5)
    #expect(one.noise[0] == two.noise[1])
    #expect(one.noise[0] != other.noise[0])
  }

  @Test("unit range: γ = 1, b = 1 shows the image; b = 0.5 shows it half as bright (darker)")
  func unitDisplay() {
    let preview = NoisePreview(image: Self.image, resolutions: [30], dataRange: .unit)
    let clean = preview.clean[0]
    let full = preview.render(gamma: 1, inputScale: 1, normalization: .none, probe: false)[0]
    #expect(zip(full.display.pixels, clean.pixels).allSatisfy { abs($0 - $1) < 1e-6 })
    let half = preview.render(gamma: 1, inputScale: 0.5, normalization: .none, probe: false)[0]
    #expect(zip(half.display.pixels, clean.pixels).allSatisfy { abs($0 - $1 / 2) < 1e-6 })
  }

  @Test("signed range: the display is (x_t + 1)/2, so b → small fades to mid grey")
  func signedDisplay() {
    let preview = NoisePreview(image: Self.image, resolutions: [30], dataRange: .signed)
    let panel = preview.render(gamma: 1, inputScale: 0.01, normalization: .none, probe: false)[0]
    #expect(panel.display.pixels.allSatisfy { abs($0 - 0.5) < 0.006 })
    #expect(preview.clean[0].pixels.min()! < -0.9)
  }

  @Test("the crop is square and alpha is composited before resizing")
  func preparation() {
    let rgba = Image(width: 6, height: 4, channels: 4, repeating: 0)  // transparent black
    let preview = NoisePreview(image: rgba, resolutions: [2, 3])
    #expect(preview.clean.map(\.width) == [2, 3])
    #expect(preview.clean.map(\.channels) == [3, 3])
    #expect(preview.clean[0].pixels.allSatisfy { $0 == 1 })  // white background
  }

  @Test("render(t:process:) uses γ(t), b and the empirical normalisation of the process")
  func withProcess() throws {
    let preview = NoisePreview(image: Self.image, resolutions: [16], seed: 8)
    let process = try NoiseProcess(
      schedule: try Schedule(ScheduleSpec(family: .linear)), inputScale: 0.5, normalize: true)
    let viaT = preview.render(t: 0.3, process: process, probe: false)[0]
    let direct = preview.render(gamma: 0.7, inputScale: 0.5, normalization: .empirical,
      probe: false)[0]
    #expect(viaT.display == direct.display)
    #expect(viaT.scale == direct.scale && viaT.scale != 1)
  }

  @Test("side by side: equal-size panels with gaps, small ones up-sampled by nearest neighbour")
  func layout() {
    let small = Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 1, 0])
    let big = Image(width: 4, height: 4, channels: 3, repeating: 0.5)
    let out = NoisePreview.sideBySide([small, big], size: 4, gap: 1, background: 1)
    #expect(out.width == 9 && out.height == 4 && out.channels == 3)
    #expect(out[x: 0, y: 0, c: 0] == 0 && out[x: 1, y: 1, c: 2] == 0 && out[x: 2, y: 0, c: 1] == 1)
    #expect(out[x: 4, y: 2, c: 0] == 1)  // the gap
    #expect(out[x: 5, y: 0, c: 0] == 0.5)
  }
}
