/// A colour as views ask for it: the terminal's default, or 24-bit RGB.
///
/// Views always speak RGB; the backend turns it into what the terminal can show (24-bit, the
/// xterm-256 cube, 8 colours, or nothing) with ``ColorQuantizer``. Stored in one `UInt32`
/// (`0x01RRGGBB` for RGB, `0` for the default) so comparing cells in a diff stays cheap.
public struct Color: Hashable, Sendable {
  public let raw: UInt32

  /// The terminal's own foreground or background.
  public static let `default` = Color(raw: 0)

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    raw = 0x0100_0000 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
  }

  /// A colour from `0xRRGGBB`.
  public init(hex: UInt32) { raw = 0x0100_0000 | (hex & 0xFF_FFFF) }

  init(raw: UInt32) { self.raw = raw }

  public var isDefault: Bool { raw == 0 }
  public var r: UInt8 { UInt8(truncatingIfNeeded: raw >> 16) }
  public var g: UInt8 { UInt8(truncatingIfNeeded: raw >> 8) }
  public var b: UInt8 { UInt8(truncatingIfNeeded: raw) }
  /// `0xRRGGBB` (0 for the default colour).
  public var hex: UInt32 { raw & 0xFF_FFFF }
}

/// Text attributes of a cell.
public struct Attributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  public static let bold = Attributes(rawValue: 1)
  public static let dim = Attributes(rawValue: 2)
  public static let reverse = Attributes(rawValue: 4)
  public static let underline = Attributes(rawValue: 8)
}

/// A style: foreground, background, attributes.
public struct Style: Hashable, Sendable {
  public var fg: Color
  public var bg: Color
  public var attributes: Attributes

  public init(fg: Color = .default, bg: Color = .default, _ attributes: Attributes = []) {
    self.fg = fg
    self.bg = bg
    self.attributes = attributes
  }

  public static let plain = Style()
}

/// One terminal cell: a single-column character and its style.
///
/// Every character schedtui draws (ASCII, braille, box drawing, half blocks, γ, τ, ×) is one
/// Unicode scalar of display width 1, so a cell holds a scalar rather than a `Character`.
public struct Cell: Hashable, Sendable {
  public var char: Unicode.Scalar
  public var style: Style

  public init(_ char: Unicode.Scalar = " ", _ style: Style = .plain) {
    self.char = char
    self.style = style
  }

  public static let blank = Cell()
}

/// A rectangle of cells: origin at the top left, `x` to the right, `y` down.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int, y: Int, width: Int, height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }
  public var description: String { "\(width)×\(height)@(\(x),\(y))" }

  /// The rectangle shrunk by `n` cells on every side.
  public func inset(_ n: Int) -> Rect {
    Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n)
  }

  /// Splits off the first `n` rows (clamped): `(top, rest)`.
  public func splitTop(_ n: Int) -> (Rect, Rect) {
    let n = min(max(n, 0), height)
    return (
      Rect(x: x, y: y, width: width, height: n),
      Rect(x: x, y: y + n, width: width, height: height - n)
    )
  }

  /// Splits off the first `n` columns (clamped): `(left, rest)`.
  public func splitLeft(_ n: Int) -> (Rect, Rect) {
    let n = min(max(n, 0), width)
    return (
      Rect(x: x, y: y, width: n, height: height),
      Rect(x: x + n, y: y, width: width - n, height: height)
    )
  }

  /// `count` rows of (nearly) equal height, top to bottom, the remainder going to the first ones.
  public func rows(_ count: Int) -> [Rect] {
    precondition(count > 0, "rows(_:) needs at least one row")
    return Rect.shares(of: height, count, from: y).map {
      Rect(x: x, y: $0.start, width: width, height: $0.length)
    }
  }

  /// `count` columns of (nearly) equal width, left to right, the remainder going to the first.
  public func columns(_ count: Int) -> [Rect] {
    precondition(count > 0, "columns(_:) needs at least one column")
    return Rect.shares(of: width, count, from: x).map {
      Rect(x: $0.start, y: y, width: $0.length, height: height)
    }
  }

  /// `total` cells cut into `count` runs from `start`, their lengths differing by at most one
  /// (the first ones longer).
  static func shares(of total: Int, _ count: Int, from start: Int) -> [(start: Int, length: Int)] {
    var result: [(start: Int, length: Int)] = []
    var next = start
    for i in 0..<count {
      let length = total / count + (i < total % count ? 1 : 0)
      result.append((next, length))
      next += length
    }
    return result
  }
}

/// A screenful of cells that views draw into; the backend diffs two grids and flushes the changes.
///
/// Writes outside the grid are clipped silently, so views can draw without bounds checks.
public struct Grid: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int, fill: Cell = .blank) {
    precondition(width >= 0 && height >= 0, "grid size must not be negative")
    self.width = width
    self.height = height
    cells = Array(repeating: fill, count: width * height)
  }

  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set { cells[y * width + x] = newValue }
  }

  @inline(__always) public func contains(_ x: Int, _ y: Int) -> Bool {
    x >= 0 && y >= 0 && x < width && y < height
  }

  /// Sets one cell if it is on the grid.
  @inline(__always) public mutating func put(
    _ x: Int, _ y: Int, _ char: Unicode.Scalar, _ style: Style
  ) {
    guard contains(x, y) else { return }
    cells[y * width + x] = Cell(char, style)
  }

  /// Writes `text` from (x, y) rightwards, at most `maxWidth` cells (clipped to the grid).
  /// Returns the column after the last cell written. A combining mark (x̂'s hat: Mn and Me,
  /// wcwidth's zero width) is left out: a cell holds one scalar, and in a cell of its own the
  /// terminal would draw the mark on the cell before and leave its own blank ("x̂ 0").
  @discardableResult
  public mutating func write(
    _ text: String, x: Int, y: Int, _ style: Style = .plain, maxWidth: Int = .max
  ) -> Int {
    var col = x
    let limit = maxWidth == .max ? Int.max : x + maxWidth
    for scalar in text.unicodeScalars {
      if !scalar.isASCII, Self.isCombining(scalar) { continue }
      if col >= limit { break }
      put(col, y, scalar, style)
      col += 1
    }
    return col
  }

  static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark: return true
    default: return false
    }
  }

  /// Fills `rect` with `char` in `style`.
  public mutating func fill(_ rect: Rect, _ char: Unicode.Scalar = " ", _ style: Style = .plain) {
    for yy in max(rect.y, 0)..<min(rect.maxY, height) {
      for xx in max(rect.x, 0)..<min(rect.maxX, width) {
        cells[yy * width + xx] = Cell(char, style)
      }
    }
  }

  /// Changes only the background of the cells in `rect` (a cursor column, a highlight).
  public mutating func setBackground(_ rect: Rect, _ bg: Color) {
    for yy in max(rect.y, 0)..<min(rect.maxY, height) {
      for xx in max(rect.x, 0)..<min(rect.maxX, width) {
        cells[yy * width + xx].style.bg = bg
      }
    }
  }

  /// Draws a box border around `rect` with an optional title in its top edge.
  public mutating func box(
    _ rect: Rect, title: String = "", _ style: Style = .plain, glyphs: Glyphs
  ) {
    guard rect.width >= 2, rect.height >= 2 else { return }
    let b = glyphs.box
    for xx in rect.x + 1..<rect.maxX - 1 {
      put(xx, rect.y, b.horizontal, style)
      put(xx, rect.maxY - 1, b.horizontal, style)
    }
    for yy in rect.y + 1..<rect.maxY - 1 {
      put(rect.x, yy, b.vertical, style)
      put(rect.maxX - 1, yy, b.vertical, style)
    }
    put(rect.x, rect.y, b.topLeft, style)
    put(rect.maxX - 1, rect.y, b.topRight, style)
    put(rect.x, rect.maxY - 1, b.bottomLeft, style)
    put(rect.maxX - 1, rect.maxY - 1, b.bottomRight, style)
    if !title.isEmpty, rect.width > 4 {
      write(" \(glyphs.text(title)) ", x: rect.x + 1, y: rect.y, style.with(.bold),
        maxWidth: rect.width - 2)
    }
  }

  /// The text of row `y` (characters only), trailing spaces kept: for tests and captures.
  public func line(_ y: Int) -> String {
    var s = String.UnicodeScalarView()
    for x in 0..<width { s.append(cells[y * width + x].char) }
    return String(s)
  }

  /// All rows as text with trailing spaces removed: the snapshot form tests compare.
  public var lines: [String] {
    (0..<height).map { y in
      var l = line(y)
      while l.last == " " { l.removeLast() }
      return l
    }
  }
}

extension Style {
  /// The same style with `attributes` added.
  public func with(_ attributes: Attributes) -> Style {
    var s = self
    s.attributes.formUnion(attributes)
    return s
  }
}

/// The characters used for boxes, plots and images: Unicode, or ASCII when the locale is not UTF-8.
public struct Glyphs: Sendable {
  public struct Box: Sendable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Unicode.Scalar
  }
  public var unicode: Bool
  public var box: Box
  /// Axis corner and tick marks.
  public var axisCorner: Unicode.Scalar
  public var tickX: Unicode.Scalar
  public var tickY: Unicode.Scalar

  public static let unicode = Glyphs(
    unicode: true,
    box: Box(
      horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
      bottomLeft: "└", bottomRight: "┘"),
    axisCorner: "└", tickX: "┬", tickY: "┤")
  public static let ascii = Glyphs(
    unicode: false,
    box: Box(
      horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
      bottomLeft: "+", bottomRight: "+"),
    axisCorner: "+", tickX: "+", tickY: "+")

  /// Replaces the few non-ASCII letters views use in labels (γ, τ, ×, ·, −, …) when not UTF-8.
  /// `s` in at most `width` columns: whole, or cut with … (~ in ASCII) as its last column, so
  /// a cut value never reads as another one (a list ending 0.35 cut to 0.3).
  public func fitted(_ s: String, _ width: Int) -> String {
    guard s.count > width, width > 1 else { return s }
    return String(s.prefix(width - 1)) + (unicode ? "…" : "~")
  }

  public func text(_ s: String) -> String {
    guard !unicode else { return s }
    var out = ""
    for ch in s.unicodeScalars {
      if let spelled = Glyphs.asciiSpelling[ch] {
        out += spelled
      } else {
        out.unicodeScalars.append(ch.isASCII ? ch : "?")
      }
    }
    return out
  }

  /// How ``text(_:)`` spells each non-ASCII letter; any other becomes `?`.
  static let asciiSpelling: [Unicode.Scalar: String] = [
    "γ": "g", "τ": "tau", "×": "x", "·": "*", "−": "-", "–": "-", "…": "...", "→": "->",
    "←": "<-", "↑": "^", "↓": "v", "≥": ">=", "≤": "<=", "●": "*", "■": "*", "√": "sqrt",
    "ε": "eps", "β": "beta", "σ": "sigma", "ρ": "rho", "μ": "mu", "λ": "logSNR", "²": "^2", "Δ": "d",
  ]
}

/// One run of changed cells on a row: what a backend must rewrite.
public struct GridChange: Equatable, Sendable {
  public var x: Int
  public var y: Int
  public var cells: [Cell]
}

extension Grid {
  /// The runs of cells that differ between `old` and `self`, row by row, left to right.
  ///
  /// If the sizes differ (a resize), every non-blank-equal cell counts as changed: the whole
  /// new grid is returned row by row, so the backend repaints from scratch.
  public func changes(since old: Grid?) -> [GridChange] {
    var result: [GridChange] = []
    let sameSize = old.map { $0.width == width && $0.height == height } ?? false
    for y in 0..<height {
      var x = 0
      let row = y * width
      while x < width {
        if sameSize, old!.cells[row + x] == cells[row + x] {
          x += 1
          continue
        }
        let start = x
        while x < width, !(sameSize && old!.cells[row + x] == cells[row + x]) { x += 1 }
        result.append(GridChange(x: start, y: y, cells: Array(cells[row + start..<row + x])))
      }
    }
    return result
  }
}
