import Engine
import Schedules
import Foundation

/// Screen 4: a sweep's setup (typed rows) and progress at the left; the table like the paper's
/// Table 4, filling in as runs finish, and the schedules' logSNR curves at the right.
enum SweepScreen: ScreenDefinition {
  /// Keys that mean something else here than on the other screens.
  static let keys: [KeyBinding] = [
    KeyBinding("s", label: "4: s", "start / resume / stop the sweep", .toggleSweep),
    KeyBinding("o", label: "4: o", "open a sweep folder (view)", .beginPrompt(.openSweep)),
    KeyBinding(
      label: "4: ↑↓ Enter", help: "choose / edit a setup row",
      [(.up, .select(-1)), (.down, .select(1)), (.enter, .beginEdit)]),
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
    case .toggleSweep:
      return toggleSweep(&state)
    default:
      return nil
    }
    return []
  }

  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? {
    reduceSweepReport(&state, action) ? [] : nil
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

  static func hints(_ state: AppState) -> [String] {
    [
      "?:help", "q:quit",
      state.sweep?.isActive == true ? "s:stop sweep" : "s:start sweep", "o:open folder",
      "↑↓:choose", "Enter:edit", Screen.numberKeysHint,
    ]
  }
}

/// The sweep the sweep screen (4) would start: the grid and budget as the user typed them, with
/// the defaults of `schedtui sweep` (except the folder, `runs/sweep` there too).
public struct SweepSetup: Sendable, Equatable {
  /// The editable rows, top to bottom.
  public enum Row: Int, CaseIterable, Sendable {
    case resolutions, scales, families, steps, folder

    public var label: String {
      switch self {
      case .resolutions: return "resolutions"
      case .scales: return "scales b"
      case .families: return "schedules"
      case .steps: return "steps/cell"
      case .folder: return "folder"
      }
    }

    /// What a typed value may be, for the edit line.
    public var allowed: String {
      switch self {
      case .resolutions: return "comma list of 8, 16, 32"
      case .scales: return "comma list of numbers in (0, 10]"
      case .families: return "linear, cosine:START:END:TAU, sigmoid:START:END:TAU"
      case .steps: return setting!.allowed
      case .folder: return "a folder; an existing sweep there is resumed"
      }
    }
  }

  public var resolutions = "8,16,32"
  public var scales = SweepSettings.defaultScales
  public var families = "linear,cosine:0.2:1:1"
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
    _ = try settings()
    guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw SweepSetup.problem(.folder, folder, reason: "is empty")
    }
    return SweepGrid(resolutions: res, scales: bs, families: fams, repeats: SweepSettings.defaultRepeats, seed: 0)
  }

  /// The training settings: the engine's sweep defaults with the typed steps.
  public func settings() throws(FieldError) -> SweepSettings {
    guard let n = Int(steps.trimmingCharacters(in: .whitespaces)), TrainingLimits.steps.contains(n)
    else { throw SweepSetup.problem(.steps, steps) }
    var s = SweepSettings()
    s.steps = n
    return s
  }
}

/// What the sweep screen shows of a sweep the shell started (``Effect/startSweep(_:)``) or opened
/// (``Effect/openSweep(path:)``): the grid with every result so far, and where the run is.
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

/// Applies a sweep report; returns whether `action` was one.
func reduceSweepReport(_ state: inout AppState, _ action: Action) -> Bool {
  switch action {
  case .sweepStarted(let folder, let sweep):
    state.sweep = SweepStatus(phase: .running, folder: folder, sweep: sweep)
  case .sweepProgress(let done, let total, let next, let remaining):
    state.sweep?.done = done
    state.sweep?.total = total
    state.sweep?.running = next
    state.sweep?.step = 0
    state.sweep?.evaluating = false
    state.sweep?.remaining = remaining
  case .sweepStep(let step, let total):
    state.sweep?.step = step
    state.sweep?.totalSteps = total
  case .sweepEvaluating:
    state.sweep?.evaluating = true
  case .sweepSaved(let sweep):
    state.sweep?.sweep = sweep
    state.sweep?.done = sweep.results.values.reduce(0) { $0 + $1.count }
  case .sweepEnded(let text, let failed):
    state.sweep?.phase = .ended(text, failed: failed)
    state.sweep?.running = nil
    state.message = StatusMessage(text, isError: failed)
  case .sweepOpened(let sweep, let folder):
    state.sweep = SweepStatus(phase: .opened, folder: folder, sweep: sweep)
    state.screen = .sweep
    let s = state.sweep!
    state.message = StatusMessage("opened \(folder): \(s.done) of \(s.total) runs done")
  default:
    return false
  }
  return true
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

extension Renderer {
  /// Best cells: bold green with a `*` after the number, so they stand out without colour too.
  static let bestColor = Color(90, 210, 90)

  /// The sweep screen (4): setup and progress on the left; the table like the paper's Table 4
  /// (rows b, columns resolution × schedule, filling in as runs finish) and the chosen
  /// schedules' logSNR curves at every b on the right (beside each other when wide, else stacked).
  func sweepScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let g = theme.glyphs
    let (left, right) = body.splitLeft(body.width >= 120 ? 34 : 30)
    let (setupBox, rest) = left.splitTop(SweepSetup.Row.allCases.count + 2)
    sweepSetupPanel(state, &grid, setupBox)
    sweepProgressPanel(state, &grid, rest)

    // The sweep shown: the running or opened one, else the setup's grid with nothing done.
    let shown: SweepState
    if let s = state.sweep {
      shown = s.sweep
    } else {
      do {
        shown = SweepState(grid: try state.sweepSetup.grid(), settings: [:])
      } catch {
        notice(&grid, right, title: "Sweep", lines: wrap("\(error)", width: right.width - 6))
        return
      }
    }
    let table = SweepTable(grid: shown.grid, results: shown.results)
    let tableHeight = table.scales.count + 6
    var tableRect: Rect
    let chartRect: Rect
    // At least as wide as the box title, so a one-column table still says what it shows.
    let natural = max(sweepTableWidth(table, fit: Int.max), 40)
    if right.width - natural >= 50 {
      (tableRect, chartRect) = right.splitLeft(natural + 1)
      tableRect = tableRect.splitTop(min(tableHeight, right.height)).0
    } else {
      (tableRect, chartRect) = right.splitTop(min(tableHeight, right.height))
    }
    sweepTablePanel(state, table, &grid, tableRect)
    sweepCurves(shown.grid, &grid, chartRect, glyphs: g)
  }

  func sweepSetupPanel(_ state: AppState, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    grid.box(r, title: "Sweep setup (Enter edits)", theme.focusedBorder, glyphs: g)
    let selected = min(state.selectedRow, SweepSetup.Row.allCases.count - 1)
    for (i, row) in SweepSetup.Row.allCases.enumerated() {
      let y = r.y + 1 + i
      guard y < r.maxY - 1 else { break }
      let inner = r.width - 2
      let style = i == selected ? theme.selected : theme.text
      addTarget(Rect(x: r.x, y: y, width: r.width, height: 1), .sweepRow(i))
      if i == selected { grid.fill(Rect(x: r.x + 1, y: y, width: inner, height: 1), " ", style) }
      grid.write(" " + g.text(row.label), x: r.x + 1, y: y, i == selected ? style : theme.dim)
      let value = g.text(state.sweepSetup[row])
      let vx = max(r.x + 14, r.maxX - 2 - value.count)
      grid.write(value, x: vx, y: y, style.with(.bold), maxWidth: r.maxX - 1 - vx)
    }
  }

  func sweepProgressPanel(_ state: AppState, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    guard r.height >= 3 else { return }
    var rows: [(String, String)] = []
    var endText: (String, Bool)?
    if let s = state.sweep {
      let status: String
      switch s.phase {
      case .running: status = s.evaluating ? "running (scoring)" : "running"
      case .stopping: status = "stopping…"
      case .ended(let text, let failed):
        status = failed ? "failed" : (s.done == s.total ? "finished" : "stopped")
        endText = (text, failed)
      case .opened: status = "opened (view)"
      }
      rows.append(("status", status))
      rows.append(("runs", "\(s.done) / \(s.total)"))
      if s.isActive {
        rows.append(("ETA", s.remaining.map(Renderer.clock) ?? "after the first run"))
      }
      if let c = s.running, s.isActive {
        rows.append(("cell", "\(c.resolution)×\(c.resolution), b = \(short(c.scale))"))
        rows.append(("", c.family.description))
        let total = max(s.totalSteps, 1)
        rows.append(("step", s.evaluating ? "sampling" : "\(s.step) / \(s.totalSteps)"))
        let width = r.width - 16
        if width >= 4 {
          let filled = s.evaluating ? width : width * min(s.step, total) / total
          let bar = g.unicode
            ? String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            : String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
          rows.append(("", bar))
        }
      }
      rows.append(("folder", s.folder))
    } else {
      rows.append(("status", "not started"))
      rows.append(("", "s starts or resumes"))
      rows.append(("", "the sweep in folder;"))
      rows.append(("", "o opens a sweep"))
    }
    let (box, below) = r.splitTop(min(rows.count + 2, r.height))
    let title = state.sweep?.isActive == true ? "Progress (s stops)" : "Progress (s starts)"
    grid.box(box, title: title, theme.border, glyphs: g)
    for (i, (k, v)) in rows.enumerated() where box.y + 1 + i < box.maxY - 1 {
      let y = box.y + 1 + i
      grid.write(" " + g.text(k), x: box.x + 1, y: y, theme.dim, maxWidth: 8)
      grid.write(g.text(v), x: box.x + 10, y: y, theme.text.with(.bold), maxWidth: box.width - 11)
    }
    if let (text, failed) = endText {
      for (i, l) in wrap(text, width: below.width - 2).enumerated() where below.y + i < below.maxY {
        grid.write(
          g.text(l), x: below.x + 1, y: below.y + i, failed ? theme.error : theme.text,
          maxWidth: below.width - 1)
      }
    }
  }

  /// A cell's text: `12.34`, `12.34±0.56`, `failed`, or nil when it has not run.
  static func sweepCellText(_ v: CellSummary?) -> String? {
    guard let v else { return nil }
    if v.failed { return "failed" }
    if v.copying { return "copying" }
    let m = String(format: "%.2f", v.mean)
    return v.standardError.map { m + String(format: "±%.2f", $0) } ?? m
  }

  /// The b column: the longest b, a space either side.
  static func sweepLabelWidth(_ table: SweepTable) -> Int {
    max(4, table.scales.map { short($0).count }.max() ?? 0) + 2
  }

  /// The width of one table column: its widest content (a marker included), at least 7, and
  /// at most what shares `fit` columns among all of them after the b column.
  func sweepColumnWidth(_ table: SweepTable, fit: Int) -> Int {
    var widest = 7
    for (c, column) in table.columns.enumerated() {
      let header = "\(column.resolution)×\(column.resolution)"
      widest = max(widest, header.count, column.family.description.count)
      for r in table.scales.indices {
        widest = max(widest, (Renderer.sweepCellText(table.values[r][c]) ?? "").count + 1)
      }
    }
    let share = (fit - Renderer.sweepLabelWidth(table)) / max(table.columns.count, 1) - 1
    return max(6, min(widest, share))
  }

  /// The table's width in columns when no column is cut.
  func sweepTableWidth(_ table: SweepTable, fit: Int) -> Int {
    Renderer.sweepLabelWidth(table) + table.columns.count * (sweepColumnWidth(table, fit: fit) + 1)
      + 2
  }

  func sweepTablePanel(_ state: AppState, _ table: SweepTable, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    grid.box(r, title: table.ranking.title + " (lower is better)", theme.border, glyphs: g)
    let inner = r.inset(1)
    guard inner.height >= 3, inner.width >= 10 else { return }
    let cw = sweepColumnWidth(table, fit: inner.width)
    let best = table.bestRow
    let status = state.sweep
    // Where the running cell is, to mark it.
    var runningAt: (row: Int, column: Int)?
    if let s = status, s.isActive, let cell = s.running,
      let row = table.scales.firstIndex(of: cell.scale),
      let column = table.columns.firstIndex(where: {
        $0.resolution == cell.resolution && $0.family == cell.family
      })
    {
      runningAt = (row, column)
    }
    let labelWidth = Renderer.sweepLabelWidth(table)
    func x(_ c: Int) -> Int { inner.x + labelWidth + c * (cw + 1) }
    /// Right-aligned in column `c`; the trailing space that lines numbers up with the best
    /// marker goes first when the column is narrow, then the text is cut with an ellipsis.
    func right(_ text: String, _ c: Int, _ y: Int, _ style: Style) {
      var t = text
      if t.count > cw, t.hasSuffix(" ") { t.removeLast() }
      if t.count > cw { t = String(t.prefix(cw - 1)) + (g.unicode ? "…" : "~") }
      grid.write(t, x: x(c) + cw - t.count, y: y, style)
    }
    grid.write(" b", x: inner.x, y: inner.y + 1, theme.title)
    for (c, column) in table.columns.enumerated() where x(c) + cw <= inner.maxX {
      right(g.text("\(column.resolution)×\(column.resolution)"), c, inner.y, theme.title)
      right(g.text(column.family.description), c, inner.y + 1, theme.title)
    }
    for (r, b) in table.scales.enumerated() {
      let y = inner.y + 2 + r
      guard y < inner.maxY - 1 else { break }
      grid.write(" " + short(b), x: inner.x, y: y, theme.text.with(.bold))
      for c in table.columns.indices where x(c) + cw <= inner.maxX {
        let value = table.values[r][c]
        if let (rr, cc) = runningAt, rr == r, cc == c {
          let s = status!
          let what = s.evaluating
            ? "scoring" : "\(min(100, 100 * s.step / max(s.totalSteps, 1)))%"
          let mark = g.unicode ? "▶ " : "> "
          right(mark + what, c, y, Style(fg: Theme.current, bg: .default, .bold))
        } else if let text = Renderer.sweepCellText(value) {
          if best[c] == r {
            right(text + "*", c, y, Style(fg: Renderer.bestColor, bg: .default, .bold))
          } else {
            right(
              text + " ", c, y,
              value!.failed || value!.copying ? theme.error.with(.dim) : theme.text)
          }
        } else {
          right(g.text("…") + " ", c, y, theme.dim)
        }
      }
    }
    let bestY = inner.y + 2 + table.scales.count
    if bestY < inner.maxY - 1 {
      grid.write(" best", x: inner.x, y: bestY, theme.title)
      for (c, row) in best.enumerated() where x(c) + cw <= inner.maxX {
        let text = row.map { "b=" + short(table.scales[$0]) } ?? "none"
        right(text + " ", c, bestY, Style(fg: Renderer.bestColor, bg: .default, .bold))
      }
    }
    let legend = g.text(
      "* best b per column · … pending · ▶ running · failed: no better than noise or mean "
        + "digit · copying: mostly copies of training digits")
    if bestY + 1 < inner.maxY {
      grid.write(
        legend, x: inner.x + 1, y: inner.maxY - 1, theme.dim, maxWidth: inner.width - 1)
    }
  }

  /// Each schedule's logSNR(t) at every b of the grid, one colour per schedule: b moves the
  /// whole curve by 2·log b, so the lines of a schedule are parallel copies of its b = 1 curve.
  func sweepCurves(_ sweep: SweepGrid, _ grid: inout Grid, _ r: Rect, glyphs: Glyphs) {
    guard r.height >= 6, r.width >= 20 else { return }
    let samples = max(64, r.width * 2)
    var sets: [CurveSet] = []
    var series: [Series] = []
    for (f, family) in sweep.families.enumerated() {
      for (k, b) in sweep.scales.enumerated() {
        guard let c = curves(Setting(spec: family.spec, inputScale: b), samples: samples) else {
          continue
        }
        sets.append(c)
        let name = k == 0
          ? "\(family) (b = " + sweep.scales.map(short).joined(separator: ", ") + ")" : ""
        series.append(Series(name: name, color: Theme.pinColor(f), points: c.logSNR))
      }
    }
    let range = Curves.logSNRBounds(sets)
    var chart = Chart(
      title: "logSNR(t) at each b: shifted by 2·log b",
      x: Axis(name: "t", lower: 0, upper: 1),
      y: Axis(name: "", lower: range.lowerBound, upper: range.upperBound, maxTicks: 5),
      series: series)
    chart.showLegend = true
    chart.draw(into: &grid, rect: r, glyphs: glyphs, theme: theme.chart)
  }
}
