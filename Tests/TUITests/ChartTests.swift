import Testing

@testable import TUI

@Suite struct ChartTests {
  let theme = Theme(glyphs: .unicode, colorMode: .direct)

  /// An axis over [0, 1].
  func unitAxis(_ name: String) -> Axis { Axis(name: name, lower: 0, upper: 1) }

  /// A chart of `series` over the unit square, t across, untitled.
  func unitChart(_ series: [Series]) -> Chart {
    Chart(title: "", x: unitAxis("t"), y: unitAxis(""), series: series)
  }

  @Test("nice ticks are 1, 2 or 5 × 10ᵏ apart and stay inside the range")
  func niceTicks() {
    #expect(Axis.niceTicks(0, 1, maxTicks: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1.0].map { $0 })
    #expect(Axis.niceTicks(-20, 20, maxTicks: 5) == [-20, -10, 0, 10, 20])
    #expect(Axis.niceTicks(0, 0.33, maxTicks: 4) == [0, 0.1, 0.2, 0.3])
    #expect(Axis(name: "", lower: 0, upper: 1).label(0.4) == "0.4")
    #expect(Axis(name: "", lower: -20, upper: 20, maxTicks: 5).label(-10) == "-10")
  }

  /// The line y = x from (0, 0) to (1, 1) on an 8×4 plot: dot columns 0…15 and rows 15…0, so
  /// every cell of the anti-diagonal band holds dots and the corner cells are set.
  @Test("a chart puts axes, labels and the curve where the layout says")
  func layout() {
    var grid = Grid(width: 14, height: 7)
    let chart = Chart(
      title: "T", x: Axis(name: "t", lower: 0, upper: 1, ticks: [0, 1]),
      y: Axis(name: "T", lower: 0, upper: 1, ticks: [0, 1]),
      series: [Series(name: "", color: .default, points: [(0, 0), (1, 1)])])
    let layout = chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    // Label width 1 ("0", "1") + axis column: the plot starts at x = 2, below the title row.
    #expect(layout.plot == Rect(x: 2, y: 1, width: 12, height: 4))
    #expect(layout.hasAxes)
    let lines = grid.lines
    #expect(lines[0] == "T")
    #expect(lines[1].hasPrefix("1┤"))
    #expect(lines[4].hasPrefix("0┤"))
    #expect(lines[5].hasPrefix(" └┬"))
    #expect(lines[5].hasSuffix("┬"))
    #expect(lines[6].hasPrefix("t 0"))
    #expect(lines[6].hasSuffix("1"))
    // Bottom-left dot (0, 15) is dx0 dy3 = 0x40; top-right dot (23, 0) is dx1 dy0 = 0x08.
    #expect((grid[2, 4].char.value - 0x2800) & 0x40 != 0)
    #expect((grid[13, 1].char.value - 0x2800) & 0x08 != 0)
    // The line crosses every plot column.
    for x in 2..<14 {
      #expect((1...4).contains { grid[x, $0].char.value >= 0x2801 }, "column \(x) has no dots")
    }
  }

  /// Plot 12×4 cells (24×16 dots) as in `layout`: x = 0.5 is dot column round(0.5·23) = 12,
  /// cell 6; y = 0.5 is dot row round(0.5·15) = 8, cell row 2; a 3-dot tick covers rows 7…9,
  /// cells 1 and 2. A y above the axis is held at the top: rows 0…2, cell 0.
  @Test("marks are vertical ticks at their points, held inside the plot, not in the legend")
  func marks() {
    var grid = Grid(width: 14, height: 7)
    let red = Color(255, 0, 0)
    var chart = Chart(
      title: "T", x: Axis(name: "t", lower: 0, upper: 1, ticks: [0, 1]),
      y: Axis(name: "T", lower: 0, upper: 1, ticks: [0, 1]), series: [])
    chart.marks = [Series(name: "levels", color: red, points: [(0.5, 0.5), (0.25, 7)])]
    let layout = chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    #expect(layout.legend == nil)
    let p = layout.plot
    let cells = (0..<p.height).flatMap { row in
      (0..<p.width).filter { grid[p.x + $0, p.y + row].style.fg == red }.map { ($0, row) }
    }
    // 0.25 → dot column round(0.25·23) = 6, cell 3.
    #expect(cells.map { "\($0.0),\($0.1)" }.sorted() == ["3,0", "6,1", "6,2"])
  }

  @Test("the legend takes the emptiest corner and hides when it would cover > 1/4 of the plot")
  func legend() {
    var grid = Grid(width: 40, height: 14)
    var chart = unitChart([Series(name: "a", color: .default, points: [(0, 1), (1, 0)])])
    // γ = 1 − t runs from top-left to bottom-right: the top-right corner is empty.
    let layout = chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    let legend = try! #require(layout.legend)
    #expect(legend.maxX == layout.plot.maxX)
    #expect(legend.y == layout.plot.y)
    chart.series[0].name = String(repeating: "x", count: 30)
    var small = Grid(width: 40, height: 14)
    #expect(
      chart.draw(into: &small, rect: small.bounds, glyphs: .unicode, theme: theme.chart)
        .legend == nil)
  }

  /// Every cell that holds a braille dot without the legend holds the same dot with it.
  func dotsKept(_ chart: Chart, width: Int, height: Int) -> (Chart.Layout, [String]) {
    var bare = chart
    bare.showLegend = false
    var without = Grid(width: width, height: height)
    let bareLayout = bare.draw(
      into: &without, rect: without.bounds, glyphs: .unicode, theme: theme.chart)
    var with = Grid(width: width, height: height)
    let layout = chart.draw(into: &with, rect: with.bounds, glyphs: .unicode, theme: theme.chart)
    var lost: [String] = []
    // Compare only where both drew the same plot (an outside legend narrows it).
    guard layout.plot == bareLayout.plot else { return (layout, lost) }
    for y in 0..<height {
      for x in 0..<width {
        let c = without[x, y].char.value
        if c > 0x2800, c < 0x2900, with[x, y].char != without[x, y].char {
          lost.append("(\(x), \(y))")
        }
      }
    }
    return (layout, lost)
  }

  /// y = x and y = 1 − x cross every corner; the wedge between them at the left is empty.
  @Test("with every corner crossed, the legend goes where the plot is empty and covers no dot")
  func legendFindsEmptyPlace() throws {
    let chart = unitChart([
      Series(name: "up", color: Color(255, 0, 0), points: [(0, 0), (1, 1)]),
      Series(name: "down", color: Color(0, 0, 255), points: [(0, 1), (1, 0)]),
    ])
    let (layout, lost) = dotsKept(chart, width: 60, height: 20)
    let legend = try #require(layout.legend)
    #expect(lost.isEmpty, "the legend covers dots at \(lost)")
    // Inside the plot, away from the corners: in the left or right wedge, around mid-height.
    #expect(legend.x >= layout.plot.x && legend.maxX <= layout.plot.maxX)
    #expect(legend.y > layout.plot.y && legend.maxY < layout.plot.maxY)
  }

  /// Lines at every row leave no empty place: the legend moves beside the plot.
  @Test("a plot with no empty place gets its legend beside it, never on top of a curve")
  func legendOutside() throws {
    let lines = (0...12).map { i in
      Series(name: "s\(i)", color: .default, points: [(0, Double(i) / 12), (1, Double(i) / 12)])
    }
    let chart = unitChart(
      Array(lines.prefix(4)) + lines.dropFirst(4).map {
        Series(name: "", color: $0.color, points: $0.points)
      })
    var grid = Grid(width: 60, height: 20)
    let layout = chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    let legend = try #require(layout.legend)
    #expect(legend.x > layout.plot.maxX - 1)
    #expect(legend.maxX <= 60)
    #expect(grid.lines[legend.y + 1].contains("━━ s0"))
  }

  @Test("a tiny area drops the axes but still plots")
  func tiny() {
    var grid = Grid(width: 6, height: 3)
    let chart = unitChart([Series(name: "", color: .default, points: [(0, 0.5), (1, 0.5)])])
    let layout = chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    #expect(!layout.hasAxes)
    #expect(grid.lines.joined().unicodeScalars.contains { $0.value >= 0x2800 && $0.value < 0x2900 })
  }

  @Test("an infinite value leaves through the top edge instead of breaking the curve")
  func infinity() {
    var grid = Grid(width: 4, height: 2)
    let chart = Chart(
      title: "", x: Axis(name: "", lower: 0, upper: 1), y: Axis(name: "", lower: 0, upper: 1),
      series: [Series(name: "", color: .default, points: [(0, .infinity), (0.01, 0.0)])])
    chart.draw(into: &grid, rect: grid.bounds, glyphs: .unicode, theme: theme.chart)
    // The plot is the whole 4×2 area (no axes): the segment runs down the first dot column.
    #expect(grid[0, 0].char == "⡇")
    #expect(grid[0, 1].char == "⡇")
  }
}

@Suite struct HalfBlockTests {
  @Test("area averaging of a 4×2 image to 2×1 averages each 2×2 block")
  func areaAverage() {
    let grey: [Float] = [0, 1, 0.5, 0.5, 1, 0, 0.25, 0.75]
    let p = Picture(width: 4, height: 2, grey: grey).fitted(width: 2, height: 1)
    #expect(p.rgb[0] == 0.5)  // (0 + 1 + 1 + 0) / 4
    #expect(p.rgb[3] == 0.5)  // (0.5 + 0.5 + 0.25 + 0.75) / 4
  }

  @Test("a 3→2 downsample weights the shared middle pixel by half")
  func fractionalAverage() {
    let p = Picture(width: 3, height: 1, grey: [0, 1, 0.5]).fitted(width: 2, height: 1)
    // Output 0 covers [0, 1.5): (1·0 + 0.5·1) / 1.5; output 1 covers [1.5, 3): (0.5·1 + 1·0.5)/1.5.
    #expect(abs(p.rgb[0] - 1.0 / 3) < 1e-6)
    #expect(abs(p.rgb[3] - 2.0 / 3) < 1e-6)
  }

  @Test("in colour, ▀ carries the upper pixel as foreground and the lower as background")
  func colourCells() {
    let p = Picture(width: 1, height: 2, rgb: [1, 0, 0, 0, 0, 1])
    var g = Grid(width: 1, height: 1)
    HalfBlock.draw(p, into: &g, rect: g.bounds, mode: .xterm256, unicode: true)
    #expect(g[0, 0].char == "▀")
    #expect(g[0, 0].style.fg == Color(255, 0, 0))
    #expect(g[0, 0].style.bg == Color(0, 0, 255))
  }

  @Test("without colour, brightness becomes shade characters (ASCII without UTF-8)")
  func shades() {
    let p = Picture(width: 3, height: 2, grey: [0, 0.55, 1, 0, 0.55, 1])
    var g = Grid(width: 3, height: 1)
    HalfBlock.draw(p, into: &g, rect: g.bounds, mode: .none, unicode: true)
    #expect(g.line(0) == " ▒█")
    HalfBlock.draw(p, into: &g, rect: g.bounds, mode: .basic8, unicode: false)
    #expect(g.line(0) == " +@")
  }
}
