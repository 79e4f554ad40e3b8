import Foundation
import Engine
import Schedules

/// Everything that can happen to the explorer: keys turned into intents, and the results of the
/// file work the shell did for an ``Effect``.
public enum Action: Sendable, Equatable {
  case focusNext, focusPrevious
  /// ↑/↓: the previous/next row (parameter list or preset list).
  case select(Int)
  /// ←/→, +/−: change the focused value (or move the t-cursor when the plots have focus).
  case adjust(steps: Int, coarse: Bool)
  /// Move the t-cursor whatever has focus.
  case moveCursor(steps: Int, coarse: Bool)
  /// The wheel over row `row` of the parameter list: change that field (not the focused one).
  case adjustRow(row: Int, steps: Int)
  /// A click on row `row` of the parameter list (or of the sweep setup): focus and select it.
  case focusRow(Int)
  /// A click on a plot: focus the plots and, on a plot over t, put the t-cursor at `t`.
  case focusPlots(t: Double?)
  /// Start typing an exact value for the focused field.
  case beginEdit
  case type(Character)
  case backspace
  /// Delete: the selection or the character after the caret.
  case deleteForward
  /// ←/→ in an edit line or prompt: move the caret by this many characters.
  case moveCaret(Int)
  /// Home / End in an edit line or prompt.
  case caretToEnd(Bool)
  /// Enter in an edit line, prompt or list.
  case commit
  /// Esc: close what is open (or quit when nothing is).
  case cancel
  case undo, redo
  case show(Screen)
  case toggleHelp
  /// `i` / `I`: the next / previous bundled image in the preview.
  case cycleImage(Int)
  /// The shell loaded the preview's image at these resolutions.
  case previewLoaded(path: String, resolutions: [Int])
  /// `w`: the weighting plot on or off; `W`: the next loss weighting (and the plot on).
  case toggleWeighting, cycleWeighting
  case pin
  case clearPins
  case removeLastPin
  case openPresets
  /// In the preset list: pin the selected preset / every preset of its group.
  case pinPreset, pinPresetGroup
  case beginPrompt(PromptKind)
  case requestQuit
  /// `y`/`n` in the quit confirmation.
  case confirm(Bool)
  case setTraining(active: Bool)
  /// `s`: start a training run with the current setting, or stop the running one.
  case toggleTraining
  // Reports of the training run, posted by the shell.
  case trainingStarted(label: String, details: String, totalSteps: Int)
  case trainingStep(step: Int, loss: Double, examplesPerSecond: Double)
  case trainingSamples(step: Int, Picture)
  case trainingEvaluating
  case trainingEnded(String, failed: Bool)
  /// The user's stop took effect: the run ended early, as `text` says.
  case trainingStopped(String)
  /// `s` on the sweep screen: start (or resume) the sweep set up, or stop the running one.
  case toggleSweep
  // Reports of the sweep, posted by the shell.
  case sweepStarted(folder: String, SweepState)
  /// Before each run: runs done, runs in all, the cell about to run (nil at the end), ETA.
  case sweepProgress(done: Int, total: Int, next: SweepCell?, remaining: Double?)
  case sweepStep(step: Int, total: Int)
  case sweepEvaluating
  /// The folder was saved with these results.
  case sweepSaved(SweepState)
  case sweepEnded(String, failed: Bool)
  /// A sweep folder was read for viewing.
  case sweepOpened(SweepState, folder: String)
  // Results of effects.
  /// A config was read: its setting and, from its `training` section (or the engine's
  /// defaults), the training setup; nil keeps the setup as it is.
  case imported(Setting, setup: TrainingConfig? = nil, path: String)
  /// The export target exists: ask before replacing it.
  case exists(PromptKind, path: String)
  case failed(String)
  case done(String)
}

/// File work the shell does after a reduce, reporting back with `.imported`, `.done` or `.failed`.
public enum Effect: Sendable, Equatable {
  /// Export; an existing file or folder is only replaced when `replace` (the user confirmed).
  /// The setup goes with the setting: the config's `training` section, and the diffusers
  /// folder's prediction type.
  case exportConfig(Setting, setup: TrainingConfig, path: String, replace: Bool)
  case exportDiffusers(Setting, setup: TrainingConfig, path: String, replace: Bool)
  case importConfig(path: String)
  /// Start a background training run on this setting / ask the running one to stop.
  /// The config is the setting with the training screen's setup (``AppState/trainingConfig``).
  case startTraining(Setting, TrainingConfig)
  case stopTraining
  /// Start (or resume) this sweep in the background / stop the running one.
  case startSweep(SweepSetup)
  case stopSweep
  /// Read a sweep folder's sweep.json (or the file itself) for viewing.
  case openSweep(path: String)
  /// Load a PNG for the preview at these resolutions (replacing the preview only if it loads).
  case loadPreview(image: String, resolutions: [Int])
}

/// Applies `action` to `state`: the only way the explorer's state changes. Pure: no I/O, no
/// clock; file work comes back as effects for the shell to perform.
///
/// Every edit of the document goes through ``commitDocument(_:_:)``, which validates the
/// result (so a refused value changes nothing and says why in the status line) and pushes the
/// previous document on the undo stack.
@discardableResult
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
  // A status message lasts until the next key; effect results bring their own.
  switch action {
  case .failed, .done, .imported, .exists, .trainingStarted, .trainingStep, .trainingSamples,
    .trainingEvaluating, .trainingEnded, .trainingStopped, .sweepStarted, .sweepProgress,
    .sweepStep, .sweepEvaluating, .sweepSaved, .sweepEnded, .sweepOpened, .previewLoaded:
    break
  default: state.message = nil
  }
  if reduceTraining(&state, action) { return [] }
  if reduceSweepReport(&state, action) { return [] }
  switch state.modal {
  case .help(let page):
    switch action {
    case .toggleHelp, .cancel, .commit: state.modal = nil
    // Pages are counted by the view (they depend on the terminal's size), which clamps this.
    case .select(let delta): state.modal = .help(page: max(0, page + delta))
    case .requestQuit: requestQuit(&state)
    default: break
    }
    return []
  case .confirmQuit:
    switch action {
    case .confirm(true), .commit, .requestQuit: state.shouldQuit = true
    case .confirm(false), .cancel: state.modal = nil
    default: break
    }
    return []
  case .edit(let field, var entry):
    if editText(&entry, action) {
      state.modal = .edit(field, entry)
      return []
    }
    switch action {
    case .cancel: state.modal = nil
    case .commit:
      var d = state.document
      var t = state.cursorT
      do {
        try field.parse(entry.text, into: &d, cursorT: &t)
      } catch {
        entry.error = error.description
        state.modal = .edit(field, entry)
        return []
      }
      if field == .cursorT {
        state.cursorT = t
        state.modal = nil
      } else if let problem = commitDocument(&state, d) {
        entry.error = problem
        state.modal = .edit(field, entry)
      } else {
        state.modal = nil
      }
    default: break
    }
    return []
  case .prompt(let kind, var entry):
    if editText(&entry, action) {
      state.modal = .prompt(kind, entry)
      return []
    }
    switch action {
    case .cancel: state.modal = nil
    case .commit:
      let path = entry.text.trimmingCharacters(in: .whitespaces)
      // A list is checked by its own rule below, which names what an empty one lacks.
      guard !path.isEmpty || kind == .previewResolutions else {
        entry.error = "the path is empty: type a file name"
        state.modal = .prompt(kind, entry)
        return []
      }
      state.modal = nil
      switch kind {
      case .exportConfig:
        state.defaultConfigPath = path
        return [
          .exportConfig(
            state.document.current, setup: state.document.setup, path: path,
            replace: entry.replaceConfirmed)
        ]
      case .exportDiffusers:
        state.defaultDiffusersPath = path
        return [
          .exportDiffusers(
            state.document.current, setup: state.document.setup, path: path,
            replace: entry.replaceConfirmed)
        ]
      case .importConfig:
        state.defaultConfigPath = path
        return [.importConfig(path: path)]
      case .openSweep:
        return [.openSweep(path: path)]
      case .openImage:
        return [.loadPreview(image: path, resolutions: state.previewResolutions)]
      case .previewResolutions:
        do {
          let list = try Field.parsePreviewResolutions(path)
          return [.loadPreview(image: state.previewImagePath, resolutions: list)]
        } catch {
          entry.error = error.description
          state.modal = .prompt(kind, entry)
          return []
        }
      case .sweepSetup(let row):
        var setup = state.sweepSetup
        setup[row] = path
        do {
          _ = try setup.grid()
        } catch where error.row == row {
          entry.error = error.description
          state.modal = .prompt(kind, entry)
          return []
        } catch {}
        state.sweepSetup = setup
        if state.sweep?.isActive == true {
          state.message = StatusMessage("\(row.label) changed: it applies to the next start")
        }
      }
    default: break
    }
    return []
  case .presets(let selected):
    switch action {
    case .select(let delta):
      guard !state.presets.isEmpty else { return [] }
      state.modal = .presets(selected: min(max(selected + delta, 0), state.presets.count - 1))
    case .cancel, .openPresets: state.modal = nil
    case .commit:
      guard state.presets.indices.contains(selected) else { return [] }
      let p = state.presets[selected]
      var d = state.document
      d.current = p.setting
      if let problem = commitDocument(&state, d) {
        state.message = StatusMessage(problem, isError: true)
      } else {
        state.modal = nil
        state.message = StatusMessage("loaded \(p.group): \(p.name)")
      }
    case .pinPreset, .pin:
      guard state.presets.indices.contains(selected) else { return [] }
      let p = state.presets[selected]
      addPins(&state, [(p.pinName, p.setting)])
    case .pinPresetGroup:
      guard state.presets.indices.contains(selected) else { return [] }
      let group = state.presets[selected].group
      addPins(&state, state.presets.filter { $0.group == group }.map { ($0.pinName, $0.setting) })
    case .focusNext, .focusPrevious:
      // Tab / Shift-Tab jump to the first preset of the next / previous group.
      guard state.presets.indices.contains(selected) else { return [] }
      let groups = state.presets.map(\.group)
      var i = selected
      if action == .focusNext {
        while i < groups.count - 1 && groups[i] == groups[selected] { i += 1 }
      } else {
        while i > 0 && groups[i - 1] == groups[selected] { i -= 1 }
        if i == selected && i > 0 {
          i -= 1
          while i > 0 && groups[i - 1] == groups[i] { i -= 1 }
        }
      }
      state.modal = .presets(selected: i)
    case .clearPins: clearPins(&state)
    case .undo: undo(&state)
    case .redo: redo(&state)
    case .requestQuit: requestQuit(&state)
    default: break
    }
    return []
  case nil:
    break
  }

  switch action {
  case .focusNext, .focusPrevious:
    state.focus = state.focus == .parameters ? .plots : .parameters
  case .select(let delta) where state.screen == .sweep:
    let n = SweepSetup.Row.allCases.count
    state.selectedRow = ((min(state.selectedRow, n - 1) + delta) % n + n) % n
  case .beginEdit where state.screen == .sweep:
    let row = SweepSetup.Row.allCases[min(state.selectedRow, SweepSetup.Row.allCases.count - 1)]
    state.modal = .prompt(
      .sweepSetup(row), TextEntry(text: state.sweepSetup[row], selected: true))
  case .select(let delta):
    if state.focus == .plots {
      state.focus = .parameters
    } else {
      let n = state.fields.count
      state.selectedRow = ((min(state.selectedRow, n - 1) + delta) % n + n) % n
    }
  case .adjust(let steps, let coarse):
    guard let field = state.selectedField else {
      moveCursor(&state, steps: steps, coarse: coarse)
      return []
    }
    if let effects = stepPreview(&state, field, steps: steps) { return effects }
    adjust(&state, field, steps: steps, coarse: coarse)
  case .moveCursor(let steps, let coarse):
    moveCursor(&state, steps: steps, coarse: coarse)
  case .adjustRow(let row, let steps):
    let fields = state.fields
    guard fields.indices.contains(row) else { return [] }
    if let effects = stepPreview(&state, fields[row], steps: steps) { return effects }
    adjust(&state, fields[row], steps: steps, coarse: false)
  case .focusRow(let row):
    let count = state.screen == .sweep ? SweepSetup.Row.allCases.count : state.fields.count
    guard row >= 0, row < count else { return [] }
    state.focus = .parameters
    state.selectedRow = row
  case .focusPlots(let t):
    state.focus = .plots
    if let t { state.cursorT = min(max(t, 0), 1) }
  case .beginEdit where state.selectedField == .previewImage:
    state.modal = .prompt(.openImage, TextEntry(text: state.previewImagePath, selected: true))
  case .beginEdit where state.selectedField == .previewResolutions:
    state.modal = .prompt(
      .previewResolutions, TextEntry(text: state.previewResolutionList, selected: true))
  case .beginEdit:
    let field = state.selectedField ?? .cursorT
    let text =
      field == .previewGamma && state.document.previewGamma == nil
      ? "t" : field.text(in: state)
    state.modal = .edit(field, TextEntry(text: text, selected: true))
  case .type, .backspace, .deleteForward, .moveCaret, .caretToEnd, .commit, .confirm:
    break
  case .cancel, .requestQuit:
    requestQuit(&state)
  case .undo: undo(&state)
  case .redo: redo(&state)
  case .show(let screen):
    state.screen = screen
    state.selectedRow = 0
  case .toggleHelp: state.modal = .help(page: 0)
  case .cycleImage(let delta):
    return cycleImage(&state, delta)
  case .previewLoaded(let path, let resolutions):
    state.previewImagePath = path
    state.previewResolutions = resolutions
    let name = Field.previewImage.text(in: state)
    state.message = StatusMessage(
      "preview: \(name) at \(resolutions.map(String.init).joined(separator: ", "))")
  case .toggleWeighting:
    state.showWeighting.toggle()
    if state.showWeighting { state.screen = .schedule }
  case .cycleWeighting:
    if state.showWeighting {
      let all = LossWeighting.allCases
      state.weighting = all[(all.firstIndex(of: state.weighting)! + 1) % all.count]
    }
    state.showWeighting = true
    state.screen = .schedule
    state.message = StatusMessage(
      "weighting \(state.weighting.displayName): \(state.weighting.help)")
  case .pin:
    addPins(&state, [(state.document.current.label, state.document.current)])
  case .clearPins: clearPins(&state)
  case .removeLastPin:
    guard !state.document.pins.isEmpty else {
      state.message = StatusMessage("no pins to remove", isError: true)
      return []
    }
    var d = state.document
    let removed = d.pins.removeLast()
    _ = commitDocument(&state, d)
    state.message = StatusMessage("removed pin \(removed.name) (u brings it back)")
  case .openPresets:
    guard !state.presets.isEmpty else {
      state.message = StatusMessage("no presets available", isError: true)
      return []
    }
    state.modal = .presets(selected: 0)
  case .pinPreset, .pinPresetGroup:
    break
  case .beginPrompt(.openSweep) where state.sweep?.isActive == true:
    state.message = StatusMessage(
      "a sweep is running: stop it (s) before opening another folder", isError: true)
  case .beginPrompt(let kind):
    let path: String
    switch kind {
    case .exportDiffusers: path = state.defaultDiffusersPath
    case .openSweep: path = state.sweep?.folder ?? state.sweepSetup.folder
    case .sweepSetup(let row): path = state.sweepSetup[row]
    case .openImage: path = state.previewImagePath
    case .previewResolutions: path = state.previewResolutionList
    default: path = state.defaultConfigPath
    }
    state.modal = .prompt(kind, TextEntry(text: path, selected: true))
  case .setTraining(let active):
    state.trainingActive = active
  case .toggleTraining:
    if let t = state.training, t.phase == .running {
      state.training?.phase = .stopping
      state.message = StatusMessage("stopping the training run after its current step")
      return [.stopTraining]
    }
    if let t = state.training, t.isActive {
      state.message = StatusMessage("the run is already ending; wait for it", isError: true)
      return []
    }
    if state.sweep?.isActive == true {
      state.message = StatusMessage(
        "a sweep is running (screen 4): stop it first, one job at a time", isError: true)
      return []
    }
    state.screen = .training
    return [.startTraining(state.document.current, state.trainingConfig)]
  case .toggleSweep:
    return toggleSweep(&state)
  case .trainingStarted, .trainingStep, .trainingSamples, .trainingEvaluating, .trainingEnded,
    .trainingStopped, .sweepStarted, .sweepProgress, .sweepStep, .sweepEvaluating, .sweepSaved,
    .sweepEnded, .sweepOpened:
    break
  case .imported(let setting, let setup, let path):
    var d = state.document
    d.current = setting
    if let setup { d.setup = setup }
    if let problem = commitDocument(&state, d) {
      state.message = StatusMessage("\(path): \(problem); nothing changed", isError: true)
    } else {
      state.message = StatusMessage("opened \(path) (u undoes)")
    }
  case .exists(let kind, let path):
    state.modal = .prompt(
      kind,
      TextEntry(
        text: path, error: "\(path) exists: Enter replaces it, Esc keeps it, or edit the path",
        replaceConfirmed: true))
  case .failed(let text):
    state.message = StatusMessage(text, isError: true)
  case .done(let text):
    state.message = StatusMessage(text)
  }
  return []
}

/// ←/→ (or the wheel) on the preview's image row cycles the bundled images; on its resolutions
/// row → adds one (twice the largest) and ← removes the last. Nil for any other field.
func stepPreview(_ state: inout AppState, _ field: Field, steps: Int) -> [Effect]? {
  switch field {
  case .previewImage:
    return cycleImage(&state, steps)
  case .previewResolutions:
    var list = state.previewResolutions
    if steps > 0 {
      let next = 2 * (list.max() ?? 32)
      guard list.count < Field.previewResolutionCount.upperBound,
        Field.previewResolutionRange.contains(next)
      else {
        state.message = StatusMessage(
          "cannot add \(next): at most \(Field.previewResolutionCount.upperBound) resolutions, "
            + "each in 8…1024 (Enter types a list)", isError: true)
        return []
      }
      list.append(next)
    } else {
      guard list.count > 1 else {
        state.message = StatusMessage("the preview needs at least one resolution", isError: true)
        return []
      }
      list.removeLast()
    }
    return [.loadPreview(image: state.previewImagePath, resolutions: list)]
  default:
    return nil
  }
}

/// The bundled image `delta` places after the current one (the first when the current one is
/// not bundled).
func cycleImage(_ state: inout AppState, _ delta: Int) -> [Effect] {
  let all = state.bundledImages
  guard !all.isEmpty else {
    state.message = StatusMessage("no bundled images found (assets/images)", isError: true)
    return []
  }
  let next: Int
  if let i = all.firstIndex(of: state.previewImagePath) {
    next = ((i + delta) % all.count + all.count) % all.count
  } else {
    next = delta > 0 ? 0 : all.count - 1
  }
  return [.loadPreview(image: all[next], resolutions: state.previewResolutions)]
}

/// Applies a text-editing action to an entry line; returns whether `action` was one. Any edit
/// clears the last error, and a changed path withdraws a confirmed replace.
func editText(_ entry: inout TextEntry, _ action: Action) -> Bool {
  let before = entry.text
  switch action {
  case .type(let c): entry.insert(c)
  case .backspace: entry.delete(forward: false)
  case .deleteForward: entry.delete(forward: true)
  case .moveCaret(let delta): entry.moveCaret(by: delta)
  case .caretToEnd(let end): entry.moveCaret(toEnd: end)
  default: return false
  }
  if entry.text != before {
    entry.error = nil
    entry.replaceConfirmed = false
  }
  return true
}

/// Validates `d` and makes it the document, keeping the old one for undo. Returns the problem
/// (and changes nothing) when the current setting or the extra UI limits are violated.
func commitDocument(_ state: inout AppState, _ d: Document) -> String? {
  if d == state.document { return nil }
  do {
    _ = try d.current.checkedProcess()
  } catch {
    return error.description
  }
  let s = d.current.spec
  if !(s.resolution >= 1 && s.resolution <= 65536) {
    return "resolution = \(short(s.resolution)) is not allowed: a whole number in 1…65536"
  }
  if let g = d.previewGamma, !(g > 0 && g <= 1) {
    return "noise at γ = \(short(g)) is not allowed: a number in (0, 1]"
  }
  if d.setup != state.document.setup {
    // The engine's own check, on what `s` would train: its message names the field as
    // `schedtui train` does (`lr`, `sample-steps`) with what is allowed.
    do { try d.trainingConfig.validate() } catch { return error.description }
  }
  state.undoStack.append(state.document)
  if state.undoStack.count > AppState.undoLimit { state.undoStack.removeFirst() }
  state.redoStack.removeAll()
  state.document = d
  return nil
}

func adjust(_ state: inout AppState, _ field: Field, steps: Int, coarse: Bool) {
  var d = state.document
  switch field {
  case .family:
    let all = ScheduleFamily.allCases
    let i = all.firstIndex(of: d.current.spec.family)!
    let next = all[((i + steps) % all.count + all.count) % all.count]
    // Take the new family's defaults for start/end/τ (sigmoid's −3…3 makes no sense for cosine).
    let defaults = ScheduleSpec(family: next)
    d.current.spec.family = next
    d.current.spec.start = defaults.start
    d.current.spec.end = defaults.end
    d.current.spec.tau = defaults.tau
  case .normalize: d.current.normalize.toggle()
  case .zeroTerminalSNR: d.current.spec.zeroTerminalSNR.toggle()
  case .runData, .runModel, .runPrediction, .runWeighting, .runSampler:
    field.cycle(&d.setup, by: steps)
  case .cursorT:
    moveCursor(&state, steps: steps, coarse: coarse)
    return
  case .previewGamma:
    let start = d.previewGamma ?? state.previewGamma
    let v = field.stepped(start, by: steps, coarse: coarse)
    d.previewGamma = min(max(v, 0.01), 1)
  default:
    var t = state.cursorT
    let v = field.stepped(field.number(d, cursorT: t), by: steps, coarse: coarse)
    field.setNumber(v, &d, cursorT: &t)
  }
  if let problem = commitDocument(&state, d) {
    state.message = StatusMessage(problem, isError: true)
  }
}

func moveCursor(_ state: inout AppState, steps: Int, coarse: Bool) {
  let v = Field.cursorT.stepped(state.cursorT, by: steps, coarse: coarse)
  state.cursorT = min(max(v, 0), 1)
}

func addPins(_ state: inout AppState, _ items: [(String, Setting)]) {
  var d = state.document
  var used = Set(d.pins.map(\.colorIndex))
  for (name, setting) in items {
    var c = 0
    while used.contains(c) { c += 1 }
    used.insert(c)
    d.pins.append(Pin(name: name, setting: setting, colorIndex: c))
  }
  if let problem = commitDocument(&state, d) {
    state.message = StatusMessage(problem, isError: true)
  } else {
    state.message = StatusMessage(
      items.count == 1 ? "pinned \(items[0].0)" : "pinned \(items.count) schedules")
  }
}

func clearPins(_ state: inout AppState) {
  guard !state.document.pins.isEmpty else {
    state.message = StatusMessage("no pins to clear", isError: true)
    return
  }
  var d = state.document
  let n = d.pins.count
  d.pins.removeAll()
  _ = commitDocument(&state, d)
  state.message = StatusMessage("cleared \(n) pin\(n == 1 ? "" : "s") (u brings them back)")
}

func undo(_ state: inout AppState) {
  guard let previous = state.undoStack.popLast() else {
    state.message = StatusMessage("nothing to undo", isError: true)
    return
  }
  state.redoStack.append(state.document)
  state.document = previous
  state.message = StatusMessage("undone (Ctrl-R redoes)")
}

func redo(_ state: inout AppState) {
  guard let next = state.redoStack.popLast() else {
    state.message = StatusMessage("nothing to redo", isError: true)
    return
  }
  state.undoStack.append(state.document)
  state.document = next
  state.message = StatusMessage("redone")
}

func requestQuit(_ state: inout AppState) {
  if state.workActive {
    state.modal = .confirmQuit
  } else {
    state.shouldQuit = true
  }
}

/// Applies a training report; returns whether `action` was one.
func reduceTraining(_ state: inout AppState, _ action: Action) -> Bool {
  switch action {
  case .trainingStarted(let label, let details, let total):
    state.training = TrainingStatus(label: label, details: details, totalSteps: total)
  case .trainingStep(let step, let loss, let rate):
    state.training?.step = step
    state.training?.losses.append((step, loss))
    state.training?.examplesPerSecond = rate
  case .trainingSamples(let step, let picture):
    state.training?.samples = picture
    state.training?.samplesStep = step
  case .trainingEvaluating:
    state.training?.phase = .evaluating
  case .trainingEnded(let text, let failed):
    state.training?.phase = failed ? .failed(text) : .finished(text)
    state.message = StatusMessage(text, isError: failed)
  case .trainingStopped(let text):
    state.training?.phase = .stopped(text)
    state.message = StatusMessage(text, isError: false)
  default:
    return false
  }
  state.trainingActive = state.training?.isActive ?? false
  return true
}
