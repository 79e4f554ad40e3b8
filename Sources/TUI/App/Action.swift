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
  /// `s`: start a training run with the current setting, or stop the running one.
  case toggleTraining
  /// `S`: queue one run per pin and the current setting (``TrainingQueue``).
  case queuePinned
  /// The shell read a finished run's folder (before it reports the run's end).
  case runSaved(RunRecord)
  /// The shell scanned the runs folder (``Effect/scanRuns``): its finished runs, and a line
  /// for each folder that could not be read.
  case runsScanned([RunRecord], problems: [String])
  /// The shell started reading the runs folder on its own thread (``Effect/scanRuns``); the
  /// list shows "reading…" until ``runsScanned(_:problems:)`` comes.
  case runsReading
  /// `[` `]` on the runs screen: scroll the lines naming the folders left out.
  case scrollProblems(Int)
  /// On the runs screen: Space marks or unmarks the chosen run; `a` marks all or none; Enter
  /// loads the chosen run's schedule and setup; a click chooses row `n`.
  case toggleMark, markAll, loadRun
  case selectRun(Int)
  // Reports of the training run, posted by the shell.
  /// `folder`: where the run writes its files (nil: it keeps none).
  case trainingStarted(label: String, details: String, totalSteps: Int, folder: String? = nil)
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
  /// The runs screen's export: a config of a run's schedule and setup (as ``exportConfig``;
  /// an existing file is asked about again under this prompt, so a confirmed replace still
  /// writes the run's config, not the current one).
  case exportRun(Setting, setup: TrainingConfig, path: String, replace: Bool)
  case importConfig(path: String)
  /// Start a background training run on this setting / ask the running one to stop.
  /// The config is the setting with the training screen's setup (``AppState/trainingConfig``).
  case startTraining(Setting, TrainingConfig)
  case stopTraining
  /// List the finished runs in the runs folder (reported with ``Action/runsScanned(_:problems:)``).
  case scanRuns
  /// Start (or resume) this sweep in the background / stop the running one.
  case startSweep(SweepSetup)
  case stopSweep
  /// Read a sweep folder's sweep.json (or the file itself) for viewing.
  case openSweep(path: String)
  /// Load a PNG for the preview at these resolutions (replacing the preview only if it loads).
  case loadPreview(image: String, resolutions: [Int])
}

extension Action {
  /// Whether the action reports background work or an effect's result: those bring their own
  /// status message, where any other action (a key) clears the last one.
  var isReport: Bool {
    switch self {
    case .failed, .done, .imported, .exists, .trainingStarted, .trainingStep, .trainingSamples,
      .trainingEvaluating, .trainingEnded, .trainingStopped, .sweepStarted, .sweepProgress,
      .sweepStep, .sweepEvaluating, .sweepSaved, .sweepEnded, .sweepOpened, .previewLoaded,
      .runSaved, .runsScanned, .runsReading:
      return true
    default: return false
    }
  }
}
