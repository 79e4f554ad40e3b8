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

  @Test("a horizontal line on the top dot row is ⠉ (0x01|0x08) in every cell")
  func horizontal() {
    var c = BrailleCanvas(columns: 3, rows: 1)
    c.line(0, 0, 5, 0, .default)
    #expect(text(c) == ["⠉⠉⠉"])
  }

  @Test("a vertical line in the left dot column is ⡇ (0x01|0x02|0x04|0x40)")
  func vertical() {
    var c = BrailleCanvas(columns: 1, rows: 2)
    c.line(0, 0, 0, 7, .default)
    #expect(text(c) == ["⡇", "⡇"])
  }

  @Test("the diagonal y = x over 2×1 cells is ⠑⢄")
  func diagonal() {
    // Dots (0,0) = 0x01 and (1,1) = 0x10 → U+2811;
    // (2,2) → dx0 dy2 = 0x04 and (3,3) → dx1 dy3 = 0x80 → U+2884.
    var c = BrailleCanvas(columns: 2, rows: 1)
    c.line(0, 0, 3, 3, .default)
    #expect(text(c) == ["⠑⢄"])
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
