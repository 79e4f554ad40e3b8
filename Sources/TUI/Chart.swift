import Foundation

/// One curve of a chart: points joined by line segments, in one colour, named in the legend.
///
/// A point with NaN y or a non-finite x breaks the line; y = ±∞ is drawn as leaving the plot
/// through its top or bottom edge.
public struct Series: Sendable {
  public var name: String
  public var color: Color
  public var points: [(x: Double, y: Double)]
}

/// An axis: its name, its visible range, and the values that get a tick and a label.
public struct Axis: Sendable {
  public var name: String
  public var lower: Double
  public var upper: Double
  public var ticks: [Double]

  /// An axis with "nice" ticks (1, 2 or 5 × 10ᵏ apart), at most `maxTicks` of them.
  public init(name: String, lower: Double, upper: Double, maxTicks: Int = 6) {
    precondition(lower < upper, "axis \(name): lower \(lower) must be below upper \(upper)")
    self.name = name
    self.lower = lower
    self.upper = upper
    ticks = Axis.niceTicks(lower, upper, maxTicks: maxTicks)
  }

  public init(name: String, lower: Double, upper: Double, ticks: [Double]) {
    precondition(lower < upper, "axis \(name): lower \(lower) must be below upper \(upper)")
    self.name = name
    self.lower = lower
    self.upper = upper
    self.ticks = ticks
  }

  /// Multiples of the smallest step in {1, 2, 5}·10ᵏ that gives at most `maxTicks` ticks in
  /// [lower, upper].
  public static func niceTicks(_ lower: Double, _ upper: Double, maxTicks: Int) -> [Double] {
    let span = upper - lower
    guard span > 0, span.isFinite, maxTicks >= 2 else { return [lower, upper] }
    var magnitude = pow(10, floor(log10(span / Double(maxTicks))))
    var step = magnitude
    search: while true {
      for m in [1.0, 2, 5] {
        step = m * magnitude
        let count = floor(upper / step + 1e-9) - ceil(lower / step - 1e-9) + 1
        if count <= Double(maxTicks) { break search }
      }
      magnitude *= 10
    }
    var ticks: [Double] = []
    var k = ceil(lower / step - 1e-9)
    // Round to the step's decimals so that 3 × 0.2 is 0.6, not 0.6000000000000001.
    let scale = pow(10, max(0, -floor(log10(step))))
    while k * step <= upper + step * 1e-9 {
      let v = (k * step * scale).rounded() / scale
      ticks.append(v == 0 ? 0 : v)
      k += 1
    }
    return ticks
  }

  /// A tick label: as few decimals as the tick spacing needs.
  public func label(_ v: Double) -> String {
    let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : abs(upper - lower)
    let decimals = step >= 1 || step == 0 ? 0 : Int(ceil(-log10(step) - 1e-9))
    return Chart.format(v, decimals: decimals)
  }
}

/// A line chart in the style of ratatui's `Chart`: braille curves, a y axis with labels on the
/// left, an x axis line with labels below it, the x axis name in the bottom-left corner, the
/// title (and y axis name) on the top row, and a legend where the curves leave room for it.
///
/// The legend never covers a dot of a curve: it goes in an empty corner or the empty place
/// nearest to one, else beside the plot (narrowing it by the legend's width, when that leaves
/// 60% of it), else it is hidden. It is never put inside when it would cover more than a
/// quarter of the plot. The axes are dropped when the plot would be under 8×3 cells; nothing is
/// drawn below 2×1.
public struct Chart: Sendable {
  public var title: String
  public var x: Axis
  public var y: Axis
  public var series: [Series]
  /// An x value whose column is highlighted (the t-cursor).
  public var cursorX: Double?
  public var showLegend = true
  /// Points drawn as short vertical ticks over the curves, in their series' colour (a
  /// sampler's levels); a y beyond the axis is drawn at its edge. Not in the legend.
  public var marks: [Series] = []

  /// Where each part went, for tests and for mapping a mouse position back to a value.
  public struct Layout: Equatable, Sendable {
    public var plot: Rect
    public var legend: Rect?
    public var hasAxes: Bool
  }

  /// The colours of the non-curve parts.
  public struct Theme: Sendable {
    public var text: Style
    public var axis: Style
    public var title: Style
    public var cursorBackground: Color
    public init(text: Style, axis: Style, title: Style, cursorBackground: Color) {
      (self.text, self.axis, self.title) = (text, axis, title)
      self.cursorBackground = cursorBackground
    }
  }

  /// Draws the chart into `rect` of `grid` and says where its parts went.
  @discardableResult
  public func draw(into grid: inout Grid, rect: Rect, glyphs: Glyphs, theme: Theme) -> Layout {
    guard rect.width >= 2, rect.height >= 1 else {
      return Layout(
        plot: Rect(x: rect.x, y: rect.y, width: 0, height: 0), legend: nil,
        hasAxes: false)
    }
    let yLabels = y.ticks.map { glyphs.text(y.label($0)) }
    let labelWidth = max(yLabels.map(\.count).max() ?? 0, 1)
    let withAxes = rect.width - labelWidth - 1 >= 8 && rect.height - 3 >= 3
    func plotRect(reserving right: Int) -> Rect {
      if withAxes {
        // Top row: title. Bottom two rows: axis line, x labels. Left: y labels and the axis.
        return Rect(
          x: rect.x + labelWidth + 1, y: rect.y + 1, width: rect.width - labelWidth - 1 - right,
          height: rect.height - 3)
      }
      return rect.height > 2
        ? Rect(x: rect.x, y: rect.y + 1, width: rect.width - right, height: rect.height - 1)
        : Rect(x: rect.x, y: rect.y, width: rect.width - right, height: rect.height)
    }
    var plot = plotRect(reserving: 0)
    var canvas = curves(plot)
    // The legend goes where the curves leave room for it inside the plot; failing that, beside
    // the plot (which narrows to make room), and failing that it is hidden: it never covers a
    // dot of a curve.
    var legendRect: Rect?
    if showLegend, let size = legendSize(glyphs) {
      if let inside = emptySpot(size, plot: plot, canvas: canvas) {
        legendRect = inside
      } else if withAxes, 5 * (size.width + 1) <= 2 * plot.width, size.height <= plot.height {
        plot = plotRect(reserving: size.width + 1)
        canvas = curves(plot)
        legendRect = Rect(x: plot.maxX + 1, y: plot.y, width: size.width, height: size.height)
      }
    }
    // Title on the top row, then the y axis name.
    if rect.height > 2 {
      var col = grid.write(
        glyphs.text(title), x: rect.x, y: rect.y, theme.title,
        maxWidth: rect.width)
      if !y.name.isEmpty && y.name != title && col + 3 < rect.maxX {
        col = grid.write(
          glyphs.text("  (y: \(y.name))"), x: col, y: rect.y, theme.text,
          maxWidth: rect.maxX - col)
      }
    }
    if withAxes { drawAxes(&grid, plot: plot, rect: rect, labels: yLabels, glyphs, theme) }

    if let c = cursorX, c >= x.lower, c <= x.upper {
      let column = plot.x + (dotX(c, plot) >> 1)
      grid.setBackground(
        Rect(x: column, y: plot.y, width: 1, height: plot.height),
        theme.cursorBackground)
    }
    canvas.draw(into: &grid, x: plot.x, y: plot.y, unicode: glyphs.unicode)
    if let legendRect { drawLegend(&grid, legendRect, glyphs, theme) }
    return Layout(plot: plot, legend: legendRect, hasAxes: withAxes)
  }

  /// The series drawn on a canvas the size of `plot`.
  func curves(_ plot: Rect) -> BrailleCanvas {
    var canvas = BrailleCanvas(columns: plot.width, rows: plot.height)
    for s in series { plotSeries(s, on: &canvas, plot) }
    let bottom = plot.height * 4 - 1
    // Three dots on a short plot, longer on a tall one (7 at 12 rows), so they stay visible.
    let half = max(1, plot.height / 4)
    for m in marks {
      for p in m.points where p.x.isFinite && !p.y.isNaN && p.x >= x.lower && p.x <= x.upper {
        let column = dotX(p.x, plot)
        let row = min(max(dotY(p.y, plot), 0), bottom)
        // Centred on the point; held inside the plot at its edges.
        let top = min(max(row - half, 0), max(bottom - 2 * half, 0))
        canvas.line(column, top, column, min(top + 2 * half, bottom), m.color)
      }
    }
    return canvas
  }

  // MARK: - Mapping data to dots

  /// The dot column of x value `v` in `plot` (x.lower → 0, x.upper → last dot).
  func dotX(_ v: Double, _ plot: Rect) -> Int {
    let w = Double(plot.width * 2 - 1)
    let f = ((v - x.lower) / (x.upper - x.lower) * w).rounded()
    return Int(max(min(f, Double(1 << 19)), -Double(1 << 19)))
  }

  /// The dot row of y value `v` (y.upper → 0, y.lower → last dot); ±∞ maps far outside.
  func dotY(_ v: Double, _ plot: Rect) -> Int {
    let h = Double(plot.height * 4 - 1)
    if v == .infinity { return -plot.height * 4 }
    if v == -.infinity { return plot.height * 8 }
    let f = ((y.upper - v) / (y.upper - y.lower) * h).rounded()
    return Int(max(min(f, Double(1 << 19)), -Double(1 << 19)))
  }

  func plotSeries(_ s: Series, on canvas: inout BrailleCanvas, _ plot: Rect) {
    var previous: (Int, Int)?
    for p in s.points {
      guard p.x.isFinite, !p.y.isNaN else {
        previous = nil
        continue
      }
      let point = (dotX(p.x, plot), dotY(p.y, plot))
      if let q = previous {
        canvas.line(q.0, q.1, point.0, point.1, s.color)
      } else {
        canvas.set(point.0, point.1, s.color)
      }
      previous = point
    }
  }

  // MARK: - Axes and legend

  func drawAxes(
    _ grid: inout Grid, plot: Rect, rect: Rect, labels: [String], _ glyphs: Glyphs, _ theme: Theme
  ) {
    let axisX = plot.x - 1
    let axisY = plot.maxY
    for yy in plot.y..<plot.maxY { grid.put(axisX, yy, glyphs.box.vertical, theme.axis) }
    for xx in plot.x..<plot.maxX { grid.put(xx, axisY, glyphs.box.horizontal, theme.axis) }
    grid.put(axisX, axisY, glyphs.axisCorner, theme.axis)
    // y ticks: right-aligned labels left of the axis; skip a label whose row is taken.
    var usedRows = Set<Int>()
    for (v, label) in zip(y.ticks, labels) where v >= y.lower && v <= y.upper {
      let row = plot.y + dotY(v, plot) / 4
      guard !usedRows.contains(row), row >= plot.y, row < plot.maxY else { continue }
      usedRows.insert(row)
      grid.put(axisX, row, glyphs.tickY, theme.axis)
      grid.write(label, x: axisX - label.count, y: row, theme.text)
    }
    // x ticks: labels centred under their tick, kept inside the rect, never overlapping.
    var nextFree = rect.x + x.name.count + 1
    grid.write(glyphs.text(x.name), x: rect.x, y: axisY + 1, theme.title)
    for v in x.ticks where v >= x.lower && v <= x.upper {
      let column = plot.x + dotX(v, plot) / 2
      let label = glyphs.text(x.label(v))
      var start = column - label.count / 2
      start = min(max(start, plot.x - 1), rect.maxX - label.count)
      guard start >= nextFree else { continue }
      grid.put(column, axisY, glyphs.tickX, theme.axis)
      grid.write(label, x: start, y: axisY + 1, theme.text)
      nextFree = start + label.count + 1
    }
  }

  /// The legend's size in cells (a border, a swatch and the longest name), nil without names.
  func legendSize(_ glyphs: Glyphs) -> (width: Int, height: Int)? {
    let named = series.filter { !$0.name.isEmpty }
    guard !named.isEmpty else { return nil }
    return ((named.map { glyphs.text($0.name).count }.max() ?? 0) + 4 + 2, named.count + 2)
  }

  /// A place for a `size` legend inside `plot` that covers no cell holding a dot, or nil: the
  /// corner (top right, bottom right, bottom left, top left) when one is free, else the free
  /// place nearest to a corner. A legend bigger than a quarter of the plot is never put inside.
  func emptySpot(_ size: (width: Int, height: Int), plot: Rect, canvas: BrailleCanvas) -> Rect? {
    let (w, h) = size
    guard w <= plot.width, h <= plot.height, w * h * 4 <= plot.width * plot.height else {
      return nil
    }
    // Summed-area table of the cells that hold dots: any rectangle's count in four lookups.
    let cw = plot.width, ch = plot.height
    var sum = [Int](repeating: 0, count: (cw + 1) * (ch + 1))
    for row in 0..<ch {
      var line = 0
      for col in 0..<cw {
        if canvas.mask(col, row) != 0 { line += 1 }
        sum[(row + 1) * (cw + 1) + col + 1] = sum[row * (cw + 1) + col + 1] + line
      }
    }
    func dots(_ col: Int, _ row: Int) -> Int {
      sum[(row + h) * (cw + 1) + col + w] - sum[row * (cw + 1) + col + w]
        - sum[(row + h) * (cw + 1) + col] + sum[row * (cw + 1) + col]
    }
    let corners = [(cw - w, 0), (cw - w, ch - h), (0, ch - h), (0, 0)]
    var best: (col: Int, row: Int, distance: Int)?
    for (i, c) in corners.enumerated() where dots(c.0, c.1) == 0 {
      best = (c.0, c.1, -4 + i)
      break
    }
    if best == nil {
      for row in 0...(ch - h) {
        for col in 0...(cw - w) where dots(col, row) == 0 {
          let d = min(col, cw - w - col) + min(row, ch - h - row)
          if best == nil || d < best!.distance { best = (col, row, d) }
        }
      }
    }
    return best.map { Rect(x: plot.x + $0.col, y: plot.y + $0.row, width: w, height: h) }
  }

  /// Draws the legend box into `box`: a swatch of each named series' colour and its name.
  func drawLegend(_ grid: inout Grid, _ box: Rect, _ glyphs: Glyphs, _ theme: Theme) {
    let named = series.filter { !$0.name.isEmpty }
    grid.fill(box, " ", .plain)
    grid.box(box, style: theme.axis, glyphs: glyphs)
    let swatch: Unicode.Scalar = glyphs.unicode ? "━" : "-"
    for (i, s) in named.enumerated() {
      let row = box.y + 1 + i
      grid.put(box.x + 1, row, swatch, Style(fg: s.color))
      grid.put(box.x + 2, row, swatch, Style(fg: s.color))
      grid.write(glyphs.text(s.name), x: box.x + 4, y: row, theme.text, maxWidth: box.width - 5)
    }
  }

  /// `v` with `decimals` digits after the point; "−" is not used so that labels stay ASCII.
  public static func format(_ v: Double, decimals: Int) -> String {
    if v.isNaN { return "nan" }
    if v == .infinity { return "inf" }
    if v == -.infinity { return "-inf" }
    let s = String(format: "%.\(max(0, decimals))f", v)
    return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
  }
}

extension Grid {
  /// A box with an untitled border in `style`.
  public mutating func box(_ rect: Rect, style: Style, glyphs: Glyphs) {
    box(rect, title: "", style, glyphs: glyphs)
  }
}
