import Schedules
import Testing

@testable import TUI

/// The explorer on `family`'s default schedule, shown on `screen` (as its number key does).
func explorer(_ family: ScheduleFamily = .linear, on screen: Screen = .schedule) -> AppState {
  var s = AppState(current: Setting(spec: ScheduleSpec(family: family)))
  if screen != .schedule { reduce(&s, .show(screen)) }
  return s
}

/// Presses `keys` as the explorer would: each through the key tables, then reduced.
func press(_ keys: [Key], _ s: inout AppState) {
  for k in keys {
    if let a = KeyMap.action(for: k, in: s) { reduce(&s, a) }
  }
}

/// Moves the selection to `field` by pressing ↓ as a user would.
func selectField(_ field: Field, _ s: inout AppState) {
  for _ in 0..<s.fields.count where s.selectedField != field { reduce(&s, .select(1)) }
  #expect(s.selectedField == field)
}

/// Enter on `field`, `text` typed over the selected value, Enter: a row's typed entry.
func typeEntry(_ text: String, into field: Field, _ s: inout AppState) {
  selectField(field, &s)
  reduce(&s, .beginEdit)
  for c in text { reduce(&s, .type(c)) }
  reduce(&s, .commit)
}

/// Reports of a run of `total` steps that has done `steps` (loss 1/k at step k) and drawn four
/// white 8×8 samples at its last step.
func feedRun(_ s: inout AppState, steps: Int, of total: Int) {
  reduce(
    &s, .trainingStarted(label: "1−t", details: "mlp-s, digits 8², batch 256", totalSteps: total))
  for k in 1...steps {
    reduce(&s, .trainingStep(step: k, loss: 1 / Double(k), examplesPerSecond: 1000))
  }
  let tiles = Picture(tiling: [Float](repeating: 1, count: 4 * 64), count: 4, channels: 1)!
  reduce(&s, .trainingSamples(step: steps, tiles))
}
