/// What `s` does to one of the explorer's background jobs (the training run, the sweep): one
/// job at a time.
enum JobToggle {
  /// The job is running: ask it to stop.
  case stop
  /// Nothing runs: start it.
  case start
}

/// `s` on a job: ``JobToggle/stop`` when it runs (saying `stopping`); nil, saying why, while it
/// is ending (`ending`) or while the other job is active (`otherRefusal`); else
/// ``JobToggle/start``.
func toggleJob(
  _ state: inout AppState, running: Bool, active: Bool, stopping: String, ending: String,
  otherActive: Bool, otherRefusal: String
) -> JobToggle? {
  if running {
    state.message = StatusMessage(stopping)
    return .stop
  }
  let refusal = active ? ending : otherActive ? otherRefusal : nil
  guard let refusal else { return .start }
  state.message = StatusMessage(refusal, isError: true)
  return nil
}
