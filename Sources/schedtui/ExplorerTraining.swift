import Engine
import Foundation
import Schedules
import TUI

/// The explorer's training runs: Engine's ``TrainingJob`` on its own thread, its events drained
/// on the UI thread's tick and turned into actions (ncurses stays on one thread).
///
/// Every run gets a folder of its own under the runs folder (`--runs`), with the files
/// `schedtui train --out` writes, so what the explorer trained is kept, is listed on the runs
/// screen in later sessions, and can be resumed or sampled from the command line. The queue
/// (`S`) lives in the state: when a run ends, ``reduce(_:_:)`` asks for the next one.
final class ExplorerTraining {
  let runsFolder: String
  var job: TrainingJob?
  var config = TrainingConfig()
  /// The folder of the run going now (or last started).
  var folder: String?
  var reportedEnd = true

  init(runsFolder: String) { self.runsFolder = runsFolder }

  /// Starts a run of `c`, the training screen's setup on `setting`, in a new folder of the runs
  /// folder; a config the trainer refuses, or a runs folder that cannot be made, comes back as
  /// a message.
  func start(_ setting: Setting, _ c: TrainingConfig) -> Action {
    // Preview samples every tenth of the run (at least every 50 steps).
    let previewEvery = max(50, c.steps / 10)
    do {
      try c.validate()
    } catch {
      return .failed("cannot train: \(error)")
    }
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: runsFolder, isDirectory: &isDirectory), !isDirectory.boolValue {
      return .failed(
        "cannot train: the runs folder \(runsFolder) is a file, not a folder; start the "
          + "explorer with --runs DIR")
    }
    do {
      try fm.createDirectory(atPath: runsFolder, withIntermediateDirectories: true)
    } catch {
      return .failed(
        "cannot train: the runs folder \(runsFolder) cannot be made "
          + "(\(error.localizedDescription)); start the explorer with --runs DIR")
    }
    let name = runFolderName(setting.label, at: Date()) { candidate in
      fm.fileExists(atPath: (self.runsFolder as NSString).appendingPathComponent(candidate))
    }
    let folder = (runsFolder as NSString).appendingPathComponent(name)
    config = c
    self.folder = folder
    let job = TrainingJob(
      config: c, directory: folder, previewEvery: previewEvery, previewCount: 16)
    self.job = job
    reportedEnd = false
    job.start()
    return .trainingStarted(
      label: setting.label,
      details: "\(c.model.rawValue), \(c.data.rawValue) \(c.resolution)², batch \(c.batch), "
        + "\(c.prediction.rawValue) × \(c.weighting.rawValue), BLAS core \(BLASCore.inUse)",
      totalSteps: c.steps, folder: folder)
  }

  func stop() -> Action {
    job?.cancel()
    return .done("stopping the training run after its current step")
  }

  /// On leaving with a run going: stops it and waits up to `seconds` for its thread to end
  /// (the checkpoint written, as Ctrl-C in `train`); false when it is still going. Says on
  /// standard error where the stopped run is kept.
  func stopForExit(within seconds: Double) -> Bool {
    guard let job, job.outcome == nil else { return true }
    job.cancel()
    let deadline = Date().addingTimeInterval(seconds)
    while job.outcome == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    guard case .finished(let summary)? = job.outcome else { return job.outcome != nil }
    if !summary.completed, let folder {
      printError(
        "schedtui: training stopped at step \(summary.steps); continue it with "
          + "`schedtui train --resume \(folder)`")
    }
    return true
  }

  /// Turns the run's events into actions; returns whether something changed and the effects
  /// those actions asked for (the next queued run).
  func poll(_ state: inout AppState) -> (changed: Bool, effects: [Effect]) {
    guard let job, !reportedEnd else { return (false, []) }
    var changed = false
    var effects: [Effect] = []
    for event in job.drain() {
      changed = true
      switch event {
      case .step(let r):
        let rate = r.seconds > 0 ? Double(config.batch) / r.seconds : 0
        effects += reduce(&state, .trainingStep(step: r.step, loss: r.loss, examplesPerSecond: rate))
      case .samples(let step, let images, let count):
        if let p = Picture(samples: images, count: count, shape: config.modelShape) {
          effects += reduce(&state, .trainingSamples(step: step, p))
        }
      case .evaluating:
        effects += reduce(&state, .trainingEvaluating)
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
        if s.completed, let folder {
          // The runs list reads the run from its files, as it reads earlier sessions' runs, off
          // this thread; named as the queue's run now, before its end moves the queue on.
          effects.append(RunRead(folder: folder, as: state.queue?.current).effect)
        }
        effects += reduce(
          &state, s.completed ? .trainingEnded(text, failed: false) : .trainingStopped(text))
      case .failed(let message):
        effects += reduce(&state, .trainingEnded("training failed: \(message)", failed: true))
      }
    }
    return (changed, effects)
  }
}
