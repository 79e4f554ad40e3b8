/// The screens, on the number keys. Each has a file under `Screens/` with
/// its state, its view, its keys and its actions (a ``ScreenDefinition``), registered in ``definition``.
public enum Screen: Int, Sendable, CaseIterable {
  case schedule = 1
  case preview, training, sweep, runs

  public var title: String { definition.title }

  /// The screen's own keys (``ScreenDefinition/keys``), each line's label led by the screen's
  /// number ("4: s"), as the help lists them.
  var keys: [KeyBinding] {
    definition.keys.map { line in
      var line = line
      line.label = "\(rawValue): \(line.label)"
      return line
    }
  }

  /// What the screen is: one line a screen.
  var definition: any ScreenDefinition.Type {
    switch self {
    case .schedule: return ScheduleScreen.self
    case .preview: return PreviewScreen.self
    case .training: return TrainingScreen.self
    case .sweep: return SweepScreen.self
    case .runs: return RunsScreen.self
    }
  }
}

/// A screen: its keys, its parameter rows, how it draws, its actions and its status-line hints.
///
/// The router (``reduce(_:_:)``) offers every action with no overlay open to every screen's
/// ``reduce(_:_:)`` (a global key such as the preview's `i` acts from any screen), so a screen
/// checks `state.screen` for what it does only while shown; what no screen takes goes to the
/// parameter list and then to the global keys.
protocol ScreenDefinition {
  /// The screen's name in the header, the help and the screen keys' lines.
  static var title: String { get }
  /// Keys that mean something only while this screen is shown; they override the global keys
  /// (the sweep screen's `s` and `o`). Their labels leave out the screen's number, which
  /// ``Screen/keys`` adds.
  static var keys: [KeyBinding] { get }
  /// Keys of this screen's that work from every screen; part of ``GlobalKeys/table``.
  static var globalKeys: [KeyBinding] { get }
  /// The rows of the screen's parameter list (``AppState/fields``); none by default.
  static func fields(_ state: AppState) -> [Field]
  /// Draws the screen into `body` (between the header and the status line).
  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect)
  /// The screen's actions; nil when `action` is not one of them.
  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]?
  /// Applies a report of background work (whatever overlay is open) and returns the work it
  /// starts in turn (the next queued run); nil when `action` is not one of its reports.
  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]?
  /// Work to do each time the screen is shown (its number key): the runs screen reads the runs
  /// folder again. None by default.
  static func shown(_ state: inout AppState) -> [Effect]
  /// What the status line hints at with no overlay open, most important first: actions, whose
  /// keys and words come from the key tables (``KeyMap/hints(for:in:separator:)``).
  static func hints(_ state: AppState) -> [Action]
}

extension ScreenDefinition {
  static var keys: [KeyBinding] { [] }
  static var globalKeys: [KeyBinding] { [] }
  static func fields(_ state: AppState) -> [Field] { [] }
  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? { nil }
  static func shown(_ state: inout AppState) -> [Effect] { [] }
}
