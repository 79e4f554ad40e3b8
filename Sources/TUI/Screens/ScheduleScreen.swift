import Foundation
import Schedules

/// Screen 1: the schedule's parameters, the t-cursor readout and the pins at the left; γ(t),
/// logSNR(t) and the logSNR density (or the effective weighting, `w`) at the right.
enum ScheduleScreen: ScreenDefinition {
  static let title = "Schedule"
  /// `w` and `W` work from every screen (they show this one).
  static let globalKeys: [KeyBinding] = [
    KeyBinding("w", "weighting plot p(λ)·w(λ) on/off", .toggleWeighting).hinted("weighting"),
    KeyBinding("W", "next loss weighting (ε, x0, v, …)", .cycleWeighting),
  ]

  /// The schedule's rows, then its training density's and its sampler's.
  static func fields(_ state: AppState) -> [Field] {
    let current = state.document.current
    return Field.scheduleFields(for: current.spec) + Field.samplingFields(for: current)
  }

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    renderer.scheduleScreen(state, &grid, body)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    switch action.message(ScheduleAction.self) {
    case .toggleWeighting?:
      state.showWeighting.toggle()
      if state.showWeighting { state.screen = .schedule }
    case .cycleWeighting?:
      if state.showWeighting {
        let all = LossWeighting.allCases
        state.weighting = all[(all.firstIndex(of: state.weighting)! + 1) % all.count]
      }
      state.showWeighting = true
      state.screen = .schedule
      state.message = StatusMessage(
        "weighting \(state.weighting.displayName): \(state.weighting.help)")
    case nil:
      return nil
    }
    return []
  }

  static func hints(_ state: AppState) -> [Action] {
    state.focus == .parameters
      ? [
        .toggleHelp, .requestQuit, .select(-1), .adjust(steps: 1, coarse: false),
        .adjust(steps: 1, coarse: true), .beginEdit, .pin, .openPresets, .toggleWeighting,
        .beginPrompt(.exportConfig), .beginPrompt(.importConfig), .undo, .focusNext,
      ]
      : [
        .toggleHelp, .requestQuit, .adjust(steps: 1, coarse: false),
        .adjust(steps: 1, coarse: true), .beginEdit, .focusNext, .pin, .openPresets, .undo,
      ]
  }
}

/// The schedule screen's actions.
enum ScheduleAction: ScreenMessage {
  /// `w`: the weighting plot on or off; `W`: the next loss weighting (and the plot on).
  case toggleWeighting, cycleWeighting
}

extension Action {
  public static var toggleWeighting: Action { ScheduleAction.toggleWeighting.action }
  public static var cycleWeighting: Action { ScheduleAction.cycleWeighting.action }
}

/// The schedule screen's view settings (not undone): the third plot shows the effective
/// weighting p(λ)·w(λ) instead of the density alone (`w`), for this loss weighting (`W`).
struct ScheduleScreenState: ScreenState {
  static var initial: ScheduleScreenState { ScheduleScreenState() }
  var showWeighting = false
  var weighting: LossWeighting = .epsMSE
}

extension AppState {
  /// `w`: the third plot shows p(λ)·w(λ).
  public var showWeighting: Bool {
    get { screens[ScheduleScreenState.self].showWeighting }
    _modify { yield &screens[ScheduleScreenState.self].showWeighting }
  }

  /// The weighting the third plot multiplies by (`W` cycles it).
  public var weighting: LossWeighting {
    get { screens[ScheduleScreenState.self].weighting }
    _modify { yield &screens[ScheduleScreenState.self].weighting }
  }
}

extension Renderer {
  func scheduleScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let panelWidth = body.width >= 120 ? 34 : 30
    // Under the parameters: the t-cursor readout and the pins.
    // The t-cursor readout (7 lines) and two lines of pins stay: the list scrolls instead.
    let (below, right) = parameterColumn(state, &grid, body, width: panelWidth, leaving: 11)
    let (cursorBox, pinsBox) = below.splitTop(7)
    cursorReadout(state, &grid, cursorBox)
    pinList(state, &grid, pinsBox)
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
    // b and the schedule's shift in today's words (schedtui equivalents): SD3's shift, Flux's μ,
    // simple diffusion's d.
    let y = r.y + 1 + rows.count
    if y < r.maxY - 1,
      let e = try? ShiftEquivalents(
        inputScale: p.inputScale, shift: p.schedule.shift.equivalentStaticShift)
    {
      grid.write(
        " " + g.text(e.compactLine), x: r.x + 1, y: y, theme.dim, maxWidth: r.width - 2)
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

  func plots(_ state: AppState, _ grid: inout Grid, _ area: Rect) {
    let d = state.document
    // The last line: the current sampler's notes.
    let (area, notesLine) = area.splitTop(area.height - 1)
    let samples = max(64, area.width * 2)
    // Pins first so the current schedule is painted last, on top. Each density is what its
    // training sees, under its own t-sampling; each sampler's levels are its own.
    var sets: [(name: String, color: Color, curves: CurveSet)] = []
    var marks: [(color: Color, marks: SamplerMarks)] = []
    for pin in d.pins {
      if let c = curves(pin.setting, samples: samples, sampling: pin.setting.sampling) {
        sets.append((pin.name, Theme.pinColor(pin.colorIndex), c))
        marks.append((Theme.pinColor(pin.colorIndex), samplerMarks(pin.setting)))
      }
    }
    guard let current = curves(d.current, samples: samples, sampling: d.current.sampling) else {
      return
    }
    let currentName = "current: " + d.current.pinName
    sets.append((currentName, Theme.current, current))
    let currentMarks = samplerMarks(d.current)
    marks.append((Theme.current, currentMarks))
    samplerNotesLine(d.current, currentMarks, &grid, notesLine)
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
    var logChart = Chart(
      title: "logSNR(t)   \(shiftText)", x: Axis(name: "t", lower: 0, upper: 1),
      y: Axis(name: "", lower: range.lowerBound, upper: range.upperBound, maxTicks: 5),
      series: logSeries, cursorX: cursor)
    // The sampler's levels as ticks on each curve.
    logChart.marks = marks.map {
      Series(name: "", color: Theme.tickColor($0.color), points: $0.marks.ticks)
    }
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
    var densityChart = Chart(
      title: d.pins.allSatisfy({ $0.setting.sampling == d.current.sampling })
        ? "logSNR density for \(Curves.samplingText(d.current.sampling)) (what training sees)"
        : "logSNR density, each under its own t-sampling (what training sees)",
      x: Axis(name: "logSNR", lower: range.lowerBound, upper: range.upperBound, maxTicks: 9),
      y: Axis(name: "", lower: 0, upper: top, maxTicks: 4), series: densitySeries,
      cursorX: cursorLambda.isFinite ? cursorLambda : nil)
    // Which training levels the sampler uses: its levels as ticks on the density, at p(λ) (a
    // stem from the axis would hide the densities being compared once there are 20 of them).
    densityChart.marks = marks.map {
      Series(name: "", color: Theme.tickColor($0.color), points: $0.marks.densityMarks)
    }
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
    let setup = state.document.setup
    let objective = Curves.plotObjective(
      state.weighting, minSNRGamma: setup.minSNRGamma, dataRMS: setup.dataRMS,
      inputScale: state.document.current.inputScale)
    let w = state.weighting
    let name: String
    switch w {
    case .edm: name = w.displayName + " (σ_d = \(short(objective.dataRMS)))"
    case .minSNR: name = w.displayName + " (γ = \(short(objective.minSNRGamma)))"
    case .flowMSE: name = w.displayName + " (b = \(short(objective.inputScale)))"
    case .epsMSE, .x0MSE, .vMSE: name = w.displayName
    }
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
        title: "p(λ): density for \(Curves.samplingText(state.document.current.sampling))",
        x: xAxis(slots[0]),
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
        points: Curves.log10(Curves.effectiveWeighting($0.curves, objective)))
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
}
