import ArgumentParser
import Engine
import Foundation
import Schedules
import TUI

/// `schedtui plot`: the explorer's γ, logSNR and density plots as an SVG or PNG figure.
struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Write γ(t), logSNR(t) and the logSNR density as an SVG or PNG figure.",
    discussion: """
      The schedule options give the main curve (default: 1 − t at b = 1); --pin adds presets
      (see `schedtui presets`) and --pin-config adds config files, each in its own colour in the
      legend. --figure 3 pins the paper's Table 3 schedules (its Figure 3); --figure 5 pins 1 − t at
      b = 1, 0.7, 0.5, 0.3 beside cosine@0.2,1,1 and sigmoid 0,3,0.5 (its Figure 5).

      Examples:
        schedtui plot --figure 3 --output figure3.svg
        schedtui plot --figure 5 --output figure5.png
        schedtui plot --family cosine --start 0.2 --tau 2 --pin table3-linear --output mine.svg
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(
    name: .customLong("pin"),
    help: ArgumentHelp(
      "A preset to draw as well (repeatable).",
      valueName: "preset"))
  var pins: [String] = []

  @Option(
    name: .customLong("pin-config"),
    help: ArgumentHelp(
      "A config file to draw as well (repeatable).", valueName: "file"))
  var pinConfigs: [String] = []

  @Option(help: "Pin one of the paper's figures: 3 or 5.")
  var figure: Int?

  @Flag(help: "Draw only the pins (no main curve from the schedule options).")
  var pinsOnly = false

  @Option(
    name: .shortAndLong,
    help: ArgumentHelp(
      "The figure file: .svg or .png.", valueName: "file"))
  var output: String

  @Flag(help: ArgumentHelp(OutputFile.overwriteHelp))
  var overwrite = false

  // --t-sampling, declared with its setting (``TrainingSetting/all``).
  @OptionGroup var settings: PlotSettingOptions

  @Option(help: "Figure width in pixels (300…8000).")
  var width = 1500

  @Option(help: "Figure height in pixels (200…8000).")
  var height = 480

  func validate() throws {
    let ext = (output as NSString).pathExtension.lowercased()
    guard ext == "svg" || ext == "png" else {
      throw ValidationError(
        "--output \(output) is not allowed: the file name must end in .svg or .png.")
    }
    if let figure, figure != 3 && figure != 5 {
      throw ValidationError("--figure \(figure) is not allowed: 3 or 5 (the paper's figures).")
    }
    guard (300...8000).contains(width) else {
      throw ValidationError("--width \(width) is not allowed: a whole number in 300…8000.")
    }
    guard (200...8000).contains(height) else {
      throw ValidationError("--height \(height) is not allowed: a whole number in 200…8000.")
    }
    for name in pins where Preset.named(name) == nil {
      throw ValidationError(
        "--pin \(name) is not a preset: run `schedtui presets` to list them.")
    }
    _ = try sampling()
    if pinsOnly && pins.isEmpty && pinConfigs.isEmpty && figure == nil {
      throw ValidationError(
        "--pins-only needs something to draw: add --pin, --pin-config or --figure.")
    }
  }

  /// The settings a paper figure compares.
  static func figurePins(_ figure: Int) -> [(String, Setting)] {
    if figure == 3 {
      return Preset.table3.map {
        (
          $0.summary.replacingOccurrences(of: ", b = 1", with: ""),
          Setting(spec: $0.spec, inputScale: 1)
        )
      }
    }
    let linear = ScheduleSpec(family: .linear)
    return [1, 0.7, 0.5, 0.3].map { b in
      ("1−t, b = \(short(b))", Setting(spec: linear, inputScale: b))
    }
      + [
        (
          "cosine s=0.2 e=1 τ=1",
          Setting(
            spec: ScheduleSpec(
              family: .cosine, start: 0.2, end: 1,
              tau: 1))
        ),
        (
          "sigmoid s=0 e=3 τ=0.5",
          Setting(
            spec: ScheduleSpec(
              family: .sigmoid, start: 0, end: 3,
              tau: 0.5))
        ),
      ]
  }

  /// `--t-sampling`, else the config file's training section's, else uniform: the density the
  /// explorer's schedule screen draws for the same config.
  func sampling() throws -> TimestepSampling {
    if let text = settings.tSampling { return try CommandLineCheck.tSampling(text) }
    guard schedule.configPath != nil else { return .uniform }
    return try schedule.config().training?.tSampling ?? .uniform
  }

  func run() throws {
    let svg = (output as NSString).pathExtension.lowercased() == "svg"
    try OutputFile.checkReplace(
      output, kind: svg ? .svg : .png, overwrite: overwrite, option: "--output")
    let sampling = try sampling()
    var named: [(String, Setting)] = []
    if !pinsOnly
      && (figure == nil || schedule.family != nil || schedule.configPath != nil
        || schedule.preset != nil)
    {
      let c = try schedule.config()
      let s = Setting(spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize)
      named.append((s.label, s))
    }
    if let figure { named += Plot.figurePins(figure) }
    for name in pins {
      let p = Preset.named(name)!
      named.append((p.summary, Setting(spec: p.spec, inputScale: p.inputScale)))
    }
    for path in pinConfigs {
      let c = try ScheduleOptions.loadConfig(path)
      named.append(
        (
          (path as NSString).lastPathComponent,
          Setting(spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize)
        ))
    }
    let entries = named.enumerated().map { i, e in
      Figure.Entry(name: e.0, setting: e.1, color: Figure.color(i))
    }
    if svg {
      try AtomicFile.write(Figure.svg(entries, width: width, height: height, sampling: sampling), to: output)
    } else {
      let picture = Figure.raster(entries, width: width, height: height, sampling: sampling)
      let image = Image(
        width: picture.width, height: picture.height, channels: 3,
        pixels: picture.rgb)
      try AtomicFile.write(PNG.encode(image), to: output)
    }
    print("wrote \(output) (\(entries.count) curve\(entries.count == 1 ? "" : "s"))")
  }
}
