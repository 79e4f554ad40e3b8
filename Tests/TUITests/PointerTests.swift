import Schedules
import Testing

@testable import TUI

/// The mouse acts on what is under the pointer in the frame on screen: the wheel changes that
/// field (the issue saw it change the focused one), a click focuses it.
@Suite struct PointerTests {
  /// 1 − t at b = 1 on the schedule screen at 80×24: the parameter rows are family (row 2 of
  /// the screen), b (3), clipMin (4), normalise (5), resolution (6), zero terminal SNR (7).
  func drawn() -> (AppState, Renderer) {
    let s = explorer()
    let r = Renderer(theme: Theme())
    _ = r.render(s, width: 80, height: 24)
    return (s, r)
  }

  func press(_ key: Key, _ s: inout AppState, _ r: Renderer) {
    if let a = r.action(for: key, in: s) { reduce(&s, a) }
    _ = r.render(s, width: 80, height: 24)
  }

  @Test("the wheel over b changes b, not the focused family, and leaves the focus where it was")
  func wheelChangesFieldUnderPointer() {
    var (s, r) = drawn()
    #expect(s.selectedField == .family)
    press(.wheel(up: true, x: 10, y: 3), &s, r)
    #expect(s.document.current.inputScale == 1.05)
    #expect(s.document.current.spec.family == .linear)
    #expect(s.selectedField == .family)
    press(.wheel(up: false, x: 20, y: 3), &s, r)
    press(.wheel(up: false, x: 20, y: 3), &s, r)
    #expect(s.document.current.inputScale == 0.95)
    // Over normalise (row 5) the wheel toggles it.
    press(.wheel(up: true, x: 5, y: 5), &s, r)
    #expect(s.document.current.normalize == false)
  }

  @Test("a click focuses the row under it; a click on the γ plot focuses the plots at that t")
  func clickFocuses() throws {
    var (s, r) = drawn()
    press(.click(x: 12, y: 6), &s, r)
    #expect(s.focus == .parameters)
    #expect(s.selectedField == .resolution)
    let plot = try #require(r.chartLayouts.first?.plot)
    // The middle cell of the γ plot: its centre dot is at t = (2·c + 0.5) / (2·width − 1).
    let c = plot.width / 2
    press(.click(x: plot.x + c, y: plot.y + 1), &s, r)
    #expect(s.focus == .plots)
    let t = (2 * Double(c) + 0.5) / Double(2 * plot.width - 1)
    #expect(abs(s.cursorT - t) < 1e-12)
    // The t-cursor column is drawn where the click was.
    let g = r.render(s, width: 80, height: 24)
    #expect(g[plot.x + c, plot.y].style.bg == Theme().cursorBackground)
  }

  @Test("with the presets open the wheel moves the selection; nowhere it does nothing")
  func overlaysAndNowhere() {
    var (s, r) = drawn()
    s.presets = PresetItem.paper
    reduce(&s, .openPresets)
    press(.wheel(up: false, x: 10, y: 3), &s, r)
    #expect(s.modal == .presets(selected: 1))
    reduce(&s, .cancel)
    let before = s
    // The header row holds no target: a click there changes nothing.
    press(.click(x: 30, y: 0), &s, r)
    #expect(s == before)
  }
}
