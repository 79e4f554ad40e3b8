import Foundation
import Engine
import Schedules

/// The explorer's three plots as a figure for papers and notes (the paper's Figures 3 and 5):
/// γ(t), logSNR(t) and the density of logSNR under training's t-sampling (t ~ U(0, 1) unless
/// told), side by side, with axes, ticks,
/// a shared legend below, for any number of settings. Drawn once as layout against
/// ``FigureCanvas``, then written as SVG (``svg(_:width:height:)``) or rasterised
/// (``raster(_:width:height:)``, 1-bit text from ``FigureFont``, anti-aliased lines).
public enum Figure {
  /// One curve family of the figure.
  public struct Entry: Sendable {
    public var name: String
    public var setting: Setting
    public var color: Color
    public init(name: String, setting: Setting, color: Color) {
      (self.name, self.setting, self.color) = (name, setting, color)
    }
  }

  /// Colours for a white background: the explorer's pin colours, darkened a little.
  public static func color(_ i: Int) -> Color {
    let c = Theme.pinColor(i)
    return Color(UInt8(Double(c.r) * 0.8), UInt8(Double(c.g) * 0.8), UInt8(Double(c.b) * 0.8))
  }

  /// Draws the figure onto `canvas` of `width × height`.
  static func layout(
    _ entries: [Entry], width: Double, height: Double, sampling: TimestepSampling = .uniform,
    on canvas: inout some FigureCanvas
  ) {
    let black = Color(0, 0, 0)
    let grey = Color(120, 120, 120)
    canvas.rect(x: 0, y: 0, width: width, height: height, fill: Color(255, 255, 255))
    let sampled = entries.compactMap { e in Curves.sample(e.setting, samples: 600, sampling: sampling).map { (e, $0) } }
    // The legend: rows of swatch + name under the panels.
    let legendColumns = max(1, Int(width / 330))
    let legendRows = (sampled.count + legendColumns - 1) / legendColumns
    let legendHeight = Double(legendRows) * 18 + 10
    let panelWidth = width / 3
    let panelHeight = height - legendHeight
    let range = Curves.logSNRBounds(sampled.map(\.1))
    let densityTop = Curves.densityTop(sampled.map(\.1.density), within: range)
    let panels: [(String, Axis, Axis, (CurveSet) -> [(x: Double, y: Double)])] = [
      ("γ(t)", Axis(name: "t", lower: 0, upper: 1), Axis(name: "γ", lower: 0, upper: 1), \.gamma),
      (
        "logSNR(t)", Axis(name: "t", lower: 0, upper: 1),
        Axis(name: "logSNR", lower: range.lowerBound, upper: range.upperBound, maxTicks: 5),
        \.logSNR
      ),
      (
        "density of logSNR, \(Curves.samplingText(sampling))",
        Axis(name: "logSNR", lower: range.lowerBound, upper: range.upperBound, maxTicks: 9),
        Axis(name: "p", lower: 0, upper: densityTop, maxTicks: 5), \.density
      ),
    ]
    for (i, (title, xAxis, yAxis, curve)) in panels.enumerated() {
      let left = Double(i) * panelWidth + 58
      let right = Double(i + 1) * panelWidth - 14
      let top = 30.0
      let bottom = panelHeight - 40
      func px(_ v: Double) -> Double {
        left + (v - xAxis.lower) / (xAxis.upper - xAxis.lower) * (right - left)
      }
      func py(_ v: Double) -> Double {
        let f = (v - yAxis.lower) / (yAxis.upper - yAxis.lower)
        return bottom - max(-0.5, min(1.5, f.isNaN ? 0 : f)) * (bottom - top)
      }
      canvas.text(title, x: (left + right) / 2, y: 18, anchor: .middle, color: black)
      for v in yAxis.ticks {
        canvas.line([(left, py(v)), (right, py(v))], color: Color(232, 232, 232), width: 1)
        canvas.text(yAxis.label(v), x: left - 6, y: py(v) + 4, anchor: .end, color: black)
      }
      for v in xAxis.ticks {
        canvas.line([(px(v), bottom), (px(v), bottom + 4)], color: black, width: 1)
        canvas.text(xAxis.label(v), x: px(v), y: bottom + 17, anchor: .middle, color: black)
      }
      canvas.text(xAxis.name, x: (left + right) / 2, y: bottom + 33, anchor: .middle, color: grey)
      canvas.clip(x: left, y: top, width: right - left, height: bottom - top) { c in
        for (entry, curves) in sampled {
          var run: [(Double, Double)] = []
          for p in curve(curves) {
            guard p.x.isFinite, !p.y.isNaN else {
              if run.count > 1 { c.line(run, color: entry.color, width: 2) }
              run.removeAll()
              continue
            }
            run.append((px(p.x), py(p.y)))
          }
          if run.count > 1 { c.line(run, color: entry.color, width: 2) }
        }
      }
      canvas.line([(left, top), (left, bottom), (right, bottom)], color: black, width: 1)
    }
    for (i, (entry, _)) in sampled.enumerated() {
      let x = Double(i % legendColumns) * (width / Double(legendColumns)) + 58
      let y = panelHeight + Double(i / legendColumns) * 18 + 12
      canvas.line([(x, y - 4), (x + 24, y - 4)], color: entry.color, width: 3)
      canvas.text(entry.name, x: x + 30, y: y, anchor: .start, color: black)
    }
  }

  /// The figure as an SVG document.
  public static func svg(
    _ entries: [Entry], width: Int = 1500, height: Int = 480, sampling: TimestepSampling = .uniform
  ) -> String {
    drawn(entries, on: SVGCanvas(width: width, height: height), sampling: sampling).document
  }

  /// The figure as pixels (RGB in [0, 1], row-major), for a PNG writer.
  public static func raster(
    _ entries: [Entry], width: Int = 1500, height: Int = 480, sampling: TimestepSampling = .uniform
  ) -> Picture {
    drawn(entries, on: RasterCanvas(width: width, height: height), sampling: sampling).picture
  }

  /// `canvas` with the figure laid out over all of it.
  static func drawn<Canvas: FigureCanvas>(
    _ entries: [Entry], on canvas: Canvas, sampling: TimestepSampling
  ) -> Canvas {
    var canvas = canvas
    layout(
      entries, width: Double(canvas.width), height: Double(canvas.height), sampling: sampling,
      on: &canvas)
    return canvas
  }
}

/// Where text is anchored horizontally.
public enum TextAnchor: String, Sendable { case start, middle, end }

/// What the figure layout draws with.
protocol FigureCanvas {
  /// The size in pixels (SVG user units) the figure fills.
  var width: Int { get }
  var height: Int { get }
  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: Color)
  mutating func line(_ points: [(Double, Double)], color: Color, width: Double)
  /// `y` is the text's baseline.
  mutating func text(_ s: String, x: Double, y: Double, anchor: TextAnchor, color: Color)
  /// Draws `body` clipped to the rectangle.
  mutating func clip(
    x: Double, y: Double, width: Double, height: Double, _ body: (inout Self) -> Void)
}

struct SVGCanvas: FigureCanvas {
  var body = ""
  let width: Int, height: Int
  var clips = 0

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  var document: String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
    viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" \
    font-size="13">
    \(OutputFile.svgMark)
    \(body)</svg>

    """
  }

  static func hex(_ c: Color) -> String { String(format: "#%06x", c.hex) }
  static func n(_ v: Double) -> String { String(format: "%.2f", v) }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: Color) {
    body +=
      "<rect x=\"\(SVGCanvas.n(x))\" y=\"\(SVGCanvas.n(y))\" width=\"\(SVGCanvas.n(width))\" "
      + "height=\"\(SVGCanvas.n(height))\" fill=\"\(SVGCanvas.hex(fill))\"/>\n"
  }

  mutating func line(_ points: [(Double, Double)], color: Color, width: Double) {
    let p = points.map { "\(SVGCanvas.n($0.0)),\(SVGCanvas.n($0.1))" }.joined(separator: " ")
    body +=
      "<polyline fill=\"none\" stroke=\"\(SVGCanvas.hex(color))\" "
      + "stroke-width=\"\(SVGCanvas.n(width))\" stroke-linejoin=\"round\" points=\"\(p)\"/>\n"
  }

  mutating func text(_ s: String, x: Double, y: Double, anchor: TextAnchor, color: Color) {
    body +=
      "<text x=\"\(SVGCanvas.n(x))\" y=\"\(SVGCanvas.n(y))\" text-anchor=\"\(anchor.rawValue)\" "
      + "fill=\"\(SVGCanvas.hex(color))\">\(SVGCanvas.escape(s))</text>\n"
  }

  mutating func clip(
    x: Double, y: Double, width: Double, height: Double, _ draw: (inout SVGCanvas) -> Void
  ) {
    clips += 1
    body +=
      "<clipPath id=\"c\(clips)\"><rect x=\"\(SVGCanvas.n(x))\" y=\"\(SVGCanvas.n(y))\" "
      + "width=\"\(SVGCanvas.n(width))\" height=\"\(SVGCanvas.n(height))\"/></clipPath>\n"
      + "<g clip-path=\"url(#c\(clips))\">\n"
    draw(&self)
    body += "</g>\n"
  }
}

/// Rasterises the figure: lines as anti-aliased capsules (distance to the segment), text from
/// the 1-bit ``FigureFont``.
struct RasterCanvas: FigureCanvas {
  let width: Int, height: Int
  var rgb: [Float]
  var clipRect: (Double, Double, Double, Double)

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    rgb = [Float](repeating: 1, count: width * height * 3)
    clipRect = (0, 0, Double(width), Double(height))
  }

  var picture: Picture { Picture(width: width, height: height, rgb: rgb) }

  /// Blends `color` into pixel (x, y) with coverage `a` ∈ [0, 1], inside the clip.
  mutating func blend(_ x: Int, _ y: Int, _ color: Color, _ a: Double) {
    guard x >= 0, y >= 0, x < width, y < height, a > 0 else { return }
    let fx = Double(x) + 0.5
    let fy = Double(y) + 0.5
    guard fx >= clipRect.0, fy >= clipRect.1, fx <= clipRect.0 + clipRect.2,
      fy <= clipRect.1 + clipRect.3
    else { return }
    let i = 3 * (y * width + x)
    let w = Float(min(a, 1))
    rgb[i] = rgb[i] * (1 - w) + Float(color.r) / 255 * w
    rgb[i + 1] = rgb[i + 1] * (1 - w) + Float(color.g) / 255 * w
    rgb[i + 2] = rgb[i + 2] * (1 - w) + Float(color.b) / 255 * w
  }

  mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: Color) {
    for yy in max(0, Int(y))..<min(height, Int((y + h).rounded(.up))) {
      for xx in max(0, Int(x))..<min(width, Int((x + w).rounded(.up))) { blend(xx, yy, fill, 1) }
    }
  }

  mutating func line(_ points: [(Double, Double)], color: Color, width w: Double) {
    let r = w / 2
    for (a, b) in zip(points, points.dropFirst()) {
      // Skip segments entirely outside the canvas (curves clamped far off the plot).
      if (a.1 < -10 && b.1 < -10) || (a.1 > Double(height) + 10 && b.1 > Double(height) + 10) {
        continue
      }
      let x0 = Int(min(a.0, b.0) - r - 1)
      let x1 = Int(max(a.0, b.0) + r + 1)
      let y0 = Int(max(-1, min(a.1, b.1) - r - 1))
      let y1 = Int(min(Double(height), max(a.1, b.1) + r + 1))
      let dx = b.0 - a.0
      let dy = b.1 - a.1
      let len2 = dx * dx + dy * dy
      guard y0 <= y1, x0 <= x1 else { continue }
      for y in y0...y1 {
        for x in x0...x1 {
          let px = Double(x) + 0.5
          let py = Double(y) + 0.5
          let t = len2 == 0 ? 0 : max(0, min(1, ((px - a.0) * dx + (py - a.1) * dy) / len2))
          let cx = a.0 + t * dx
          let cy = a.1 + t * dy
          let d = ((px - cx) * (px - cx) + (py - cy) * (py - cy)).squareRoot()
          // Coverage falls off over one pixel at the edge of the stroke.
          let coverage = r + 0.5 - d
          if coverage > 0 { blend(x, y, color, min(coverage, 1)) }
        }
      }
    }
  }

  mutating func text(_ s: String, x: Double, y: Double, anchor: TextAnchor, color: Color) {
    let scalars = Array(s.unicodeScalars)
    let w = Double(scalars.count * FigureFont.width)
    var left = x
    switch anchor {
    case .start: break
    case .middle: left -= w / 2
    case .end: left -= w
    }
    // The font's baseline is about 11 px below the glyph top.
    let top = Int(y.rounded()) - 11
    let saved = clipRect
    clipRect = (0, 0, Double(width), Double(height))
    for (i, ch) in scalars.enumerated() {
      guard let rows = FigureFont.glyphs[ch] ?? FigureFont.glyphs["?"] else { continue }
      let gx = Int(left.rounded()) + i * FigureFont.width
      for (row, bits) in rows.enumerated() where bits != 0 {
        for col in 0..<FigureFont.width where bits & (0x80 >> UInt8(col)) != 0 {
          blend(gx + col, top + row, color, 1)
        }
      }
    }
    clipRect = saved
  }

  mutating func clip(
    x: Double, y: Double, width w: Double, height h: Double, _ draw: (inout RasterCanvas) -> Void
  ) {
    let saved = clipRect
    clipRect = (x, y, w, h)
    draw(&self)
    clipRect = saved
  }
}
