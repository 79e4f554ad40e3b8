import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// A fixed sweep in the middle of its run: finished, failed, running and pending cells.
enum SweepFixture {
  static let linear = try! SweepFamily(parsing: "linear")
  static let cosine = try! SweepFamily(parsing: "cosine:0.2:1:1")
  static let grid = SweepGrid(
    resolutions: [8, 16, 32], scales: [1.0, 0.7, 0.5, 0.3], families: [linear, cosine],
    repeats: 1, seed: 0)

  static func run(_ fd: Double?) -> SweepRun {
    SweepRun(seed: 0, fd: fd, noiseFD: 100, meanFD: 60, trainSeconds: 1, finalLoss: 0.1)
  }

  static func id(_ r: Int, _ b: Double, _ f: SweepFamily) -> String {
    SweepCell(resolution: r, scale: b, family: f).id
  }

  /// 8×8 1 − t: 10.5, 8.25 (best), 9.1, failed (45 ≥ half of 60); 8×8 cosine: 12 (best), 13,
  /// b = 0.5 running at step 250 of 1000; everything else pending.
  static var sweep: SweepState {
    SweepState(
      grid: grid, settings: ["steps": "1000"],
      results: [
        id(8, 1.0, linear): [run(10.5)], id(8, 0.7, linear): [run(8.25)],
        id(8, 0.5, linear): [run(9.1)], id(8, 0.3, linear): [run(45)],
        id(8, 1.0, cosine): [run(12)], id(8, 0.7, cosine): [run(13)],
      ])
  }

  static var state: AppState {
    var s = explorer()
    s.screen = .sweep
    var status = SweepStatus(phase: .running, folder: "runs/sweep", sweep: sweep)
    status.running = SweepCell(resolution: 8, scale: 0.5, family: cosine)
    status.step = 250
    status.totalSteps = 1000
    status.remaining = 754
    s.sweep = status
    return s
  }
}

@Suite struct SweepViewTests {
  func render(_ s: AppState, _ w: Int, _ h: Int, glyphs: Glyphs = .unicode) -> Grid {
    Renderer(theme: Theme(glyphs: glyphs)).render(s, width: w, height: h)
  }

  /// The style of the first cell of the first occurrence of `text` in `grid`.
  func style(of text: String, in grid: Grid) -> Style? {
    for y in 0..<grid.height {
      let line = Array(grid.line(y).unicodeScalars)
      let target = Array(text.unicodeScalars)
      guard line.count >= target.count else { continue }
      for x in 0...(line.count - target.count) where Array(line[x..<x + target.count]) == target {
        return grid.cells[y * grid.width + x].style
      }
    }
    return nil
  }

  @Test("at 80×24: setup, progress, the table with every kind of cell, and the logSNR chart")
  func sweep80x24() {
    let g = render(SweepFixture.state, 80, 24)
    let lines = g.lines
    expectExactWidth(g, 80, 24)
    #expect(
      lines[1] == "┌ Sweep setup (Enter edits) ─┐┌ Fréchet distance (lower is better) ────────────┐")
    #expect(
      lines[2] == "│ data                digits ││         8×8    8×8  16×16  16×16  32×32  32×32 │")
    #expect(lines[3].hasPrefix("│ resolutions        8,16,32 │"))
    #expect(lines[6].hasPrefix("│ t-samplings        uniform │"))
    // Narrow columns cut the schedule names with an ellipsis.
    #expect(lines[3].hasSuffix("││ b     1 - t cosin…  1 - t cosin…  1 - t cosin… │"))
    #expect(lines[4].hasSuffix("││ 1    10.50  12.00*     …      …      …      …  │"))
    #expect(lines[5].hasSuffix("││ 0.7   8.25* 13.00      …      …      …      …  │"))
    #expect(lines[6].hasSuffix("││ 0.5   9.10   ▶ 25%     …      …      …      …  │"))
    #expect(lines[7].hasSuffix("│ 0.3  failed     …      …      …      …      …  │"))
    #expect(lines[8].hasSuffix("│ best b=0.7    b=1   none   none   none   none  │"))
    // The setup's seven rows push the progress box down to line 10.
    #expect(lines[11].hasPrefix("│ status  running "))
    #expect(lines[12].hasPrefix("│ runs    6 / 24 "))
    #expect(lines[13].hasPrefix("│ ETA     12:34 "))
    #expect(lines[14].hasPrefix("│ cell    8×8, b = 0.5 "))
    #expect(lines[16].hasPrefix("│ step    250 / 1000 "))
    // A quarter of the 14-cell progress bar is filled.
    #expect(lines[17].hasPrefix("│         ███░░░░░░░░░░░ "))
    #expect(lines[11].contains("logSNR(t) at each b: shifted by 2·log b"))
    #expect(lines[23].hasPrefix(" ?:help q:quit s:stop sweep o:open folder"))
  }

  @Test("the best cells are bold green, the running one amber, failed ones red")
  func highlights() throws {
    let g = render(SweepFixture.state, 120, 40)
    let best = try #require(style(of: "8.25*", in: g))
    #expect(best.fg == Renderer.bestColor && best.attributes.contains(.bold))
    let other = try #require(style(of: "10.50", in: g))
    #expect(other.fg != Renderer.bestColor && !other.attributes.contains(.bold))
    #expect(style(of: "▶ 25%", in: g)?.fg == Theme.current)
    #expect(style(of: "failed ", in: g)?.fg == Theme().error.fg)
  }

  @Test("at 120×40 the names fit, the legend names each schedule with its b values")
  func sweep120x40() {
    let g = render(SweepFixture.state, 120, 40)
    let lines = g.lines
    expectExactWidth(g, 120, 40)
    #expect(lines[3].contains("│ b           1 - t cosine@0.2,…        1 - t cosine@0.2,…"))
    #expect(lines[4].contains("│ 1          10.50        12.00*           …"))
    #expect(lines[9].contains("* best b per column · … pending · ▶ running · failed: no better"))
    #expect(lines.contains { $0.contains("━━ 1 - t (b = 1, 0.7, 0.5, 0.3)") })
    #expect(lines.contains { $0.contains("━━ cosine@0.2,1,1 (b = 1, 0.7, 0.5, 0.3)") })
    #expect(lines[14].hasPrefix("│ cell    8×8, b = 0.5 "))
    #expect(lines[15].hasPrefix("│         cosine@0.2,1,1 "))
  }

  @Test("at 200×60 the chart stands beside the table, and the table keeps its full names")
  func sweep200x60() {
    let g = render(SweepFixture.state, 200, 60)
    let lines = g.lines
    expectExactWidth(g, 200, 60)
    #expect(lines[1].contains("┌ Fréchet distance (lower is better) ─"))
    #expect(lines[1].contains("logSNR(t) at each b: shifted by 2·log b"))
    #expect(lines[3].contains("1 - t cosine@0.2,1,1          1 - t cosine@0.2,1,1"))
    // The table box ends under its legend line; the chart goes on to the bottom.
    #expect(lines[10].contains("└────"))
    #expect(lines[57].contains("┬"))
  }

  @Test("without colour the markers carry the meaning: * best, > running, ... pending")
  func ascii() {
    let lines = render(SweepFixture.state, 120, 40, glyphs: .ascii).lines
    #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    #expect(lines[5].contains("8.25*"))
    #expect(lines[6].contains("> 25%"))
    #expect(lines[4].contains("..."))
  }

  @Test("before any sweep the setup's grid is shown pending; a bad setup says what is wrong")
  func notStarted() {
    var s = explorer()
    s.screen = .sweep
    var lines = render(s, 120, 40).lines
    #expect(lines.contains { $0.contains("not started") })
    #expect(lines[4].contains("│ 1              …            …"))
    s.sweepSetup.scales = "1,-2"
    lines = render(s, 120, 40).lines
    #expect(lines.contains { $0.contains("scales b = 1,-2 has '-2'") })
  }

  @Test("a setup value too long for its row at 80×24 ends in …, never in another number")
  func cutValueMarked() throws {
    var s = explorer()
    s.screen = .sweep
    s.sweepSetup.scales = "1.0,0.7,0.5,0.35"
    let row = try #require(render(s, 80, 24).lines.first { $0.contains("scales b") })
    let shown = row.split(separator: "│")[0].trimmingCharacters(in: .whitespaces)
    #expect(shown.hasSuffix("…"), "\(row)")
    #expect(!shown.hasSuffix("0.3"), "\(row)")
    s.sweepSetup.scales = "1,0.5"
    let short = try #require(render(s, 80, 24).lines.first { $0.contains("scales b") })
    #expect(
      short.split(separator: "│")[0].trimmingCharacters(in: .whitespaces).hasSuffix("1,0.5"),
      "\(short)")
  }

  @Test("an ended sweep shows how it ended; a failure in the error style")
  func ended() throws {
    var s = SweepFixture.state
    reduce(&s, .sweepEnded("sweep failed: disk full", failed: true))
    let g = render(s, 120, 40)
    #expect(g.lines.contains { $0.contains("│ status  failed") })
    #expect(style(of: "sweep failed: disk full", in: g)?.fg == Theme().error.fg)
    // Nothing is running any more: no cell is marked.
    #expect(g.lines[6].contains("│ 0.5         9.10            …"))
  }
}
