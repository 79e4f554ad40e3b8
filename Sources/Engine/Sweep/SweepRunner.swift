import Foundation

/// Runs a sweep: every cell × repeat that `sweep.json` does not already hold, in grid order,
/// saving the state after each run. The training itself is `train`, so the CLI and the explorer
/// drive the same loop with the real engine.
public struct SweepRunner {
  /// Where one run goes: its cell, the seed, and the folder it writes into.
  public struct Job: Sendable {
    public let cell: SweepCell
    public let repeatIndex: Int
    public let seed: UInt64
    public let directory: String

    public init(cell: SweepCell, repeatIndex: Int, seed: UInt64, directory: String) {
      self.cell = cell
      self.repeatIndex = repeatIndex
      self.seed = seed
      self.directory = directory
    }
  }

  /// Progress as data, for a progress line or a screen.
  public struct Progress: Sendable {
    public let done: Int
    public let total: Int
    /// The job about to run, or nil when the sweep has finished.
    public let next: Job?
    /// Seconds spent on runs this session and the estimate for what remains.
    public let elapsed: Double
    public let remaining: Double?
    public let state: SweepState
  }

  public let directory: String
  public private(set) var state: SweepState

  public var statePath: String { (directory as NSString).appendingPathComponent("sweep.json") }

  /// Opens `directory`: resumes the sweep stored there when it is the same experiment, starts a
  /// new one when the folder holds no `sweep.json`.
  public init(directory: String, grid: SweepGrid, settings: [String: String]) throws {
    self.directory = directory
    let fresh = SweepState(grid: grid, settings: settings)
    let path = (directory as NSString).appendingPathComponent("sweep.json")
    if FileManager.default.fileExists(atPath: path) {
      state = try SweepState.load(path: path, matching: fresh)
    } else {
      state = fresh
    }
  }

  /// What one run costs relative to others of the same steps: MLP-S's work per example is
  /// about D + 800 multiply-adds per hidden unit (its first and last layers grow with the
  /// D = resolution² pixels, the two middle ones do not), plus sampling and scoring, which scale
  /// alike. Calibrated on the default sweep (README "Sweeps").
  public static func relativeCost(resolution: Int) -> Double {
    Double(resolution * resolution) + 800
  }

  /// The runs still to do, in order.
  public var pendingJobs: [Job] {
    var jobs: [Job] = []
    for cell in state.grid.cells {
      let done = Set((state.results[cell.id] ?? []).map(\.seed))
      for k in 0..<state.grid.repeats {
        let seed = state.grid.seed(repeat: k)
        if done.contains(seed) { continue }
        let dir = (directory as NSString).appendingPathComponent("cells/\(cell.id)/seed-\(seed)")
        jobs.append(Job(cell: cell, repeatIndex: k, seed: seed, directory: dir))
      }
    }
    return jobs
  }

  /// Runs what is pending. `train` does one run; `shouldStop` is asked between runs (a run
  /// that is going is stopped by `train` itself); `progress` is called before each run and at the
  /// end. Returns true when every run is done. Writes `sweep.json` and the tables after each run.
  public mutating func run(
    train: (Job) throws -> SweepRun,
    shouldStop: () -> Bool = { false },
    progress: (Progress) -> Void = { _ in },
    writeOutputs: (SweepState) throws -> Void = { _ in }
  ) throws -> Bool {
    let jobs = pendingJobs
    let total = state.grid.cells.count * state.grid.repeats
    var done = total - jobs.count
    let started = Date()
    var seconds = 0.0
    var costDone = 0.0
    var costLeft = jobs.reduce(0) { $0 + Self.relativeCost(resolution: $1.cell.resolution) }
    try save(writeOutputs)
    for job in jobs {
      let elapsed = Date().timeIntervalSince(started)
      // Seconds per unit of cost so far, times the cost still to go: a sweep trains its small
      // resolutions first, so a plain mean per run would promise the 32×32 runs too soon.
      let remaining = costDone > 0 ? seconds / costDone * costLeft : nil
      progress(Progress(done: done, total: total, next: job, elapsed: elapsed,
                        remaining: remaining, state: state))
      if shouldStop() { return false }
      let t0 = Date()
      let result = try train(job)
      seconds += Date().timeIntervalSince(t0)
      let cost = Self.relativeCost(resolution: job.cell.resolution)
      costDone += cost
      costLeft -= cost
      state.results[job.cell.id, default: []].append(result)
      done += 1
      try save(writeOutputs)
    }
    progress(Progress(done: done, total: total, next: nil,
                      elapsed: Date().timeIntervalSince(started), remaining: 0, state: state))
    return true
  }

  func save(_ writeOutputs: (SweepState) throws -> Void) throws {
    try AtomicFile.write(state.json(), to: statePath)
    let table = SweepTable(grid: state.grid, results: state.results)
    try AtomicFile.write(table.markdown, to: (directory as NSString).appendingPathComponent("table.md"))
    try AtomicFile.write(table.csv, to: (directory as NSString).appendingPathComponent("table.csv"))
    try AtomicFile.write(
      "## Copy rate\n\n" + table.copyMarkdown + "\n## Loss per logSNR bin\n\n"
        + SweepBins(grid: state.grid, results: state.results).markdown,
      to: (directory as NSString).appendingPathComponent("details.md"))
    try writeOutputs(state)
  }
}
