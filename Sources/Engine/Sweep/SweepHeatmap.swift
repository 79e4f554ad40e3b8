import Schedules
/// Draws a sweep's table as a heat map: a panel per schedule family (and t-sampling, when the
/// grid has more than uniform), rows b, columns resolution.
///
/// Colour is the table's number (Fréchet distance, or bits/dim: ``SweepRanking``) ranked within its column (each resolution is its own
/// experiment, so absolute distances are not comparable across columns): the best cell is bright
/// yellow, the worst dark purple (viridis ends), failed and copying cells grey, cells not yet run black. The
/// best cell of each column gets a black frame. Every cell carries its number.
public struct SweepHeatmap {
  public let width: Int
  public let height: Int
  /// Interleaved RGB, 8 bits a channel, row-major from the top.
  public private(set) var rgb: [UInt8]

  static let cellW = 72, cellH = 30, scale = 2, margin = 12
  static let labelW = 70, titleH = 26, headerH = 20, footerH = 24

  /// The grid's heat map: a panel per family and t-sampling.
  public init(table: SweepTable, grid: SweepGrid) {
    self.init(
      table: table, families: grid.families, resolutions: grid.resolutions,
      tSamplings: grid.tSamplings)
  }

  public init(
    table: SweepTable, families: [SweepFamily], resolutions: [Int],
    tSamplings: [TimestepSampling] = [.uniform]
  ) {
    let nR = table.scales.count, nC = resolutions.count
    // One panel per family × t-sampling, titled by the family and, when there is more than
    // uniform, the sampling's name.
    let shows = tSamplings != [.uniform]
    let panels = families.flatMap { f in tSamplings.map { (family: f, sampling: $0) } }
    func title(_ p: (family: SweepFamily, sampling: TimestepSampling)) -> String {
      shows ? "\(p.family) \(p.sampling.name)" : "\(p.family)"
    }
    // Wide enough for the longest panel title above its columns.
    let titleW = panels.map { PixelFont.width(of: title($0), scale: Self.scale) }.max() ?? 0
    let panelW = Self.labelW + max(nC * Self.cellW, titleW + 4)
    let panelH = Self.titleH + Self.headerH + nR * Self.cellH
    let legend =
      (table.ranking == .frechetDistance
        ? "frechet distance to held-out digits" : "held-out bits/dim (no classifier)")
      + " (lower is better). framed: best b per column. grey: failed or copying."
      + (table.runCounts.joined().contains { (1..<table.repeats).contains($0) }
        ? " striped: not all runs finished." : "")
    width = max(
      Self.margin + panels.count * (panelW + Self.margin),
      2 * Self.margin + PixelFont.width(of: legend, scale: Self.scale))
    height = 2 * Self.margin + panelH + Self.footerH
    rgb = [UInt8](repeating: 255, count: width * height * 3)
    text(legend, x: Self.margin, y: Self.margin + panelH + 8, color: (60, 60, 60))
    let best = table.bestRow
    for (fi, panel) in panels.enumerated() {
      let x0 = Self.margin + fi * (panelW + Self.margin), y0 = Self.margin
      text(title(panel), x: x0 + Self.labelW, y: y0 + 4, color: (0, 0, 0))
      for (ci, r) in resolutions.enumerated() {
        text("\(r)×\(r)", x: x0 + Self.labelW + ci * Self.cellW + 8, y: y0 + Self.titleH,
             color: (0, 0, 0))
      }
      for (ri, b) in table.scales.enumerated() {
        let cy = y0 + Self.titleH + Self.headerH + ri * Self.cellH
        text("b=\(b)", x: x0 + 4, y: cy + 10, color: (0, 0, 0))
        for (ci, r) in resolutions.enumerated() {
          guard
            let col = table.columns.firstIndex(where: {
              $0.resolution == r && $0.family == panel.family && $0.tSampling == panel.sampling
            })
          else { continue }
          let cx = x0 + Self.labelW + ci * Self.cellW
          let value = table.values[ri][col]
          let fill: (UInt8, UInt8, UInt8)
          let label: String
          if let v = value, v.failed || v.copying {
            fill = (150, 150, 150)
            label = v.failed ? "failed" : "copying"
          } else if let v = value {
            fill = Self.viridis(Self.rank(of: v.mean, in: table, column: col))
            // As the table prints it, but one decimal from 100 up (the cell is 72 pixels wide).
            let digits = v.mean < 10 && table.ranking == .bitsPerDim ? 3 : v.mean < 100 ? 2 : 1
            label = SweepTable.fixed(v.mean, digits)
          } else {
            fill = (20, 20, 20)
            label = ""
          }
          rect(x: cx + 1, y: cy + 1, w: Self.cellW - 2, h: Self.cellH - 2, color: fill)
          if best[col] == ri { frame(x: cx, y: cy, w: Self.cellW, h: Self.cellH) }
          let lum = 0.3 * Double(fill.0) + 0.6 * Double(fill.1) + 0.1 * Double(fill.2)
          let ink: (UInt8, UInt8, UInt8) = lum > 128 ? (0, 0, 0) : (255, 255, 255)
          // A cell averaging only part of its runs is striped in its ink (a partial merge).
          if table.isPartial(ri, col) { stripes(x: cx + 3, y: cy + 3, w: Self.cellW - 6, h: Self.cellH - 6, color: ink) }
          let tw = PixelFont.width(of: label, scale: Self.scale)
          text(label, x: cx + (Self.cellW - tw) / 2, y: cy + 10, color: ink)
        }
      }
    }
  }

  /// The heat map as an RGB ``Image`` with samples in [0, 1], ready for ``PNG/write(_:to:)``.
  public var image: Image {
    Image(width: width, height: height, channels: 3, pixels: rgb.map { Float($0) / 255 })
  }

  /// 1 for the column's best (lowest) non-failed mean, 0 for its worst.
  static func rank(of value: Double, in table: SweepTable, column: Int) -> Double {
    let means = table.values.compactMap { $0[column] }.filter { !$0.failed && !$0.copying }
      .map(\.mean)
    guard let lo = means.min(), let hi = means.max(), hi > lo else { return 1 }
    return (hi - value) / (hi - lo)
  }

  /// A five-stop piecewise-linear approximation of matplotlib's viridis.
  static func viridis(_ x: Double) -> (UInt8, UInt8, UInt8) {
    let stops: [(Double, Double, Double)] = [
      (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ]
    let p = min(max(x, 0), 1) * Double(stops.count - 1)
    let i = min(Int(p), stops.count - 2), f = p - Double(i)
    let a = stops[i], b = stops[i + 1]
    return (UInt8(a.0 + (b.0 - a.0) * f), UInt8(a.1 + (b.1 - a.1) * f), UInt8(a.2 + (b.2 - a.2) * f))
  }

  mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let i = (y * width + x) * 3
    rgb[i] = c.0
    rgb[i + 1] = c.1
    rgb[i + 2] = c.2
  }

  mutating func rect(x: Int, y: Int, w: Int, h: Int, color: (UInt8, UInt8, UInt8)) {
    for yy in y..<(y + h) { for xx in x..<(x + w) { set(xx, yy, color) } }
  }

  /// Diagonal lines every 8 pixels across a rectangle.
  mutating func stripes(x: Int, y: Int, w: Int, h: Int, color: (UInt8, UInt8, UInt8)) {
    for yy in 0..<h {
      for xx in 0..<w where (xx + yy) % 8 == 0 { set(x + xx, y + yy, color) }
    }
  }

  mutating func frame(x: Int, y: Int, w: Int, h: Int) {
    for t in 0..<3 {
      for xx in x..<(x + w) {
        set(xx, y + t, (0, 0, 0))
        set(xx, y + h - 1 - t, (0, 0, 0))
      }
      for yy in y..<(y + h) {
        set(x + t, yy, (0, 0, 0))
        set(x + w - 1 - t, yy, (0, 0, 0))
      }
    }
  }

  mutating func text(_ s: String, x: Int, y: Int, color: (UInt8, UInt8, UInt8)) {
    var points: [(Int, Int)] = []
    PixelFont.draw(s, x: x, y: y, scale: Self.scale) { points.append(($0, $1)) }
    for (px, py) in points { set(px, py, color) }
  }
}
