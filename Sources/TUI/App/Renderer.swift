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
  /// The sampler lists and notes of the last settings drawn (SamplerView.swift).
  var samplerCache: [Setting: SamplerMarks] = [:]
  /// What the last frame drew where a pointer can act: rows of a list, plots. Recorded while
  /// drawing, so a click or a wheel turn acts on exactly what is under the pointer.
  public private(set) var targets: [(rect: Rect, target: PointerTarget)] = []
  /// The last side-by-side preview layout: rows of panels, picture side, panel x positions.
  var lastPreviewLayout: (rows: Int, side: Int, xs: [Int])?
  /// The runs screen's sample crops by folder and size: cutting and averaging a 331-pixel
  /// grid is the dearest part of that screen's frame, and a finished run's samples never change.
  var runPictures: [String: Picture] = [:]
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
    state.screen.definition.draw(self, state, &grid, body)
    statusLine(state, &grid)
    overlay(state, &grid)
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
    case (.runRow(let row), nil): return .selectRun(row)
    case (.runRow, let s?): return .select(-s)
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

  /// `setting`'s curves, the density under `sampling` (the training setup's t-sampling on the
  /// schedule screen), cached while the setting, samples and sampling stay the same.
  func curves(
    _ setting: Setting, samples: Int, sampling: TimestepSampling = .uniform
  ) -> CurveSet? {
    if let c = curveCache[setting], c.samples == samples, c.curves.sampling == sampling {
      return c.curves
    }
    guard let c = Curves.sample(setting, samples: samples, sampling: sampling) else { return nil }
    if curveCache.count > 64 { curveCache.removeAll() }
    curveCache[setting] = (samples, c)
    return c
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

  // MARK: - Shared panels

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


}
