/// A key press (or wheel turn) as the backend reports it, terminal-free.
public enum Key: Hashable, Sendable {
  case char(Character)
  case up, down, left, right
  case shiftLeft, shiftRight, shiftUp, shiftDown
  case pageUp, pageDown, home, end
  case tab, backTab, enter, escape, backspace, delete
  case ctrl(Character)
  case function(Int)
  case wheelUp, wheelDown
  /// The wheel turned (up: away from the user) with the pointer on cell (x, y).
  case wheel(up: Bool, x: Int, y: Int)
  /// The first button pressed on cell (x, y).
  case click(x: Int, y: Int)
}

/// One line of the key table: the keys, what they do, and the action they send.
public struct KeyBinding: Sendable {
  public var keys: [Key]
  /// How the keys are written in the help ("←/h").
  public var label: String
  public var help: String
  public var action: Action
}

/// The explorer's keys: one table drives both the mapping and the help overlay, so the help
/// lists every key there is.
public enum KeyMap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(
      keys: [.char("?"), .function(1)], label: "? F1", help: "this help", action: .toggleHelp),
    KeyBinding(keys: [.char("1")], label: "1", help: "schedule screen", action: .show(.schedule)),
    KeyBinding(keys: [.char("2")], label: "2", help: "preview screen", action: .show(.preview)),
    KeyBinding(keys: [.char("3")], label: "3", help: "training screen", action: .show(.training)),
    KeyBinding(keys: [.char("4")], label: "4", help: "sweep screen", action: .show(.sweep)),
    KeyBinding(keys: [.tab], label: "Tab", help: "focus params ↔ plots", action: .focusNext),
    KeyBinding(keys: [.backTab], label: "Shift-Tab", help: "focus back", action: .focusPrevious),
    KeyBinding(
      keys: [.up, .char("k")], label: "↑ k", help: "previous parameter", action: .select(-1)),
    KeyBinding(
      keys: [.down, .char("j")], label: "↓ j", help: "next parameter", action: .select(1)),
    KeyBinding(
      keys: [.right, .char("l"), .char("+"), .char("="), .wheelUp], label: "→ l +",
      help: "increase / t-cursor →", action: .adjust(steps: 1, coarse: false)),
    KeyBinding(
      keys: [.left, .char("h"), .char("-"), .wheelDown], label: "← h −",
      help: "decrease / t-cursor ←", action: .adjust(steps: -1, coarse: false)),
    // The mouse is resolved against the frame on screen (Renderer.action(for:in:)): listed here
    // so the help names it; the keys above take the wheel only away from every target.
    KeyBinding(
      keys: [], label: "wheel", help: "change the value under the pointer",
      action: .adjust(steps: 1, coarse: false)),
    KeyBinding(
      keys: [], label: "click", help: "select the row / put the t-cursor there",
      action: .focusPlots(t: nil)),
    KeyBinding(
      keys: [.shiftRight, .char("L"), .char("]"), .pageUp], label: "L ] PgUp",
      help: "coarse increase", action: .adjust(steps: 1, coarse: true)),
    KeyBinding(
      keys: [.shiftLeft, .char("H"), .char("["), .pageDown], label: "H [ PgDn",
      help: "coarse decrease", action: .adjust(steps: -1, coarse: true)),
    KeyBinding(
      keys: [.char("."), .char(">")], label: ". >", help: "t-cursor → (anywhere)",
      action: .moveCursor(steps: 1, coarse: false)),
    KeyBinding(
      keys: [.char(","), .char("<")], label: ", <", help: "t-cursor ← (anywhere)",
      action: .moveCursor(steps: -1, coarse: false)),
    KeyBinding(
      keys: [.enter], label: "Enter",
      help: "type exact value / t", action: .beginEdit),
    KeyBinding(
      keys: [.char("i")], label: "i", help: "preview: next bundled image", action: .cycleImage(1)),
    KeyBinding(
      keys: [.char("I")], label: "I", help: "preview: previous bundled image",
      action: .cycleImage(-1)),
    KeyBinding(
      keys: [.char("O")], label: "O", help: "preview: open a PNG image",
      action: .beginPrompt(.openImage)),
    KeyBinding(
      keys: [.char("r")], label: "r", help: "preview: type the resolutions",
      action: .beginPrompt(.previewResolutions)),
    KeyBinding(
      keys: [], label: "2: ←→ rows", help: "image row: cycle; resolutions: +/−",
      action: .adjust(steps: 1, coarse: false)),
    KeyBinding(
      keys: [.char("w")], label: "w", help: "weighting plot p(λ)·w(λ) on/off",
      action: .toggleWeighting),
    KeyBinding(
      keys: [.char("W")], label: "W", help: "next loss weighting (ε, x0, v, …)",
      action: .cycleWeighting),
    KeyBinding(keys: [.char("p")], label: "p", help: "pin current schedule", action: .pin),
    KeyBinding(keys: [.char("x")], label: "x", help: "remove the last pin", action: .removeLastPin),
    KeyBinding(keys: [.char("c")], label: "c", help: "clear all pins", action: .clearPins),
    KeyBinding(
      keys: [.char("t")], label: "t",
      help: "presets: Tables 1, 3, 4",
      action: .openPresets),
    KeyBinding(
      keys: [.char("e")], label: "e", help: "export JSON config",
      action: .beginPrompt(.exportConfig)),
    KeyBinding(
      keys: [.char("d")], label: "d", help: "export diffusers folder",
      action: .beginPrompt(.exportDiffusers)),
    KeyBinding(
      keys: [.char("o")], label: "o", help: "open a JSON config",
      action: .beginPrompt(.importConfig)),
    KeyBinding(keys: [.char("s")], label: "s",
      help: "train screen 3's setup / stop", action: .toggleTraining),
    KeyBinding(keys: [.char("u")], label: "u", help: "undo", action: .undo),
    KeyBinding(keys: [.ctrl("r"), .char("U")], label: "Ctrl-R U", help: "redo", action: .redo),
    KeyBinding(
      keys: [.char("q"), .escape, .ctrl("c")], label: "q Esc Ctrl-C",
      help: "quit (Esc: close first)", action: .requestQuit),
  ]

  /// Keys that mean something else on the sweep screen (4); listed after ``bindings`` in the help.
  public static let sweepBindings: [KeyBinding] = [
    KeyBinding(
      keys: [.char("s")], label: "4: s", help: "start / resume / stop the sweep",
      action: .toggleSweep),
    KeyBinding(
      keys: [.char("o")], label: "4: o", help: "open a sweep folder (view)",
      action: .beginPrompt(.openSweep)),
    KeyBinding(
      keys: [], label: "4: ↑↓ Enter", help: "choose / edit a setup row", action: .beginEdit),
  ]

  /// Every line of the help overlay.
  public static var helpBindings: [KeyBinding] { bindings + sweepBindings }

  /// Keys inside the edit line, the path prompt and the preset list, for the help.
  public static let modalHelp: [(String, String)] = [
    ("typing", "old value selected: typing replaces it"),
    ("", "←→ Home End move, Backspace Del delete"),
    ("", "Enter accepts, Esc cancels"),
    // Two lines: one did not fit the help box's 49 columns and lost its end.
    ("presets", "↑↓ move, Enter load, Tab next group"),
    ("", "p pin, a pin group (a figure), c clear"),
    ("quit?", "y quits, n or Esc stays"),
  ]

  static let table: [Key: Action] = {
    var t: [Key: Action] = [:]
    for b in bindings { for k in b.keys where t[k] == nil { t[k] = b.action } }
    return t
  }()

  /// The action for `key` in `state`, or nil when the key means nothing there.
  public static func action(for key: Key, in state: AppState) -> Action? {
    switch state.modal {
    case .edit, .prompt:
      switch key {
      case .enter: return .commit
      case .escape, .ctrl("c"): return .cancel
      case .backspace: return .backspace
      case .delete: return .deleteForward
      case .left: return .moveCaret(-1)
      case .right: return .moveCaret(1)
      case .home: return .caretToEnd(false)
      case .end: return .caretToEnd(true)
      case .char(let c): return .type(c)
      default: return nil
      }
    case .presets:
      switch key {
      case .up, .char("k"), .wheelUp: return .select(-1)
      case .down, .char("j"), .wheelDown: return .select(1)
      case .pageUp: return .select(-10)
      case .pageDown: return .select(10)
      case .tab: return .focusNext
      case .backTab: return .focusPrevious
      case .enter: return .commit
      case .char("p"): return .pinPreset
      case .char("a"): return .pinPresetGroup
      case .char("c"): return .clearPins
      case .char("u"): return .undo
      case .ctrl("r"), .char("U"): return .redo
      case .escape, .char("t"), .char("q"): return .cancel
      case .ctrl("c"): return .requestQuit
      default: return nil
      }
    case .confirmQuit:
      switch key {
      case .char("y"), .char("Y"), .char("q"), .ctrl("c"): return .confirm(true)
      case .char("n"), .char("N"), .escape: return .confirm(false)
      default: return nil
      }
    case .help:
      switch key {
      case .ctrl("c"), .char("q"): return .requestQuit
      case .down, .char("j"), .pageDown, .char(" "), .wheelDown: return .select(1)
      case .up, .char("k"), .pageUp, .wheelUp: return .select(-1)
      default: return .toggleHelp
      }
    case nil:
      if state.screen == .sweep, let b = sweepBindings.first(where: { $0.keys.contains(key) }) {
        return b.action
      }
      return table[key]
    }
  }
}
