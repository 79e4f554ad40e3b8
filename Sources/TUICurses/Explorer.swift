import Foundation
import TUI

/// The explorer's loop: key → ``Action`` → ``reduce(_:_:)`` → effects → render → diff → flush.
public enum ExplorerLoop {
  /// How the loop ended.
  public enum Outcome: Equatable {
    /// The user quit.
    case quit
    /// A termination signal arrived (the exit status should be 128 + signal).
    case signal(Int32)
  }

  /// Runs until the user quits or a termination signal arrives; the terminal is restored before
  /// this returns. `perform` does an effect's file work and returns the action reporting it;
  /// a screen's own work (``Effect/work(_:)``) runs on a thread of its own (``WorkRunner``)
  /// and its report is reduced on the loop's next turn (`perform` may start work on `works`
  /// too: the shell reads an opened config there).
  /// `tick` runs every 100 ms on this thread (training reports are polled there); it returns
  /// whether the state changed and the effects its reports asked for (the next queued run),
  /// which are performed as a key's are.
  public static func run(
    state initial: AppState, renderer: Renderer, terminal: CursesTerminal,
    perform: (Effect) -> Action,
    tick: (inout AppState) -> (changed: Bool, effects: [Effect]) = { _ in (false, []) },
    works: WorkRunner = WorkRunner()
  ) -> (AppState, Outcome) {
    var state = initial
    /// Effects report back with actions, which may ask for more work; a screen's file work
    /// runs on its own thread and reports on a later tick.
    func apply(_ effects: [Effect]) {
      var effects = effects
      while !effects.isEmpty {
        let effect = effects.removeFirst()
        if case .work(let work) = effect {
          works.start(work)
        } else {
          effects += reduce(&state, perform(effect))
        }
      }
    }
    defer { terminal.end() }
    var grid = Grid(width: 0, height: 0)
    var dirty = true
    // Test-only: a fatal error inside the loop after the first frame, so the end-to-end tests can
    // check that a crash leaves the terminal restored (the crash handler's job, not `end()`).
    let crashForTest = ProcessInfo.processInfo.environment["SCHEDTUI_TEST_FATAL_ERROR"] == "1"
    while true {
      if let s = terminal.receivedSignal { return (state, .signal(s)) }
      if state.shouldQuit { return (state, .quit) }
      let ticked = tick(&state)
      apply(ticked.effects)
      if ticked.changed { dirty = true }
      for report in works.finished() {
        apply(reduce(&state, report))
        dirty = true
      }
      if dirty {
        let (w, h) = terminal.size
        if grid.width != w || grid.height != h { grid = Grid(width: w, height: h) }
        renderer.render(state, into: &grid)
        terminal.draw(grid)
        dirty = false
        if crashForTest {
          fatalError("SCHEDTUI_TEST_FATAL_ERROR is set: a test-only fatal error in the explorer")
        }
      }
      // A key waits at most 100 ms; with none, deferred work (the preview's probe) runs and
      // the frame is drawn again with its results.
      guard let input = terminal.readKey(timeoutMs: 100) else {
        if renderer.idleWork() { dirty = true }
        continue
      }
      switch input {
      case .resize:
        terminal.invalidate()
        dirty = true
      case .key(let key):
        // The renderer resolves mouse events against the frame on screen.
        guard let action = renderer.action(for: key, in: state) else { continue }
        apply(reduce(&state, action))
        dirty = true
      }
    }
  }
}
