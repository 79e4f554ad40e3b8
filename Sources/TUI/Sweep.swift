import Engine
import Foundation

/// The sweep the sweep screen (4) would start: the grid and budget as the user typed them, with
/// the defaults of `schedtui sweep` (except the folder, `runs/sweep` there too).
public struct SweepSetup: Sendable, Equatable {
  /// The editable rows, top to bottom.
  public enum Row: Int, CaseIterable, Sendable {
    case resolutions, scales, families, steps, folder

    public var label: String {
      switch self {
      case .resolutions: return "resolutions"
      case .scales: return "scales b"
      case .families: return "schedules"
      case .steps: return "steps/cell"
      case .folder: return "folder"
      }
    }

    /// What a typed value may be, for the edit line.
    public var allowed: String {
      switch self {
      case .resolutions: return "comma list of 8, 16, 32"
      case .scales: return "comma list of numbers in (0, 10]"
      case .families: return "linear, cosine:START:END:TAU, sigmoid:START:END:TAU"
      case .steps: return "a whole number in 1…1000000"
      case .folder: return "a folder; an existing sweep there is resumed"
      }
    }
  }

  public var resolutions = "8,16,32"
  public var scales = SweepSettings.defaultScales
  public var families = "linear,cosine:0.2:1:1"
  public var steps = "\(SweepSettings().steps)"
  public var folder = "runs/sweep"

  public init() {}

  public subscript(row: Row) -> String {
    get {
      switch row {
      case .resolutions: return resolutions
      case .scales: return scales
      case .families: return families
      case .steps: return steps
      case .folder: return folder
      }
    }
    set {
      switch row {
      case .resolutions: resolutions = newValue
      case .scales: scales = newValue
      case .families: families = newValue
      case .steps: steps = newValue
      case .folder: folder = newValue
      }
    }
  }

  /// A problem with a typed value, naming the row, the value and what is allowed.
  public struct Problem: Error, Equatable, CustomStringConvertible {
    public var row: Row
    public var value: String
    public var reason: String
    public var description: String {
      "\(row.label) '\(value)' \(reason); allowed: \(row.allowed)"
    }
  }

  /// Parses one row with the engine's list parser, naming the row in a problem.
  func parse<T>(_ row: Row, _ parse: (String) throws(SweepLists.Problem) -> T) throws(Problem)
    -> T
  {
    do {
      return try parse(self[row])
    } catch {
      throw Problem(row: row, value: self[row], reason: error.reason)
    }
  }

  /// The grid (one repeat, seed 0, as the command's defaults); throws the first bad row.
  public func grid() throws(Problem) -> SweepGrid {
    let res = try parse(.resolutions, SweepLists.resolutions)
    let bs = try parse(.scales, SweepLists.scales)
    let fams = try parse(.families, SweepLists.families)
    _ = try settings()
    guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw Problem(row: .folder, value: folder, reason: "is empty")
    }
    return SweepGrid(resolutions: res, scales: bs, families: fams, repeats: SweepSettings.defaultRepeats, seed: 0)
  }

  /// The training settings: the engine's sweep defaults with the typed steps.
  public func settings() throws(Problem) -> SweepSettings {
    guard let n = Int(steps.trimmingCharacters(in: .whitespaces)), (1...1_000_000).contains(n)
    else { throw Problem(row: .steps, value: steps, reason: "is not allowed") }
    var s = SweepSettings()
    s.steps = n
    return s
  }
}

/// What the sweep screen shows of a sweep the shell started (``Effect/startSweep(_:)``) or opened
/// (``Effect/openSweep(path:)``): the grid with every result so far, and where the run is.
public struct SweepStatus: Sendable, Equatable {
  public enum Phase: Sendable, Equatable {
    case running
    /// Asked to stop; the running cell ends before its next step, keeping a checkpoint.
    case stopping
    case ended(String, failed: Bool)
    /// Read from a folder, not running.
    case opened
  }

  public var phase: Phase
  public var folder: String
  /// The grid, settings and results (from the last save of the folder).
  public var sweep: SweepState
  public var done: Int
  public var total: Int
  /// The cell being trained and its step.
  public var running: SweepCell?
  public var step = 0
  public var totalSteps = 0
  /// The running cell is being sampled and scored.
  public var evaluating = false
  /// Seconds left by the mean time of the runs done this session; nil before the first.
  public var remaining: Double?

  public init(phase: Phase, folder: String, sweep: SweepState) {
    self.phase = phase
    self.folder = folder
    self.sweep = sweep
    total = sweep.grid.cells.count * sweep.grid.repeats
    done = sweep.results.values.reduce(0) { $0 + $1.count }
  }

  /// Whether the sweep thread is still going (quitting asks first).
  public var isActive: Bool { phase == .running || phase == .stopping }
}

/// Applies a sweep report; returns whether `action` was one.
func reduceSweepReport(_ state: inout AppState, _ action: Action) -> Bool {
  switch action {
  case .sweepStarted(let folder, let sweep):
    state.sweep = SweepStatus(phase: .running, folder: folder, sweep: sweep)
  case .sweepProgress(let done, let total, let next, let remaining):
    state.sweep?.done = done
    state.sweep?.total = total
    state.sweep?.running = next
    state.sweep?.step = 0
    state.sweep?.evaluating = false
    state.sweep?.remaining = remaining
  case .sweepStep(let step, let total):
    state.sweep?.step = step
    state.sweep?.totalSteps = total
  case .sweepEvaluating:
    state.sweep?.evaluating = true
  case .sweepSaved(let sweep):
    state.sweep?.sweep = sweep
    state.sweep?.done = sweep.results.values.reduce(0) { $0 + $1.count }
  case .sweepEnded(let text, let failed):
    state.sweep?.phase = .ended(text, failed: failed)
    state.sweep?.running = nil
    state.message = StatusMessage(text, isError: failed)
  case .sweepOpened(let sweep, let folder):
    state.sweep = SweepStatus(phase: .opened, folder: folder, sweep: sweep)
    state.screen = .sweep
    let s = state.sweep!
    state.message = StatusMessage("opened \(folder): \(s.done) of \(s.total) runs done")
  default:
    return false
  }
  return true
}

/// `s` on the sweep screen: stop the running sweep, or start (resume) the one set up.
func toggleSweep(_ state: inout AppState) -> [Effect] {
  if let s = state.sweep, s.phase == .running {
    state.sweep?.phase = .stopping
    state.message = StatusMessage("stopping the sweep after the running cell's current step")
    return [.stopSweep]
  }
  if let s = state.sweep, s.isActive {
    state.message = StatusMessage("the sweep is already stopping; wait for it", isError: true)
    return []
  }
  if state.training?.isActive == true {
    state.message = StatusMessage(
      "a training run is going (screen 3): stop it first, one job at a time", isError: true)
    return []
  }
  do {
    _ = try state.sweepSetup.grid()
  } catch {
    state.message = StatusMessage("cannot start the sweep: \(error)", isError: true)
    return []
  }
  return [.startSweep(state.sweepSetup)]
}
