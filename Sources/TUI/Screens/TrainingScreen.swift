import Foundation
import Engine
import Schedules

/// Screen 3: the run setup (the document's ``TrainingConfig``, as parameter rows) at the left;
/// the run started from the explorer, its loss and its latest samples at the right.
enum TrainingScreen: ScreenDefinition {
  static let title = "Training"
  /// `s` trains from every screen (and shows this one); the sweep screen's own `s` overrides it.
  static let globalKeys: [KeyBinding] = [
    KeyBinding("s", "train screen 3's setup / stop (+ queue)", .toggleTraining)
      .hinted { $0.training?.isActive == true ? "stop" : "train" },
    KeyBinding("S", "queue a run per pin + current schedule", .queuePinned).hinted("queue pins"),
  ]

  /// The setup, then the noise distribution a trainer tunes beside it: the t-sampling's numbers
  /// and, on rectified flow or once a shift is set, the logSNR shifts (SD3's shift, Flux's μ),
  /// which edit the current setting as on the schedule screen (issue 18: the same rows on both
  /// screens). Without a shift in play they stay off, so at 80×24 the samples keep their room
  /// under the setup. The norm row only while the model is UNet-S, the one model with a norm.
  static func fields(_ state: AppState) -> [Field] {
    let c = state.document.current
    let setup = state.document.setup.model == .unetS ? Field.setupFields : Field.setupFields.filter { $0 != .runNorm }
    let shifted =
      c.spec.family == .rectifiedFlow || c.spec[.shift] != ScheduleField.shift.defaultValue
      || c.spec[.fluxMu] != ScheduleField.fluxMu.defaultValue
      || c.spec[.imageSide] != ScheduleField.imageSide.defaultValue
    return setup + c.sampling.parameters.map(Field.tSamplingParameter)
      + (shifted ? [.parameter(.shift), .parameter(.fluxMu)] : [])
  }

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    renderer.trainingScreen(state, &grid, body)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    switch action.message(TrainingAction.self) {
    case .toggle?:
      switch toggleJob(&state, .training) {
      case .stop?:
        state.training?.phase = .stopping
        cancelQueued(&state)
        return [.stopTraining]
      case .start?:
        let current = state.document.current
        return startQueue(
          &state, TrainingQueue(items: [.init(name: current.label, setting: current, colorIndex: nil)]))
      case nil: return []
      }
    case .queuePinned?:
      return queuePinned(&state)
    default:
      return nil
    }
  }

  static func reduceReport(_ state: inout AppState, _ action: Action) -> [Effect]? {
    guard let report = action.message(TrainingAction.self), report.isReport else { return nil }
    reduceTraining(&state, report)
    if case .ended(_, let failed) = report { return advanceQueue(&state, failed: failed) }
    return []
  }

  static func hints(_ state: AppState) -> [Action] {
    [
      .toggleHelp, .requestQuit, .toggleTraining, .select(-1), .adjust(steps: 1, coarse: false),
      .beginEdit, .beginPrompt(.exportConfig), .undo,
    ]
  }
}

/// The training screen's actions: `s` and `S`, and the reports of the run the shell started
/// (``Effect/startTraining(_:_:)``), drained from its job on the shell's tick.
enum TrainingAction: ScreenMessage {
  /// `s`: start a training run with the current setting, or stop the running one.
  case toggle
  /// `S`: queue one run per pin and the current setting (``TrainingQueue``).
  case queuePinned
  /// `folder`: where the run writes its files (nil: it keeps none).
  case started(label: String, details: String, totalSteps: Int, folder: String?)
  case step(step: Int, loss: Double, examplesPerSecond: Double)
  case samples(step: Int, Picture)
  case evaluating
  case ended(String, failed: Bool)
  /// The user's stop took effect: the run ended early, as `text` says.
  case stopped(String)

  var isReport: Bool { self != .toggle && self != .queuePinned }
}

extension Action {
  public static var toggleTraining: Action { TrainingAction.toggle.action }
  public static var queuePinned: Action { TrainingAction.queuePinned.action }
  public static func trainingStarted(
    label: String, details: String, totalSteps: Int, folder: String? = nil
  ) -> Action {
    TrainingAction.started(label: label, details: details, totalSteps: totalSteps, folder: folder)
      .action
  }
  public static func trainingStep(step: Int, loss: Double, examplesPerSecond: Double) -> Action {
    TrainingAction.step(step: step, loss: loss, examplesPerSecond: examplesPerSecond).action
  }
  public static func trainingSamples(step: Int, _ picture: Picture) -> Action {
    TrainingAction.samples(step: step, picture).action
  }
  public static var trainingEvaluating: Action { TrainingAction.evaluating.action }
  public static func trainingEnded(_ text: String, failed: Bool) -> Action {
    TrainingAction.ended(text, failed: failed).action
  }
  public static func trainingStopped(_ text: String) -> Action {
    TrainingAction.stopped(text).action
  }
}

/// The training screen's own state: the last run started from the explorer, and the runs `s`
/// or `S` asked for (``TrainingQueue``).
struct TrainingScreenState: ScreenState {
  static var initial: TrainingScreenState { TrainingScreenState() }
  var status: TrainingStatus?
  var queue: TrainingQueue?
}

extension AppState {
  /// The last training run started from the explorer, if any.
  public var training: TrainingStatus? {
    get { screens[TrainingScreenState.self].status }
    _modify { yield &screens[TrainingScreenState.self].status }
  }

  /// The runs `s` or `S` asked for, the one training now among them.
  public var queue: TrainingQueue? {
    get { screens[TrainingScreenState.self].queue }
    _modify { yield &screens[TrainingScreenState.self].queue }
  }
}

/// What the training screen shows of a run the shell started (``Effect/startTraining(_:)``): the
/// shell drains the run's events on its tick and reports them with the `training…` actions.
public struct TrainingStatus: Sendable, Equatable {
  public enum Phase: Sendable, Equatable {
    case running
    /// Asked to stop; the run ends before its next step.
    case stopping
    /// Training is over; the final samples and metrics are being computed.
    case evaluating
    case finished(String)
    /// Stopped by the user before the end; the text says where (a checkpoint stays only when
    /// the run has a folder).
    case stopped(String)
    case failed(String)
  }

  public var phase: Phase
  /// The setting trained, as the legend names it.
  public var label: String
  /// Model, data and batch in one line.
  public var details: String
  public var totalSteps: Int
  public var step = 0
  /// (step, loss) of every step so far.
  public var losses: [(step: Int, loss: Double)] = []
  public var examplesPerSecond: Double?
  /// The latest preview samples and the step they were drawn at.
  public var samples: Picture?
  public var samplesStep: Int?
  /// The run's folder, where its checkpoint, samples and summary go.
  public var folder: String?

  public init(label: String, details: String, totalSteps: Int) {
    phase = .running
    self.label = label
    self.details = details
    self.totalSteps = totalSteps
  }

  /// Whether the run is still going (quitting asks first).
  public var isActive: Bool {
    switch phase {
    case .running, .stopping, .evaluating: return true
    case .finished, .stopped, .failed: return false
    }
  }

  /// The line that reports how a run ended: "training finished: loss 0.1432, 23600 examples/s,
  /// Fréchet distance 26.9" or "training stopped at step 120: loss …". A run stopped before its
  /// first step has no loss to show (it is NaN), so none is shown.
  public static func endText(
    completed: Bool, steps: Int, finalLoss: Double, examplesPerSecond: Double,
    frechetDistance: Double?, copyRate: Double? = nil
  ) -> String {
    if !completed && (steps == 0 || !finalLoss.isFinite) {
      return "training stopped before its first step"
    }
    var text = completed ? "training finished" : "training stopped at step \(steps)"
    text += ": loss " + (finalLoss.isFinite ? String(format: "%.4g", finalLoss) : "\(finalLoss)")
    text += String(format: ", %.0f examples/s", examplesPerSecond)
    if let fd = frechetDistance { text += String(format: ", Fréchet distance %.3g", fd) }
    if let rate = copyRate { text += String(format: ", %.0f%% copies", 100 * rate) }
    return text
  }

  public static func == (a: TrainingStatus, b: TrainingStatus) -> Bool {
    a.phase == b.phase && a.label == b.label && a.details == b.details
      && a.totalSteps == b.totalSteps && a.step == b.step && a.losses.count == b.losses.count
      && zip(a.losses, b.losses).allSatisfy { $0.step == $1.step && $0.loss == $1.loss }
      && a.examplesPerSecond == b.examplesPerSecond && a.samples == b.samples
      && a.samplesStep == b.samplesStep && a.folder == b.folder
  }
}

extension Picture {
  /// `count` samples of a model of `shape` (its channels, not the data's name: digits and
  /// patches are both grey), tiled as ``init(tiling:count:channels:)`` does.
  public init?(samples images: [Float], count: Int, shape: ModelShape) {
    guard images.count == count * shape.pixels else { return nil }
    self.init(tiling: images, count: count, channels: shape.channels)
  }

  /// `count` square images (C·H·W each, values in [−1, 1], 1 or 3 channels) tiled into a
  /// near-square grid with a one-pixel gap (grey 0.2) and no frame, by ``SampleGrid/tile``;
  /// nil if the sizes do not fit.
  public init?(tiling images: [Float], count: Int, channels: Int) {
    guard count > 0, channels == 1 || channels == 3, images.count % count == 0 else { return nil }
    let perImage = images.count / count
    let side = Int(Double(perImage / channels).squareRoot())
    guard side * side * channels == perImage else { return nil }
    let grid = SampleGrid.tile(
      images, count: count, channels: channels, height: side, width: side,
      columns: Int(Double(count).squareRoot().rounded(.up)), scale: 1, frame: false,
      background: 0.2)
    if channels == 3 {
      self.init(width: grid.width, height: grid.height, rgb: grid.values)
    } else {
      self.init(width: grid.width, height: grid.height, grey: grid.values)
    }
  }
}

/// Applies a training report.
func reduceTraining(_ state: inout AppState, _ report: TrainingAction) {
  switch report {
  case .started(let label, let details, let total, let folder):
    state.training = TrainingStatus(label: label, details: details, totalSteps: total)
    state.training?.folder = folder
  case .step(let step, let loss, let rate):
    state.training?.step = step
    state.training?.losses.append((step, loss))
    state.training?.examplesPerSecond = rate
  case .samples(let step, let picture):
    state.training?.samples = picture
    state.training?.samplesStep = step
  case .evaluating:
    state.training?.phase = .evaluating
  case .ended(let text, let failed):
    state.training?.phase = failed ? .failed(text) : .finished(text)
    state.message = StatusMessage(text, isError: failed)
  case .stopped(let text):
    state.training?.phase = .stopped(text)
    state.message = StatusMessage(text, isError: false)
  case .toggle, .queuePinned:
    break
  }
}

extension Renderer {
  /// The setup list at the left (the latest samples under it when there is room); the run, how
  /// it ended and its loss chart at the right, the chart hidden when too little height is left.
  func trainingScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let g = theme.glyphs
    let (left, right) = parameterColumn(
      state, &grid, body, width: 34, title: "Run setup (s trains)")
    guard let t = state.training else {
      notice(
        &grid, right, title: "Training",
        lines: [
          "No training run yet.",
          "s trains the setup at the left with",
          "the current schedule, b and",
          "normalisation, in the background;",
          "s again stops it. S queues one run per",
          "pin and the current schedule; screen 5",
          "compares the runs.",
          "↑↓ choose, ←→ change, Enter types.",
          "All options: schedtui train --help",
        ])
      return
    }
    let status: String
    switch t.phase {
    case .running: status = "running"
    case .stopping: status = "stopping…"
    case .evaluating: status = "sampling, measuring…"
    case .finished: status = "finished"
    case .stopped: status = "stopped"
    case .failed: status = "failed"
    }
    var rows: [(String, String)] = [("schedule", t.label)]
    for (i, part) in t.details.components(separatedBy: ", ").enumerated() {
      rows.append((i == 0 ? "run" : "", part))
    }
    if let folder = t.folder { rows.append(("folder", folder)) }
    rows += [("status", status), ("step", "\(t.step) / \(t.totalSteps)")]
    if let q = state.queue, q.items.count > 1 {
      var text = "run \(q.progressText)"
      if q.finished + q.failed > 0 { text += ", \(q.finished) done" }
      if q.failed > 0 { text += ", \(q.failed) failed" }
      if let next = q.items.dropFirst(q.position + 1).first { text += "; next: \(next.name)" }
      rows.append(("queue", text))
    }
    if let last = t.losses.last { rows.append(("loss", short4(last.loss))) }
    if let r = t.examplesPerSecond { rows.append(("examples/s", String(format: "%.0f", r))) }
    let (box, rest) = right.splitTop(rows.count + 2)
    grid.box(box, title: "Run (s stops)", theme.border, glyphs: g)
    for (i, (k, v)) in rows.enumerated() {
      grid.write(" " + g.text(k), x: box.x + 1, y: box.y + 1 + i, theme.dim, maxWidth: 12)
      grid.write(
        g.text(v), x: box.x + 13, y: box.y + 1 + i, theme.text.with(.bold),
        maxWidth: box.width - 14)
    }
    // Under the setup: the latest samples (EMA weights); under the run box: how it ended.
    if let samples = t.samples, left.height >= 6 {
      let side = max(2, min(left.width - 2, 2 * (left.height - 2)) / 2 * 2)
      let pbox = Rect(x: left.x, y: left.y, width: side + 2, height: side / 2 + 2)
      grid.box(pbox, title: "samples, step \(t.samplesStep ?? 0)", theme.border, glyphs: g)
      HalfBlock.draw(
        samples, into: &grid,
        rect: Rect(x: pbox.x + 1, y: pbox.y + 1, width: side, height: side / 2),
        mode: theme.colorMode, unicode: g.unicode)
    }
    var chartArea = rest
    switch t.phase {
    case .finished(let text), .stopped(let text), .failed(let text):
      let failed = t.phase == .failed(text)
      let lines = wrap(text, width: rest.width - 2)
      for (i, l) in lines.enumerated() where rest.y + i < rest.maxY {
        grid.write(g.text(l), x: rest.x + 1, y: rest.y + i, failed ? theme.error : theme.text)
      }
      chartArea = rest.splitTop(lines.count).1
    default: break
    }
    // A chart shorter than this has no room for a curve between its title and axis: hidden.
    guard chartArea.height >= 6 else { return }
    let points = t.losses.map { (x: Double($0.step), y: Foundation.log10(max($0.loss, 1e-12))) }
    let ys = points.map(\.y).filter(\.isFinite)
    let lo = ((ys.min() ?? -2) * 2).rounded(.down) / 2
    let hi = ((ys.max() ?? 0) * 2).rounded(.up) / 2
    let chart = Chart(
      title: "log10 loss per step",
      x: Axis(name: "step", lower: 0, upper: Double(max(t.totalSteps, 1))),
      y: Axis(name: "", lower: lo, upper: max(hi, lo + 0.5), maxTicks: 5),
      // In the colour of the pin being trained (a queue's run), as on the runs screen.
      series: [
        Series(
          name: "", color: state.queue?.current?.colorIndex.map(Theme.pinColor) ?? Theme.current,
          points: points)
      ])
    chart.draw(into: &grid, rect: chartArea, glyphs: g, theme: theme.chart)
  }
}
