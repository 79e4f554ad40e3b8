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
  /// The part of the sweep this process runs, or nil for all of it.
  public let shard: SweepShard?

  /// Where this runner keeps its state: `sweep.json`, or a shard's own file under `shards/`,
  /// so that no two shards ever write the same file.
  public var statePath: String {
    let name = shard.map { "shards/" + $0.fileName } ?? "sweep.json"
    return (directory as NSString).appendingPathComponent(name)
  }

  /// Opens `directory`: resumes the sweep stored there when it is the same experiment, starts a
  /// new one when the folder holds no `sweep.json`. A shard resumes from its own file and also
  /// counts the runs of a `sweep.json` that a merge wrote as done (it only reads that file).
  public init(
    directory: String, grid: SweepGrid, settings: [String: String], shard: SweepShard? = nil
  ) throws {
    self.directory = directory
    self.shard = shard
    let fresh = SweepState(grid: grid, settings: settings)
    let fm = FileManager.default
    let merged = (directory as NSString).appendingPathComponent("sweep.json")
    var state = fresh
    if fm.fileExists(atPath: merged) {
      state = try SweepState.load(path: merged, matching: fresh)
    }
    if let shard {
      let own = (directory as NSString).appendingPathComponent("shards/" + shard.fileName)
      if fm.fileExists(atPath: own) {
        let stored = try SweepState.load(path: own, matching: fresh)
        state = state.merging(stored)
      }
      // A shard's file holds only its own runs.
      state = state.filtered { shard.owns(jobNumber: $0) }
    }
    self.state = state
  }

  /// What one run costs relative to others of the same steps: MLP-S's work per example is
  /// about D + 800 multiply-adds per hidden unit (its first and last layers grow with the
  /// D = resolution² pixels, the two middle ones do not), plus sampling and scoring, which scale
  /// alike. Calibrated on the default sweep (README "Sweeps").
  public static func relativeCost(resolution: Int) -> Double {
    Double(resolution * resolution) + 800
  }

  /// The runs still to do, in order (a shard's: every N-th of the grid's cells × repeats).
  public var pendingJobs: [Job] {
    var jobs: [Job] = []
    var number = -1
    for cell in state.grid.cells {
      let done = Set((state.results[cell.id] ?? []).map(\.seed))
      for k in 0..<state.grid.repeats {
        number += 1
        if let shard, !shard.owns(jobNumber: number) { continue }
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
    let all = state.grid.cells.count * state.grid.repeats
    let total = shard.map { $0.jobCount(of: all) } ?? all
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
    // The sweep-level outputs are written by an unsharded run or by a merge, never by a shard:
    // two shards would overwrite each other's tables.
    if shard != nil { return }
    try Self.writeOutputs(state, directory: directory, writeOutputs)
  }

  /// table.md, table.csv, details.md and whatever `writeOutputs` adds (the heat map).
  static func writeOutputs(
    _ state: SweepState, directory: String, _ writeOutputs: (SweepState) throws -> Void
  ) throws {
    let table = SweepTable(grid: state.grid, results: state.results)
    let folder = directory as NSString
    try AtomicFile.write(table.markdown, to: folder.appendingPathComponent("table.md"))
    try AtomicFile.write(table.csv, to: folder.appendingPathComponent("table.csv"))
    try AtomicFile.write(
      "## Copy rate\n\n" + table.copyMarkdown + "\n## Loss per logSNR bin\n\n"
        + SweepBins(grid: state.grid, results: state.results).markdown,
      to: folder.appendingPathComponent("details.md"))
    try writeOutputs(state)
  }
}

/// One of N parts of a sweep, for running it on N machines that share the sweep folder.
///
/// The sweep's runs (cells in grid order, each cell's repeats in order) are numbered 0, 1, 2, …;
/// shard K of N (K in 1…N) runs those whose number is K − 1 modulo N. Dealing the runs out in
/// turn rather than in blocks keeps the shards balanced in time as well as in count: the grid
/// is ordered by resolution, so blocks would give one shard all the slow 32×32 cells.
public struct SweepShard: Equatable, Sendable, CustomStringConvertible {
  /// K, 1-based.
  public let index: Int
  /// N.
  public let count: Int

  public enum ParseError: Error, Equatable, CustomStringConvertible {
    case invalid(text: String, reason: String)
    public var description: String {
      switch self {
      case .invalid(let text, let reason):
        return "--shard \(text) is not allowed: \(reason); give K/N with whole numbers "
          + "1 ≤ K ≤ N ≤ 10000 (for example 3/16)"
      }
    }
  }

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (1...count).contains(index), "shard \(index)/\(count)")
    self.index = index
    self.count = count
  }

  /// Reads `K/N`.
  public init(parsing text: String) throws(ParseError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 else { throw .invalid(text: text, reason: "it is not of the form K/N") }
    guard let k = Int(parts[0]), let n = Int(parts[1]) else {
      throw .invalid(text: text, reason: "K and N must be whole numbers")
    }
    guard (1...10_000).contains(n) else {
      throw .invalid(text: text, reason: "N = \(n) is outside 1…10000")
    }
    guard (1...n).contains(k) else {
      throw .invalid(text: text, reason: "K = \(k) is outside 1…\(n)")
    }
    self.init(index: k, count: n)
  }

  public var description: String { "\(index)/\(count)" }

  /// The shard's state file under `shards/`.
  public var fileName: String { "shard-\(index)-of-\(count).json" }

  /// Whether run number `j` (0-based, in grid order) is this shard's.
  public func owns(jobNumber j: Int) -> Bool { j % count == index - 1 }

  /// How many of `total` runs are this shard's: ⌈total/N⌉ or ⌊total/N⌋.
  public func jobCount(of total: Int) -> Int {
    total / count + (index - 1 < total % count ? 1 : 0)
  }
}

extension SweepRunner {
  /// What `merge` did.
  public struct MergeReport: Sendable {
    public let state: SweepState
    public let sources: [String]
    /// Runs that no shard has finished yet, in grid order.
    public let missing: [(cell: SweepCell, seed: UInt64)]
  }

  /// Rebuilds a sweep's `sweep.json`, tables and `writeOutputs` (the heat map) from every state
  /// file in `directory`, the shards' and an earlier `sweep.json`, with whatever runs are
  /// finished. The per-run folders are not touched. Run it once every shard has stopped, or at
  /// any time to see partial results: shards never read what it writes but to skip merged runs.
  public static func merge(
    directory: String, writeOutputs: (SweepState) throws -> Void = { _ in }
  ) throws -> MergeReport {
    let collected = try SweepState.collect(directory: directory)
    let state = collected.state
    try AtomicFile.write(
      state.json(), to: (directory as NSString).appendingPathComponent("sweep.json"))
    try Self.writeOutputs(state, directory: directory, writeOutputs)
    return MergeReport(state: state, sources: collected.sources, missing: state.missingRuns)
  }
}
