import ArgumentParser
import Engine
import Foundation

/// `schedtui noise`: the paper's Figures 2 and 4 for any image, γ and b.
struct Noise: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "noise",
    abstract: "Write a PNG of an image noised at γ with input scale b, at several resolutions.",
    discussion: """
      The image is centre-cropped to a square, area-averaged to each resolution, noised as \
      x_t = √γ·b·x0 + √(1−γ)·ε with a fixed ε per resolution (from --seed), and shown side by \
      side at the same size (nearest neighbour), like the paper's Figures 2 and 4. For each \
      resolution it prints the PSNR and SNR of the best Gaussian-blur denoiser: the same γ \
      destroys less at higher resolution.

      Display: with --range unit (default, as the paper's figures) x0 is in [0, 1] and the \
      pixel is clamp(x_t, 0, 1), so the image darkens as b shrinks; with --range signed x0 is \
      in [−1, 1] and the pixel is clamp((x_t + 1)/2, 0, 1).

      Examples:
        schedtui noise --gamma 0.7 --output fig2.png
        schedtui noise --gamma 0.7 --scale 0.5 --resolutions 64,256 --output fig4.png
        schedtui noise --image photo.png --gamma 0.3 --normalize empirical --output out.png
      """)

  @Option(help: "PNG image to noise (default: the bundled astronaut).")
  var image: String?

  @Option(parsing: .unconditional, help: "Signal variance γ, in (0, 1].")
  var gamma: Double

  @Option(name: .customLong("scale"), parsing: .unconditional, help: "Input scale b, > 0.")
  var inputScale: Double = 1

  @Option(help: "Comma-separated resolutions, each in 2...1024.")
  var resolutions: String = "64,128,256"

  @Option(help: "Normalisation of x_t: none, empirical (Algorithm 2) or analytic.")
  var normalize: String = "none"

  @Option(help: "Data range of x0 and display mapping: unit ([0, 1]) or signed ([−1, 1]).")
  var range: String = "unit"

  @Option(help: "Seed of the noise sample (a whole number ≥ 0).")
  var seed: UInt64 = 0

  @Option(
    parsing: .unconditional,
    help: "Displayed size of each panel in pixels, 16...2048 (default: max(256, largest resolution)).")
  var size: Int?

  @Option(help: "Where to write the figure (a .png file).")
  var output: String

  func validate() throws {
    guard gamma.isFinite, gamma > 0, gamma <= 1 else {
      throw ValidationError("--gamma \(gamma) is not allowed: a number in (0, 1]")
    }
    guard inputScale.isFinite, inputScale > 0 else {
      throw ValidationError("--scale \(inputScale) is not allowed: a number > 0")
    }
    do {
      _ = try NoiseFigure.parseResolutions(resolutions)
    } catch {
      throw ValidationError(error.description)
    }
    guard Normalization(rawValue: normalize) != nil else {
      throw ValidationError(
        "--normalize \(normalize) is not allowed: one of none, empirical, analytic")
    }
    guard NoisePreview.DataRange(rawValue: range) != nil else {
      throw ValidationError("--range \(range) is not allowed: one of unit, signed")
    }
    if let size, !(16...2048).contains(size) {
      throw ValidationError("--size \(size) is not allowed: a whole number in 16...2048")
    }
    guard output.lowercased().hasSuffix(".png") else {
      throw ValidationError("--output \(output) is not allowed: a file name ending in .png")
    }
  }

  func run() throws {
    let resolutions = try NoiseFigure.parseResolutions(self.resolutions)
    let path = try image ?? Assets.path("images/astronaut.png")
    let source = try PNG.read(path: path)
    let (figure, panels) = NoiseFigure.render(
      image: source, resolutions: resolutions, gamma: gamma, inputScale: inputScale,
      normalization: Normalization(rawValue: normalize)!,
      dataRange: NoisePreview.DataRange(rawValue: range)!, seed: seed,
      panelSize: size ?? max(256, resolutions.max()!))
    try PNG.write(figure, to: output)
    print(NoiseFigure.noiseLevel(gamma: gamma, inputScale: inputScale))
    print("image \(path), normalisation \(normalize), range \(range), seed \(seed)")
    NoiseFigure.table(panels).forEach { print($0) }
    print("wrote \(output) (\(figure.width)×\(figure.height))")
  }
}
