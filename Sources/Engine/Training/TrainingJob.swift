import Foundation

/// A ``TrainingRun`` on its own thread, for a UI whose drawing thread must never block (the
/// explorer's ncurses loop): start it, poll ``drain()`` on each frame, ``cancel()`` at will.
///
/// Events go through a lock-protected queue; the UI takes them in order with ``drain()``.
/// ``cancel()`` asks the run to stop before its next step (it then writes a checkpoint when it
/// has a folder); ``outcome`` is set once the thread has finished, successfully or not.
public final class TrainingJob: @unchecked Sendable {
  /// How the run ended: its summary (with `completed == false` after a cancel) or its error.
  public enum Outcome: Sendable {
    case finished(RunSummary)
    case failed(String)
  }

  private let work = BackgroundWork<RunEvent, Outcome>()
  private let makeRun: () throws -> TrainingRun

  /// A job that will build its run on the background thread (loading data and initialising
  /// weights happen there too). `previewEvery` > 0 posts preview samples every that many steps.
  public init(
    config: TrainingConfig, directory: String? = nil, previewEvery: Int = 0,
    previewCount: Int = 16
  ) {
    makeRun = {
      let run = try TrainingRun(config: config, directory: directory)
      run.previewEvery = previewEvery
      run.previewCount = previewCount
      return run
    }
  }

  /// Starts the background thread. Call once.
  public func start() {
    work.start { [self] work in
      do {
        let summary = try makeRun().run(
          progress: { work.post($0) }, shouldStop: { work.shouldStop })
        return .finished(summary)
      } catch {
        return .failed("\(error)")
      }
    }
  }

  /// Asks the run to stop before its next step.
  public func cancel() { work.cancel() }

  /// The events posted since the last call, oldest first.
  public func drain() -> [RunEvent] { work.drain() }

  /// Set when the thread has finished; nil while it runs.
  public var outcome: Outcome? { work.outcome }
}
