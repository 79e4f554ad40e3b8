import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

// A scratch screen declared here, in the test target, as a screen's file would declare it: its
// action, its state and its file work are its own types, and none of them adds a case to
// `Action`, `Effect`, `AppState` or the shell (registering it in `Screen` is its one line there).

/// The scratch screen's actions: `c` counts a file's bytes; the count comes back as a report.
enum ScratchAction: ScreenMessage {
  case count
  case counted(path: String, bytes: Int?)

  var isReport: Bool { self != .count }
}

/// The scratch screen's state: the last count, and whether one is going.
struct ScratchState: ScreenState {
  static var initial: ScratchState { ScratchState() }
  var counting = false
  var bytes: Int?
}

/// Its file work: the size of `path`, read off the UI thread.
struct ByteCount: ScreenWork {
  var path: String

  func run() -> Action {
    let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    return ScratchAction.counted(path: path, bytes: size).action
  }
}

enum ScratchScreen: ScreenDefinition {
  static let title = "Scratch"
  static let keys = [KeyBinding("c", "count the file's bytes", ScratchAction.count.action).hinted("count")]
  static let file = NSTemporaryDirectory() + "schedtui-scratch-\(UUID().uuidString)"

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let bytes = state.screens[ScratchState.self].bytes.map(String.init) ?? "?"
    _ = grid.write("\(bytes) bytes", x: body.x, y: body.y)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    guard action.message(ScratchAction.self) == .count else { return nil }
    state.screens[ScratchState.self].counting = true
    return [ByteCount(path: file).effect]
  }

  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? {
    guard case .counted(_, let bytes)? = action.message(ScratchAction.self) else { return nil }
    state.screens[ScratchState.self] = ScratchState(counting: false, bytes: bytes)
    return []
  }

  static func hints(_ state: AppState) -> [Action] { [ScratchAction.count.action] }
}

@Suite struct ScreenPartsTests {
  @Test("a screen's own action, state and work: reduce asks for the work as a value, the runner does it off the UI thread, its report lands in the screen's state")
  func scratchScreen() throws {
    try Data(repeating: 7, count: 1234).write(to: URL(fileURLWithPath: ScratchScreen.file))
    defer { try? FileManager.default.removeItem(atPath: ScratchScreen.file) }
    var s = explorer()
    let before = s
    let effects = try #require(ScratchScreen.reduce(&s, ScratchAction.count.action))
    #expect(effects == [ByteCount(path: ScratchScreen.file).effect])
    #expect(effects != [ByteCount(path: "elsewhere").effect])
    #expect(s.screens[ScratchState.self].counting)
    #expect(s != before)  // the screen's state is part of the state's equality
    // Another screen's actions are not its own.
    #expect(ScratchScreen.reduce(&s, .toggleMark) == nil)
    #expect(ScratchScreen.reduce(&s, .select(1)) == nil)

    let runner = WorkRunner()
    guard case .work(let work)? = effects.first else {
      Issue.record("not a screen's work: \(effects)")
      return
    }
    runner.start(work)
    var reports: [Action] = []
    let deadline = Date().addingTimeInterval(10)
    while reports.isEmpty && Date() < deadline {
      reports = runner.finished()
      if reports.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
    }
    #expect(reports == [ScratchAction.counted(path: ScratchScreen.file, bytes: 1234).action])
    #expect(runner.isIdle)
    // A report keeps the status line's message (a key would clear it).
    #expect(reports[0].isReport && !ScratchAction.count.action.isReport)
    #expect(ScratchScreen.reduceReport(&s, reports[0]) == [])
    #expect(s.screens[ScratchState.self] == ScratchState(counting: false, bytes: 1234))
    var drawn = Grid(width: 40, height: 10)
    ScratchScreen.draw(Renderer(theme: Theme()), s, &drawn, Rect(x: 0, y: 0, width: 40, height: 10))
    #expect(drawn.line(0).hasPrefix("1234 bytes"))
  }

  @Test("a screen state never set equals its initial value; set to another it differs")
  func storeEquality() {
    var a = ScreenStates(), b = ScreenStates()
    a[ScratchState.self] = .initial
    #expect(a == b && b == a)
    b[ScratchState.self].bytes = 3
    #expect(a != b && b != a)
    a[ScratchState.self].bytes = 3
    #expect(a == b)
    #expect(a[RunsList.self] == RunsList(folder: "runs"))
    // A value: a copy keeps what it had when the original changes in place, and the reverse.
    let copy = a
    a[ScratchState.self].bytes = 4
    #expect(copy[ScratchState.self].bytes == 3 && a[ScratchState.self].bytes == 4)
    var other = copy
    other[ScratchState.self].counting = true
    #expect(!copy[ScratchState.self].counting && other[ScratchState.self].counting)
    #expect(copy != other && copy == b)
  }

  @Test("screen 5 shown while its folder is read asks once more when that read ends, with the runs it knows")
  func rescanWhileReading() {
    var s = explorer()
    #expect(reduce(&s, .show(.runs)) == [RunsScan(folder: "runs", known: []).effect])
    #expect(s.runs.reading)
    // Shown again (5 on screen 5, or 1 then 5) while the first read goes: no second thread.
    #expect(reduce(&s, .show(.schedule)) == [])
    #expect(reduce(&s, .show(.runs)) == [])
    let a = record("/runs/a")
    #expect(reduce(&s, .runsScanned([a], problems: [])) == [RunsScan(folder: "runs", known: [a]).effect])
    #expect(s.runs.reading)
    #expect(reduce(&s, .runsScanned([a], problems: [])) == [])
    #expect(!s.runs.reading)
    #expect(s.runs.entries.map(\.record.folder) == ["/runs/a"])
  }

  @Test("the runs scan, run as the shell runs it, lists a folder without summary.json as left out")
  func runsScanWork() throws {
    let folder = NSTemporaryDirectory() + "schedtui-runs-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: folder + "/half", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(
      RunsScan(folder: folder, known: []).run()
        == .runsScanned(
          [], problems: [RunProblem(.noSummary, "half", "no summary.json (not finished, or not a run); not listed")]))
  }

  @Test("opening a sweep folder is the sweep screen's work: a missing one changes nothing and says where it looked")
  func sweepOpenWork() {
    var s = explorer(on: .sweep)
    reduce(&s, .beginPrompt(.openSweep))
    for _ in 0..<20 { reduce(&s, .backspace) }
    for c in "nowhere" { reduce(&s, .type(c)) }
    let effects = reduce(&s, .commit)
    #expect(effects == [SweepOpen(path: "nowhere").effect])
    guard case .work(let work)? = effects.first else {
      Issue.record("expected a work effect, got \(effects)")
      return
    }
    let report = work.work.run()
    #expect(report == .failed("cannot open the sweep: nowhere/sweep.json does not exist; nothing changed"))
    let before = s.sweep
    reduce(&s, report)
    #expect(s.sweep == before)
  }

  @Test("a finished run's folder is read as screen work; landing after the queue moved on, it keeps its pin's name and colour")
  func runReadWork() throws {
    var s = explorer()
    s.queue = TrainingQueue(items: [
      .init(name: "pin a", setting: s.document.current, colorIndex: 2),
      .init(name: "current", setting: s.document.current, colorIndex: nil),
    ])
    let read = RunRead(folder: "/runs/a", as: s.queue?.current)
    s.queue?.position = 1  // the next run started before the read came back
    reduce(&s, .runSaved(record("/runs/a"), as: read.item))
    #expect(s.runs.entries.map(\.name) == ["pin a"])
    #expect(s.runs.entries.map(\.colorIndex) == [2])
    // A folder that is not a finished run says so and lists nothing.
    let folder = NSTemporaryDirectory() + "schedtui-run-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let report = RunRead(folder: folder, as: nil).run()
    guard case .failed(let text) = report else {
      Issue.record("read an unfinished run: \(report)")
      return
    }
    #expect(text.contains("summary.json"), "\(text)")
    reduce(&s, report)
    #expect(s.runs.entries.count == 1 && s.message?.isError == true)
  }
}
