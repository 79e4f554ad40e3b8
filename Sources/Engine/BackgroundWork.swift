import Foundation

/// A worker thread and its mailbox: events posted in order, a stop request, and the outcome, all
/// behind one lock. ``TrainingJob`` and ``SweepJob`` are built on it, so a UI thread that must
/// never block (the explorer's ncurses loop) polls ``drain()`` and ``outcome`` on its tick.
public final class BackgroundWork<Event: Sendable, Outcome: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [Event] = []
  private var stopRequested = false
  private var finalOutcome: Outcome?

  public init() {}

  /// Runs `body` on a new thread (8 MiB of stack, for the samplers' recursion-free but deep
  /// frames) and stores what it returns as ``outcome``. Call once.
  public func start(_ body: @escaping @Sendable (BackgroundWork) -> Outcome) {
    let thread = Thread { [self] in
      let result = body(self)
      lock.lock()
      finalOutcome = result
      lock.unlock()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Queues `event` for the next ``drain()``.
  public func post(_ event: Event) {
    lock.lock()
    events.append(event)
    lock.unlock()
  }

  /// Whether ``cancel()`` was called; the worker polls it between steps.
  public var shouldStop: Bool {
    lock.lock()
    defer { lock.unlock() }
    return stopRequested
  }

  /// Asks the worker to stop at its next check.
  public func cancel() {
    lock.lock()
    stopRequested = true
    lock.unlock()
  }

  /// The events posted since the last call, oldest first.
  public func drain() -> [Event] {
    lock.lock()
    defer { lock.unlock() }
    let out = events
    events.removeAll(keepingCapacity: true)
    return out
  }

  /// Set when the worker has finished; nil while it runs.
  public var outcome: Outcome? {
    lock.lock()
    defer { lock.unlock() }
    return finalOutcome
  }
}
