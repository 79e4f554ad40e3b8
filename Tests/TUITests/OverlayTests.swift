import Schedules
import Testing

@testable import TUI

/// Closing an overlay leaves nothing of it behind: the frame after closing equals, cell for cell
/// (characters and styles), the frame of a state in which it was never opened.
@Suite struct OverlayTests {
  func base() -> AppState {
    var s = AppState(
      current: Setting(spec: ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 2)),
      presets: PresetItem.paper)
    s.document.pins = PresetItem.paper.filter { $0.group == "Table 3 sigmoid" }.prefix(2)
      .enumerated().map { Pin(name: $1.pinName, setting: $1.setting, colorIndex: $0) }
    return s
  }

  /// Each overlay with the keys that open and close it without changing anything else.
  static let overlays: [(String, [Action], [Action])] = [
    ("help", [.toggleHelp, .select(1)], [.toggleHelp]),
    ("presets", [.openPresets, .select(5), .focusNext], [.cancel]),
    ("edit line", [.beginEdit, .type("x")], [.cancel]),
    ("edit error", [.beginEdit, .type("x"), .commit], [.cancel]),
    ("export prompt", [.beginPrompt(.exportConfig)], [.cancel]),
    ("quit question", [.trainingStarted(label: "run", details: "", totalSteps: 10), .requestQuit], [.cancel]),
  ]

  @Test(
    "closing an overlay gives the frame of one never opened",
    arguments: Self.overlays.indices, [(80, 24), (120, 40), (200, 60)])
  func closes(_ i: Int, _ size: (Int, Int)) {
    let (name, open, close) = Self.overlays[i]
    var s = base()
    // The quit question needs work running; the reference frame runs it too.
    if name == "quit question" { reduce(&s, .trainingStarted(label: "run", details: "", totalSteps: 10)) }
    let renderer = Renderer(theme: Theme())
    let never = renderer.render(s, width: size.0, height: size.1)
    for a in open { reduce(&s, a) }
    let opened = renderer.render(s, width: size.0, height: size.1)
    #expect(opened != never, "\(name) drew nothing")
    for a in close { reduce(&s, a) }
    s.message = nil
    let closed = renderer.render(s, width: size.0, height: size.1)
    #expect(closed == never, "\(name) left cells behind: \(diff(closed, never))")
  }

  func diff(_ a: Grid, _ b: Grid) -> [String] {
    var out: [String] = []
    for y in 0..<a.height {
      for x in 0..<a.width where a[x, y] != b[x, y] && out.count < 5 {
        out.append("(\(x), \(y)) \(a[x, y].char) vs \(b[x, y].char)")
      }
    }
    return out
  }
}
