import Engine
import Foundation
import Schedules

/// The runs screen (5): the list of runs at the left; at the right the comparison of the
/// marked runs — a table of their numbers, their loss curves, their loss per logSNR bin over
/// each schedule's density p(λ), and their sample grids side by side.
///
/// At 80×24 the list, the table and the loss curves fit; the per-bin panel needs 100 columns
/// and the samples 8 free rows, and are hidden (never squeezed) below that.
extension Renderer {
  func runsScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let runs = state.runs
    let listWidth = body.width >= 160 ? 46 : body.width >= 110 ? 40 : 32
    let (left, right) = body.splitLeft(listWidth)
    runsListPanel(state, &grid, left)
    let compared = runs.compared
    guard !compared.isEmpty else {
      var lines = [
        "No finished run in \(runs.folder) yet.",
        "s trains the current schedule with",
        "screen 3's setup; S queues one run per",
        "pin and the current schedule.",
        "Each run is saved in \(runs.folder)/.",
      ]
      if let q = state.queue, state.training?.isActive == true {
        lines.append("Training \(q.progressText) now: see screen 3.")
      }
      notice(&grid, right, title: "Compare", lines: lines)
      return
    }
    // The table: one row per compared run, under a header.
    let (tableBox, rest) = right.splitTop(min(compared.count, max(1, right.height / 3)) + 3)
    runsTable(runs, compared, &grid, tableBox)
    // Charts take 60 % of what is left (at least 8 rows); samples get the rest if it is 8 rows.
    let chartHeight = rest.height - 8 >= 8 ? max(8, rest.height * 3 / 5) : rest.height
    let (charts, samplesArea) = rest.splitTop(chartHeight)
    if charts.height >= 6 {
      if charts.width >= 70 {
        // Two columns apart, so the left chart's last tick label cannot run into the right's.
        let (lossArea, rest) = charts.splitLeft(charts.width / 2)
        runsLossChart(runs, compared, &grid, lossArea)
        let (binArea, scoreArea) = runsScoreSplit(compared, rest.splitLeft(2).1)
        runsBinCharts(runs, compared, &grid, binArea)
        if let scoreArea { runsScoreChart(runs, compared, &grid, scoreArea) }
      } else {
        runsLossChart(runs, compared, &grid, charts)
      }
    }
    if samplesArea.height >= 6 { runsSamples(runs, compared, &grid, samplesArea) }
  }

  func runsListPanel(_ state: AppState, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    let runs = state.runs
    let title =
      runs.entries.isEmpty ? "Runs" : "Runs (\(runs.entries.count), \(runs.marked.count) marked)"
    grid.box(r, title: title, theme.focusedBorder, glyphs: g)
    let inner = Rect(x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 2)
    var y = inner.y
    // The queue first: what is training and what waits, greyed.
    if let q = state.queue, state.training?.isActive == true {
      for (i, item) in q.items.enumerated() where i >= q.position && y < inner.maxY {
        let mark = i == q.position ? (g.unicode ? "▶" : ">") : " "
        let text = i == q.position ? " training " : " queued   "
        let color = item.colorIndex.map(Theme.pinColor) ?? Theme.current
        grid.write(mark, x: inner.x, y: y, Style(fg: color, bg: .default, .bold))
        let c = grid.write(text, x: inner.x + 1, y: y, theme.dim)
        grid.write(g.text(item.name), x: c, y: y, theme.dim, maxWidth: inner.maxX - c)
        y += 1
      }
    }
    if runs.reading, y < inner.maxY {
      grid.write(
        g.text("reading \(runs.folder)…"), x: inner.x, y: y, theme.dim, maxWidth: inner.width)
      y += 1
    }
    // The folders left out, each named with its reason, below the runs: up to half the panel
    // (at least 2 lines), scrolled with [ ].
    let problemLines = problemLines(runs, width: inner.width)
    let problemRows = problemLines.isEmpty ? 0 : min(problemLines.count, max(2, (inner.maxY - y) / 2))
    // Rows visible: scrolled so the selection shows.
    let rows = max(0, inner.maxY - y - problemRows)
    let first = rows == 0 ? 0 : max(0, min(runs.selected - rows + 1, runs.entries.count - rows))
    for (i, e) in runs.entries.enumerated().dropFirst(first).prefix(rows) {
      let selected = i == runs.selected
      let style = selected ? theme.selected : theme.text
      let box = runs.isMarked(e) ? (g.unicode ? "■" : "#") : (g.unicode ? "□" : ".")
      grid.write(box, x: inner.x, y: y, Style(fg: runs.color(of: e), bg: .default, .bold))
      let fd = e.record.summary.frechetDistance.map { Renderer.figure($0, decimals: 2) } ?? "—"
      let right = " " + g.text(fd)
      let nameWidth = inner.width - 2 - right.count
      let name = g.text(e.name)
      let shown = name.count > nameWidth ? String(name.prefix(max(0, nameWidth - 1))) + "…" : name
      let padded = shown.padding(toLength: max(0, nameWidth), withPad: " ", startingAt: 0)
      grid.write(" " + g.text(padded) + right, x: inner.x + 1, y: y, style)
      addTarget(Rect(x: inner.x, y: y, width: inner.width, height: 1), .runRow(i))
      y += 1
    }
    var shown = Array(problemLines.prefix(problemRows))
    if problemLines.count > problemRows, let last = shown.indices.last {
      shown[last] = "… \(runs.problems.count) left out in all: ] [ scroll"
    }
    for (i, line) in shown.enumerated() where problemRows > 0 {
      let row = inner.maxY - problemRows + i
      guard row >= inner.y else { continue }
      grid.write(g.text(line), x: inner.x, y: row, theme.error, maxWidth: inner.width)
    }
  }

  /// The problems from ``RunsList/problemsShown`` on, each wrapped to `width` (a word longer
  /// than the line is cut across lines, not off), the first one of each headed "!".
  func problemLines(_ runs: RunsList, width: Int) -> [String] {
    guard width > 2 else { return [] }
    var lines: [String] = []
    for problem in runs.problems.dropFirst(runs.problemsShown) {
      var pieces: [String] = []
      for line in wrap(problem.description, width: width - 2) {
        var rest = Substring(line)
        while rest.count > width - 2 {
          pieces.append(String(rest.prefix(width - 2)))
          rest = rest.dropFirst(width - 2)
        }
        pieces.append(String(rest))
      }
      for (i, piece) in pieces.enumerated() { lines.append((i == 0 ? "! " : "  ") + piece) }
    }
    return lines
  }

  /// Final loss, held-out distance, copy rate, speed and time of each compared run.
  func runsTable(_ runs: RunsList, _ compared: [RunEntry], _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    let title = r.width >= 56 ? "Compared (Space marks, e exports, Enter loads)" : "Compared"
    grid.box(r, title: title, theme.border, glyphs: g)
    let inner = Rect(x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 2)
    // Right-aligned number columns; the name takes what is left.
    let columns: [(String, Int)] = [
      ("side", 5), ("steps", 6), ("loss", 8), ("distance", 9), ("bits/dim", 9), ("copies", 7),
      ("ex/s", 7),
      ("time", 7),
    ]
    var fit: [(String, Int)] = []
    var used = 14
    for c in columns where used + c.1 <= inner.width {
      fit.append(c)
      used += c.1
    }
    let nameWidth = inner.width - fit.reduce(0) { $0 + $1.1 }
    func row(_ y: Int, name: String, cells: [String], color: Color?, style: Style) {
      var x = inner.x
      if let color {
        grid.write(g.unicode ? "■" : "#", x: x, y: y, Style(fg: color, bg: .default, .bold))
      }
      x += 2
      grid.write(g.text(name), x: x, y: y, style, maxWidth: nameWidth - 3)
      x = inner.x + nameWidth
      for (c, text) in zip(fit, cells) {
        let t = g.text(text)
        grid.write(t, x: x + c.1 - t.count, y: y, style)
        x += c.1
      }
    }
    row(inner.y, name: "run", cells: fit.map(\.0), color: nil, style: theme.dim)
    for (i, e) in compared.enumerated() where inner.y + 1 + i < inner.maxY {
      let s = e.record.summary
      let cells = [
        "\(s.config.resolution)²", "\(s.steps)",
        s.finalLoss.isFinite ? String(format: "%.4g", s.finalLoss) : "—",
        s.frechetDistance.map { Renderer.figure($0, decimals: 2) } ?? "—", Renderer.bitsPerDim(s),
        s.copyRate.map { String(format: "%.0f%%", 100 * $0) } ?? "—",
        Renderer.figure(s.examplesPerSecond, decimals: 0), Renderer.clock(s.trainSeconds),
      ]
      row(
        inner.y + 1 + i, name: e.name, cells: Array(cells.prefix(fit.count)),
        color: runs.color(of: e), style: theme.text)
    }
  }

  /// Each run's logged loss, smoothed (a moving average over 1/25 of the points), log scale.
  func runsLossChart(_ runs: RunsList, _ compared: [RunEntry], _ grid: inout Grid, _ r: Rect) {
    var series: [Series] = []
    var maxStep = 1.0
    for e in compared {
      let points = Renderer.smoothed(e.record.losses.map { (Double($0.step), $0.loss) })
      maxStep = max(maxStep, points.last?.x ?? 1)
      series.append(
        Series(
          name: e.name, color: runs.color(of: e),
          points: points.map { ($0.x, $0.y > 0 ? Foundation.log10($0.y) : -.infinity) }))
    }
    let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
    let lo = ((ys.min() ?? -2) * 4).rounded(.down) / 4
    let hi = ((ys.max() ?? 0) * 4).rounded(.up) / 4
    let chart = Chart(
      title: "log10 loss (smoothed)", x: Axis(name: "step", lower: 0, upper: maxStep),
      y: Axis(name: "", lower: lo, upper: max(hi, lo + 0.25), maxTicks: 5), series: series)
    draw(chart, &grid, r, overT: false)
  }

  /// One series a compared run, in its colour: log10 of a positive value measured over a span
  /// of λ (a bin, or a single λ when `low == high`), at the span's middle (−∞ for a value of 0);
  /// and the λ range the spans cover.
  static func log10ByLogSNR(
    _ runs: RunsList, _ compared: [RunEntry],
    _ values: (RunEntry) -> [(low: Double, high: Double, value: Double)]
  ) -> (series: [Series], lo: Double, hi: Double) {
    var lo = Double.infinity
    var hi = -Double.infinity
    let series = compared.map { e in
      let spans = values(e)
      for s in spans {
        lo = min(lo, s.low)
        hi = max(hi, s.high)
      }
      return Series(
        name: e.name, color: runs.color(of: e),
        points: spans.map { ((($0.low + $0.high) / 2), $0.value > 0 ? Foundation.log10($0.value) : -.infinity) })
    }
    return (series, lo, hi)
  }

  /// The loss per logSNR bin of each run (over its last 20 % of steps) above the density p(λ)
  /// each run's schedule trained with, on the same λ axis: where a schedule puts its examples
  /// and how hard the model finds them there.
  func runsBinCharts(_ runs: RunsList, _ compared: [RunEntry], _ grid: inout Grid, _ r: Rect) {
    let (bins, lo, hi) = Renderer.log10ByLogSNR(runs, compared) { e in
      e.record.summary.lossByLogSNR.map { ($0.logSNRLow, $0.logSNRHigh, $0.meanLoss) }
    }
    let densities = compared.compactMap { e in
      curves(e.setting, samples: 200).map {
        Series(name: e.name, color: runs.color(of: e), points: $0.density)
      }
    }
    guard lo < hi else {
      notice(&grid, r, title: "Loss per logSNR", lines: ["No per-bin losses in these runs."])
      return
    }
    let range = lo...hi
    let (top, bottom) = r.splitTop(r.height * 11 / 20)
    drawLog10(
      "log10 loss per logSNR bin", bins, x: Axis(name: "", lower: lo, upper: hi), whenEmpty: -2,
      maxTicks: 4, &grid, top)
    var densityChart = Chart(
      title: "p(λ) of each schedule", x: Axis(name: "logSNR λ", lower: lo, upper: hi),
      y: Axis(
        name: "", lower: 0, upper: Curves.densityTop(densities.map(\.points), within: range),
        maxTicks: 3),
      series: densities)
    densityChart.showLegend = false
    if bottom.height >= 5 { draw(densityChart, &grid, bottom, overT: false) }
  }

  /// The compared runs' sample grids side by side, each at the size its digits read best: the
  /// first rows and columns of `samples.png` that fit, a pixel per cell across.
  func runsSamples(_ runs: RunsList, _ compared: [RunEntry], _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    let withSamples = compared.filter { $0.record.samples != nil }
    guard !withSamples.isEmpty else { return }
    let count = min(withSamples.count, max(1, r.width / 14))
    let slot = r.width / count
    for (k, e) in withSamples.prefix(count).enumerated() {
      let box = Rect(x: r.x + k * slot, y: r.y, width: slot, height: r.height)
      grid.box(box, title: e.name, Style(fg: runs.color(of: e)), glyphs: g)
      let inner = Rect(x: box.x + 1, y: box.y + 1, width: box.width - 2, height: box.height - 2)
      guard let picture = sampleCrop(e, width: inner.width, height: inner.height) else {
        continue
      }
      HalfBlock.draw(
        picture, into: &grid,
        rect: Rect(x: inner.x, y: inner.y, width: picture.width, height: picture.height / 2),
        mode: theme.colorMode, unicode: g.unicode)
    }
  }

  /// ``sampleCrop(_:resolution:width:height:)`` of a run's samples, cached.
  func sampleCrop(_ e: RunEntry, width: Int, height: Int) -> Picture? {
    guard let image = e.record.samples, width >= 4, height >= 2 else { return nil }
    let key = "\(e.record.folder)|\(width)x\(height)"
    if let p = runPictures[key] { return p }
    let p = Renderer.sampleCrop(
      image, resolution: e.record.summary.config.resolution, width: width, height: height)
    if runPictures.count > 64 { runPictures.removeAll() }
    runPictures[key] = p
    return p
  }

  /// The top-left tiles of a `samples.png` grid (``SampleGrid``: 1-pixel gaps, each image
  /// enlarged to at least 32 px) that fit `width × height` cells, 9 to 17 pixels a tile
  /// (at most the image's side + 1): width × 2·height pixels, for half-blocks.
  static func sampleCrop(_ image: Image, resolution: Int, width: Int, height: Int) -> Picture? {
    let scale = max(1, 32 / max(resolution, 1))
    let cell = resolution * scale + 1
    let columnsInFile = (image.width - 1) / cell
    let rowsInFile = (image.height - 1) / cell
    guard columnsInFile > 0, rowsInFile > 0 else { return nil }
    // The largest tile (17 down to 9 pixels, never above the image's own side + 1) that still
    // shows two rows of three; else the smallest, for as many as fit.
    let largest = min(max(resolution + 1, 9), 17)
    let tile =
      stride(from: largest, through: 9, by: -1).first { t in
        min(columnsInFile, width / t) >= 3 && min(rowsInFile, 2 * height / t) >= 2
      } ?? 9
    let columns = min(columnsInFile, max(1, width / tile))
    let rows = min(rowsInFile, max(1, 2 * height / tile))
    let picture = Picture(image)
    let cropW = min(image.width, columns * cell + 1)
    let cropH = min(image.height, rows * cell + 1)
    var rgb = [Float](repeating: 0, count: cropW * cropH * 3)
    for y in 0..<cropH {
      for x in 0..<cropW {
        for c in 0..<3 { rgb[3 * (y * cropW + x) + c] = picture.rgb[3 * (y * image.width + x) + c] }
      }
    }
    let w = min(width, columns * tile)
    let h = min(2 * height, rows * tile) / 2 * 2
    guard w > 0, h > 0 else { return nil }
    return Picture(width: cropW, height: cropH, rgb: rgb).fitted(width: w, height: h)
  }

  /// A moving average over a window of 1/25 of the points (at least 1): the curve's trend
  /// without its step-to-step noise; the window shrinks at the ends.
  static func smoothed(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
    let half = points.count / 50
    guard half > 0 else { return points }
    var prefix = [0.0]
    for p in points { prefix.append(prefix.last! + p.y) }
    return points.indices.map { i in
      let a = max(0, i - half)
      let b = min(points.count - 1, i + half)
      return (points[i].x, (prefix[b + 1] - prefix[a]) / Double(b - a + 1))
    }
  }
}
