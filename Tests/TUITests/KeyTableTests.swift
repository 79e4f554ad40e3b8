import Schedules
import Testing

@testable import TUI

/// The help and the dispatcher read the same tables (``KeyMap/tables(for:)``): in every
/// context (each screen, each overlay) every key the help lists sends the listed action, and
/// every key that sends anything is listed.
@Suite struct KeyTableTests {
  /// A state per context: each screen with nothing open, and each overlay.
  static let contexts: [(String, AppState)] = {
    let base = AppState(
      current: Setting(spec: ScheduleSpec(family: .cosine)), presets: PresetItem.paper)
    var out: [(String, AppState)] = Screen.allCases.map { screen in
      var s = base
      s.screen = screen
      return ("screen \(screen.rawValue)", s)
    }
    let modals: [(String, Modal)] = [
      ("help", .help(page: 0)),
      ("edit line", .edit(.cursorT, TextEntry(text: "0.5", selected: true))),
      ("prompt", .prompt(.exportConfig, TextEntry(text: "schedule.json"))),
      ("presets", .presets(selected: 0)),
      ("quit question", .confirmQuit),
    ]
    for (name, modal) in modals {
      for screen in Screen.allCases {
        var s = base
        s.screen = screen
        s.modal = modal
        out.append(("\(name) on screen \(screen.rawValue)", s))
      }
    }
    return out
  }()

  /// Every key a terminal can send without the mouse's cell: printable ASCII, arrows (plain
  /// and shifted), page keys, Home/End, Tab, Shift-Tab, Enter, Esc, Backspace, Delete, Ctrl-A…Z,
  /// F1–F12 and the wheel.
  static let allKeys: [Key] = {
    var keys: [Key] = (32...126).map { .char(Character(Unicode.Scalar($0)!)) }
    keys += [
      .up, .down, .left, .right, .shiftLeft, .shiftRight, .shiftUp, .shiftDown, .pageUp,
      .pageDown, .home, .end, .tab, .backTab, .enter, .escape, .backspace, .delete, .wheelUp,
      .wheelDown,
    ]
    keys += "abcdefghijklmnopqrstuvwxyz".map { .ctrl($0) }
    keys += (1...12).map { .function($0) }
    return keys
  }()

  /// The help's lines, as (key label, text).
  static let helpLines = Set(Renderer.helpRows.filter(\.isBinding).map { "\($0.key)\t\($0.text)" })

  /// The first line of the context's tables that covers `key` (listed or caught).
  func listing(_ key: Key, _ state: AppState) -> KeyBinding? {
    KeyMap.tables(for: state).lazy.flatMap(\.bindings).first { $0.covers(key) }
  }

  @Test("every key the help lists sends the listed action", arguments: Self.contexts.indices)
  func listedKeysDispatch(_ i: Int) {
    let (name, state) = Self.contexts[i]
    for table in KeyMap.tables(for: state) {
      for binding in table.bindings {
        #expect(
          Self.helpLines.contains("\(binding.label)\t\(binding.help)"),
          "\(name): \(binding.label) is not in the help")
        for key in binding.keys {
          // A screen's own key may shadow a global one: the help lists it, first.
          let first = listing(key, state)
          #expect(first != nil, "\(name): \(key) listed but not found")
          #expect(
            KeyMap.action(for: key, in: state) == first?.action(for: key),
            "\(name): \(key) (\(binding.label)) does not send what its line says")
          if first?.label == binding.label {
            #expect(KeyMap.action(for: key, in: state) == binding.action(for: key))
          }
        }
      }
    }
  }

  @Test("every key that sends an action is in the help", arguments: Self.contexts.indices)
  func dispatchedKeysListed(_ i: Int) {
    let (name, state) = Self.contexts[i]
    for key in Self.allKeys {
      let action = KeyMap.action(for: key, in: state)
      let line = listing(key, state)
      #expect(
        (action == nil) == (line == nil), "\(name): \(key) sends \(String(describing: action))")
      guard let line, let action else { continue }
      #expect(line.action(for: key) == action, "\(name): \(key)")
      #expect(
        Self.helpLines.contains("\(line.label)\t\(line.help)"),
        "\(name): \(key) sends \(action), but its line \(line.label) is not in the help")
    }
  }

  @Test("each screen has its number key, and the help names every screen")
  func screenKeys() {
    let s = explorer()
    for screen in Screen.allCases {
      let key = Key.char(Character("\(screen.rawValue)"))
      #expect(KeyMap.action(for: key, in: s) == .show(screen))
      #expect(Self.helpLines.contains("\(screen.rawValue)\t\(screen.title.lowercased()) screen"))
    }
  }

  @Test("the mouse is resolved against the frame: a click on a row selects it, in the help")
  func mouse() {
    var s = explorer()
    let renderer = Renderer(theme: Theme())
    _ = renderer.render(s, width: 120, height: 40)
    guard let row = renderer.targets.first(where: { $0.target == .parameter(row: 1) }) else {
      Issue.record("no parameter row drawn")
      return
    }
    let click = Key.click(x: row.rect.x + 1, y: row.rect.y)
    #expect(renderer.action(for: click, in: s) == .focusRow(1))
    #expect(Self.helpLines.contains { $0.hasPrefix("click\t") })
    #expect(Self.helpLines.contains { $0.hasPrefix("wheel\t") })
    s.modal = .help(page: 0)
    // With the help open, a click is one of its "other keys".
    #expect(renderer.action(for: click, in: s) == .toggleHelp)
  }
}

/// The status line's hints come from the key tables (``KeyMap/hints(for:in:separator:)``):
/// every action a screen hints at has a hint line whose key sends it there, and a key a screen
/// takes for itself is never hinted at with the global meaning.
@Suite struct KeyHintTests {
  static func states() -> [(String, AppState)] {
    var out: [(String, AppState)] = []
    for screen in Screen.allCases {
      for focus in [Focus.parameters, .plots] {
        var s = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)))
        s.screen = screen
        s.focus = focus
        out.append(("screen \(screen.rawValue), focus \(focus)", s))
      }
    }
    return out
  }

  @Test("every hinted action of every screen resolves to a key that sends it")
  func everyHintResolves() {
    for (name, state) in Self.states() {
      let actions = state.screen.definition.hints(state)
      let texts = KeyMap.hints(for: actions, in: state)
      #expect(texts.count == actions.count, "\(name): \(actions) → \(texts)")
      for text in texts {
        // "keys:word": the keys part is a key the help lists in a table of this context.
        let keys = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        #expect(!keys.isEmpty && text.count > keys.count + 1, "\(name): \(text)")
      }
    }
  }

  @Test("hints follow the state and the screen's own keys")
  func hintsFollowState() {
    var s = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)))
    s.screen = .sweep
    // On the sweep screen s starts the sweep: the global "s:train" must not be offered there.
    #expect(KeyMap.hints(for: [.toggleTraining], in: s).isEmpty)
    #expect(KeyMap.hints(for: [.toggleSweep, .show(.schedule)], in: s)
      == ["s:start sweep", "1-\(Screen.allCases.count):screens"])
    s.screen = .training
    #expect(KeyMap.hints(for: [.toggleTraining, .beginEdit], in: s) == ["s:train", "Enter:type"])
    s.screen = .schedule
    s.focus = .plots
    #expect(
      KeyMap.hints(for: [.adjust(steps: 1, coarse: false), .beginEdit, .focusNext], in: s)
        == ["←→:move t", "Enter:type t", "Tab:parameters"])
    s.modal = .confirmQuit
    #expect(KeyMap.hints(for: [.confirm(true), .confirm(false)], in: s, separator: ": ")
      == ["y: quit", "n: stay"])
  }
}
