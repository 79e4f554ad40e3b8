import Engine
import Foundation
import Schedules
import TUI

/// `schedtui-bench frame`: one explorer frame at 200×60 — the γ, logSNR and density plots with
/// the current schedule and three pins, and the 64/128/256 preview column — rendered into the grid
/// and diffed against the previous frame, as the terminal loop does after every key.
///
/// Kinds of frame, each timed separately (median and p99 over `--runs`):
/// - cursor: the t-cursor moved (curves and preview panels come from the renderer's caches);
/// - edit: τ changed (the current schedule is sampled again; the preview is fixed at γ = 0.7);
///   "uncached" takes a τ never drawn before each frame, so no cache answers;
/// - preview γ: the preview's γ changed, on the schedule screen (its preview column) and on the
///   preview screen (2): each resolution is one multiply-add per pixel and an area average; the
///   probe is not in the frame;
/// - probe: what the explorer then does when idle for that γ (the three resolutions' probes);
/// - runs: the runs screen (5) comparing four runs while a queued run's step report arrives;
/// - training: the training screen (3) 5,000 steps into a run, as each step report arrives.
/// The reference in the same run is the floor: clearing and diffing a 200×60 grid.
enum FrameBench {
  static func run(_ options: BenchOptions) throws -> Int32 {
    let runs = try options.positive("runs")
    let width = try options.positive("width")
    let height = try options.positive("height")

    let image = try PNG.read(path: Assets.path("images/astronaut.png"))
    let source = NoisePreviewSource(
      image: image, name: "astronaut.png", resolutions: [64, 128, 256])
    let renderer = Renderer(theme: Theme(glyphs: .unicode, colorMode: .direct), preview: source)
    var state = AppState(
      current: Setting(spec: ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 1)),
      presets: PresetItem.paper)
    state.document.pins = PresetItem.paper.filter { $0.group == "Table 3 sigmoid" }.prefix(3)
      .enumerated().map { Pin(name: $1.pinName, setting: $1.setting, colorIndex: $0) }
    state.document.fixedPreviewGamma = 0.7

    var grid = Grid(width: width, height: height)
    var previous = grid
    var changed = 0
    func frame() {
      renderer.render(state, into: &grid)
      changed = grid.changes(since: previous).reduce(0) { $0 + $1.cells.count }
      swap(&grid, &previous)
    }
    frame()
    frame()

    var blank = Grid(width: width, height: height)
    let floor = BenchTools.time(runs: runs) {
      blank.fill(blank.bounds)
      _ = blank.changes(since: previous)
    }

    var step = 1
    let cursor = BenchTools.time(runs: runs) {
      if state.cursorT >= 1 || state.cursorT <= 0 { step = -step }
      state.cursorT = min(max(state.cursorT + 0.01 * Double(step), 0), 1)
      frame()
    }
    let cursorChanged = changed

    var tau = 1.0
    let edit = BenchTools.time(runs: runs) {
      tau = tau >= 3 ? 0.5 : tau + 0.1
      state.document.current.spec.tau = tau
      frame()
    }
    let editChanged = changed

    // A τ never drawn before each frame: the caches cannot answer, so the curves (and the
    // sampler's levels and notes, where there are) are computed as after a real edit.
    var freshTau = 3.0
    let freshEdit = BenchTools.time(runs: runs) {
      freshTau += 0.000_1
      state.document.current.spec.tau = freshTau
      frame()
    }
    state.document.current.spec.tau = tau

    var gamma = 0.05
    let previewColumn = BenchTools.time(runs: runs) {
      gamma = gamma >= 0.95 ? 0.05 : gamma + 0.0137
      state.document.fixedPreviewGamma = gamma
      frame()
    }
    let columnChanged = changed
    state.screen = .preview
    frame()
    frame()
    let previewScreen = BenchTools.time(runs: runs) {
      gamma = gamma >= 0.95 ? 0.05 : gamma + 0.0137
      state.document.fixedPreviewGamma = gamma
      frame()
    }
    let screenChanged = changed
    let probeRuns = max(5, runs / 20)
    // γ values not seen above, so the probe cache cannot answer.
    gamma = 0.0511
    let probe = BenchTools.time(runs: probeRuns, warmup: 1) {
      gamma += 0.0571
      state.document.fixedPreviewGamma = gamma
      frame()
      while renderer.idleWork() {}
    }

    // The runs screen (5) comparing four finished runs while a queued run trains: each frame
    // is one step report arriving (the status line's progress changes), as during a queue.
    state.runs = RunsList(folder: "runs")
    for (k, b) in [1.0, 0.7, 0.5, 0.35].enumerated() {
      state.runs.add(
        RunEntry(record: syntheticRun(inputScale: b, index: k), name: "1−t b=\(b)",
          colorIndex: k, thisSession: true))
    }
    state.screen = .runs
    state.queue = TrainingQueue(items: [
      .init(name: "current", setting: state.document.current, colorIndex: nil)
    ])
    reduce(&state, .trainingStarted(label: "current", details: "", totalSteps: 1_000_000))
    frame()
    frame()
    var reported = 0
    let runsScreen = BenchTools.time(runs: runs) {
      reported += 1
      reduce(&state, .trainingStep(step: reported, loss: 0.1, examplesPerSecond: 20_000))
      frame()
    }
    let runsChanged = changed
    // The training screen (3) while the run goes, 5,000 steps into it: its loss chart redrawn.
    state.screen = .training
    for _ in 0..<5000 {
      reported += 1
      reduce(&state, .trainingStep(step: reported, loss: 0.1, examplesPerSecond: 20_000))
    }
    frame()
    let trainingScreen = BenchTools.time(runs: runs) {
      reported += 1
      reduce(&state, .trainingStep(step: reported, loss: 0.1, examplesPerSecond: 20_000))
      frame()
    }
    let trainingChanged = changed

    print("grid \(width)×\(height), \(runs) frames per kind (probe: \(probeRuns))")
    report("floor: clear + diff", floor, nil, cells: nil)
    report("cursor move", cursor, floor, cells: cursorChanged)
    report("edit τ", edit, floor, cells: editChanged)
    report("edit τ, uncached", freshEdit, floor, cells: nil)
    report("preview γ (screen 1)", previewColumn, floor, cells: columnChanged)
    report("preview γ (screen 2)", previewScreen, floor, cells: screenChanged)
    report("γ frame + idle probe", probe, floor, cells: nil)
    report("runs screen + a step", runsScreen, floor, cells: runsChanged)
    report("training + a step", trainingScreen, floor, cells: trainingChanged)
    print("goal: cursor move, edit and preview γ under 2 ms median")
    return 0
  }

  /// A finished 8×8 run as its folder would hold it: 500 logged losses, 20 logSNR bins, a
  /// 10 × 10 grid of samples (noise), so the runs screen draws all it can.
  static func syntheticRun(inputScale: Double, index: Int) -> RunRecord {
    var c = TrainingConfig()
    c.schedule = ScheduleSpec(family: .linear)
    c.inputScale = inputScale
    let bins = (0..<LossBins.count).map { i -> LossBins.Row in
      let r = LossBins.range(i)
      return LossBins.Row(
        logSNRLow: r.lo, logSNRHigh: r.hi, meanLoss: exp(-(r.lo + 1) / 4) / 10, examples: 100)
    }
    let summary = RunSummary(
      config: c, steps: 5000, trainSeconds: 40, finalLoss: 0.1, lossByLogSNR: bins,
      frechetDistance: 6 + Double(index), copyRate: 0.2)
    var rng = SplitMix64(seed: UInt64(index))
    let side = 10 * 33 + 1
    let pixels = (0..<side * side).map { _ in Float(rng.next() % 256) / 255 }
    return RunRecord(
      folder: "runs/\(index)", summary: summary,
      losses: (1...500).map { RunRecord.LossPoint(step: 10 * $0, loss: 1 / sqrt(Double($0))) },
      samples: Image(width: side, height: side, channels: 1, pixels: pixels),
      finished: Date(timeIntervalSince1970: Double(index)))
  }

  static func report(_ label: String, _ sorted: [Double], _ floor: [Double]?, cells: Int?) {
    let median = BenchTools.median(sorted)
    let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    var line =
      label.padding(toLength: 22, withPad: " ", startingAt: 0)
      + String(format: "median %8.3f ms   p99 %8.3f ms", median * 1e3, p99 * 1e3)
    if let floor {
      line += String(format: "   %6.1f× the floor", median / BenchTools.median(floor))
    }
    if let cells { line += "   (\(cells) cells changed)" }
    print(line)
  }
}
