import ArgumentParser
import Engine
import Foundation
import Schedules
import TUI
import TUICurses

/// `schedtui` / `schedtui explore`: the full-screen explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Open the full-screen explorer (the default with no subcommand).",
    discussion: """
      Starts on the schedule given by the options (default: the paper's 1 − t at b = 1), a
      --config file or a --preset. Needs an interactive terminal; press ? inside for every key.
      Without a terminal use the headless subcommands (curve, export, presets, noise, plot, …).
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(
    name: .customLong("image"),
    help: ArgumentHelp(
      "A PNG to preview instead of the bundled astronaut.", valueName: "file"))
  var image: String?

  @Option(
    name: .customLong("preview-resolutions"),
    help: ArgumentHelp(
      "Resolutions shown side by side on the preview screen, comma-separated (2 to 4 of them).",
      valueName: "list"))
  var previewResolutions = "64,128,256"

  func validate() throws {
    _ = try resolutions()
  }

  func resolutions() throws -> [Int] {
    let parts = previewResolutions.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard (2...4).contains(values.count),
      values.allSatisfy({ $0 != nil && (8...1024).contains($0!) })
    else {
      throw ValidationError(
        "--preview-resolutions \(previewResolutions) is not allowed: 2 to 4 whole numbers in "
          + "8…1024, comma-separated (e.g. 64,128,256).")
    }
    return values.map { $0! }
  }

  /// The preview's picture: `--image`, or the bundled astronaut.
  func loadPreview(resolutions: [Int]) throws -> NoisePreviewSource {
    let path = try image ?? Assets.path("images/astronaut.png")
    let picture: Image
    do {
      picture = try PNG.read(path: path)
    } catch {
      throw ValidationError("--image \(path): \(error)")
    }
    return NoisePreviewSource(
      image: picture, name: (path as NSString).lastPathComponent, resolutions: resolutions)
  }

  func run() throws {
    let config = try schedule.config()
    if let refusal = CursesTerminal.refusal() {
      FileHandle.standardError.write(Data((refusal + "\n").utf8))
      throw ExitCode(2)
    }
    let files = ExplorerFiles(template: config)
    var state = AppState(
      current: Setting(
        spec: config.schedule, inputScale: config.inputScale,
        normalize: config.normalize),
      presets: PresetItem.paper, previewResolutions: try resolutions())
    if let path = schedule.configPath { state.defaultConfigPath = path }
    let preview = try loadPreview(resolutions: state.previewResolutions)
    let terminal = try CursesTerminal()
    let renderer = Renderer(
      theme: Theme(glyphs: terminal.unicode ? .unicode : .ascii, colorMode: terminal.colorMode),
      preview: preview)
    let (_, outcome) = ExplorerLoop.run(
      state: state, renderer: renderer, terminal: terminal, perform: files.perform)
    if case .signal(let s) = outcome {
      throw ExitCode(128 + s)
    }
  }
}

/// The explorer's file work. The last config opened (or given with --config) is the template
/// for exports, so its inference and training sections survive an edit-and-export round trip.
final class ExplorerFiles {
  var template: Config

  init(template: Config) { self.template = template }

  func config(for setting: Setting) -> Config {
    var c = template
    c.schedule = setting.spec
    c.inputScale = setting.inputScale
    c.normalize = setting.normalize
    return c.canonical
  }

  /// Does an effect's file work; every failure comes back as a message and changes nothing.
  func perform(_ effect: Effect) -> Action {
    switch effect {
    // (A `where` after several patterns guards only the last one, hence two cases.)
    case .exportConfig(_, let path, false) where FileManager.default.fileExists(atPath: path):
      return .exists(.exportConfig, path: path)
    case .exportDiffusers(_, let path, false) where FileManager.default.fileExists(atPath: path):
      return .exists(.exportDiffusers, path: path)
    case .exportConfig(let setting, let path, _):
      let c = config(for: setting)
      do {
        try c.validate(file: path)
        try AtomicFile.write(c.encoded(), to: path)
        return .done("wrote \(path) (read it back with: schedtui curve --config \(path))")
      } catch {
        return .failed("export failed: \(error)")
      }
    case .exportDiffusers(let setting, let path, _):
      return exportDiffusers(config(for: setting), to: path)
    case .importConfig(let path):
      do {
        let c = try ScheduleOptions.loadConfig(path)
        template = c
        return .imported(
          Setting(spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize), path: path)
      } catch {
        return .failed("\(error); nothing changed")
      }
    }
  }
}

extension ExplorerFiles {
  /// Writes a diffusers scheduler folder (scheduler_config.json + schedtui_config.json) with the
  /// Schedules export and the export command's folder writer (a new folder appears whole).
  func exportDiffusers(_ config: Config, to dir: String) -> Action {
    do {
      let process = try config.noiseProcess()
      let prediction: DiffusersExport.PredictionType =
        config.training?.prediction == .v
        ? .vPrediction
        : config.training?.prediction == .x0 ? .sample : .epsilon
      let export = try DiffusersExport(
        process: process, steps: DiffusersExport.defaultSteps(for: config.schedule),
        predictionType: prediction)
      try Export.writeFolder(
        dir,
        files: [
          ("schedtui_config.json", config.encoded()),
          ("scheduler_config.json", export.schedulerConfig),
        ])
      let warning = export.warnings.first.map { " (warning: \($0))" } ?? ""
      return .done("wrote \(dir)/scheduler_config.json\(warning)")
    } catch {
      return .failed("diffusers export to \(dir) failed: \(error); nothing written")
    }
  }
}
