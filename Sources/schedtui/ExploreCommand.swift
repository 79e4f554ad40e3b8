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
      Without a terminal use the headless subcommands (curve, export, presets, noise, plot,
      sigmas, …).
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
      "Resolutions shown on the preview screen, comma-separated (1 to 6 of them, in 8…1024).",
      valueName: "list"))
  var previewResolutions = "64,128,256"

  @Option(
    name: .customLong("runs"),
    help: ArgumentHelp(
      "The folder the explorer saves its training runs in, one sub-folder a run, and lists "
        + "earlier finished runs from (screen 5).", valueName: "dir"))
  var runsFolder = "runs"

  func validate() throws {
    _ = try resolutions()
  }

  /// The same rule as the explorer's resolutions row (one parser, one message).
  func resolutions() throws -> [Int] {
    do {
      return try Field.parsePreviewResolutions(previewResolutions)
    } catch {
      throw ValidationError(
        "--preview-resolutions \(previewResolutions) is not allowed: "
          + Field.previewResolutions.allowed + ".")
    }
  }

  /// The preview's picture: `--image`, or the bundled astronaut.
  func loadPreview(resolutions: [Int]) throws -> (path: String, source: NoisePreviewSource) {
    let path = try image ?? Assets.path("images/astronaut.png")
    do {
      return (path, try ExplorerPreview.load(path, resolutions: resolutions))
    } catch {
      throw ValidationError("--image \(path): \(error)")
    }
  }

  func run() throws {
    let config = try schedule.config()
    if let refusal = CursesTerminal.refusal() {
      printError(refusal)
      throw ExitCode(2)
    }
    let works = WorkRunner()
    let files = ExplorerFiles(template: config, works: works)
    // The config's schedule, b, normalisation and training t-sampling (its training section's
    // or the engine's default).
    var state = AppState(
      current: Setting(TrainingConfig(config)), presets: PresetItem.paper,
      previewResolutions: try resolutions())
    // The training screen starts from the config's training section or the engine's defaults.
    state.document.setup = TrainingConfig(config)
    if let path = schedule.configPath { state.defaultConfigPath = path }
    state.runs = RunsList(folder: runsFolder)
    let (imagePath, preview) = try loadPreview(resolutions: state.previewResolutions)
    state.previewImagePath = imagePath
    state.bundledImages = ExplorerPreview.bundledImages()
    let terminal = try CursesTerminal()
    let renderer = Renderer(
      theme: Theme(glyphs: terminal.unicode ? .unicode : .ascii, colorMode: terminal.colorMode),
      preview: preview)
    let training = ExplorerTraining(runsFolder: runsFolder)
    let sweep = ExplorerSweep()
    func perform(_ effect: Effect) -> Action {
      switch effect {
      case .startTraining(let setting, let config): return training.start(setting, config)
      case .stopTraining: return training.stop()
      case .startSweep(let setup): return sweep.start(setup)
      case .stopSweep: return sweep.stop()
      case .loadPreview(let path, let resolutions):
        return ExplorerPreview.perform(path, resolutions, renderer)
      default: return files.perform(effect)
      }
    }
    let (_, outcome) = ExplorerLoop.run(
      state: state, renderer: renderer, terminal: terminal, perform: perform,
      tick: { state in
        // A run's end can start the next queued run: the loop performs those effects.
        let trained = training.poll(&state)
        let swept = sweep.poll(&state)
        return (trained.changed || swept.changed, trained.effects + swept.effects)
      }, works: works)
    let status: Int32
    if case .signal(let s) = outcome { status = 128 + s } else { status = 0 }
    // Leaving with work going (the user confirmed, or a signal came): stop it and wait for its
    // thread, which writes the checkpoint. exit() must not run while the trainer is inside
    // OpenBLAS: its shutdown joins the BLAS workers and waits forever. A second signal while
    // waiting ends the process at once (the last checkpoint on disk is whole: atomic writes).
    CursesTerminal.exitOnNextSignal()
    let stopped = training.stopForExit(within: 30) && sweep.stopForExit(within: 30)
    if !stopped {
      printError(
        "schedtui: the background work did not stop within 30 s; leaving without waiting "
          + "(the last checkpoint written is kept)")
      _exit(status == 0 ? 1 : status)
    }
    if status != 0 { throw ExitCode(status) }
  }
}

/// The explorer's file work. The last config opened (or given with --config) is the template
/// for exports, so its inference schedule survives an edit-and-export round trip; the training
/// section and the sampling steps are the training screen's setup.
final class ExplorerFiles {
  let template: ConfigTemplate
  let works: WorkRunner

  init(template: Config, works: WorkRunner) {
    self.template = ConfigTemplate(template)
    self.works = works
  }

  func config(for setting: Setting, setup: TrainingConfig) -> Config {
    var c = template.config
    c.schedule = setting.spec
    c.inputScale = setting.inputScale
    c.normalize = setting.normalize
    c.inference.steps = setup.sampleSteps
    c.training = setup.section
    return c.canonical
  }

  /// Does an effect's file work; every failure comes back as a message and changes nothing.
  func perform(_ effect: Effect) -> Action {
    switch effect {
    // (A `where` after several patterns guards only the last one, hence two cases.)
    case .exportConfig(_, _, let path, false) where FileManager.default.fileExists(atPath: path):
      return .exists(.exportConfig, path: path)
    case .exportDiffusers(_, _, let path, false) where FileManager.default.fileExists(atPath: path):
      return .exists(.exportDiffusers, path: path)
    case .exportRun(_, _, let path, false) where FileManager.default.fileExists(atPath: path):
      return .exists(.exportRun, path: path)
    case .exportConfig(let setting, let setup, let path, let confirmed),
      .exportRun(let setting, let setup, let path, let confirmed):
      let c = config(for: setting, setup: setup)
      do {
        // The question asked was the user's --overwrite; a run's own file is never replaced.
        try OutputFile.checkReplace(path, kind: .config, overwrite: confirmed, option: "export")
        try c.validate(file: path)
        try AtomicFile.write(c.encoded(), to: path)
        return .done("wrote \(path) (read it back with: schedtui curve --config \(path))")
      } catch {
        return .failed("export failed: \(error)")
      }
    case .exportDiffusers(let setting, let setup, let path, let confirmed):
      do {
        try OutputFile.checkDiffusersFolder(path, overwrite: confirmed, option: "export")
      } catch {
        return .failed("diffusers export to \(path): \(error); nothing written")
      }
      return exportDiffusers(config(for: setting, setup: setup), to: path)
    case .startTraining, .stopTraining:
      return .failed("training is handled by ExplorerTraining")
    case .startSweep, .stopSweep:
      return .failed("sweeps are handled by ExplorerSweep")
    case .loadPreview:
      return .failed("the preview image is handled by ExplorerPreview")
    case .work:
      return .failed("a screen's file work is run by ExplorerLoop's WorkRunner")
    case .importConfig(let path):
      // A config may be 4 MiB: read off the UI thread, reported when read.
      works.start(WorkEffect(ConfigRead(path: path, template: template)))
      return .done("reading \(path)…")
    }
  }
}

/// The last config opened (or given with --config): the template exports start from. Set by
/// the thread that read it, read by the UI thread's exports.
final class ConfigTemplate: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Config

  init(_ config: Config) { value = config }

  var config: Config {
    get { lock.withLock { value } }
    set { lock.withLock { value = newValue } }
  }
}

/// `o`'s file work: reads a config and makes it the template (as opening it always has, even
/// when the explorer then refuses its schedule), reporting it with `.imported`.
struct ConfigRead: ScreenWork {
  var path: String
  let template: ConfigTemplate

  func run() -> Action {
    do {
      let c = try ScheduleOptions.loadConfig(path)
      template.config = c
      return .imported(Setting(TrainingConfig(c)), setup: TrainingConfig(c), path: path)
    } catch {
      return .failed("\(error); nothing changed")
    }
  }

  static func == (a: ConfigRead, b: ConfigRead) -> Bool {
    a.path == b.path && a.template === b.template
  }
}

extension ExplorerFiles {
  /// Writes a diffusers scheduler folder (scheduler_config.json + schedtui_config.json) with the
  /// Schedules export and the export command's folder writer (a new folder appears whole).
  func exportDiffusers(_ config: Config, to dir: String) -> Action {
    do {
      let process = try config.noiseProcess()
      guard let prediction = DiffusersExport.PredictionType(config.training?.prediction) else {
        return .failed("diffusers export to \(dir): \(DiffusersExport.flowHasNone); nothing written")
      }
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

/// The preview's image work: reading a PNG into a ``NoisePreviewSource``. A file that does not
/// load leaves the preview as it was and says why.
enum ExplorerPreview {
  static func load(_ path: String, resolutions: [Int]) throws -> NoisePreviewSource {
    let picture = try PNG.read(path: path)
    return NoisePreviewSource(
      image: picture, name: (path as NSString).lastPathComponent, resolutions: resolutions)
  }

  /// The bundled images (assets/images/*.png), sorted by name; none when assets are missing.
  static func bundledImages() -> [String] {
    guard let dir = try? Assets.path("images"),
      let names = try? FileManager.default.contentsOfDirectory(atPath: dir)
    else { return [] }
    return names.filter { $0.hasSuffix(".png") }.sorted().map { dir + "/" + $0 }
  }

  static func perform(_ path: String, _ resolutions: [Int], _ renderer: Renderer) -> Action {
    do {
      renderer.preview = try load(path, resolutions: resolutions)
      return .previewLoaded(path: path, resolutions: resolutions)
    } catch {
      // PNG's errors name the file already.
      return .failed("\(error); the preview is unchanged")
    }
  }
}
