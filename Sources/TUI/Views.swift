import Foundation
import Schedules

/// Draws the explorer's state into a grid: the pure view layer (no terminal).
///
/// Keeps the sampled curves of the last settings it drew, so that a frame whose settings did not
/// change (a cursor move) does not evaluate the schedules again.
public final class Renderer {
  public var theme: Theme
  public var preview: PreviewSource?
  /// The smallest terminal the explorer lays out in.
  public static let minimumWidth = 70
  public static let minimumHeight = 20

  private var curveCache: [Setting: (samples: Int, curves: CurveSet)] = [:]
  /// What the last frame drew where a pointer can act: rows of a list, plots. Recorded while
  /// drawing, so a click or a wheel turn acts on exactly what is under the pointer.
  public private(set) var targets: [(rect: Rect, target: PointerTarget)] = []
  /// The last side-by-side preview layout: rows of panels, picture side, panel x positions.
  var lastPreviewLayout: (rows: Int, side: Int, xs: [Int])?
  /// Whether charts draw their legends (off only to compare frames in tests).
  public var legends = true
  /// Where the last frame's charts went (plot area and legend), in drawing order.
  public private(set) var chartLayouts: [Chart.Layout] = []

  public init(theme: Theme, preview: PreviewSource? = nil) {
    self.theme = theme
    self.preview = preview
  }

  /// The whole screen for `state` at `width × height`.
  public func render(_ state: AppState, width: Int, height: Int) -> Grid {
    var grid = Grid(width: width, height: height)
    render(state, into: &grid)
    return grid
  }

  /// Draws the whole screen for `state` into `grid` (cleared first).
  public func render(_ state: AppState, into grid: inout Grid) {
    grid.fill(grid.bounds)
    targets.removeAll(keepingCapacity: true)
    chartLayouts.removeAll(keepingCapacity: true)
    let width = grid.width
    let height = grid.height
    guard width >= Renderer.minimumWidth, height >= Renderer.minimumHeight else {
      tooSmall(&grid)
      return
    }
    header(state, &grid)
    let body = Rect(x: 0, y: 1, width: width, height: height - 2)
    switch state.screen {
    case .schedule: scheduleScreen(state, &grid, body)
    case .preview: previewScreen(state, &grid, body)
    case .training: trainingScreen(state, &grid, body)
    case .sweep: sweepScreen(state, &grid, body)
    }
    statusLine(state, &grid)
    switch state.modal {
    case .help(let page): helpOverlay(&grid, page: page)
    case .presets(let selected): presetsOverlay(state, selected, &grid)
    case .confirmQuit:
      dialog(
        &grid, title: "Quit?",
        lines: [
          state.sweep?.isActive == true
            ? "A sweep is running (its running cell keeps a checkpoint)."
            : "A training run is active.",
          "Quit anyway?  y: quit   n / Esc: stay",
        ])
    case .edit, .prompt, nil: break
    }
  }

  /// Work deferred out of frames (the preview's probe numbers), done when the explorer is
  /// idle; returns whether anything changed, so the frame should be drawn again.
  public func idleWork() -> Bool {
    preview?.computePendingProbes() ?? false
  }

  // MARK: - Pointer

  /// The target under cell (x, y) in the last frame drawn (the topmost when they overlap).
  public func target(x: Int, y: Int) -> PointerTarget? {
    targets.last { t in
      x >= t.rect.x && x < t.rect.maxX && y >= t.rect.y && y < t.rect.maxY
    }?.target
  }

  /// The action for a key in `state`, with mouse events resolved against the last frame: the
  /// wheel changes the field under the pointer (or moves the t-cursor over a plot), a click
  /// focuses the row or plot under it (and puts the t-cursor where a plot over t was clicked).
  /// With an overlay open, and away from every target, the wheel acts as ``Key/wheelUp`` and
  /// ``Key/wheelDown`` do.
  public func action(for key: Key, in state: AppState) -> Action? {
    let x: Int, y: Int, steps: Int?
    switch key {
    case .wheel(let up, let px, let py): (x, y, steps) = (px, py, up ? 1 : -1)
    case .click(let px, let py): (x, y, steps) = (px, py, nil)
    default: return KeyMap.action(for: key, in: state)
    }
    let plain: Key? = steps.map { $0 > 0 ? .wheelUp : .wheelDown }
    guard state.modal == nil, let target = target(x: x, y: y) else {
      return plain.flatMap { KeyMap.action(for: $0, in: state) }
        ?? (state.modal == nil ? nil : KeyMap.action(for: key, in: state))
    }
    switch (target, steps) {
    case (.parameter(let row), let s?): return .adjustRow(row: row, steps: s)
    case (.parameter(let row), nil), (.sweepRow(let row), nil): return .focusRow(row)
    case (.sweepRow, _?): return nil
    case (.plot, let s?): return .moveCursor(steps: s, coarse: false)
    case (.plot(let r, let lower, let upper, let overT), nil):
      guard overT, r.width > 0 else { return .focusPlots(t: nil) }
      // The centre of the clicked cell, in dots (two per cell) as the chart maps x.
      let dot = Double(2 * (x - r.x)) + 0.5
      return .focusPlots(t: lower + dot / Double(2 * r.width - 1) * (upper - lower))
    }
  }

  func addTarget(_ rect: Rect, _ target: PointerTarget) {
    targets.append((rect, target))
  }

  /// Draws `chart` and records its plot as a pointer target.
  @discardableResult
  func draw(_ chart: Chart, _ grid: inout Grid, _ rect: Rect, overT: Bool) -> Chart.Layout {
    var chart = chart
    chart.showLegend = chart.showLegend && legends
    let layout = chart.draw(into: &grid, rect: rect, glyphs: theme.glyphs, theme: theme.chart)
    chartLayouts.append(layout)
    addTarget(layout.plot, .plot(layout.plot, lower: chart.x.lower, upper: chart.x.upper,
      overT: overT))
    return layout
  }

  // MARK: - Frame parts

  func tooSmall(_ grid: inout Grid) {
    let g = theme.glyphs
    let need = "\(Renderer.minimumWidth)×\(Renderer.minimumHeight)"
    let text = g.text("Terminal too small: \(grid.width)×\(grid.height), need \(need)")
    let lines = [text, "Enlarge the window, or q to quit."]
    for (i, l) in lines.enumerated() {
      let y = max(0, grid.height / 2 - 1 + i)
      grid.write(l, x: max(0, (grid.width - l.count) / 2), y: y, i == 0 ? theme.error : theme.dim)
    }
  }

  func header(_ state: AppState, _ grid: inout Grid) {
    let g = theme.glyphs
    var col = grid.write(" schedtui ", x: 0, y: 0, theme.title)
    for s in Screen.allCases {
      let style = s == state.screen ? theme.selected.with(.bold) : theme.dim
      col = grid.write(" \(s.rawValue) \(s.title) ", x: col, y: 0, style)
      col += 1
    }
    let summary = g.text(state.document.current.label)
    let x = max(col + 1, grid.width - summary.count - 1)
    grid.write(
      summary, x: x, y: 0, Style(fg: Theme.current, bg: .default, .bold),
      maxWidth: grid.width - x)
  }

  func statusLine(_ state: AppState, _ grid: inout Grid) {
    let g = theme.glyphs
    let y = grid.height - 1
    switch state.modal {
    case .edit(let field, let entry):
      entryLine(&grid, y: y, question: "\(field.label) =", entry: entry, hint: field.allowed)
      return
    case .prompt(let kind, let entry):
      entryLine(
        &grid, y: y, question: kind.question + (kind.question.hasSuffix("=") ? "" : ":"),
        entry: entry, hint: kind.hint)
      return
    default: break
    }
    if let m = state.message {
      grid.write(g.text(" " + m.text), x: 0, y: y, m.isError ? theme.error : theme.ok)
      return
    }
    let hints: String
    switch state.modal {
    case .help(let page):
      let pages = helpLayout(width: grid.width, height: grid.height).pages
      hints =
        pages > 1
        ? " help page \(min(page, pages - 1) + 1) of \(pages): ↓ PgDn next · ↑ PgUp back · "
          + "other keys close · q quits"
        : " any key: close help   q: quit"
    case .presets:
      hints = " ↑↓ choose · Tab next group · Enter load · p pin · a pin group · c clear · Esc close"
    case .confirmQuit: hints = " y: quit · n: stay"
    default:
      // As many hints as fit, most important first; ? always leads to all of them.
      let items =
        state.screen == .sweep
        ? [
          "?:help", "q:quit",
          state.sweep?.isActive == true ? "s:stop sweep" : "s:start sweep", "o:open folder",
          "↑↓:choose", "Enter:edit", "1-3:screens",
        ]
        : state.screen == .training
        ? [
          "?:help", "q:quit",
          state.training?.isActive == true ? "s:stop" : "s:train", "↑↓:choose", "←→:change",
          "Enter:type", "e:export", "u:undo",
        ]
        : state.screen == .preview
        ? [
          "?:help", "q:quit", "↑↓:choose", "←→:change", "Enter:type", "i/I:image", "O:open PNG",
          "r:resolutions", "u:undo",
        ]
        : state.focus == .parameters
        ? [
          "?:help", "q:quit", "↑↓:choose", "←→:change", "L/H:coarse", "Enter:type", "p:pin",
          "t:presets", "w:weighting", "e:export", "o:open", "u:undo", "Tab:plots",
        ]
        : [
          "?:help", "q:quit", "←→:move t", "L/H:coarse", "Enter:type t", "Tab:parameters",
          "p:pin", "t:presets", "u:undo",
        ]
      var line = ""
      for item in items where line.count + item.count + 1 <= grid.width { line += " " + item }
      hints = line
    }
    grid.write(g.text(hints), x: 0, y: y, theme.dim)
  }

  func entryLine(_ grid: inout Grid, y: Int, question: String, entry: TextEntry, hint: String) {
    let g = theme.glyphs
    var col = grid.write(g.text(" \(question) "), x: 0, y: y, theme.title)
    let start = col
    // A selected value is shown reversed (the next key replaces it); otherwise the character
    // under the caret is, or a bar after the text when the caret is at its end.
    col = grid.write(entry.text, x: col, y: y, entry.selected ? theme.selected : theme.text)
    if !entry.selected, entry.caret < entry.text.count {
      let x = start + entry.caret
      if grid.contains(x, y) { grid[x, y].style = theme.selected.with(.bold) }
    } else {
      grid.put(col, y, g.unicode ? "▏" : "_", Style(fg: Theme.current))
    }
    if let e = entry.error {
      // On the row above, or the two above when it is longer than the terminal is wide.
      let lines = wrap(g.text(e), width: grid.width - 2)
      let shown = lines.count > 2 ? [lines[0], lines[1...].joined(separator: " ")] : lines
      for (i, l) in shown.enumerated() {
        let row = y - shown.count + i
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1))
        grid.write(" " + l, x: 0, y: row, theme.error)
      }
    } else {
      grid.write(g.text("   " + hint), x: col + 2, y: y, theme.dim, maxWidth: grid.width - col - 2)
    }
  }

  // MARK: - Schedule screen

  func scheduleScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let panelWidth = body.width >= 120 ? 34 : 30
    let (left, right) = body.splitLeft(panelWidth)
    leftPanels(state, &grid, left)
    // A big terminal also gets the preview's resolutions in a column at the right, so one
    // screen shows the schedule and what it does to an image.
    if let source = preview, right.width >= 150, right.height >= 40 {
      let columnWidth = min(2 * ((right.height - 1) / source.resolutions.count - 4) + 4, 44)
      let (plotArea, column) = right.splitLeft(right.width - columnWidth)
      plots(state, &grid, plotArea)
      let title = theme.glyphs.text("Preview at γ = \(short4(state.previewGamma)) (2: full)")
      grid.write(title, x: column.x + 1, y: column.y, theme.title, maxWidth: column.width - 1)
      previewPanels(
        state, source, &grid,
        Rect(x: column.x + 1, y: column.y + 1, width: column.width - 1, height: column.height - 1),
        vertical: true)
    } else {
      plots(state, &grid, right)
    }
  }

  /// The parameter list, the cursor readout and the pins, top to bottom.
  @discardableResult
  func leftPanels(_ state: AppState, _ grid: inout Grid, _ left: Rect) -> Rect {
    let fields = state.fields
    let (params, rest) = left.splitTop(fields.count + 2)
    parameterList(state, fields, &grid, params)
    let (cursorBox, pinsBox) = rest.splitTop(6)
    cursorReadout(state, &grid, cursorBox)
    pinList(state, &grid, pinsBox)
    return params
  }

  func parameterList(
    _ state: AppState, _ fields: [Field], _ grid: inout Grid, _ r: Rect,
    title: String = "Parameters"
  ) {
    let g = theme.glyphs
    let focused = state.focus == .parameters
    grid.box(r, title: title, focused ? theme.focusedBorder : theme.border, glyphs: g)
    let selected = state.selectedField
    for (i, f) in fields.enumerated() {
      let y = r.y + 1 + i
      guard y < r.maxY - 1 else { break }
      let inner = r.width - 2
      let label = g.text(f.label)
      let value = g.text(f.text(in: state))
      let isSelected = f == selected
      addTarget(Rect(x: r.x, y: y, width: r.width, height: 1), .parameter(row: i))
      let style = isSelected ? theme.selected : theme.text
      if isSelected { grid.fill(Rect(x: r.x + 1, y: y, width: inner, height: 1), " ", style) }
      grid.write(" " + label, x: r.x + 1, y: y, isSelected ? style : theme.dim, maxWidth: inner)
      let vx = max(r.x + 1 + label.count + 2, r.maxX - 2 - value.count)
      grid.write(value, x: vx, y: y, style.with(.bold), maxWidth: r.maxX - 1 - vx)
    }
  }

  func cursorReadout(_ state: AppState, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    grid.box(
      r, title: "t-cursor", state.focus == .plots ? theme.focusedBorder : theme.border,
      glyphs: g)
    guard let p = try? state.document.current.process() else { return }
    let t = state.cursorT
    let rows = [
      ("t", short4(t)),
      ("γ(t)", short4(p.schedule.gamma(t))),
      ("logSNR (b=\(short(p.inputScale)))", Chart.format(p.logSNR(t), decimals: 3)),
      ("γ at b=1, same SNR", short4(p.equivalentGammaAtUnitScale(t))),
    ]
    for (i, (k, v)) in rows.enumerated() where r.y + 1 + i < r.maxY - 1 {
      let y = r.y + 1 + i
      grid.write(" " + g.text(k), x: r.x + 1, y: y, theme.dim, maxWidth: r.width - 2)
      let vx = r.maxX - 2 - v.count
      grid.write(v, x: vx, y: y, theme.text.with(.bold))
    }
  }

  func pinList(_ state: AppState, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    guard r.height >= 3 else { return }
    let pins = state.document.pins
    grid.box(r, title: "Pins (\(pins.count))", theme.border, glyphs: g)
    let swatch: Unicode.Scalar = g.unicode ? "━" : "-"
    var y = r.y + 1
    grid.put(r.x + 2, y, swatch, Style(fg: Theme.current))
    grid.put(r.x + 3, y, swatch, Style(fg: Theme.current))
    grid.write(g.text("current"), x: r.x + 5, y: y, theme.text, maxWidth: r.width - 6)
    y += 1
    if pins.isEmpty, y < r.maxY - 1 {
      grid.write(g.text("p pins · t presets"), x: r.x + 2, y: y, theme.dim, maxWidth: r.width - 3)
    }
    let room = r.maxY - 1 - y
    for (i, pin) in pins.enumerated() where i < room {
      let hidden = pins.count - room
      if hidden > 0, i == room - 1 {
        grid.write("… \(hidden + 1) more", x: r.x + 2, y: y + i, theme.dim)
        break
      }
      let c = Theme.pinColor(pin.colorIndex)
      grid.put(r.x + 2, y + i, swatch, Style(fg: c))
      grid.put(r.x + 3, y + i, swatch, Style(fg: c))
      grid.write(g.text(pin.name), x: r.x + 5, y: y + i, theme.text, maxWidth: r.width - 6)
    }
  }

  func curves(_ setting: Setting, samples: Int) -> CurveSet? {
    if let c = curveCache[setting], c.samples == samples { return c.curves }
    guard let c = Curves.sample(setting, samples: samples) else { return nil }
    if curveCache.count > 64 { curveCache.removeAll() }
    curveCache[setting] = (samples, c)
    return c
  }

  func plots(_ state: AppState, _ grid: inout Grid, _ area: Rect) {
    let d = state.document
    let samples = max(64, area.width * 2)
    // Pins first so the current schedule is painted last, on top.
    var sets: [(name: String, color: Color, curves: CurveSet)] = []
    for pin in d.pins {
      if let c = curves(pin.setting, samples: samples) {
        sets.append((pin.name, Theme.pinColor(pin.colorIndex), c))
      }
    }
    guard let current = curves(d.current, samples: samples) else { return }
    let currentName = "current: " + d.current.label
    sets.append((currentName, Theme.current, current))
    let b = d.current.inputScale
    let cursor = state.cursorT

    let rows = area.rows(3)
    var gammaSeries = sets.map { Series(name: $0.name, color: $0.color, points: $0.curves.gamma) }
    if let eq = current.equivalentGamma {
      gammaSeries.insert(
        Series(name: "γ at b=1, same logSNR", color: Theme.unscaled, points: eq),
        at: gammaSeries.count - 1)
    }
    var gammaChart = Chart(
      title: "γ(t)  signal variance", x: Axis(name: "t", lower: 0, upper: 1),
      y: Axis(name: "γ", lower: 0, upper: 1, maxTicks: 5), series: gammaSeries, cursorX: cursor)
    gammaChart.showLegend = true
    draw(gammaChart, &grid, rows[0], overT: true)

    var logSeries = sets.map { Series(name: $0.name, color: $0.color, points: $0.curves.logSNR) }
    if let unscaled = current.unscaledLogSNR {
      logSeries.insert(
        Series(name: "current at b=1", color: Theme.unscaled, points: unscaled),
        at: logSeries.count - 1)
    }
    let shiftText =
      b == 1
      ? "b = 1: no shift"
      : "b = \(short(b)): shifted by 2·log b = \(Chart.format(2 * Foundation.log(b), decimals: 3))"
    let range = Curves.logSNRBounds(sets.map(\.curves))
    let logChart = Chart(
      title: "logSNR(t)   \(shiftText)", x: Axis(name: "t", lower: 0, upper: 1),
      y: Axis(name: "", lower: range.lowerBound, upper: range.upperBound, maxTicks: 5),
      series: logSeries, cursorX: cursor)
    draw(logChart, &grid, rows[1], overT: true)

    let densitySeries = sets.map {
      Series(name: $0.name, color: $0.color, points: $0.curves.density)
    }
    let top = Curves.densityTop(densitySeries.map(\.points), within: range)
    let cursorLambda = (try? d.current.process().logSNR(cursor)) ?? .nan
    if state.showWeighting {
      weightingPlots(
        state, sets, range: range, cursor: cursorLambda.isFinite ? cursorLambda : nil, &grid,
        rows[2])
      return
    }
    let densityChart = Chart(
      title: "logSNR density for t ~ U(0,1) (what training sees)",
      x: Axis(name: "logSNR", lower: range.lowerBound, upper: range.upperBound, maxTicks: 9),
      y: Axis(name: "", lower: 0, upper: top, maxTicks: 4), series: densitySeries,
      cursorX: cursorLambda.isFinite ? cursorLambda : nil)
    draw(densityChart, &grid, rows[2], overT: false)
  }

  /// The effective weighting (`w`): p(λ)·w(λ) of every curve for the chosen loss weighting,
  /// on a log10 axis (w spans decades: e^−λ is e^20 at λ = −20). With room, also w(λ) alone
  /// and then p(λ) alone beside it; on a narrow terminal only the product, which is the one that
  /// says where training puts its effort. The x axis is the density plot's logSNR range.
  func weightingPlots(
    _ state: AppState, _ sets: [(name: String, color: Color, curves: CurveSet)],
    range: ClosedRange<Double>, cursor: Double?, _ grid: inout Grid, _ area: Rect
  ) {
    let objective = Curves.plotObjective(state.weighting)
    let w = state.weighting
    let name =
      w.displayName + (w == .edm ? " (σ_d = 0.5)" : w == .minSNR ? " (γ = 5)" : "")
    let count = area.width >= 150 ? 3 : area.width >= 90 ? 2 : 1
    // Two blank columns between charts, so one's last x label never runs into the next title.
    let slots = area.columns(count).enumerated().map { i, r in
      i == count - 1 ? r : Rect(x: r.x, y: r.y, width: r.width - 2, height: r.height)
    }
    func xAxis(_ r: Rect) -> Axis {
      Axis(
        name: "logSNR", lower: range.lowerBound, upper: range.upperBound,
        maxTicks: max(3, min(9, r.width / 8)))
    }
    var slot = 0
    if count == 3 {
      let density = sets.map { Series(name: $0.name, color: $0.color, points: $0.curves.density) }
      let top = Curves.densityTop(density.map(\.points), within: range)
      var chart = Chart(
        title: "p(λ): density for t ~ U(0,1)", x: xAxis(slots[0]),
        y: Axis(name: "", lower: 0, upper: top, maxTicks: 4), series: density, cursorX: cursor)
      chart.showLegend = false
      draw(chart, &grid, slots[0], overT: false)
      slot = 1
    }
    if count >= 2 {
      let r = slots[slot]
      let weight = Curves.log10(Curves.weight(objective, over: range, samples: 2 * r.width))
      let bounds = Curves.logBounds([weight], within: range, decades: 10)
      var chart = Chart(
        title: "log10 w(λ)  \(name): \(w.help)", x: xAxis(r),
        y: Axis(name: "", lower: bounds.lowerBound, upper: bounds.upperBound, maxTicks: 4),
        series: [Series(name: "w(λ)", color: Theme.weight, points: weight)], cursorX: cursor)
      chart.showLegend = false
      draw(chart, &grid, r, overT: false)
      slot += 1
    }
    let r = slots[slot]
    let products = sets.map {
      Series(
        name: $0.name, color: $0.color,
        points: Curves.log10(Curves.effectiveWeighting($0.curves.density, objective)))
    }
    let bounds = Curves.logBounds(products.map(\.points), within: range)
    let title =
      count == 1
      ? "log10 p(λ)·w(λ), \(name)  (W: next)" : "log10 p(λ)·w(λ): effective weighting (W: next)"
    draw(
      Chart(
        title: title, x: xAxis(r),
        y: Axis(name: "", lower: bounds.lowerBound, upper: bounds.upperBound, maxTicks: 4),
        series: products, cursorX: cursor), &grid, r, overT: false)
  }

  // MARK: - Preview screen

  func previewScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let g = theme.glyphs
    let (left, right) = body.splitLeft(30)
    let fields = state.fields
    let (params, rest) = left.splitTop(fields.count + 2)
    parameterList(state, fields, &grid, params)
    let gamma = state.previewGamma
    let setting = state.document.current
    let b = setting.inputScale
    let logSNR = Foundation.log(gamma / (1 - gamma)) + 2 * Foundation.log(b)
    let info = [
      "x_t = √γ·b·x0 + √(1−γ)·ε",
      "γ = \(short4(gamma))   b = \(short(b))",
      "logSNR = \(Chart.format(logSNR, decimals: 3))",
      setting.normalize ? "x_t / std(x_t) shown" : "x_t shown unnormalised",
      "same ε kept per resolution",
      "probe: the best Gaussian",
      "blur denoiser's PSNR, SNR",
    ]
    let (infoBox, _) = rest.splitTop(info.count + 2)
    grid.box(infoBox, title: "Noise", theme.border, glyphs: g)
    for (i, l) in info.enumerated() {
      grid.write(
        " " + g.text(l), x: infoBox.x + 1, y: infoBox.y + 1 + i, theme.text,
        maxWidth: infoBox.width - 2)
    }

    guard let source = preview else {
      notice(&grid, right, title: "Preview", lines: ["No image loaded."])
      return
    }
    let base = g.text("\(source.imageName) noised at γ = \(short4(gamma)), b = \(short(b))")
    let origin = g.text(" (γ at the t-cursor t = \(short4(state.cursorT)))")
    // The note on where γ comes from is dropped, not cut, when the line is too narrow for it.
    let title =
      state.document.previewGamma == nil && base.count + origin.count <= right.width - 1
      ? base + origin : base
    grid.write(title, x: right.x + 1, y: right.y, theme.title, maxWidth: right.width - 1)
    let area = Rect(x: right.x, y: right.y + 1, width: right.width, height: right.height - 1)
    var bottom = previewPanels(state, source, &grid, area, vertical: false)
    // Room below one row of pictures (a tall terminal with few resolutions): what the probe's
    // best blur recovers from each picture, the probe's numbers made visible, under its panel
    // and at most as large, when that is at least 16 pixels.
    let room = body.maxY - bottom - 1
    if let layout = lastPreviewLayout, layout.rows == 1,
      case let side = min(layout.side, 2 * (room - 3)) / 2 * 2, side >= 16
    {
      for (index, x) in layout.xs.enumerated() {
        let box = Rect(x: x, y: bottom + 1, width: side + 2, height: side / 2 + 2)
        let inner = Rect(x: box.x + 1, y: box.y + 1, width: side, height: side / 2)
        if let r = source.recovered(
          index: index, gamma: gamma, inputScale: b, width: side, height: side)
        {
          let blur = "blur σ = \(short(r.sigma)) px"
          grid.box(
            box, title: side >= 26 ? "recovered, " + blur : blur, theme.border, glyphs: g)
          HalfBlock.draw(
            r.picture, into: &grid, rect: inner, mode: theme.colorMode, unicode: g.unicode)
        } else {
          grid.box(box, title: "recovered", theme.border, glyphs: g)
          grid.write(g.text("denoising…"), x: inner.x + 1, y: inner.y, theme.dim)
        }
      }
      bottom = bottom + 1 + side / 2 + 2
    }
    if bottom + 1 < body.maxY {
      grid.write(
        g.text("Same γ, higher resolution: less destroyed (Fig. 2); lower b: more (Fig. 4)."),
        x: right.x + 1, y: bottom + 1, theme.dim,
        maxWidth: right.width - 1)
    }
  }

  /// Draws the preview's resolutions side by side (or stacked when `vertical`), all at the same
  /// on-screen size, each with its probe numbers below it. Side by side they are laid out in as
  /// many rows as gives the largest pictures (a tall terminal with many resolutions gets two or
  /// more rows). Returns the row below the last one.
  @discardableResult
  func previewPanels(
    _ state: AppState, _ source: PreviewSource, _ grid: inout Grid, _ area: Rect, vertical: Bool
  ) -> Int {
    let g = theme.glyphs
    let setting = state.document.current
    let count = source.resolutions.count
    guard count > 0 else { return area.y }
    // The largest square (two pixels per cell vertically) that fits a slot, with its box and
    // two lines of probe numbers.
    func side(_ slot: (width: Int, height: Int)) -> Int {
      max(2, min(slot.width - 2, 2 * (slot.height - 4)) / 2 * 2)
    }
    var slots: [Rect]
    var rowsCount = count
    if vertical {
      slots = area.rows(count)
    } else {
      rowsCount = (1...count).max { a, b in
        let ca = (count + a - 1) / a, cb = (count + b - 1) / b
        return side((area.width / ca, area.height / a)) < side((area.width / cb, area.height / b))
      }!
      let perRow = (count + rowsCount - 1) / rowsCount
      slots = area.rows(rowsCount).flatMap { $0.columns(perRow) }
    }
    let s = slots.prefix(count).map { side(($0.width, $0.height)) }.min()!
    lastPreviewLayout = (rowsCount, s, slots.prefix(count).map(\.x))
    var bottom = area.y
    for (index, slot) in slots.prefix(count).enumerated() {
      let panel = source.panel(
        index: index, gamma: state.previewGamma, inputScale: setting.inputScale,
        normalize: setting.normalize, width: s, height: s)
      let box = Rect(x: slot.x, y: slot.y, width: s + 2, height: s / 2 + 2)
      grid.box(box, title: "\(panel.resolution)×\(panel.resolution)", theme.border, glyphs: g)
      HalfBlock.draw(
        panel.picture, into: &grid,
        rect: Rect(x: box.x + 1, y: box.y + 1, width: s, height: s / 2),
        mode: theme.colorMode, unicode: g.unicode)
      let psnr = panel.psnr.map { "PSNR \(Chart.format($0, decimals: 1)) dB" } ?? "PSNR …"
      let snr = panel.snr.map { "SNR \(Chart.format($0, decimals: 1)) dB" } ?? ""
      grid.write(g.text(psnr), x: box.x + 1, y: box.maxY, theme.text, maxWidth: slot.width - 1)
      grid.write(snr, x: box.x + 1, y: box.maxY + 1, theme.text, maxWidth: slot.width - 1)
      bottom = max(bottom, box.maxY + 2)
    }
    return bottom
  }

  // MARK: - Training screen

  /// The setup list at the left (the latest samples under it when there is room); the run, how
  /// it ended and its loss chart at the right, the chart hidden when too little height is left.
  func trainingScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let g = theme.glyphs
    let (setupColumn, right) = body.splitLeft(34)
    let fields = state.fields
    let (setupBox, left) = setupColumn.splitTop(fields.count + 2)
    parameterList(state, fields, &grid, setupBox, title: "Run setup (s trains)")
    guard let t = state.training else {
      notice(
        &grid, right, title: "Training",
        lines: [
          "No training run yet.",
          "s trains the setup at the left with",
          "the current schedule, b and",
          "normalisation, in the background;",
          "s again stops it.",
          "↑↓ choose, ←→ change, Enter types.",
          "All options: schedtui train --help",
        ])
      return
    }
    let status: String
    switch t.phase {
    case .running: status = "running"
    case .stopping: status = "stopping…"
    case .evaluating: status = "sampling, measuring…"
    case .finished: status = "finished"
    case .stopped: status = "stopped"
    case .failed: status = "failed"
    }
    var rows: [(String, String)] = [("schedule", t.label)]
    for (i, part) in t.details.components(separatedBy: ", ").enumerated() {
      rows.append((i == 0 ? "run" : "", part))
    }
    rows += [("status", status), ("step", "\(t.step) / \(t.totalSteps)")]
    if let last = t.losses.last { rows.append(("loss", short4(last.loss))) }
    if let r = t.examplesPerSecond { rows.append(("examples/s", String(format: "%.0f", r))) }
    let (box, rest) = right.splitTop(rows.count + 2)
    grid.box(box, title: "Run (s stops)", theme.border, glyphs: g)
    for (i, (k, v)) in rows.enumerated() {
      grid.write(" " + g.text(k), x: box.x + 1, y: box.y + 1 + i, theme.dim, maxWidth: 12)
      grid.write(
        g.text(v), x: box.x + 13, y: box.y + 1 + i, theme.text.with(.bold),
        maxWidth: box.width - 14)
    }
    // Under the setup: the latest samples (EMA weights); under the run box: how it ended.
    if let samples = t.samples, left.height >= 6 {
      let side = max(2, min(left.width - 2, 2 * (left.height - 2)) / 2 * 2)
      let pbox = Rect(x: left.x, y: left.y, width: side + 2, height: side / 2 + 2)
      grid.box(pbox, title: "samples, step \(t.samplesStep ?? 0)", theme.border, glyphs: g)
      HalfBlock.draw(
        samples, into: &grid,
        rect: Rect(x: pbox.x + 1, y: pbox.y + 1, width: side, height: side / 2),
        mode: theme.colorMode, unicode: g.unicode)
    }
    var chartArea = rest
    switch t.phase {
    case .finished(let text), .stopped(let text), .failed(let text):
      let failed = t.phase == .failed(text)
      let lines = wrap(text, width: rest.width - 2)
      for (i, l) in lines.enumerated() where rest.y + i < rest.maxY {
        grid.write(g.text(l), x: rest.x + 1, y: rest.y + i, failed ? theme.error : theme.text)
      }
      chartArea = rest.splitTop(lines.count).1
    default: break
    }
    // A chart shorter than this has no room for a curve between its title and axis: hidden.
    guard chartArea.height >= 6 else { return }
    let points = t.losses.map { (x: Double($0.step), y: Foundation.log10(max($0.loss, 1e-12))) }
    let ys = points.map(\.y).filter(\.isFinite)
    let lo = ((ys.min() ?? -2) * 2).rounded(.down) / 2
    let hi = ((ys.max() ?? 0) * 2).rounded(.up) / 2
    let chart = Chart(
      title: "log10 loss per step",
      x: Axis(name: "step", lower: 0, upper: Double(max(t.totalSteps, 1))),
      y: Axis(name: "", lower: lo, upper: max(hi, lo + 0.5), maxTicks: 5),
      series: [Series(name: "", color: Theme.current, points: points)])
    chart.draw(into: &grid, rect: chartArea, glyphs: g, theme: theme.chart)
  }

  /// `text` in lines of at most `width` characters, broken at spaces.
  func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }

  // MARK: - Overlays

  func notice(_ grid: inout Grid, _ r: Rect, title: String, lines: [String]) {
    let g = theme.glyphs
    let w = min(r.width - 2, (lines.map(\.count).max() ?? 0) + 4)
    let box = Rect(
      x: r.x + (r.width - w) / 2, y: r.y + max(0, (r.height - lines.count - 2) / 2),
      width: w, height: lines.count + 2)
    grid.box(box, title: title, theme.border, glyphs: g)
    for (i, l) in lines.enumerated() {
      grid.write(g.text(l), x: box.x + 2, y: box.y + 1 + i, theme.text, maxWidth: box.width - 3)
    }
  }

  func dialog(_ grid: inout Grid, title: String, lines: [String]) {
    let g = theme.glyphs
    let w = min(grid.width - 2, (lines.map(\.count).max() ?? 0) + 4)
    let box = Rect(
      x: (grid.width - w) / 2, y: (grid.height - lines.count - 2) / 2, width: w,
      height: lines.count + 2)
    grid.fill(box)
    grid.box(box, title: title, theme.focusedBorder, glyphs: g)
    for (i, l) in lines.enumerated() {
      grid.write(g.text(l), x: box.x + 2, y: box.y + 1 + i, theme.text, maxWidth: box.width - 3)
    }
  }

  /// The help's lines: every key binding, then the keys inside the edit line, the preset list
  /// and the quit question.
  static var helpRows: [(key: String, text: String, isBinding: Bool)] {
    KeyMap.helpBindings.map { ($0.label, $0.help, true) } + [("", "", false)]
      + KeyMap.modalHelp.map { ($0.0, $0.1, false) }
  }

  /// Width of one help column: the key (13), a gap, the longest text (at most 40), borders.
  static let helpKeyWidth = 13
  static var helpColumnWidth: Int {
    helpKeyWidth + 2 + min(40, helpRows.map(\.text.count).max() ?? 0)
  }

  /// How the help is laid out at `width × height`: columns side by side, rows per column, and
  /// how many pages it takes (more than one only when the terminal is too small to show every
  /// line at once: then it pages, rather than cutting lines or overlapping columns).
  func helpLayout(width: Int, height: Int) -> (columns: Int, perColumn: Int, pages: Int) {
    let rows = Renderer.helpRows.count
    let innerHeight = max(1, height - 4)
    let columns = max(1, min((width - 4) / Renderer.helpColumnWidth, (rows + innerHeight - 1)
      / innerHeight))
    let perColumn = min(innerHeight, (rows + columns - 1) / columns)
    let pages = (rows + columns * perColumn - 1) / (columns * perColumn)
    return (columns, perColumn, pages)
  }

  func helpOverlay(_ grid: inout Grid, page: Int) {
    let g = theme.glyphs
    let rows = Renderer.helpRows
    let (columns, perColumn, pages) = helpLayout(width: grid.width, height: grid.height)
    let page = min(page, pages - 1)
    let helpWidth = min(grid.width - 2, columns * Renderer.helpColumnWidth + 2)
    let box = Rect(x: (grid.width - helpWidth) / 2, y: 1, width: helpWidth, height: perColumn + 2)
    grid.fill(box)
    let title = pages > 1 ? "Keys (\(page + 1)/\(pages), ↓ more)" : "Keys (any key closes)"
    grid.box(box, title: title, theme.focusedBorder, glyphs: g)
    let inner = box.inset(1)
    let cols = inner.columns(columns)
    let keyWidth = Renderer.helpKeyWidth
    let first = page * columns * perColumn
    for i in first..<min(rows.count, first + columns * perColumn) {
      let c = cols[(i - first) / perColumn]
      let y = c.y + (i - first) % perColumn
      let row = rows[i]
      let keyStyle = row.isBinding ? Style(fg: Theme.current, bg: .default, .bold) : theme.title
      grid.write(" " + g.text(row.key), x: c.x, y: y, keyStyle, maxWidth: keyWidth)
      grid.write(
        g.text(row.text), x: c.x + keyWidth + 1, y: y, row.isBinding ? theme.text : theme.dim,
        maxWidth: c.width - keyWidth - 2)
    }
  }

  func presetsOverlay(_ state: AppState, _ selected: Int, _ grid: inout Grid) {
    let g = theme.glyphs
    let presets = state.presets
    let box = Rect(x: 2, y: 2, width: grid.width - 4, height: grid.height - 4)
    grid.fill(box)
    grid.box(
      box, title: "Presets (↑↓ · Tab next group · Enter load · p pin · a pin group)",
      theme.focusedBorder, glyphs: g)
    let inner = box.inset(1)
    let first = max(0, min(selected - inner.height / 2, presets.count - inner.height))
    for row in 0..<inner.height {
      let i = first + row
      guard i < presets.count else { break }
      let p = presets[i]
      let isPinned = state.document.pins.contains { $0.setting == p.setting }
      let text = g.text(" \(p.group) · \(p.name)\(isPinned ? "  (pinned)" : "")")
      let style = i == selected ? theme.selected : theme.text
      if i == selected {
        grid.fill(Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1), " ", style)
      }
      grid.write(text, x: inner.x, y: inner.y + row, style, maxWidth: inner.width)
    }
  }
}
