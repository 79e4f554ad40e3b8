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
  // Results of effects.
  /// A config was read: its setting and, from its `training` section (or the engine's
  /// defaults), the training setup; nil keeps the setup as it is.
  case imported(Setting, setup: TrainingConfig? = nil, path: String)
  /// The export target exists: ask before replacing it.
  case exists(PromptKind, path: String)
  case failed(String)
  case done(String)
  /// An action a screen declares in its own file (``ScreenMessage``).
  case screen(ScreenAction)
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
  /// Start (or resume) this sweep in the background / stop the running one.
  case startSweep(SweepSetup)
  case stopSweep
  /// Load a PNG for the preview at these resolutions (replacing the preview only if it loads).
  case loadPreview(image: String, resolutions: [Int])
  /// File work a screen declares in its own file (``ScreenWork``), done off the UI thread.
  case work(WorkEffect)
}

extension Action {
  /// Whether the action reports background work or an effect's result: those bring their own
  /// status message, where any other action (a key) clears the last one.
  var isReport: Bool {
    switch self {
    case .failed, .done, .imported, .exists:
      return true
    case .screen(let a): return a.message.isReport
    default: return false
    }
  }
}
