import Engine
import Foundation
import Schedules

/// A schedule with its input scale and normalisation, the density training draws its noise
/// levels by, and the sampler that walks it: what the explorer edits, pins and exports. A pin
/// keeps all of it, so two t-samplings or two samplers compare on one plot.
public struct Setting: Equatable, Hashable, Sendable {
  public var spec: ScheduleSpec
  /// The paper's b.
  public var inputScale: Double
  /// Algorithm 2's `normalize`: divide x_t by its standard deviation.
  public var normalize: Bool
  /// How training draws t (or λ): the density plot's, and what `s` trains with.
  public var sampling: TimestepSampling
  /// The list a sampler visits (`schedtui sigmas`): the ticks on the logSNR and density plots.
  /// Settings that do not apply to the family are kept but not used (``appliedSampler``).
  public var sampler: Schedules.SamplerSettings

  public init(
    spec: ScheduleSpec, inputScale: Double = 1, normalize: Bool = true,
    sampling: TimestepSampling = .uniform, sampler: Schedules.SamplerSettings = .init()
  ) {
    self.spec = spec
    self.inputScale = inputScale
    self.normalize = normalize
    self.sampling = sampling
    self.sampler = sampler
  }

  /// A run's or a config's schedule, b, normalisation and t-sampling (the sampler is the
  /// explorer's own: a config has none).
  public init(_ c: TrainingConfig, sampler: Schedules.SamplerSettings = .init()) {
    self.init(
      spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize,
      sampling: c.tSampling, sampler: sampler)
  }

  /// The setting's process; throws a parameter problem, naming the field. What the process
  /// produces is checked once, when a setting enters the document (``checkedProcess()``), not on
  /// every frame that draws it.
  public func process() throws(ScheduleError) -> NoiseProcess {
    try NoiseProcess(schedule: Schedule(spec), inputScale: inputScale, normalize: normalize)
  }

  /// ``process()`` and what it produces (as every command checks): the gate for an edit.
  public func checkedProcess() throws(ScheduleError) -> NoiseProcess {
    let process = try self.process()
    try process.checkOutputs()
    return process
  }

  /// A short name: "cosine s=0.2 e=1 τ=1 b=0.5".
  public var label: String {
    let s = spec
    var parts: [String] = []
    switch s.family {
    case .linear: parts.append("1−t")
    case .cosine, .sigmoid:
      parts.append("\(s.family.rawValue) s=\(short(s.start)) e=\(short(s.end)) τ=\(short(s.tau))")
    default: parts.append(s.family.rawValue)
    }
    if inputScale != 1 { parts.append("b=\(short(inputScale))") }
    if sampling != .uniform { parts.append(sampling.name) }
    return parts.joined(separator: " ")
  }
}

/// A number in the shortest form that reads back to the same value at 6 significant digits.
public func short(_ v: Double) -> String {
  if v.isNaN || v.isInfinite { return "\(v)" }
  if v == v.rounded(), abs(v) < 1e9 { return String(Int(v)) }
  let s = String(format: "%.6g", v)
  return s
}

/// A pinned setting drawn beside the current one, in its own colour.
public struct Pin: Equatable, Sendable {
  public var name: String
  public var setting: Setting
  /// Index into ``Theme/pinColors``; kept when other pins are removed so colours stay put.
  public var colorIndex: Int

  public init(name: String, setting: Setting, colorIndex: Int) {
    (self.name, self.setting, self.colorIndex) = (name, setting, colorIndex)
  }
}

/// What undo and redo restore: everything the user edits (not the cursor or the screen).
public struct Document: Equatable, Sendable {
  public var current: Setting
  public var pins: [Pin]
  /// The preview's noise level when the user fixed one; nil to follow the t-cursor (then
  /// ``AppState/previewGamma`` is the schedule's γ there).
  public var fixedPreviewGamma: Double?
  /// The training screen's run settings: the opened config's `training` section or the
  /// engine's defaults. Its schedule, b and normalisation are not used: `s` trains the current
  /// setting with the rest (``AppState/trainingConfig``).
  public var setup: TrainingConfig

  public init(
    current: Setting, pins: [Pin] = [], fixedPreviewGamma: Double? = nil,
    setup: TrainingConfig = TrainingConfig()
  ) {
    self.current = current
    self.pins = pins
    self.fixedPreviewGamma = fixedPreviewGamma
    self.setup = setup
  }
}

/// A named setting the user can load or pin: a row of the paper's Tables 1, 3 or 4.
public struct PresetItem: Equatable, Sendable {
  /// The group it is listed under ("Table 3"); "pin all" pins the whole group.
  public var group: String
  public var name: String
  public var setting: Setting
  /// The name a pin of it gets in the legend (short).
  public var pinName: String
  /// A trainer's preset's t-sampling, output and weighting, which loading it puts in the
  /// training setup (screen 3 and the density plot's t-sampling).
  public var training: Preset.Training? = nil

  public init(group: String, name: String, setting: Setting, pinName: String? = nil) {
    self.group = group
    self.name = name
    self.setting = setting
    self.pinName = pinName ?? name
  }
}

/// Which panel the arrow keys and +/− act on.
public enum Focus: Sendable, Equatable {
  /// The parameter list: ↑↓ choose a value, ←→ change it.
  case parameters
  /// The plots: ←→ move the t-cursor.
  case plots
}

/// What a mouse pointer can land on (recorded by the renderer while it draws a frame).
public enum PointerTarget: Equatable, Sendable {
  /// Row `row` of the parameter list (``AppState/fields``).
  case parameter(row: Int)
  /// Row of the sweep screen's setup (``SweepSetup/Row``).
  case sweepRow(Int)
  /// Row `n` of the runs screen's list (``RunsList/entries``).
  case runRow(Int)
  /// A plot area whose x axis runs from `lower` (left dot) to `upper` (right dot); `overT` when
  /// x is t, so a click can place the t-cursor.
  case plot(Rect, lower: Double, upper: Double, overT: Bool)
}

/// What a prompt asks for.
public enum PromptKind: Sendable, Equatable {
  case exportConfig
  case exportDiffusers
  case importConfig
  /// A sweep folder (or its sweep.json) to view on the sweep screen.
  case openSweep
  /// A row of the sweep screen's setup.
  case sweepSetup(SweepSetup.Row)
  /// A PNG for the preview.
  case openImage
  /// The preview's resolutions, as a comma-separated list.
  case previewResolutions
  /// A config file for the runs screen's chosen run (its schedule and training setup).
  case exportRun

  public var question: String {
    switch self {
    case .exportConfig: return "Export JSON config to"
    case .exportDiffusers: return "Export diffusers scheduler folder to"
    case .importConfig: return "Open JSON config"
    case .openSweep: return "Open sweep folder"
    case .sweepSetup(let row): return "Sweep \(row.label) ="
    case .openImage: return "Preview image (PNG)"
    case .previewResolutions: return "Preview resolutions ="
    case .exportRun: return "Export the run's schedule and setup to"
    }
  }

  /// The hint after the typed text.
  public var hint: String {
    switch self {
    case .sweepSetup(let row): return row.allowed
    case .openSweep: return "a folder with sweep.json · Enter accept · Esc cancel"
    case .previewResolutions: return Field.previewResolutions.allowed
    default: return "Enter accept · Esc cancel"
    }
  }
}

/// A line of typed text: the value being entered, where the caret is, and, after a failed
/// commit, why it was refused.
///
/// An entry opened on a value starts with the whole value selected: the first typed character
/// replaces it (typing `0.5` on b = 1 gives 0.5, not 10.5), Backspace or Delete clear it, and an
/// arrow key keeps it and puts the caret at its start (←) or end (→) to edit it.
public struct TextEntry: Sendable, Equatable {
  public var text: String
  public var error: String?
  /// The path exists and the user was told: Enter now replaces it. Editing the text resets it.
  public var replaceConfirmed: Bool
  /// The whole text is selected (and is replaced by the next typed character).
  public var selected: Bool
  /// The caret, in characters from the start: 0…`text.count`.
  public var caret: Int

  public init(
    text: String, error: String? = nil, replaceConfirmed: Bool = false, selected: Bool = false
  ) {
    self.text = text
    self.error = error
    self.replaceConfirmed = replaceConfirmed
    self.selected = selected
    caret = text.count
  }

  /// Types `c` at the caret, or in place of the selected text.
  mutating func insert(_ c: Character) {
    if selected {
      text = ""
      caret = 0
      selected = false
    }
    let i = text.index(text.startIndex, offsetBy: min(caret, text.count))
    text.insert(c, at: i)
    caret += 1
  }

  /// Backspace (`forward` false) or Delete: the selection, else the character before / after
  /// the caret.
  mutating func delete(forward: Bool) {
    if selected {
      text = ""
      caret = 0
      selected = false
      return
    }
    let at = forward ? caret : caret - 1
    guard at >= 0, at < text.count else { return }
    text.remove(at: text.index(text.startIndex, offsetBy: at))
    caret = at
  }

  /// Moves the caret by `delta` characters; from a selection, ← goes to the start and → to the
  /// end of it, keeping the text.
  mutating func moveCaret(by delta: Int) {
    if selected {
      selected = false
      caret = delta < 0 ? 0 : text.count
      return
    }
    caret = min(max(caret + delta, 0), text.count)
  }

  /// Home (`end` false) or End.
  mutating func moveCaret(toEnd end: Bool) {
    selected = false
    caret = end ? text.count : 0
  }
}

/// Something drawn over the screen that takes the keys until it closes.
public enum Modal: Sendable, Equatable {
  /// The key list, at a page (a small terminal shows it a page at a time).
  case help(page: Int)
  /// Typed entry of the focused value.
  case edit(Field, TextEntry)
  /// A path prompt for export or import.
  case prompt(PromptKind, TextEntry)
  /// The preset list, with the selected row.
  case presets(selected: Int)
  case confirmQuit
}

/// A line shown in the status bar until the next key.
public struct StatusMessage: Sendable, Equatable {
  public var text: String
  public var isError: Bool
  public init(_ text: String, isError: Bool = false) {
    self.text = text
    self.isError = isError
  }
}

/// The whole state of the explorer. It changes only through ``reduce(_:_:)``.
public struct AppState: Sendable, Equatable {
  public var document: Document
  public var undoStack: [Document] = []
  public var redoStack: [Document] = []
  public var screen: Screen = .schedule
  public var focus: Focus = .parameters
  /// The selected row of the parameter list of the current screen.
  public var selectedRow = 0
  /// The t-cursor, in [0, 1].
  public var cursorT = 0.5
  public var modal: Modal?
  public var message: StatusMessage?
  /// Set when the explorer should end; the shell exits after drawing nothing more.
  public var shouldQuit = false
  /// Each screen's own state, declared in the screen's file (``ScreenState``).
  public var screens = ScreenStates()
  public var presets: [PresetItem]
  /// The preview's resolutions, drawn side by side at the same on-screen size.
  public var previewResolutions: [Int]
  /// The preview's image file, and the bundled images `i` / `I` cycle through (set by the shell).
  public var previewImagePath = ""
  public var bundledImages: [String] = []
  /// Suggested paths for the prompts.
  public var defaultConfigPath = "schedule.json"
  public var defaultDiffusersPath = "scheduler"
  /// How many undo steps are kept.
  public static let undoLimit = 500

  public init(
    current: Setting, presets: [PresetItem] = [], previewResolutions: [Int] = [64, 128, 256]
  ) {
    document = Document(current: current)
    self.presets = presets
    self.previewResolutions = previewResolutions
  }

  /// The rows of the parameter list on the current screen.
  public var fields: [Field] { screen.definition.fields(self) }

  /// Whether background work is going (a training run or a sweep): quitting asks first.
  public var workActive: Bool { training?.isActive == true || sweep?.isActive == true }

  /// The focused parameter, if the parameter list has focus.
  public var selectedField: Field? {
    let f = fields
    guard focus == .parameters, !f.isEmpty else { return nil }
    return f[min(selectedRow, f.count - 1)]
  }

  /// The preview's resolutions as typed: "64,128,256".
  public var previewResolutionList: String {
    previewResolutions.map(String.init).joined(separator: ",")
  }

  /// The γ the preview noises at: the fixed one, or the current schedule's γ at the t-cursor.
  public var previewGamma: Double {
    if let g = document.fixedPreviewGamma { return g }
    return (try? document.current.process().schedule.gamma(cursorT)) ?? 0.5
  }
}

extension PresetItem {
  /// Schedules' presets as the explorer lists them, grouped so that one "pin group" draws a
  /// figure of the paper: Table 3's cosine rows (with 1−t) and sigmoid rows are Figure 3's two
  /// panels; Table 4's 1−t rows (b = 0.3 … 1) are Figure 5's input-scaling curves.
  public static let paper: [PresetItem] = Preset.all.map { p in
    let group: String
    switch p.source {
    case "Table 3": group = p.spec.family == .sigmoid ? "Table 3 sigmoid" : "Table 3 cosine, 1−t"
    case "Table 4": group = p.spec.family == .linear ? "Table 4 1−t" : "Table 4 cosine@0.2,1,1"
    default: group = p.source
    }
    var spec = p.spec
    if let r = p.resolution { spec.resolution = Double(r) }
    let fid = p.fid.map { "\($0.resolution): \(short($0.value))" }.joined(separator: ", ")
    var item = PresetItem(
      group: group, name: p.summary + (fid.isEmpty ? "" : "   FID \(fid)"),
      setting: Setting(
        spec: spec, inputScale: p.inputScale, sampling: p.training?.tSampling ?? .uniform),
      pinName: pinName(p))
    item.training = p.training
    return item
  }

  /// A short legend name: "cosine s=0.2 e=1 τ=2", "1−t b=0.3", "Table 1 256²".
  static func pinName(_ p: Preset) -> String {
    let base = Setting(spec: p.spec, inputScale: p.inputScale).label
    if let r = p.resolution, p.source == "Table 1" { return "\(r)²: \(base)" }
    return base
  }
}
