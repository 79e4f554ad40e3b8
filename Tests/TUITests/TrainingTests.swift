import Engine
import Schedules
import Testing

@testable import TUI

@Suite struct TrainingScreenTests {
  func state() -> AppState { explorer() }

  @Test("s asks the shell to train the current setting and shows the training screen")
  func start() {
    var s = state()
    let effects = reduce(&s, KeyMap.action(for: .char("s"), in: s)!)
    #expect(effects == [.startTraining(s.document.current, s.trainingConfig)])
    #expect(s.screen == .training)
  }

  @Test("reports drive the status; quitting asks while the run is active; s stops it")
  func lifecycle() {
    var s = state()
    reduce(
      &s, .trainingStarted(label: "1−t", details: "mlp-s, digits 8², batch 256", totalSteps: 100))
    #expect(s.training?.isActive == true)
    reduce(&s, .toggleHelp)
    // Reports arrive whatever overlay is open.
    reduce(&s, .trainingStep(step: 1, loss: 1.0, examplesPerSecond: 500))
    reduce(&s, .trainingStep(step: 2, loss: 0.5, examplesPerSecond: 600))
    #expect(s.training?.step == 2)
    #expect(s.training?.losses.map(\.loss) == [1.0, 0.5])
    #expect(s.modal == .help(page: 0))
    reduce(&s, .cancel)
    reduce(&s, .requestQuit)
    #expect(s.modal == .confirmQuit && !s.shouldQuit)
    reduce(&s, .confirm(false))
    #expect(reduce(&s, .toggleTraining) == [.stopTraining])
    #expect(s.training?.phase == .stopping)
    // While it is ending, s does not start another run.
    #expect(reduce(&s, .toggleTraining).isEmpty)
    reduce(&s, .trainingEnded("training stopped at step 2", failed: false))
    #expect(s.training?.isActive != true)
    reduce(&s, .requestQuit)
    #expect(s.shouldQuit)
  }

  @Test("the training screen shows the run, the loss chart and its samples")
  func view() {
    var s = state()
    reduce(&s, .show(.training))
    let renderer = Renderer(theme: Theme())
    #expect(renderer.render(s, width: 100, height: 30).lines.contains { $0.contains("s trains") })
    feedRun(&s, steps: 50, of: 100)
    let g = renderer.render(s, width: 100, height: 30)
    let text = g.lines.joined(separator: "\n")
    #expect(text.contains("step       50 / 100"))
    #expect(text.contains("log10 loss per step"))
    #expect(text.contains("samples, step 50"))
    #expect(g.cells.contains { $0.char == "▀" })
  }

  /// Four 2×2 one-channel images [−1, 1] → a 2×2 grid of tiles with a one-pixel grey gap: 5×5.
  @Test("samples are tiled in a near-square grid, mapped from [−1, 1] to [0, 1]")
  func tiling() throws {
    let images: [Float] = [-1, -1, -1, -1, 1, 1, 1, 1, 0, 0, 0, 0, -1, 1, -1, 1]
    let p = try #require(Picture(tiling: images, count: 4, channels: 1))
    #expect(p.width == 5 && p.height == 5)
    func px(_ x: Int, _ y: Int) -> Float { p.rgb[3 * (y * 5 + x)] }
    #expect(px(0, 0) == 0)  // image 0: −1 → 0
    #expect(px(3, 0) == 1)  // image 1 starts at x = 3
    #expect(px(2, 0) == 0.2)  // the gap
    #expect(px(0, 3) == 0.5)  // image 2: 0 → 0.5
    #expect(px(4, 4) == 1)  // image 3, pixel (1, 1) = 1
    #expect(Picture(tiling: [1, 2, 3], count: 2, channels: 1) == nil)
  }
}

/// How a run's end reads (issue 13, finding 6): never "finished … loss nan" for a stopped run.
@Suite struct TrainingEndTextTests {
  @Test("a run stopped before its first step says so, with no NaN loss and not 'finished'")
  func stoppedBeforeFirstStep() {
    let text = TrainingStatus.endText(
      completed: false, steps: 0, finalLoss: .nan, examplesPerSecond: 0, frechetDistance: nil)
    #expect(text == "training stopped before its first step")
    var s = explorer()
    reduce(&s, .trainingStarted(label: "1−t", details: "mlp-s", totalSteps: 10))
    reduce(&s, .trainingStopped(text))
    #expect(s.training?.phase == .stopped(text) && s.training?.isActive != true)
  }

  @Test("a stopped run shows its step and loss; a finished one its distance")
  func stoppedAndFinished() {
    #expect(
      TrainingStatus.endText(
        completed: false, steps: 120, finalLoss: 0.25, examplesPerSecond: 900,
        frechetDistance: nil) == "training stopped at step 120: loss 0.25, 900 examples/s")
    #expect(
      TrainingStatus.endText(
        completed: true, steps: 5000, finalLoss: 0.1432, examplesPerSecond: 23600,
        frechetDistance: 26.9)
        == "training finished: loss 0.1432, 23600 examples/s, Fréchet distance 26.9")
  }

  /// Patches are grey: a patches run's preview samples must tile with its model's one channel.
  /// (The explorer used to pass 3 channels for anything but digits, so no tiling was found and a
  /// patches run never showed samples.)
  @Test("a patches run's samples (1 channel, 16×16) tile from its model shape")
  func patchesSamples() throws {
    var c = TrainingConfig()
    c.data = .patches
    c.resolution = 16
    let shape = c.modelShape
    #expect(shape.channels == 1 && shape.pixels == 256)
    let images = [Float](repeating: 0.5, count: 16 * 256)
    let p = try #require(Picture(samples: images, count: 16, shape: shape))
    // 4 × 4 tiles of 16 pixels with 1-pixel gaps: 4·17 − 1.
    #expect(p.width == 67 && p.height == 67)
    #expect(p.rgb[0] == 0.75)  // (0.5 + 1)/2
    // The old call: three channels of 16·256 values is no whole number of square images.
    #expect(Picture(tiling: images, count: 16, channels: 3) == nil)
    #expect(Picture(samples: Array(images.prefix(100)), count: 16, shape: shape) == nil)
  }
}
