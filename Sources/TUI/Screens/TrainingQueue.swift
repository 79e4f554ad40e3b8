import Engine
import Foundation
import Schedules

/// Runs the user asked for in one go (`S`: every pin and the current setting), trained one
/// after another with the same setup and seed. The queue only orders them; the run going now
/// is ``AppState/training``, and each finished one becomes a ``RunEntry``.
public struct TrainingQueue: Sendable, Equatable {
  /// One run to train: the setting, and the legend name and colour it is compared under.
  public struct Item: Sendable, Equatable {
    public var name: String
    public var setting: Setting
    /// The pin's colour (``Theme/pinColor(_:)``); nil for the current setting's colour.
    public var colorIndex: Int?

    public init(name: String, setting: Setting, colorIndex: Int?) {
      self.name = name
      self.setting = setting
      self.colorIndex = colorIndex
    }
  }

  public var items: [Item]
  /// The index of the item training now (or last started).
  public var position = 0
  /// How many ended with a summary (finished), and how many failed.
  public var finished = 0
  public var failed = 0

  public init(items: [Item]) { self.items = items }

  /// The queue for `S`: the pins in their order, then the current setting (a pin equal to the
  /// current setting is trained once, under the pin's name).
  public static func pinsAndCurrent(_ d: Document) -> TrainingQueue {
    var items = d.pins.map { Item(name: $0.name, setting: $0.setting, colorIndex: $0.colorIndex) }
    if !d.pins.contains(where: { $0.setting == d.current }) {
      items.append(Item(name: d.current.label, setting: d.current, colorIndex: nil))
    }
    return TrainingQueue(items: items)
  }

  public var current: Item? { items.indices.contains(position) ? items[position] : nil }
  /// Items after the current one.
  public var remaining: Int { max(0, items.count - position - 1) }

  /// "2/3": the current run's place in the queue.
  public var progressText: String { "\(min(position + 1, items.count))/\(items.count)" }
}

extension Document {
  /// The setup with `setting`'s schedule, b and normalisation: what a queued run trains.
  public func trainingConfig(for setting: Setting) -> TrainingConfig {
    var d = self
    d.current = setting
    return d.trainingConfig
  }
}

extension AppState {
  /// The status line's report of the training queue, on every screen while a run is going:
  /// "training 2/3 1−t b=0.5: step 120/500" (or "sampling, measuring"); nil when idle.
  public var queueStatus: String? { queueStatus(named: true) }

  /// ``queueStatus``, without the run's name when `named` is false (a narrow line).
  public func queueStatus(named: Bool) -> String? {
    guard let t = training, t.isActive else { return nil }
    let place = queue.map { $0.items.count > 1 ? " \($0.progressText)" : "" } ?? ""
    let name = queue?.current?.name ?? t.label
    let what: String
    switch t.phase {
    case .evaluating: what = "sampling, measuring"
    case .stopping: what = "stopping"
    default: what = "step \(t.step)/\(t.totalSteps)"
    }
    return "training\(place)" + (named ? " \(name)" : "") + ": \(what)"
  }
}

/// `S`: one run per pin and the current setting, the same setup and seed, one after another.
/// Refused while a run goes (`s` stops it first) and, as `s` is, while a sweep runs.
func queuePinned(_ state: inout AppState) -> [Effect] {
  if Job.training.isRunning(state) {
    state.message = StatusMessage(
      "a run is going: s stops it (and its queue) before a new queue starts", isError: true)
    return []
  }
  guard !state.document.pins.isEmpty else {
    state.message = StatusMessage(
      "no pins to queue: p pins the current schedule (s trains it alone)", isError: true)
    return []
  }
  guard toggleJob(&state, .training) == .start else { return [] }
  return startQueue(&state, TrainingQueue.pinsAndCurrent(state.document))
}

/// Makes `queue` the queue and starts its first run (on the training screen, to watch it).
func startQueue(_ state: inout AppState, _ queue: TrainingQueue) -> [Effect] {
  guard let first = queue.current else { return [] }
  state.queue = queue
  state.screen = .training
  if queue.items.count > 1 {
    state.message = StatusMessage(
      "queued \(queue.items.count) runs (the pins, then the current schedule); s stops them")
  }
  return [.startTraining(first.setting, state.document.trainingConfig(for: first.setting))]
}

/// `s` while a run goes: the runs still waiting are dropped (what finished stays listed).
func cancelQueued(_ state: inout AppState) {
  guard let q = state.queue, q.remaining > 0 else { return }
  state.queue?.items.removeLast(q.remaining)
  let message = state.message?.text ?? ""
  state.message = StatusMessage(
    message + "; \(q.remaining) queued run\(q.remaining == 1 ? "" : "s") cancelled")
}

/// After a run ended by itself (finished or failed): the next queued run, if any.
func advanceQueue(_ state: inout AppState, failed: Bool) -> [Effect] {
  guard var q = state.queue else { return [] }
  if failed { q.failed += 1 } else { q.finished += 1 }
  guard q.position + 1 < q.items.count else {
    state.queue = q
    return []
  }
  q.position += 1
  state.queue = q
  let next = q.items[q.position]
  return [.startTraining(next.setting, state.document.trainingConfig(for: next.setting))]
}
