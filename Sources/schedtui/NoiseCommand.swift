import ArgumentParser
import Engine
import Foundation
import Schedules

/// `schedtui noise`: the paper's Figures 2 and 4 for any image, γ and b.
struct Noise: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "noise",
    abstract:
      "Write a PNG of an image noised at γ (or t) and input scale b, at several resolutions.",
    discussion: """
      The image is centre-cropped to a square, area-averaged to each resolution, noised as \
      x_t = √γ·b·x0 + √(1−γ)·ε with a fixed ε per resolution (from --seed), and shown side by \
      side at the same size (nearest neighbour), like the paper's Figures 2 and 4. For each \
      resolution it prints the PSNR and SNR of the best Gaussian-blur denoiser: the same γ \
      destroys less at higher resolution.

      x_t is normalised as in Algorithm 2 (x_t / std(x_t)) unless --no-normalize is given; the \
      paper's Figures 2 and 4 show it without: use --no-normalize to reproduce them.

      Display: with --range unit (default, as the paper's figures) x0 is in [0, 1] and the \
      pixel is clamp(x_t, 0, 1), so the image darkens as b shrinks; with --range signed x0 is \
      in [−1, 1] and the pixel is clamp((x_t + 1)/2, 0, 1).

      Examples:
        schedtui noise --gamma 0.7 --no-normalize --output fig2.png
        schedtui noise --gamma 0.7 --scale 0.5 --no-normalize --output fig4.png
        schedtui noise --t 0.4 --family cosine --tau 2 --resolutions 64,256 --output c.png
        schedtui noise --t 0.5 --preset table1-256 --image photo.png --output p.png
      """)

  @Option(help: "PNG image to noise (default: the bundled astronaut).")
  var image: String?

  @Option(parsing: .unconditional, help: "Signal variance γ, in (0, 1] (or give --t).")
  var gamma: Double?

  @Option(
    name: .customLong("t"), parsing: .unconditional,
    help: "Time t in [0, 1] on the schedule (--family … or --config/--preset): γ = γ(t).")
  var time: Double?

  @OptionGroup(title: "Schedule (with --t; with --gamma only --scale and --[no-]normalize apply)")
  var schedule: ScheduleOptions

  @Option(help: "Comma-separated resolutions, each in 2...1024.")
  var resolutions: String = "64,128,256"

  @Option(help: "Data range of x0 and display mapping: unit ([0, 1]) or signed ([−1, 1]).")
  var range: String = "unit"

  @Option(help: "Seed of the noise sample (a whole number ≥ 0).")
  var seed: UInt64 = 0

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Displayed size of each panel in pixels, 16...2048 "
        + "(default: max(256, largest resolution))."))
  var size: Int?

  @Option(help: "Where to write the figure (a .png file).")
  var output: String

  @Flag(help: ArgumentHelp(OutputFile.overwriteHelp))
  var overwrite = false

  func validate() throws {
    switch (gamma, time) {
    case (nil, nil), (.some, .some):
      throw ValidationError(
        "give exactly one of --gamma G (a number in (0, 1]) or --t T (in [0, 1])")
    case (let g?, nil):
      guard g.isFinite, g > 0, g <= 1 else {
        throw ValidationError("--gamma \(g) is not allowed: a number in (0, 1]")
      }
      var shaping = schedule.givenFields.map(\.option)
      if schedule.family != nil { shaping.insert("--family", at: 0) }
      if schedule.configPath != nil { shaping.append("--config") }
      if schedule.preset != nil { shaping.append("--preset") }
      if let first = shaping.first {
        throw ValidationError(
          "\(first) cannot be combined with --gamma: the schedule is only used with --t")
      }
    case (nil, let t?):
      guard t.isFinite, t >= 0, t <= 1 else {
        throw ValidationError("--t \(t) is not allowed: a number in [0, 1]")
      }
    }
    do {
      _ = try NoiseFigure.parseResolutions(resolutions)
    } catch {
      throw ValidationError(error.description)
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
    try OutputFile.checkReplace(output, kind: .png, overwrite: overwrite, option: "--output")
    let resolutions = try NoiseFigure.parseResolutions(self.resolutions)
    // γ directly, or γ(t) of the chosen schedule; b and normalisation from the shared options.
    let config = try schedule.config()
    var gamma = self.gamma ?? 1
    if let time {
      let process = try schedule.noiseProcess()
      gamma = process.schedule.gamma(time)
      print("t = \(time) on \(config.schedule.family.rawValue): γ(t) = \(gamma)")
    }
    let normalization: Normalization = config.normalize ? .empirical : .none
    let path = try image ?? Assets.path("images/astronaut.png")
    let source = try PNG.read(path: path)
    let (figure, panels) = NoiseFigure.render(
      image: source, resolutions: resolutions, gamma: gamma, inputScale: config.inputScale,
      normalization: normalization, dataRange: NoisePreview.DataRange(rawValue: range)!,
      seed: seed, panelSize: size ?? max(256, resolutions.max()!))
    try PNG.write(figure, to: output)
    print(NoiseFigure.noiseLevel(gamma: gamma, inputScale: config.inputScale))
    print("image \(path), normalisation \(normalization.rawValue), range \(range), seed \(seed)")
    NoiseFigure.table(panels).forEach { print($0) }
    print("wrote \(output) (\(figure.width)×\(figure.height))")
  }
}
