import Engine
import Foundation
import Schedules

/// Screen 5: the runs this session trained and the finished runs in the runs folder, and the
/// comparison of the marked ones.
enum RunsScreen: ScreenDefinition {
  static let title = "Runs"
  static let keys: [KeyBinding] = [
    KeyBinding(
      label: "↑↓ Space", help: "choose a run; mark it to compare",
      [
        (.up, .select(-1)), (.down, .select(1)), (.char("k"), .select(-1)),
        (.char("j"), .select(1)), (.char(" "), .toggleMark),
      ]
    ).hinted("choose", keys: "↑↓").hinted("mark", keys: "Space", for: .toggleMark),
    // `[` `]` share a's row of the help, which must fit one page at 120×40.
    KeyBinding(
      label: "a [ ]", help: "mark all / none; [ ] scroll left out",
      [(.char("a"), .markAll), (.char("["), .scrollProblems(-1)), (.char("]"), .scrollProblems(1))]
    ).hinted("all", keys: "a").hinted("left out", keys: "[ ]", for: .scrollProblems(1)),
    KeyBinding(
      label: "Enter e", help: "load / export its schedule and setup",
      [(.enter, .loadRun), (.char("e"), .beginPrompt(.exportRun))]
    ).hinted("load", keys: "Enter").hinted("export", keys: "e", for: .beginPrompt(.exportRun)),
  ]

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    renderer.runsScreen(state, &grid, body)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    if case .select(let delta) = action, state.screen == .runs {
      state.runs.selected = min(max(state.runs.selected + delta, 0), max(0, state.runs.entries.count - 1))
      return []
    }
    guard let message = action.message(RunsAction.self), !message.isReport, state.screen == .runs
    else { return nil }
    switch message {
    case .selectRun(let row):
      if state.runs.entries.indices.contains(row) { state.runs.selected = row }
    case .toggleMark:
      state.runs.toggleMark()
    case .markAll:
      let all = state.runs.entries.map(\.record.folder)
      state.runs.marked = state.runs.marked.count == all.count ? [] : all
    case .loadRun:
      loadRun(&state)
    case .scrollProblems(let delta):
      state.runs.problemsShown = min(
        max(state.runs.problemsShown + delta, 0), max(0, state.runs.problems.count - 1))
    case .saved, .scanned:
      break
    }
    return []
  }

  /// The folder is read each time the screen opens: runs written since (by another explorer,
  /// or `schedtui train --out`) appear. Asked again while a scan runs, it scans once more when
  /// that one ends (runs may have been written since it began).
  static func shown(_ state: inout AppState) -> [Effect] {
    if state.runs.reading {
      state.runs.rescan = true
      return []
    }
    return [scan(&state)]
  }

  /// Starts reading the runs folder off the UI thread (a 212 MB metrics.jsonl froze the UI for
  /// 28 s when read on it): the list says "reading…" until ``RunsAction/scanned(_:problems:)``.
  static func scan(_ state: inout AppState) -> Effect {
    state.runs.reading = true
    state.runs.rescan = false
    return RunsScan(folder: state.runs.folder, known: state.runs.entries.map(\.record)).effect
  }

  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? {
    guard let message = action.message(RunsAction.self), message.isReport else { return nil }
    switch message {
    case .saved(let record, let item):
      state.runs.add(
        RunEntry(
          record: record, name: item?.name ?? RunEntry.describe(record.summary.config),
          colorIndex: item?.colorIndex, thisSession: true))
    case .scanned(let records, let problems):
      // The run training now has no summary yet: the queue line above the list names it, so
      // it is not listed as a folder left out.
      let training = state.training?.isActive == true
        ? state.training?.folder.map { ($0 as NSString).lastPathComponent } : nil
      let left = problems.filter { !($0.kind == .noSummary && $0.folder == training) }
      state.runs.merge(scanned: records, problems: left)
      state.runs.reading = false
      if state.runs.rescan { return [scan(&state)] }
    default:
      return nil
    }
    return []
  }

  /// Enter: the chosen run's schedule and setup become the current ones (one undo step), to
  /// tune further, train again or export.
  static func loadRun(_ state: inout AppState) {
    guard let e = state.runs.selectedEntry else {
      state.message = StatusMessage("no run to load: the list is empty", isError: true)
      return
    }
    var d = state.document
    d.current = e.setting.keepingSampler(of: d.current)
    d.setup = e.record.summary.config
    if let problem = commitDocument(&state, d) {
      state.message = StatusMessage("\(e.name): \(problem); nothing changed", isError: true)
    } else {
      state.message = StatusMessage("loaded \(e.name): its schedule and setup (u undoes)")
    }
  }

  static func hints(_ state: AppState) -> [Action] {
    [
      .toggleHelp, .requestQuit, .select(-1), .toggleMark, .markAll, .loadRun,
      .beginPrompt(.exportRun), state.training?.isActive == true ? .toggleTraining : .queuePinned,
    ] + (state.runs.problems.count > 1 ? [.scrollProblems(1)] : [])
  }
}

/// The runs screen's actions.
enum RunsAction: ScreenMessage {
  /// Space marks or unmarks the chosen run; `a` marks all or none; Enter loads the chosen
  /// run's schedule and setup; a click chooses row `n`.
  case toggleMark, markAll, loadRun
  case selectRun(Int)
  /// `[` `]`: scroll the lines naming the folders left out.
  case scrollProblems(Int)
  /// A finished run's folder was read (``RunRead``), to list as the queue's `item` (nil: named
  /// from its setup, in the current setting's colour).
  case saved(RunRecord, as: TrainingQueue.Item?)
  /// The runs folder was read (``RunsScan``): its finished runs, and a line for each folder
  /// that could not be read.
  case scanned([RunRecord], problems: [RunProblem])

  var isReport: Bool {
    switch self {
    case .saved, .scanned: return true
    default: return false
    }
  }
}

extension Action {
  public static var toggleMark: Action { RunsAction.toggleMark.action }
  public static var markAll: Action { RunsAction.markAll.action }
  public static var loadRun: Action { RunsAction.loadRun.action }
  public static func selectRun(_ row: Int) -> Action { RunsAction.selectRun(row).action }
  public static func scrollProblems(_ delta: Int) -> Action { RunsAction.scrollProblems(delta).action }
  public static func runSaved(_ record: RunRecord, as item: TrainingQueue.Item?) -> Action {
    RunsAction.saved(record, as: item).action
  }
  public static func runsScanned(_ records: [RunRecord], problems: [RunProblem]) -> Action {
    RunsAction.scanned(records, problems: problems).action
  }
}

/// Reads the runs folder (``RunRecord/survey(_:known:)``), reusing the runs already listed whose
/// summaries are unchanged.
struct RunsScan: ScreenWork {
  var folder: String
  var known: [RunRecord]

  func run() -> Action {
    let (runs, problems) = RunRecord.survey(folder, known: known)
    return .runsScanned(runs, problems: problems)
  }
}

/// Reads a run's folder when it has finished (its summary, loss curve and samples: a
/// metrics.jsonl can be large), to list it as the queue's `item` it was trained as.
public struct RunRead: ScreenWork {
  public var folder: String
  public var item: TrainingQueue.Item?

  public init(folder: String, as item: TrainingQueue.Item?) {
    self.folder = folder
    self.item = item
  }

  public func run() -> Action {
    do {
      return .runSaved(try RunRecord.read(folder: folder), as: item)
    } catch {
      return .failed("\(error)")
    }
  }
}

extension AppState {
  /// The runs screen's list: this session's runs and those found in the runs folder.
  public var runs: RunsList {
    get { screens[RunsList.self] }
    _modify { yield &screens[RunsList.self] }
  }
}

/// A finished run on the runs screen (5): read from its folder, named and coloured as the
/// pin it was trained from, so the comparison's legend matches the schedule plots.
public struct RunEntry: Sendable, Equatable {
  public var record: RunRecord
  public var name: String
  /// The pin's colour index, nil for the current setting's colour; runs found on disk that
  /// this session did not train take a colour by their place in the list (``color(at:)``).
  public var colorIndex: Int?
  /// Trained in this session (shown first, with its pin's name and colour).
  public var thisSession: Bool

  public init(record: RunRecord, name: String, colorIndex: Int?, thisSession: Bool) {
    self.record = record
    self.name = name
    self.colorIndex = colorIndex
    self.thisSession = thisSession
  }

  /// A run found on disk, named from what it trained: "1−t b=0.5 · 32² · 500 steps".
  public init(found record: RunRecord) {
    self.init(
      record: record, name: RunEntry.describe(record.summary.config), colorIndex: nil,
      thisSession: false)
  }

  public static func describe(_ c: TrainingConfig) -> String {
    return "\(Setting(c).label) · \(c.resolution)² · \(c.steps) steps"
  }

  /// The schedule, b, normalisation and t-sampling the run trained: what Enter loads and `e`
  /// exports.
  public var setting: Setting { Setting(record.summary.config) }
}

/// The runs screen's list: this session's runs and the finished runs in the runs folder, and
/// which are marked for comparison.
public struct RunsList: ScreenState {
  public static var initial: RunsList { RunsList(folder: "runs") }

  /// Where the explorer writes its runs and looks for earlier ones (`--runs`).
  public var folder: String
  public var entries: [RunEntry] = []
  public var selected = 0
  /// Folders of the marked runs, in the order they were marked (the comparison's order).
  public var marked: [String] = []
  /// Sub-folders of ``folder`` left out or listed without a file, from the last scan (shown
  /// "NAME: what and why").
  public var problems: [RunProblem] = []
  /// The first of ``problems`` on screen (`[` `]` scroll them).
  public var problemsShown = 0
  /// The folder is being read off the UI thread (``RunsScan``): the list says "reading…".
  public var reading = false
  /// The screen was shown again while it was read: read it again when that ends.
  var rescan = false

  public init(folder: String) { self.folder = folder }

  /// Adds a run this session trained (marked, so a queue's runs are compared as they land),
  /// or replaces the entry read from the same folder.
  public mutating func add(_ entry: RunEntry) {
    if let i = entries.firstIndex(where: { $0.record.folder == entry.record.folder }) {
      entries[i] = entry
    } else {
      entries.append(entry)
    }
    if !marked.contains(entry.record.folder) { marked.append(entry.record.folder) }
  }

  /// Takes a scan of the runs folder: new folders are added (unmarked); entries this session
  /// trained keep their names and colours; entries whose folder has gone are dropped.
  public mutating func merge(scanned: [RunRecord], problems: [RunProblem]) {
    let byFolder = Dictionary(entries.map { ($0.record.folder, $0) }, uniquingKeysWith: { a, _ in a })
    var merged: [RunEntry] = []
    for record in scanned {
      if var known = byFolder[record.folder] {
        known.record = record
        merged.append(known)
      } else {
        merged.append(RunEntry(found: record))
      }
    }
    // A run this session trained stays listed if its folder went away: its record is in
    // memory, and it may be in the comparison on screen.
    let scannedFolders = Set(scanned.map(\.folder))
    for e in entries where e.thisSession && !scannedFolders.contains(e.record.folder) {
      merged.append(e)
    }
    entries = merged
    let present = Set(entries.map(\.record.folder))
    marked.removeAll { !present.contains($0) }
    selected = min(selected, max(0, entries.count - 1))
    self.problems = problems
    problemsShown = min(problemsShown, max(0, problems.count - 1))
  }

  public var selectedEntry: RunEntry? {
    entries.indices.contains(selected) ? entries[selected] : nil
  }

  public func isMarked(_ e: RunEntry) -> Bool { marked.contains(e.record.folder) }

  /// Space: marks the selected run, or unmarks it.
  public mutating func toggleMark() {
    guard let e = selectedEntry else { return }
    if let i = marked.firstIndex(of: e.record.folder) {
      marked.remove(at: i)
    } else {
      marked.append(e.record.folder)
    }
  }

  /// What the comparison shows: the marked runs in marking order, or the selected run alone
  /// when none is marked.
  public var compared: [RunEntry] {
    let picked = marked.compactMap { f in entries.first { $0.record.folder == f } }
    if !picked.isEmpty { return picked }
    return selectedEntry.map { [$0] } ?? []
  }

  /// The colour of entry `e`: its pin's, the current setting's, or (found on disk) one of the
  /// pin colours by its place in the list, so that every run in a comparison differs.
  public func color(of e: RunEntry) -> Color {
    if let i = e.colorIndex { return Theme.pinColor(i) }
    if e.thisSession { return Theme.current }
    let place = entries.firstIndex { $0.record.folder == e.record.folder } ?? 0
    return Theme.pinColor(place)
  }
}
