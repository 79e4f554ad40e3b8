import Testing

@testable import TUI

/// Moves the selection to `field` by pressing ↓ as a user would.
func selectField(_ field: Field, _ s: inout AppState) {
  for _ in 0..<s.fields.count where s.selectedField != field { reduce(&s, .select(1)) }
  #expect(s.selectedField == field)
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
