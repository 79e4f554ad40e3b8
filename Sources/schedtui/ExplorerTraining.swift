import Engine
import Foundation
import Schedules
import TUI

/// The explorer's training run: Engine's ``TrainingJob`` on its own thread, its events drained
/// on the UI thread's tick and turned into actions (ncurses stays on one thread).
final class ExplorerTraining {
  var job: TrainingJob?
  var config = TrainingConfig()
  var reportedEnd = true

  /// Starts a run of `c`, the training screen's setup on `setting`; a config the trainer
  /// refuses comes back as a message.
  func start(_ setting: Setting, _ c: TrainingConfig) -> Action {
    // Preview samples every tenth of the run (at least every 50 steps).
    let previewEvery = max(50, c.steps / 10)
    do {
      try c.validate()
    } catch {
      return .failed("cannot train: \(error)")
    }
    config = c
    let job = TrainingJob(config: c, previewEvery: previewEvery, previewCount: 16)
    self.job = job
    reportedEnd = false
    job.start()
    return .trainingStarted(
      label: setting.label,
      details: "\(c.model.rawValue), \(c.data.rawValue) \(c.resolution)², batch \(c.batch), "
        + "\(c.prediction.rawValue) × \(c.weighting.rawValue)",
      totalSteps: c.steps)
  }

  func stop() -> Action {
    job?.cancel()
    return .done("stopping the training run after its current step")
  }

  /// Turns the run's events into actions; true when something changed.
  func poll(_ state: inout AppState) -> Bool {
    guard let job, !reportedEnd else { return false }
    var changed = false
    for event in job.drain() {
      changed = true
      switch event {
      case .step(let r):
        let rate = r.seconds > 0 ? Double(config.batch) / r.seconds : 0
        reduce(&state, .trainingStep(step: r.step, loss: r.loss, examplesPerSecond: rate))
      case .samples(let step, let images, let count):
        if let p = Picture(samples: images, count: count, shape: config.modelShape) {
          reduce(&state, .trainingSamples(step: step, p))
        }
      case .evaluating:
        reduce(&state, .trainingEvaluating)
      case .checkpoint:
        break
      }
    }
    if let outcome = job.outcome {
      reportedEnd = true
      changed = true
      switch outcome {
      case .finished(let s):
        let text = TrainingStatus.endText(
          completed: s.completed, steps: s.steps, finalLoss: s.finalLoss,
          examplesPerSecond: s.examplesPerSecond, frechetDistance: s.frechetDistance,
          copyRate: s.copyRate)
        reduce(&state, s.completed ? .trainingEnded(text, failed: false) : .trainingStopped(text))
      case .failed(let message):
        reduce(&state, .trainingEnded("training failed: \(message)", failed: true))
      }
    }
    return changed
  }
}
