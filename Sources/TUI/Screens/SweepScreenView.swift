import Engine
import Foundation
import Schedules

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
      let room = r.maxX - 1 - vx
      grid.write(g.fitted(value, room), x: vx, y: y, style.with(.bold), maxWidth: room)
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
      t = g.fitted(t, cw)
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
    // What "failed" means depends on what ranks (SweepRanking): by bits/dim only a diverged run.
    let legend = g.text(
      table.ranking == .bitsPerDim
        ? "* best b per column · … pending · ▶ running · failed: the run diverged"
        : "* best b per column · … pending · ▶ running · failed: no better than noise or mean "
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
