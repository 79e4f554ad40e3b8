import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// The schedule screen with a sampler: ticks on logSNR(t), stems on the density, the notes line
/// under the plots, at 80×24 and 160×48 (issue 19 part 3).
@Suite struct SamplerViewTests {
  /// Lin et al. 2023's case: SD's scaled_linear table rescaled to zero terminal SNR, 10 Euler
  /// steps; trailing pinned, leading current.
  func leadingAfterTrailing() -> AppState {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("on", into: .parameter(.zeroTerminalSNR), &s)
    typeEntry("10", into: .sampler(.steps), &s)
    typeEntry("trailing", into: .sampler(.spacing), &s)
    reduce(&s, .pin)
    typeEntry("leading", into: .sampler(.spacing), &s)
    return s
  }

  func render(_ s: AppState, _ w: Int, _ h: Int) -> Grid {
    Renderer(theme: Theme()).render(s, width: w, height: h)
  }

  /// The cells of rows `rows` whose colour is `color`.
  func count(_ g: Grid, _ color: Color, rows: Range<Int>) -> Int {
    rows.reduce(0) { n, y in n + (0..<g.width).filter { g[$0, y].style.fg == color }.count }
  }

  @Test("80×24: the ticks stay, the notes shorten to one line, the list scrolls to the row")
  func small() throws {
    let s = leadingAfterTrailing()
    let g = render(s, 80, 24)
    let lines = g.lines
    for l in lines { #expect(l.unicodeScalars.count <= 80) }
    // The notes line: leading's start, serious, first. λ = −2 ln σ_900 = −5.819 on the rescaled
    // table (live diffusers: EulerDiscreteScheduler(rescale_betas_zero_snr=True, leading)
    // gives σ 18.3519), and the table's noisiest, ᾱ = 2⁻²⁴, is −24 ln 2 = −16.64.
    let notes = lines[22]
    #expect(notes.hasPrefix("└────────────────────────────┘sampler: starts at λ −5.819, not −16.64"))
    #expect(notes.hasSuffix(" +2") || notes.hasSuffix(" +3"), "\(notes)")
    let start = try #require(Array(notes.unicodeScalars).firstIndex(of: "s").map { $0 + 9 })
    #expect(g[start, 22].style == Theme().error)
    // The selected spacing row is in view, the rows above it counted on the border.
    #expect(lines.contains { $0.hasPrefix("│ spacing            leading │") })
    #expect(lines[1].hasPrefix("┌ Parameters ") && lines[1].contains("↑"))
    // Ticks on the logSNR chart and stems on the density, in the current's tick colour, and
    // the pin's (trailing's first level at t = 1) in its own.
    let logRows = try #require(lines.firstIndex { $0.contains("logSNR(t)") })
    let densityRows = try #require(lines.firstIndex { $0.contains("logSNR density") })
    let white = Theme.tickColor(Theme.current)
    #expect(count(g, white, rows: logRows..<densityRows) >= 5)
    #expect(count(g, white, rows: densityRows..<22) >= 10)
    #expect(count(g, Theme.tickColor(Theme.pinColor(0)), rows: logRows..<densityRows) >= 1)
  }

  @Test("160×48: the notes in full sentences when they fit, else their short forms, with the sampler named")
  func large() {
    let s = leadingAfterTrailing()
    let lines = render(s, 160, 48).lines
    let notes = lines[46]
    #expect(notes.contains("sampler 10 steps leading: starts at λ −5.819, not −16.64 (zero SNR: trailing)"))
    // The legend names both samplers.
    #expect(lines.contains { $0.contains("ddpm-scaled-linear · 10 steps trailing") })
    #expect(lines.contains { $0.contains("current: ddpm-scaled-linear · 10 steps leading") })
    // With room, the sentence itself: SD's table, 10 trailing steps, has one note, the largest
    // step, from timestep 999 (σ 14.61) to 899 (σ 8.303): −2 ln(8.303/14.61) = 1.131.
    var sd = explorer(.ddpmScaledLinear)
    typeEntry("10", into: .sampler(.steps), &sd)
    typeEntry("trailing", into: .sampler(.spacing), &sd)
    let line = render(sd, 160, 48).lines[46]
    #expect(
      line.hasSuffix(
        "┘sampler 10 steps trailing: the largest logSNR step is 1.131, from step 0 to 1 (logSNR "
          + "−5.364 → −4.233, σ 14.61 → 8.303)"), "\(line)")
  }

  @Test("on an ASCII terminal the notes line is measured as spelled and stays in the line")
  func ascii() {
    let s = leadingAfterTrailing()
    let lines = Renderer(theme: Theme(glyphs: .ascii, colorMode: .none)).render(
      s, width: 80, height: 24
    ).lines
    for l in lines { #expect(l.unicodeScalars.allSatisfy(\.isASCII) && l.count <= 80, "\(l)") }
    #expect(lines[22].contains("sampler: starts at logSNR -5.819, not -16.64"), "\(lines[22])")
    #expect(lines[1].contains("^"))
  }

  @Test("without a list (b ≠ 1 on a diffusers table) the line says why, naming b")
  func noList() {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("0.5", into: .inputScale, &s)
    #expect(s.document.current.inputScale == 0.5)
    let notes = render(s, 160, 48).lines[46]
    #expect(notes.contains("sampler: no list: "), "\(notes)")
    #expect(notes.contains("= 0.5 is not allowed: 1 for a diffusers list"), "\(notes)")
  }
}
