import Testing

@testable import TUI

/// Expected dot patterns are derived by hand from the bit table in TERMINAL-NOTES
/// (dx=0: 0x01 0x02 0x04 0x40 top to bottom; dx=1: 0x08 0x10 0x20 0x80).
@Suite struct BrailleTests {
  func text(_ c: BrailleCanvas, unicode: Bool = true) -> [String] {
    var g = Grid(width: c.columns, height: c.rows)
    c.draw(into: &g, x: 0, y: 0, unicode: unicode)
    return (0..<g.height).map { g.line($0) }
  }

  /// A line drawn on an empty canvas and the cells it gives.
  struct Line: Sendable, CustomTestStringConvertible {
    let name: String
    let columns, rows: Int
    let from, to: (x: Int, y: Int)
    let cells: [String]
    var testDescription: String { name }
  }

  static let lines: [Line] = [
    Line(
      name: "a horizontal line on the top dot row is ⠉ (0x01|0x08) in every cell",
      columns: 3, rows: 1, from: (0, 0), to: (5, 0), cells: ["⠉⠉⠉"]),
    Line(
      name: "a vertical line in the left dot column is ⡇ (0x01|0x02|0x04|0x40)",
      columns: 1, rows: 2, from: (0, 0), to: (0, 7), cells: ["⡇", "⡇"]),
    // Dots (0,0) = 0x01 and (1,1) = 0x10 → U+2811;
    // (2,2) → dx0 dy2 = 0x04 and (3,3) → dx1 dy3 = 0x80 → U+2884.
    Line(
      name: "the diagonal y = x over 2×1 cells is ⠑⢄",
      columns: 2, rows: 1, from: (0, 0), to: (3, 3), cells: ["⠑⢄"]),
  ]

  @Test("a line's dots, by the bit table", arguments: lines)
  func line(_ l: Line) {
    var c = BrailleCanvas(columns: l.columns, rows: l.rows)
    c.line(l.from.x, l.from.y, l.to.x, l.to.y, .default)
    #expect(text(c) == l.cells)
  }

  @Test("single dots map to their bits")
  func singleDots() {
    var c = BrailleCanvas(columns: 1, rows: 1)
    c.set(1, 3, .default)
    #expect(c.mask(0, 0) == 0x80)
    c.set(0, 3, .default)
    #expect(c.mask(0, 0) == 0xC0)
    c.set(5, 0, .default)  // off the canvas: ignored
    #expect(c.mask(0, 0) == 0xC0)
  }

  @Test("without UTF-8, dots become ' . : by which half of the cell they are in")
  func ascii() {
    var c = BrailleCanvas(columns: 3, rows: 1)
    c.set(0, 0, .default)  // top half
    c.set(2, 3, .default)  // bottom half
    c.set(4, 1, .default)
    c.set(5, 2, .default)  // both halves
    #expect(text(c, unicode: false) == ["'.:"])
  }

  @Test("the last colour painted on a cell wins")
  func colours() {
    var c = BrailleCanvas(columns: 1, rows: 1)
    c.set(0, 0, Color(255, 0, 0))
    c.set(1, 1, Color(0, 0, 255))
    var g = Grid(width: 1, height: 1)
    c.draw(into: &g, x: 0, y: 0, unicode: true)
    #expect(g[0, 0].style.fg == Color(0, 0, 255))
  }

  @Test("a segment with a far-away end (an asymptote) draws only its visible part, quickly")
  func farSegment() {
    var c = BrailleCanvas(columns: 2, rows: 2)
    c.line(0, -1_000_000, 0, 7, .default)
    #expect(text(c) == ["⡇ ", "⡇ "])
  }
}
