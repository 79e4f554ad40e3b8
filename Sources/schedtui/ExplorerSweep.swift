import Engine
import Foundation
import TUI

/// The explorer's sweep: Engine's ``SweepJob`` on its own thread, its events drained on the UI
/// thread's tick and turned into actions (ncurses stays on one thread). (A sweep folder opened
/// to view is read by the sweep screen's own work, ``SweepOpen``.)
final class ExplorerSweep {
  var job: SweepJob?
  var reportedEnd = true

  /// Starts (or resumes) the sweep set up; a setup the engine refuses comes back as a message.
  func start(_ setup: SweepSetup) -> Action {
    let grid: SweepGrid
    let settings: SweepSettings
    do {
      grid = try setup.grid()
      settings = try setup.settings()
      // The same check as `schedtui sweep`: every resolution must be trainable.
      for r in grid.resolutions {
        _ = try settings.config(
          cell: SweepCell(resolution: r, scale: 1, family: grid.families[0]), seed: 0)
      }
    } catch {
      return .failed("cannot start the sweep: \(error)")
    }
    let folder = setup.folder.trimmingCharacters(in: .whitespaces)
    let job = SweepJob(directory: folder, grid: grid, settings: settings)
    self.job = job
    reportedEnd = false
    job.start()
    return .sweepStarted(
      folder: folder,
      SweepState(grid: grid, settings: settings.recorded(resolutions: grid.resolutions)))
  }

  func stop() -> Action {
    job?.cancel()
    return .done("stopping the sweep: the running cell keeps its checkpoint")
  }

  /// Turns the sweep's events into actions: whether something changed, and the effects their
  /// reduce asked for (performed by the explorer's loop, as the training job's are).
  func poll(_ state: inout AppState) -> (changed: Bool, effects: [Effect]) {
    guard let job, !reportedEnd else { return (false, []) }
    var changed = false
    var effects: [Effect] = []
    let outcome = job.outcome
    for event in job.drain() {
      changed = true
      switch event {
      case .progress(let p):
        effects += reduce(
          &state,
          .sweepProgress(done: p.done, total: p.total, next: p.next?.cell, remaining: p.remaining))
      case .step(let step, let total):
        effects += reduce(&state, .sweepStep(step: step, total: total))
      case .evaluating:
        effects += reduce(&state, .sweepEvaluating)
      case .saved(let sweep):
        effects += reduce(&state, .sweepSaved(sweep))
      case .note(let text):
        effects += reduce(&state, .done(text))
      }
    }
    if let outcome {
      reportedEnd = true
      changed = true
      switch outcome {
      case .finished(let sweep):
        effects += reduce(&state, .sweepSaved(sweep))
        effects += reduce(&state, .sweepEnded("sweep finished: \(job.directory)/table.md", failed: false))
      case .stopped(let sweep):
        effects += reduce(&state, .sweepSaved(sweep))
        effects += reduce(
          &state,
          .sweepEnded(
            "sweep stopped; the runs done are saved and s resumes it", failed: false))
      case .failed(let message):
        effects += reduce(&state, .sweepEnded("sweep failed: \(message)", failed: true))
      }
    }
    return (changed, effects)
  }

  /// On leaving with a sweep going: stops it and waits up to `seconds` for the running cell to
  /// write its checkpoint; false when it is still going.
  func stopForExit(within seconds: Double) -> Bool {
    guard let job, job.outcome == nil else { return true }
    job.cancel()
    let deadline = Date().addingTimeInterval(seconds)
    while job.outcome == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return job.outcome != nil
  }
}
