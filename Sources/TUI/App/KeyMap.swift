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

/// One line of a key table: the keys, how the help writes them, what they do, and the action
/// they send. A line with no keys only documents (the mouse, which ``Renderer`` resolves).
public struct KeyBinding: Sendable {
  /// Keys a line catches besides its listed ones.
  public enum Catchall: Sendable {
    /// Every character types itself (``Action/type(_:)``): the edit line and prompts.
    case typing
    /// Every key not listed above it in its table (the help's "other keys close").
    case everyKey
  }

  public var keys: [Key]
  /// How the keys are written in the help ("←/h").
  public var label: String
  public var help: String
  /// What the keys send (the first key's, on a line whose keys do different things).
  public var action: Action
  public var catchall: Catchall?
  /// Per-key actions of a line such as "←→ Home End" (move the caret four ways).
  var perKey: [Key: Action] = [:]
  /// How the status line hints at this line's actions, for those it hints at
  /// (``hinted(_:keys:for:)``).
  var hints: [(action: Action, hint: KeyHint)] = []

  public init(keys: [Key], label: String, help: String, action: Action) {
    self.keys = keys
    self.label = label
    self.help = help
    self.action = action
  }

  /// A line for one character key, written as itself unless `label` says otherwise.
  public init(_ c: Character, label: String? = nil, _ help: String, _ action: Action) {
    self.init(keys: [.char(c)], label: label ?? String(c), help: help, action: action)
  }

  /// A line whose keys send different actions, in the order the label names them.
  public init(label: String, help: String, _ pairs: [(Key, Action)]) {
    self.init(keys: pairs.map(\.0), label: label, help: help, action: pairs[0].1)
    perKey = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
  }

  /// A line that catches keys beyond its listed ones.
  public init(catchall: Catchall, label: String, help: String, action: Action) {
    self.init(keys: [], label: label, help: help, action: action)
    self.catchall = catchall
  }

  /// This line, hinted at in the status line as `keys:word` ("p:pin") for `action` (default:
  /// the line's own); `keys` defaults to the label's first key.
  func hinted(_ word: String, keys: String? = nil, for action: Action? = nil) -> KeyBinding {
    hinted(keys: keys, for: action) { _ in word }
  }

  /// This line with a hint whose word depends on the state ("s:train" / "s:stop").
  func hinted(
    keys: String? = nil, for action: Action? = nil,
    _ word: @escaping @Sendable (AppState) -> String
  ) -> KeyBinding {
    var b = self
    let shown = keys ?? String(label.split(separator: " ").first ?? "")
    b.hints.append((action ?? self.action, KeyHint(keys: shown, word: word)))
    return b
  }

  /// The line's keys that send `action`, in order.
  func keys(sending action: Action) -> [Key] {
    keys.filter { (perKey[$0] ?? self.action) == action }
  }

  /// Whether the help's line covers `key`: listed, or caught.
  public func covers(_ key: Key) -> Bool { action(for: key) != nil }

  /// The action `key` sends by this line, or nil when the line does not take it.
  public func action(for key: Key) -> Action? {
    if keys.contains(key) { return perKey[key] ?? action }
    switch (catchall, key) {
    case (.typing, .char(let c)): return .type(c)
    case (.everyKey, _): return action
    default: return nil
    }
  }
}

/// A key line's hint in the status line: `keys:word`, the words from the state where they change
/// with it. Screens name the actions to hint at (``ScreenDefinition/hints(_:)``) and the text
/// comes from the table that dispatches them, so a hint cannot name a key that does something
/// else or nothing.
public struct KeyHint: Sendable {
  public var keys: String
  var word: @Sendable (AppState) -> String

  func text(_ state: AppState, separator: String = ":") -> String {
    keys + separator + word(state)
  }
}

/// A key table: the bindings of one context (a screen, the global keys, an overlay) under the
/// title the help lists it by.
public struct KeyTable: Sendable {
  public var title: String
  /// A line under the title in the help (where the table applies); empty for none.
  public var note: String
  public var bindings: [KeyBinding]

  public init(title: String, note: String = "", _ bindings: [KeyBinding]) {
    self.title = title
    self.note = note
    self.bindings = bindings
  }
}

/// The explorer's keys. Dispatch and the help overlay read the same tables: for a state,
/// ``tables(for:)`` gives the tables that apply, first match wins; the help lists
/// ``helpTables``, every table there is.
public enum KeyMap {
  /// The tables a key is looked up in, in order: the overlay's when one is open; else the shown
  /// screen's own keys (which override), then the global keys.
  public static func tables(for state: AppState) -> [KeyTable] {
    if let modal = state.modal { return [Overlays.keys(for: modal)] }
    let own = state.screen.keys
    return (own.isEmpty ? [] : [KeyTable(title: state.screen.title, own)]) + [GlobalKeys.table]
  }

  /// The action for `key` in `state`, or nil when the key means nothing there.
  public static func action(for key: Key, in state: AppState) -> Action? {
    for table in tables(for: state) {
      for binding in table.bindings {
        if let action = binding.action(for: key) { return action }
      }
    }
    return nil
  }

  /// The global table and every screen's own keys, in screen order.
  public static var screenTables: [KeyTable] {
    [GlobalKeys.table]
      + Screen.allCases.compactMap { s in
        let own = s.keys
        return own.isEmpty ? nil : KeyTable(title: s.title, own)
      }
  }

  /// Every table, in the order the help lists them: ``screenTables``, then the overlays'.
  public static var helpTables: [KeyTable] { screenTables + Overlays.keyTables }

  /// The hints for `actions` from the tables that apply in `state`: for each, the first line
  /// with a hint for it whose key really sends it here (a screen's own key overrides a global
  /// one); an action with none is left out. In order.
  static func hints(for actions: [Action], in state: AppState, separator: String = ":") -> [String] {
    let lines = tables(for: state).flatMap(\.bindings)
    return actions.compactMap { a in
      for line in lines {
        guard let hint = line.hints.first(where: { $0.action == a })?.hint,
          let key = line.keys(sending: a).first, action(for: key, in: state) == a
        else { continue }
        return hint.text(state, separator: separator)
      }
      return nil
    }
  }

  /// The global table (keys of every screen).
  public static var bindings: [KeyBinding] { GlobalKeys.table.bindings }

  /// Every line of the help overlay.
  public static var helpBindings: [KeyBinding] { helpTables.flatMap(\.bindings) }
}
