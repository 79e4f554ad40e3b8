import Foundation
import Schedules

/// The keys that work on every screen, and the actions they send that no screen owns: screens,
/// focus, the t-cursor, pins and presets, export and import, undo, help and quit.
enum GlobalKeys {
  /// The global table, in help order: these keys, then every screen's ``ScreenDefinition/
  /// globalKeys`` (in screen order), then pins, files, undo and quit.
  static let table = KeyTable(
    title: "every screen", head + Screen.allCases.flatMap { $0.definition.globalKeys } + tail)

  static let head: [KeyBinding] =
    [
      KeyBinding(
        keys: [.char("?"), .function(1)], label: "? F1", help: "this help", action: .toggleHelp
      ).hinted("help")
    ]
    + Screen.allCases.map { s in
      KeyBinding(
        keys: [.char(Character("\(s.rawValue)"))], label: "\(s.rawValue)",
        help: "\(s.title.lowercased()) screen", action: .show(s)
      ).hinted("screens", keys: "1-\(Screen.allCases.count)")
    }
    + [
      KeyBinding(keys: [.tab], label: "Tab", help: "focus params ↔ plots", action: .focusNext)
        .hinted { $0.focus == .parameters ? "plots" : "parameters" },
      KeyBinding(keys: [.backTab], label: "Shift-Tab", help: "focus back", action: .focusPrevious),
      KeyBinding(
        keys: [.up, .char("k")], label: "↑ k", help: "previous parameter", action: .select(-1)
      ).hinted("choose", keys: "↑↓"),
      KeyBinding(
        keys: [.down, .char("j")], label: "↓ j", help: "next parameter", action: .select(1)),
      KeyBinding(
        keys: [.right, .char("l"), .char("+"), .char("="), .wheelUp], label: "→ l +",
        help: "increase / t-cursor →", action: .adjust(steps: 1, coarse: false)
      ).hinted(keys: "←→") { $0.focus == .plots ? "move t" : "change" },
      KeyBinding(
        keys: [.left, .char("h"), .char("-"), .wheelDown], label: "← h −",
        help: "decrease / t-cursor ←", action: .adjust(steps: -1, coarse: false)),
      // The mouse is resolved against the frame on screen (Renderer.action(for:in:)): listed
      // here so the help names it; the keys above take the wheel only away from every target.
      KeyBinding(
        keys: [], label: "wheel", help: "change the value under the pointer",
        action: .adjust(steps: 1, coarse: false)),
      KeyBinding(
        keys: [], label: "click", help: "select the row / put the t-cursor there",
        action: .focusPlots(t: nil)),
      KeyBinding(
        keys: [.shiftRight, .char("L"), .char("]"), .pageUp], label: "L ] PgUp",
        help: "coarse increase", action: .adjust(steps: 1, coarse: true)
      ).hinted("coarse", keys: "L/H"),
      KeyBinding(
        keys: [.shiftLeft, .char("H"), .char("["), .pageDown], label: "H [ PgDn",
        help: "coarse decrease", action: .adjust(steps: -1, coarse: true)),
      KeyBinding(
        keys: [.char("."), .char(">")], label: ". >", help: "t-cursor → (anywhere)",
        action: .moveCursor(steps: 1, coarse: false)),
      KeyBinding(
        keys: [.char(","), .char("<")], label: ", <", help: "t-cursor ← (anywhere)",
        action: .moveCursor(steps: -1, coarse: false)),
      KeyBinding(keys: [.enter], label: "Enter", help: "type exact value / t", action: .beginEdit)
        .hinted { $0.focus == .plots ? "type t" : "type" },
    ]

  static let tail: [KeyBinding] = [
    KeyBinding("p", "pin current schedule", .pin).hinted("pin"),
    KeyBinding("x", "remove the last pin", .removeLastPin),
    KeyBinding("c", "clear all pins", .clearPins),
    KeyBinding("t", "presets: Tables 1, 3, 4", .openPresets).hinted("presets"),
    KeyBinding("e", "export JSON config", .beginPrompt(.exportConfig)).hinted("export"),
    KeyBinding("d", "export diffusers folder", .beginPrompt(.exportDiffusers)),
    KeyBinding("o", "open a JSON config", .beginPrompt(.importConfig)).hinted("open"),
    KeyBinding("u", "undo", .undo).hinted("undo"),
    KeyBinding(keys: [.ctrl("r"), .char("U")], label: "Ctrl-R U", help: "redo", action: .redo),
    KeyBinding(
      keys: [.char("q"), .escape, .ctrl("c")], label: "q Esc Ctrl-C",
      help: "quit (Esc: close first)", action: .requestQuit
    ).hinted("quit"),
  ]

  /// The actions of the global keys, and the results of file effects; the last stop of the
  /// router, so anything no one takes (a caret move with nothing open) does nothing.
  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .focusNext, .focusPrevious:
      state.focus = state.focus == .parameters ? .plots : .parameters
    case .moveCursor(let steps, let coarse):
      moveCursor(&state, steps: steps, coarse: coarse)
    case .cancel, .requestQuit:
      requestQuit(&state)
    case .undo: undo(&state)
    case .redo: redo(&state)
    case .show(let screen):
      state.screen = screen
      state.selectedRow = 0
      return screen.definition.shown(&state)
    case .toggleHelp: state.modal = .help(page: 0)
    case .pin:
      addPins(&state, [(state.document.current.label, state.document.current)])
    case .clearPins: clearPins(&state)
    case .removeLastPin:
      guard !state.document.pins.isEmpty else {
        state.message = StatusMessage("no pins to remove", isError: true)
        return []
      }
      var d = state.document
      let removed = d.pins.removeLast()
      _ = commitDocument(&state, d)
      state.message = StatusMessage("removed pin \(removed.name) (u brings it back)")
    case .openPresets:
      guard !state.presets.isEmpty else {
        state.message = StatusMessage("no presets available", isError: true)
        return []
      }
      state.modal = .presets(selected: 0)
    case .beginPrompt(.exportRun) where state.runs.selectedEntry == nil:
      state.message = StatusMessage(
        "no run to export: \(state.runs.folder) has no finished run yet (s or S trains one)",
        isError: true)
    case .beginPrompt(let kind):
      let path: String
      switch kind {
      case .exportDiffusers: path = state.defaultDiffusersPath
      case .openSweep: path = state.sweep?.folder ?? state.sweepSetup.folder
      case .sweepSetup(let row): path = state.sweepSetup[row]
      case .openImage: path = state.previewImagePath
      case .previewResolutions: path = state.previewResolutionList
      case .exportRun: path = (state.runs.selectedEntry?.record.name ?? "run") + ".json"
      default: path = state.defaultConfigPath
      }
      state.modal = .prompt(kind, TextEntry(text: path, selected: true))
    case .imported(let setting, let setup, let path):
      var d = state.document
      d.current = setting
      if let setup { d.setup = setup }
      if let problem = commitDocument(&state, d) {
        state.message = StatusMessage("\(path): \(problem); nothing changed", isError: true)
      } else {
        state.message = StatusMessage("opened \(path) (u undoes)")
      }
    case .exists(let kind, let path):
      state.modal = .prompt(
        kind,
        TextEntry(
          text: path, error: "\(path) exists: Enter replaces it, Esc keeps it, or edit the path",
          replaceConfirmed: true))
    case .failed(let text):
      state.message = StatusMessage(text, isError: true)
    case .done(let text):
      state.message = StatusMessage(text)
    default:
      break
    }
    return []
  }
}

func moveCursor(_ state: inout AppState, steps: Int, coarse: Bool) {
  let v = Field.cursorT.stepped(state.cursorT, by: steps, coarse: coarse)
  state.cursorT = min(max(v, 0), 1)
}

func addPins(_ state: inout AppState, _ items: [(String, Setting)]) {
  var d = state.document
  var used = Set(d.pins.map(\.colorIndex))
  for (name, setting) in items {
    var c = 0
    while used.contains(c) { c += 1 }
    used.insert(c)
    d.pins.append(Pin(name: name, setting: setting, colorIndex: c))
  }
  if let problem = commitDocument(&state, d) {
    state.message = StatusMessage(problem.description, isError: true)
  } else {
    state.message = StatusMessage(
      items.count == 1 ? "pinned \(items[0].0)" : "pinned \(items.count) schedules")
  }
}

func clearPins(_ state: inout AppState) {
  guard !state.document.pins.isEmpty else {
    state.message = StatusMessage("no pins to clear", isError: true)
    return
  }
  var d = state.document
  let n = d.pins.count
  d.pins.removeAll()
  _ = commitDocument(&state, d)
  state.message = StatusMessage("cleared \(n) pin\(n == 1 ? "" : "s") (u brings them back)")
}

func undo(_ state: inout AppState) { restore(&state, undo: true) }

func redo(_ state: inout AppState) { restore(&state, undo: false) }

/// Undo or redo: the document from the top of one stack, the current one onto the other.
private func restore(_ state: inout AppState, undo: Bool) {
  guard let document = undo ? state.undoStack.popLast() : state.redoStack.popLast() else {
    state.message = StatusMessage("nothing to \(undo ? "undo" : "redo")", isError: true)
    return
  }
  if undo { state.redoStack.append(state.document) } else { state.undoStack.append(state.document) }
  state.document = document
  state.message = StatusMessage(undo ? "undone (Ctrl-R redoes)" : "redone")
}

func requestQuit(_ state: inout AppState) {
  if state.workActive {
    state.modal = .confirmQuit
  } else {
    state.shouldQuit = true
  }
}
