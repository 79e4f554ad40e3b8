import Engine
import Schedules
import Foundation

/// Screen 4: a sweep's setup (typed rows) and progress at the left; the table like the paper's
/// Table 4, filling in as runs finish, and the schedules' logSNR curves at the right.
enum SweepScreen: ScreenDefinition {
  static let title = "Sweep"
  /// Keys that mean something else here than on the other screens.
  static let keys: [KeyBinding] = [
    KeyBinding("s", "start / resume / stop the sweep", .toggleSweep)
      .hinted(keys: "s") { $0.sweep?.isActive == true ? "stop sweep" : "start sweep" },
    KeyBinding("o", "open a sweep folder (view)", .beginPrompt(.openSweep))
      .hinted("open folder", keys: "o"),
    KeyBinding(
      label: "↑↓ Enter", help: "choose / edit a setup row",
      [(.up, .select(-1)), (.down, .select(1)), (.enter, .beginEdit)]
    ).hinted("choose", keys: "↑↓").hinted("edit", keys: "Enter", for: .beginEdit),
  ]

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    renderer.sweepScreen(state, &grid, body)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    let rows = SweepSetup.Row.allCases
    switch action {
    // The setup rows are this screen's parameter list.
    case .select(let delta) where state.screen == .sweep:
      let n = rows.count
      state.selectedRow = ((min(state.selectedRow, n - 1) + delta) % n + n) % n
    case .beginEdit where state.screen == .sweep:
      let row = rows[min(state.selectedRow, rows.count - 1)]
      state.modal = .prompt(
        .sweepSetup(row), TextEntry(text: state.sweepSetup[row], selected: true))
    case .focusRow(let row) where state.screen == .sweep:
      guard rows.indices.contains(row) else { return [] }
      state.focus = .parameters
      state.selectedRow = row
    case .beginPrompt(.openSweep) where state.sweep?.isActive == true:
      state.message = StatusMessage(
        "a sweep is running: stop it (s) before opening another folder", isError: true)
    case _ where action == .toggleSweep:
      return toggleSweep(&state)
    default:
      return nil
    }
    return []
  }

  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? {
    guard let report = action.message(SweepAction.self), report.isReport else { return nil }
    reduceSweepReport(&state, report)
    return []
  }

  /// Enter in the prompt of a setup row: the typed value, kept when its row parses (a problem
  /// of another row is said when the sweep starts); nil when refused.
  static func commitSetupRow(
    _ state: inout AppState, _ row: SweepSetup.Row, _ value: String, _ entry: inout TextEntry
  ) -> [Effect]? {
    var setup = state.sweepSetup
    setup[row] = value
    do {
      _ = try setup.grid()
      // A folder is read once, here, rather than on every frame by grid().
      if row == .data { _ = try setup.settings() }
    } catch where error.field == row.label {
      entry.error = error.description
      return nil
    } catch {}
    state.sweepSetup = setup
    if state.sweep?.isActive == true {
      state.message = StatusMessage("\(row.label) changed: it applies to the next start")
    }
    return []
  }

  static func hints(_ state: AppState) -> [Action] {
    [
      .toggleHelp, .requestQuit, .toggleSweep, .beginPrompt(.openSweep), .select(-1), .beginEdit,
      .show(.schedule),
    ]
  }
}

/// The sweep screen's actions: `s`, and the reports of the sweep the shell runs
/// (``Effect/startSweep(_:)``) or the folder it read (``SweepOpen``).
enum SweepAction: ScreenMessage {
  /// `s` on the sweep screen: start (or resume) the sweep set up, or stop the running one.
  case toggle
  case started(folder: String, SweepState)
  /// Before each run: runs done, runs in all, the cell about to run (nil at the end), ETA.
  case progress(done: Int, total: Int, next: SweepCell?, remaining: Double?)
  case step(step: Int, total: Int)
  case evaluating
  /// The folder was saved with these results.
  case saved(SweepState)
  case ended(String, failed: Bool)
  /// A sweep folder was read for viewing.
  case opened(SweepState, folder: String)

  var isReport: Bool { self != .toggle }
}

extension Action {
  public static var toggleSweep: Action { SweepAction.toggle.action }
  public static func sweepStarted(folder: String, _ sweep: SweepState) -> Action {
    SweepAction.started(folder: folder, sweep).action
  }
  public static func sweepProgress(done: Int, total: Int, next: SweepCell?, remaining: Double?)
    -> Action
  { SweepAction.progress(done: done, total: total, next: next, remaining: remaining).action }
  public static func sweepStep(step: Int, total: Int) -> Action {
    SweepAction.step(step: step, total: total).action
  }
  public static var sweepEvaluating: Action { SweepAction.evaluating.action }
  public static func sweepSaved(_ sweep: SweepState) -> Action { SweepAction.saved(sweep).action }
  public static func sweepEnded(_ text: String, failed: Bool) -> Action {
    SweepAction.ended(text, failed: failed).action
  }
  public static func sweepOpened(_ sweep: SweepState, folder: String) -> Action {
    SweepAction.opened(sweep, folder: folder).action
  }
}

/// Reads a sweep folder's sweep.json (or the file itself) for viewing; a bad or missing file
/// changes nothing.
struct SweepOpen: ScreenWork {
  var path: String

  func run() -> Action {
    var isFolder: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
    let file = exists && !isFolder.boolValue
      ? path : (path as NSString).appendingPathComponent("sweep.json")
    guard FileManager.default.fileExists(atPath: file) else {
      return .failed("cannot open the sweep: \(file) does not exist; nothing changed")
    }
    do {
      let state = try SweepState.open(path: file)
      return .sweepOpened(state, folder: (file as NSString).deletingLastPathComponent)
    } catch {
      return .failed("cannot open the sweep: \(error); nothing changed")
    }
  }
}

extension Effect {
  /// Read a sweep folder for viewing (``SweepOpen``).
  public static func openSweep(path: String) -> Effect { SweepOpen(path: path).effect }
}

/// The sweep screen's own state: the setup it would start, and the sweep it last started or
/// opened.
struct SweepScreenState: ScreenState {
  static var initial: SweepScreenState { SweepScreenState() }
  var setup = SweepSetup()
  var status: SweepStatus?
}

extension AppState {
  /// The sweep screen's setup.
  public var sweepSetup: SweepSetup {
    get { screens[SweepScreenState.self].setup }
    _modify { yield &screens[SweepScreenState.self].setup }
  }

  /// The sweep the sweep screen last started or opened.
  public var sweep: SweepStatus? {
    get { screens[SweepScreenState.self].status }
    _modify { yield &screens[SweepScreenState.self].status }
  }
}

/// The sweep the sweep screen (4) would start: the grid and budget as the user typed them, with
/// the defaults of `schedtui sweep` (except the folder, `runs/sweep` there too).
public struct SweepSetup: Sendable, Equatable {
  /// The editable rows, top to bottom.
  public enum Row: Int, CaseIterable, Sendable {
    case data, resolutions, scales, families, tSamplings, steps, folder

    public var label: String {
      switch self {
      case .resolutions: return "resolutions"
      case .scales: return "scales b"
      case .families: return "schedules"
      case .data: return "data"
      case .tSamplings: return "t-samplings"
      case .steps: return "steps/cell"
      case .folder: return "folder"
      }
    }

    /// What a typed value may be, for the edit line.
    public var allowed: String {
      switch self {
      case .resolutions: return "comma list of " + SweepLists.resolutionsText
      case .scales: return "comma list of numbers in (0, 10]"
      case .families: return SweepFamily.allowed
      case .data: return setting!.allowed
      case .tSamplings: return "comma list, each \(TimestepSampling.allowed)"
      case .steps: return setting!.allowed
      case .folder: return "a folder; an existing sweep there is resumed"
      }
    }
  }

  public var resolutions = "8,16,32"
  public var scales = SweepSettings.defaultScales
  public var families = "linear,cosine:0.2:1:1"
  /// `digits`, `patches` or a folder of PNGs, as `schedtui sweep --data` reads it: the digits
  /// rank by the Fréchet distance, anything else by the held-out bits/dim.
  public var data = DataKind.digits.rawValue
  /// The training densities, `--t-samplings`' text (uniform alone: the paper's Algorithm 2).
  public var tSamplings = TimestepSampling.uniform.name
  public var steps = "\(SweepSettings().steps)"
  public var folder = "runs/sweep"

  public init() {}

  /// The text of `row`.
  public subscript(row: Row) -> String {
    get { self[keyPath: Self.text(of: row)] }
    set { self[keyPath: Self.text(of: row)] = newValue }
  }

  static func text(of row: Row) -> WritableKeyPath<SweepSetup, String> {
    switch row {
    case .resolutions: return \.resolutions
    case .scales: return \.scales
    case .families: return \.families
    case .data: return \.data
    case .tSamplings: return \.tSamplings
    case .steps: return \.steps
    case .folder: return \.folder
    }
  }

  /// A problem with a typed value: the row as the screen labels it, the value and what is
  /// allowed ("steps/cell = 0 is not allowed: a whole number in 1 … 10000000").
  static func problem(_ row: Row, _ value: String, reason: String? = nil) -> FieldError {
    FieldError(field: row.label, value: value, allowed: row.allowed, reason: reason, source: .explorer)
  }

  /// Parses one row with the engine's list parser, naming the row in a problem.
  func parse<T>(_ row: Row, _ parse: (String) throws(SweepLists.Problem) -> T) throws(FieldError)
    -> T
  {
    do {
      return try parse(self[row])
    } catch {
      throw SweepSetup.problem(row, self[row], reason: error.reason)
    }
  }

  /// The grid (one repeat, seed 0, as the command's defaults); throws the first bad row.
  public func grid() throws(FieldError) -> SweepGrid {
    let res = try parse(.resolutions, SweepLists.resolutions)
    let bs = try parse(.scales, SweepLists.scales)
    let fams = try parse(.families, SweepLists.families)
    let samplings = try parse(.tSamplings, SweepLists.tSamplings)
    // The data decides the ranking without reading a folder (drawn every frame); the folder
    // itself is read when the row is committed and when the sweep starts (``settings()``).
    var s = SweepSettings()
    s.data = try dataSource()
    _ = try stepCount()
    guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw SweepSetup.problem(.folder, folder, reason: "is empty")
    }
    var grid = SweepGrid(
      resolutions: res, scales: bs, families: fams, tSamplings: samplings,
      repeats: SweepSettings.defaultRepeats, seed: 0)
    grid.ranking = s.ranking
    return grid
  }

  /// The training settings: the engine's sweep defaults with the typed data and steps. A
  /// folder is read (names and bytes, not decoded) so a missing, empty or too small one is
  /// refused here, and its files are recorded as `schedtui sweep` records them.
  public func settings() throws(FieldError) -> SweepSettings {
    var s = SweepSettings()
    s.steps = try stepCount()
    s.data = try dataSource()
    if case .folder(let path) = s.data {
      do {
        s.dataFiles = try Dataset.folderFiles(path)
      } catch {
        throw SweepSetup.problem(.data, data, reason: "\(error)")
      }
    }
    return s
  }

  func stepCount() throws(FieldError) -> Int {
    guard let n = Int(steps.trimmingCharacters(in: .whitespaces)), TrainingLimits.steps.contains(n)
    else { throw SweepSetup.problem(.steps, steps) }
    return n
  }

  /// The data row as `sweep --data` reads it: a built-in name or a folder's path.
  func dataSource() throws(FieldError) -> DataSource {
    let text = data.trimmingCharacters(in: .whitespaces)
    guard !text.isEmpty else { throw SweepSetup.problem(.data, data, reason: "is empty") }
    return DataSource(text)
  }
}

/// What the sweep screen shows of a sweep the shell started (``Effect/startSweep(_:)``) or opened
/// (``SweepOpen``): the grid with every result so far, and where the run is.
public struct SweepStatus: Sendable, Equatable {
  public enum Phase: Sendable, Equatable {
    case running
    /// Asked to stop; the running cell ends before its next step, keeping a checkpoint.
    case stopping
    case ended(String, failed: Bool)
    /// Read from a folder, not running.
    case opened
  }

  public var phase: Phase
  public var folder: String
  /// The grid, settings and results (from the last save of the folder).
  public var sweep: SweepState
  public var done: Int
  public var total: Int
  /// The cell being trained and its step.
  public var running: SweepCell?
  public var step = 0
  public var totalSteps = 0
  /// The running cell is being sampled and scored.
  public var evaluating = false
  /// Seconds left by the mean time of the runs done this session; nil before the first.
  public var remaining: Double?

  public init(phase: Phase, folder: String, sweep: SweepState) {
    self.phase = phase
    self.folder = folder
    self.sweep = sweep
    total = sweep.grid.cells.count * sweep.grid.repeats
    done = sweep.results.values.reduce(0) { $0 + $1.count }
  }

  /// Whether the sweep thread is still going (quitting asks first).
  public var isActive: Bool { phase == .running || phase == .stopping }
}

/// Applies a sweep report.
func reduceSweepReport(_ state: inout AppState, _ report: SweepAction) {
  switch report {
  case .started(let folder, let sweep):
    state.sweep = SweepStatus(phase: .running, folder: folder, sweep: sweep)
  case .progress(let done, let total, let next, let remaining):
    state.sweep?.done = done
    state.sweep?.total = total
    state.sweep?.running = next
    state.sweep?.step = 0
    state.sweep?.evaluating = false
    state.sweep?.remaining = remaining
  case .step(let step, let total):
    state.sweep?.step = step
    state.sweep?.totalSteps = total
  case .evaluating:
    state.sweep?.evaluating = true
  case .saved(let sweep):
    state.sweep?.sweep = sweep
    state.sweep?.done = sweep.results.values.reduce(0) { $0 + $1.count }
  case .ended(let text, let failed):
    state.sweep?.phase = .ended(text, failed: failed)
    state.sweep?.running = nil
    state.message = StatusMessage(text, isError: failed)
  case .opened(let sweep, let folder):
    state.sweep = SweepStatus(phase: .opened, folder: folder, sweep: sweep)
    state.screen = .sweep
    let s = state.sweep!
    state.message = StatusMessage("opened \(folder): \(s.done) of \(s.total) runs done")
  case .toggle:
    break
  }
}

/// `s` on the sweep screen: stop the running sweep, or start (resume) the one set up.
func toggleSweep(_ state: inout AppState) -> [Effect] {
  switch toggleJob(&state, .sweep) {
  case .stop?:
    state.sweep?.phase = .stopping
    return [.stopSweep]
  case nil: return []
  case .start?: break
  }
  do {
    _ = try state.sweepSetup.grid()
  } catch {
    state.message = StatusMessage("cannot start the sweep: \(error)", isError: true)
    return []
  }
  return [.startSweep(state.sweepSetup)]
}
