import Engine

// What a screen declares in its own file — its actions, its state, its file work — behind one
// generic case each in the central types (``Action/screen(_:)``, ``AppState/screens``,
// ``Effect/work(_:)``), so a new screen adds no case to them, to `isReport` or to the shell.

/// A screen's own action: an enum in the screen's file, sent as ``Action/screen(_:)`` (its
/// ``action``) and taken back out by the screen's reduce (``Action/message(_:)``).
public protocol ScreenMessage: Sendable, Equatable {
  /// Whether it reports background work or an effect's result (and so brings its own status
  /// message, where a key clears the last one). False by default.
  var isReport: Bool { get }
}

extension ScreenMessage {
  public var isReport: Bool { false }
  /// This message as an ``Action``.
  public var action: Action { .screen(ScreenAction(self)) }

  fileprivate func isEqual(to other: any ScreenMessage) -> Bool { (other as? Self) == self }
}

/// A ``ScreenMessage`` of any screen: equal when the same type and equal values.
public struct ScreenAction: Sendable, Equatable {
  public let message: any ScreenMessage

  public init(_ message: some ScreenMessage) { self.message = message }

  public static func == (a: ScreenAction, b: ScreenAction) -> Bool {
    a.message.isEqual(to: b.message)
  }
}

extension Action {
  /// The screen message of type `T` this action carries, if it is one.
  public func message<T: ScreenMessage>(_: T.Type) -> T? {
    guard case .screen(let a) = self else { return nil }
    return a.message as? T
  }
}

/// A screen's own state: a type in the screen's file, kept in ``AppState/screens`` under its
/// type (``ScreenStates``), starting as ``initial``.
public protocol ScreenState: Sendable, Equatable {
  /// The state before the screen has done anything.
  static var initial: Self { get }
}

/// Every screen's own state, one value per ``ScreenState`` type: `state.screens[RunsList.self]`.
public struct ScreenStates: Sendable, Equatable {
  /// Each state in a box of its own, copied on write (``StateBox``), so a change in place
  /// (`training.losses.append`) neither copies the state out of an existential nor its arrays.
  private var boxes: [ObjectIdentifier: AnyStateBox] = [:]

  public init() {}

  public subscript<S: ScreenState>(_ type: S.Type) -> S {
    get { (boxes[ObjectIdentifier(type)] as? StateBox<S>)?.value ?? S.initial }
    _modify {
      let key = ObjectIdentifier(type)
      var box = boxes.removeValue(forKey: key) ?? StateBox(S.initial)
      // Another copy of the explorer's state (an undo test's `before`) shares it: copy first.
      if !isKnownUniquelyReferenced(&box) { box = box.copy() }
      let typed = unsafeDowncast(box, to: StateBox<S>.self)
      defer { boxes[key] = typed }
      yield &typed.value
    }
    set { boxes[ObjectIdentifier(type)] = StateBox(newValue) }
  }

  /// Equal when every screen's state is: one never set is its ``ScreenState/initial``.
  public static func == (a: ScreenStates, b: ScreenStates) -> Bool {
    Set(a.boxes.keys).union(b.boxes.keys).allSatisfy { k in
      switch (a.boxes[k], b.boxes[k]) {
      case (let x?, let y?): return x === y || x.isEqual(to: y)
      case (let x?, nil), (nil, let x?): return x.isInitial
      case (nil, nil): return true
      }
    }
  }
}

/// A screen's state behind a reference, which ``ScreenStates`` copies before changing a shared
/// one: a value to everyone outside. (Unchecked: only `ScreenStates` mutates it, and only
/// when it holds the only reference.)
private class AnyStateBox: @unchecked Sendable {
  func copy() -> AnyStateBox { fatalError("StateBox overrides copy()") }
  func isEqual(to other: AnyStateBox) -> Bool { fatalError("StateBox overrides isEqual(to:)") }
  var isInitial: Bool { fatalError("StateBox overrides isInitial") }
}

private final class StateBox<S: ScreenState>: AnyStateBox, @unchecked Sendable {
  var value: S

  init(_ value: S) { self.value = value }

  override func copy() -> AnyStateBox { StateBox(value) }
  override func isEqual(to other: AnyStateBox) -> Bool { (other as? StateBox<S>)?.value == value }
  override var isInitial: Bool { value == S.initial }
}

/// File work a screen asks for: a value (so tests compare and run it) whose ``run()`` the shell
/// calls on a thread of its own (``WorkRunner``), reducing the action it returns on the UI
/// thread's tick. A file never freezes the UI, and the shell needs no case for it.
public protocol ScreenWork: Sendable, Equatable {
  /// Does the work, off the UI thread, and returns the action reporting it (its failure too).
  func run() -> Action
}

extension ScreenWork {
  /// This work as an ``Effect``.
  public var effect: Effect { .work(WorkEffect(self)) }

  fileprivate func isEqual(to other: any ScreenWork) -> Bool { (other as? Self) == self }
}

/// A ``ScreenWork`` of any screen: equal when the same type and equal values.
public struct WorkEffect: Sendable, Equatable {
  public let work: any ScreenWork

  public init(_ work: some ScreenWork) { self.work = work }

  public static func == (a: WorkEffect, b: WorkEffect) -> Bool { a.work.isEqual(to: b.work) }
}

/// Runs ``Effect/work(_:)`` effects, each on a thread of its own, and hands their reports back
/// on the UI thread (``finished()``, polled on the explorer's tick).
public final class WorkRunner {
  private var running: [BackgroundWork<Never, Action>] = []

  public init() {}

  public func start(_ effect: WorkEffect) {
    let work = effect.work
    let job = BackgroundWork<Never, Action>()
    job.start { _ in work.run() }
    running.append(job)
  }

  /// The reports of the work done since the last call, in the order the work was started.
  public func finished() -> [Action] {
    var reports: [Action] = []
    running.removeAll { job in
      guard let report = job.outcome else { return false }
      reports.append(report)
      return true
    }
    return reports
  }

  /// Whether no work is going.
  public var isIdle: Bool { running.isEmpty }
}
