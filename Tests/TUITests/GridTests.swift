import Testing

@testable import TUI

@Suite struct GridTests {
  @Test("writing past the edge is clipped, not a crash")
  func clipping() {
    var g = Grid(width: 5, height: 2)
    g.write("abcdefgh", x: 3, y: 0)
    g.write("xy", x: -1, y: 1)
    g.put(9, 9, "z", .plain)
    #expect(g.lines == ["   ab", "y"])
  }

  @Test("a combining mark takes no cell: x̂0 is two cells, the text after it stays in place")
  func combiningMark() {
    var g = Grid(width: 6, height: 1)
    let end = g.write("x\u{302}0|e\u{301}", x: 0, y: 0)
    #expect(end == 4)
    #expect(g.lines == ["x0|e"])
  }

  @Test("a diff against the same grid is empty")
  func emptyDiff() {
    var g = Grid(width: 4, height: 3)
    g.write("hi", x: 1, y: 1)
    #expect(g.changes(since: g).isEmpty)
  }

  @Test("a diff reports exactly the changed runs, row by row")
  func runs() {
    var old = Grid(width: 6, height: 2)
    old.write("abcdef", x: 0, y: 0)
    var new = old
    new.write("XY", x: 1, y: 0)
    new.put(5, 0, "Z", .plain)
    new.put(0, 1, "Q", Style(fg: Color(1, 2, 3)))
    let changes = new.changes(since: old)
    #expect(changes.map { [$0.x, $0.y, $0.cells.count] } == [[1, 0, 2], [5, 0, 1], [0, 1, 1]])
    #expect(changes[0].cells.map(\.char) == ["X", "Y"])
  }

  @Test("a style-only change counts as a change")
  func styleChange() {
    let old = Grid(width: 2, height: 1)
    var new = old
    new.setBackground(Rect(x: 1, y: 0, width: 1, height: 1), Color(9, 9, 9))
    #expect(new.changes(since: old).map(\.x) == [1])
  }

  @Test("a resized grid is repainted whole")
  func resize() {
    let old = Grid(width: 3, height: 1)
    let new = Grid(width: 2, height: 2)
    let changes = new.changes(since: old)
    #expect(changes.count == 2)
    #expect(changes.allSatisfy { $0.cells.count == 2 })
  }

  @Test("rects split into near-equal rows and columns that tile the whole")
  func rectSplits() {
    let r = Rect(x: 2, y: 3, width: 10, height: 7)
    let rows = r.rows(3)
    #expect(rows.map(\.height) == [3, 2, 2])
    #expect(rows.map(\.y) == [3, 6, 8])
    let cols = r.columns(4)
    #expect(cols.map(\.width) == [3, 3, 2, 2])
    #expect(cols.last!.maxX == r.maxX)
  }

  @Test("ASCII glyphs replace every non-ASCII label character")
  func asciiText() {
    let s = Glyphs.ascii.text("γ(t) τ=1 2·log b −3 ×")
    #expect(s == "g(t) tau=1 2*log b -3 x")
    #expect(s.unicodeScalars.allSatisfy { $0.isASCII })
  }
}
