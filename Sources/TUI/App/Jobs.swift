/// The explorer's background jobs: one at a time, started and stopped with `s`.
enum Job {
  case training, sweep

  /// The job is running (not yet asked to stop).
  func isRunning(_ state: AppState) -> Bool {
    switch self {
    case .training: return state.training?.phase == .running
    case .sweep: return state.sweep?.phase == .running
    }
  }

  /// The job's thread is still going (running, stopping or scoring).
  func isActive(_ state: AppState) -> Bool {
    switch self {
    case .training: return state.training?.isActive == true
    case .sweep: return state.sweep?.isActive == true
    }
  }

  var other: Job { self == .training ? .sweep : .training }

  /// What the status line says when `s` asks the running job to stop.
  var stopping: String {
    self == .training
      ? "stopping the training run after its current step"
      : "stopping the sweep after the running cell's current step"
  }

  /// Why `s` does nothing while the job is ending.
  var ending: String {
    self == .training
      ? "the run is already ending; wait for it" : "the sweep is already stopping; wait for it"
  }

  /// Why the other job cannot start while this one is active.
  var busy: String {
    self == .training
      ? "a training run is going (screen 3): stop it first, one job at a time"
      : "a sweep is running (screen 4): stop it first, one job at a time"
  }
}

/// What `s` does to a job.
enum JobToggle {
  /// The job runs: ask it to stop.
  case stop
  /// Nothing runs: start it.
  case start
}

/// `s` on `job`: ``JobToggle/stop`` when it runs; nil, saying why, while it is ending or while
/// the other job is active; else ``JobToggle/start``.
func toggleJob(_ state: inout AppState, _ job: Job) -> JobToggle? {
  if job.isRunning(state) {
    state.message = StatusMessage(job.stopping)
    return .stop
  }
  let refusal = job.isActive(state) ? job.ending : job.other.isActive(state) ? job.other.busy : nil
  guard let refusal else { return .start }
  state.message = StatusMessage(refusal, isError: true)
  return nil
}
