import Schedules
import Testing

@testable import TUI

/// Typed entry (Enter on a value): the old value is shown selected and the first typed character
/// replaces it; the arrows, Home/End, Backspace and Delete edit it in place.
@Suite struct EntryTests {
  /// The b row of the 1 − t schedule at b = 1, with the edit line open on it.
  func editingB() -> AppState {
    var s = explorer()
    while s.selectedField != .inputScale { reduce(&s, .select(1)) }
    reduce(&s, .beginEdit)
    return s
  }

  func entry(_ s: AppState) -> TextEntry? {
    switch s.modal {
    case .edit(_, let e), .prompt(_, let e): return e
    default: return nil
    }
  }

  func keys(_ s: inout AppState, _ keys: [Key]) { press(keys, &s) }

  @Test("typing 0.5 on b = 1 gives b = 0.5 (the issue saw 10.5)")
  func replaces() {
    var s = editingB()
    #expect(entry(s)?.text == "1")
    #expect(entry(s)?.selected == true)
    keys(&s, "0.5".map { .char($0) } + [.enter])
    #expect(s.modal == nil)
    #expect(s.document.current.inputScale == 0.5)
  }

  @Test("→ keeps the old value and appends; ← ← and Backspace edit inside it")
  func arrowsEdit() {
    var s = editingB()
    keys(&s, [.right, .char("5")])
    #expect(entry(s)?.text == "15")
    // Caret after "15"; two steps left puts it before "1"; typing inserts there.
    keys(&s, [.left, .left, .char("0"), .char(".")])
    #expect(entry(s)?.text == "0.15")
    #expect(entry(s)?.caret == 2)
    keys(&s, [.backspace, .end, .backspace])
    #expect(entry(s)?.text == "01")
    keys(&s, [.home, .delete, .char("2"), .enter])
    #expect(s.document.current.inputScale == 21)
  }

  @Test("← on the selection puts the caret at its start; Backspace clears it")
  func leftAndBackspace() {
    var s = editingB()
    keys(&s, [.left, .char("2")])
    #expect(entry(s)?.text == "21")
    var t = editingB()
    keys(&t, [.backspace])
    #expect(entry(t)?.text == "")
    keys(&t, [.char("3"), .enter])
    #expect(t.document.current.inputScale == 3)
  }

  @Test("Enter on the untouched selection keeps the value")
  func enterKeeps() {
    var s = editingB()
    let before = s.document
    keys(&s, [.enter])
    #expect(s.modal == nil)
    #expect(s.document == before)
  }

  @Test("path prompts and sweep rows replace their suggestion too")
  func prompts() {
    var s = explorer()
    reduce(&s, .beginPrompt(.exportConfig))
    keys(&s, "b.json".map { .char($0) })
    #expect(entry(s)?.text == "b.json")
    #expect(
      reduce(&s, .commit) == [
        .exportConfig(
          s.document.current, setup: s.document.trainingConfig, path: "b.json", replace: false)
      ])
  }

  @Test("the edit line shows the old value reversed, then the typed text with the caret")
  func drawn() {
    var s = editingB()
    let r = Renderer(theme: Theme())
    var g = r.render(s, width: 80, height: 24)
    let line = g.lines[23]
    #expect(line.hasPrefix(" b (input scale) = 1"))
    let valueX = " b (input scale) = ".count
    #expect(g[valueX, 23].char == "1")
    #expect(g[valueX, 23].style.attributes.contains(.reverse))
    keys(&s, [.char("0"), .char("."), .char("5"), .left])
    g = r.render(s, width: 80, height: 24)
    #expect(g.lines[23].hasPrefix(" b (input scale) = 0.5"))
    // The caret is on the "5" (one left of the end); the other characters are not reversed.
    #expect(g[valueX + 2, 23].style.attributes.contains(.reverse))
    #expect(!g[valueX, 23].style.attributes.contains(.reverse))
  }
}
