/// A dot canvas drawn with braille characters: each cell holds 2×4 dots.
///
/// Dot (dx, dy) of a cell (dx ∈ 0…1 left to right, dy ∈ 0…3 top to bottom) is bit
///
///         dx=0   dx=1
///     dy=0  0x01   0x08
///     dy=1  0x02   0x10
///     dy=2  0x04   0x20
///     dy=3  0x40   0x80
///
/// of the character U+2800 + mask. A canvas of C×R cells therefore has 2C×4R dots, with dot
/// (0, 0) at the top left. A cell has one foreground colour: the last colour painted on it wins.
/// Without UTF-8 the same dots degrade to ASCII (`'`, `.`, `:`), one character per cell.
public struct BrailleCanvas: Sendable {
  public let columns: Int
  public let rows: Int
  var masks: [UInt8]
  var colors: [Color]

  public init(columns: Int, rows: Int) {
    self.columns = max(0, columns)
    self.rows = max(0, rows)
    masks = Array(repeating: 0, count: self.columns * self.rows)
    colors = Array(repeating: .default, count: self.columns * self.rows)
  }

  /// Width and height in dots.
  public var dotWidth: Int { columns * 2 }
  public var dotHeight: Int { rows * 4 }

  static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

  /// Sets dot (x, y), in dots from the top left; dots off the canvas are ignored.
  @inline(__always) public mutating func set(_ x: Int, _ y: Int, _ color: Color) {
    guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
    let i = (y >> 2) * columns + (x >> 1)
    masks[i] |= BrailleCanvas.bits[x & 1][y & 3]
    colors[i] = color
  }

  /// The dot mask of cell (column, row).
  public func mask(_ column: Int, _ row: Int) -> UInt8 { masks[row * columns + column] }

  /// Draws the segment from (x0, y0) to (x1, y1) in dots with Bresenham's algorithm; both ends
  /// are set. Far-away ends are clipped first so a nearly vertical asymptote costs nothing.
  public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: Color) {
    var x0 = x0
    var y0 = y0
    // Keep coordinates bounded so the loop below never runs far outside the canvas.
    let margin = 2 * (dotWidth + dotHeight) + 8
    guard abs(x0) < 1 << 20, abs(y0) < 1 << 20, abs(x1) < 1 << 20, abs(y1) < 1 << 20 else {
      return
    }
    if (x0 < -margin && x1 < -margin) || (y0 < -margin && y1 < -margin)
      || (x0 > dotWidth + margin && x1 > dotWidth + margin)
      || (y0 > dotHeight + margin && y1 > dotHeight + margin)
    {
      return
    }
    let dx = abs(x1 - x0)
    let sx = x0 < x1 ? 1 : -1
    let dy = -abs(y1 - y0)
    let sy = y0 < y1 ? 1 : -1
    var err = dx + dy
    while true {
      set(x0, y0, color)
      if x0 == x1 && y0 == y1 { break }
      let e2 = 2 * err
      if e2 >= dy {
        err += dy
        x0 += sx
      }
      if e2 <= dx {
        err += dx
        y0 += sy
      }
    }
  }

  /// The character for a cell's mask: braille, or its ASCII stand-in.
  public static func character(mask: UInt8, unicode: Bool) -> Unicode.Scalar {
    if unicode { return Unicode.Scalar(0x2800 + UInt32(mask))! }
    if mask == 0 { return " " }
    let top = mask & 0x1B != 0  // rows 0–1
    let bottom = mask & 0xE4 != 0  // rows 2–3
    return top && bottom ? ":" : top ? "'" : "."
  }

  /// Copies the non-empty cells onto `grid` with the top-left cell at (x, y), keeping each grid
  /// cell's background (a cursor column stays highlighted).
  public func draw(into grid: inout Grid, x: Int, y: Int, unicode: Bool) {
    for row in 0..<rows {
      for column in 0..<columns {
        let i = row * columns + column
        let m = masks[i]
        guard m != 0, grid.contains(x + column, y + row) else { continue }
        let bg = grid[x + column, y + row].style.bg
        grid[x + column, y + row] = Cell(
          BrailleCanvas.character(mask: m, unicode: unicode), Style(fg: colors[i], bg: bg))
      }
    }
  }
}
