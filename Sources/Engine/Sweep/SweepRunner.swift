import Foundation
import Schedules

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
  /// Things the user should know about the folder as it was found (damaged cells that will run
  /// again, a damaged checkpoint set aside), one sentence each; the runner never prints.
  public private(set) var notes: [String] = []
  /// The sweep folder's lock, held for as long as any copy of this runner exists.
  let lock: FolderLock
  /// The part of the sweep this process runs, or nil for all of it.
  public let shard: SweepShard?

  /// Where this runner keeps its state: `sweep.json`, or a shard's own file under `shards/`,
  /// so that no two shards ever write the same file.
  public var statePath: String {
    let name = shard.map { "shards/" + $0.fileName } ?? "sweep.json"
    return (directory as NSString).appendingPathComponent(name)
  }

  /// Opens `directory`: resumes the sweep stored there when it is the same experiment, starts a
  /// new one when the folder holds no sweep.
  ///
  /// Refuses (``FolderError``, or ``SweepState/LoadError``) a folder that is locked by another
  /// process, that holds a training run, a different sweep, a damaged `sweep.json`, or run
  /// results under `cells/` without the `sweep.json` that says which sweep they belong to. With
  /// `overwrite` the last three are deleted (schedtui's files only) and the sweep starts afresh.
  /// Cells whose stored results fail their checksum are dropped, so they run again.
  ///
  /// A shard (``SweepShard``) shares the folder with the other shards, on other machines: it
  /// locks only its own lock file, keeps its state in `shards/`, writes no manifest (the merge
  /// does), and counts the runs of a `sweep.json` that a merge wrote as done (it only reads it).
  ///
  /// `setup`, when given, is written to the folder's `config.json` once the folder is accepted:
  /// the sweep's shared training setup in the config format (``SweepSettings/setup(grid:)``).
  /// Shards write it too; theirs are the same bytes, and each write is atomic.
  public init(
    directory: String, grid: SweepGrid, settings: [String: String], overwrite: Bool = false,
    shard: SweepShard? = nil, setup: Config? = nil
  ) throws {
    self.directory = directory
    self.shard = shard
    try RunFolder.checkOwnFolder(directory, kind: .sweep)
    lock = try FolderLock(
      directory: directory,
      name: shard.map { ".schedtui-shard-\($0.index)-of-\($0.count).lock" } ?? FolderLock.fileName)
    let fresh = SweepState(grid: grid, settings: settings)
    let path = (directory as NSString).appendingPathComponent("sweep.json")
    let manifest: FolderManifest?
    do { manifest = try FolderManifest.read(in: directory) } catch {
      guard overwrite else { throw error }
      manifest = nil
    }
    if manifest?.kind == .run
      || RunFolder.runFiles.contains(where: { RunFolder.exists(directory, $0) })
    {
      throw FolderError.otherKind(path: directory, holds: .run, wanted: .sweep)
    }
    var loaded: (state: SweepState, damagedCells: [String])?
    if FileManager.default.fileExists(atPath: path) {
      do {
        loaded = try SweepState.loadChecked(path: path, matching: fresh)
      } catch {
        guard overwrite else {
          // A damaged file is refused with the way out; a different sweep says what differs.
          if case .unreadable(let path, let reason) = error, !reason.hasPrefix("cannot read") {
            throw FolderError.damaged(path: path, reason: reason)
          }
          throw error
        }
      }
    } else if shard == nil {
      let runs = SweepRunner.runFolders(in: directory)
      if runs > 0 && !overwrite {
        throw FolderError.sweepWithoutState(path: directory, runs: runs)
      }
    }
    if shard != nil { try Self.checkShardFolder(directory, fresh: fresh, setup: setup) }
    if let shard {
      // Runs merged into sweep.json count as done; the shard's own file adds what it did since.
      var state = loaded?.state ?? fresh
      let own = (directory as NSString).appendingPathComponent("shards/" + shard.fileName)
      if FileManager.default.fileExists(atPath: own) {
        let stored = try SweepState.loadChecked(path: own, matching: fresh)
        state = state.merging(stored.state)
        notes += stored.damagedCells.map {
          "cell \($0): its results in \(own) fail their checksum; the cell runs again"
        }
      }
      // A shard's file holds only its own runs.
      self.state = state.filtered { shard.owns(jobNumber: $0) }
      notes += Self.olderBoundNote(self.state)
      try Self.write(setup, in: directory)
      return
    }
    if let loaded {
      state = loaded.state
      notes = loaded.damagedCells.map {
        "cell \($0): its results in sweep.json fail their checksum (the file was changed after "
          + "it was written); the cell runs again"
      }
    } else {
      // A new sweep: whatever schedtui left here before goes (only reached with overwrite when
      // there was something).
      for name in RunFolder.sweepFiles + [FolderManifest.fileName]
      where RunFolder.exists(directory, name) {
        try RunFolder.remove(name, in: directory)
      }
      state = fresh
    }
    notes += Self.olderBoundNote(state)
    if manifest == nil || loaded == nil {
      try FolderManifest(kind: .sweep, what: SweepRunner.describe(grid)).write(in: directory)
    }
    try Self.write(setup, in: directory)
  }

  /// A shard joins the sweep already in its folder: `sweep.json` (a merge), every shard's file
  /// and `config.json` (the shared setup) must describe the sweep this shard runs. The first
  /// that does not is refused naming what differs, before anything is written; a shard of
  /// another grid once replaced the folder's config.json and was caught only by the merge.
  /// A file that cannot be read is left to the code that reads it (and to the merge).
  static func checkShardFolder(_ directory: String, fresh: SweepState, setup: Config?) throws {
    let folder = directory as NSString
    let shardFiles =
      ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("shards")))
      ?? []).filter { $0.hasSuffix(".json") }.sorted().map { "shards/" + $0 }
    for name in ["sweep.json"] + shardFiles where RunFolder.exists(directory, name) {
      do {
        _ = try SweepState.loadChecked(path: folder.appendingPathComponent(name), matching: fresh)
      } catch {
        guard case .mismatch(_, let differences) = error else { continue }
        throw FolderError.otherSweep(
          path: directory, file: name,
          differences: differences.map { "\($0.field) \($0.stored) (this shard's: \($0.requested))" })
      }
    }
    let configPath = folder.appendingPathComponent(TrainingRun.configFileName)
    guard let setup, let data = try? BoundedFile.read(configPath, limit: 4 << 20) else { return }
    let differences = RunConfigEdit.differ(data, Data(setup.encoded().utf8), whose: "this shard's")
    if !differences.isEmpty {
      throw FolderError.otherSweep(
        path: directory, file: TrainingRun.configFileName, differences: differences)
    }
  }

  static func write(_ setup: Config?, in directory: String) throws {
    guard let setup else { return }
    try AtomicFile.write(
      setup.encoded(),
      to: (directory as NSString).appendingPathComponent(TrainingRun.configFileName))
  }

  /// One line for the manifest: the grid.
  /// Runs stored with a bound to λ = 12 (before each run's bound took its own λmax) do not
  /// compare with runs scored now: said, rather than mixed silently into the ranking.
  static func olderBoundNote(_ state: SweepState) -> [String] {
    let older = state.results.values.joined().filter {
      $0.bitsPerDim != nil && $0.bitsPerDimLogSNRMax == nil
    }.count
    guard older > 0 else { return [] }
    return [
      "\(older) run(s) in sweep.json were scored to λ = 12, before each run's bound took its "
        + "own λmax: their bits/dim do not compare with new runs' (run the sweep again with "
        + "--overwrite to rank by bits/dim)"
    ]
  }

  static func describe(_ grid: SweepGrid) -> String {
    "sweep of resolutions \(grid.resolutions) × scales \(grid.scales) × schedules "
      + "\(grid.families.map(\.text))"
      + (grid.showsSampling ? " × t-samplings \(grid.tSamplings.map(\.name))" : "")
      + " × \(grid.repeats) repeat(s), seed \(grid.seed)"
  }

  /// How many run folders (`cells/<cell>/seed-<s>/` holding any run file) `directory` has.
  static func runFolders(in directory: String) -> Int {
    let cells = (directory as NSString).appendingPathComponent("cells")
    let fm = FileManager.default
    var count = 0
    for cell in (try? fm.contentsOfDirectory(atPath: cells)) ?? [] {
      let cellPath = (cells as NSString).appendingPathComponent(cell)
      for seed in (try? fm.contentsOfDirectory(atPath: cellPath)) ?? [] {
        let run = (cellPath as NSString).appendingPathComponent(seed)
        if RunFolder.runFiles.contains(where: { RunFolder.exists(run, $0) }) { count += 1 }
      }
    }
    return count
  }

  /// Makes `job`'s folder ready to train: a sound checkpoint stays (the run resumes from it);
  /// anything else there is a run this sweep started but never recorded (killed before
  /// sweep.json was saved, or damaged), so it is removed and the run starts again. Returns a
  /// note when something was set aside.
  static func prepare(_ job: Job) throws -> String? {
    let dir = job.directory
    guard FileManager.default.fileExists(atPath: dir) else { return nil }
    let checkpoint = (dir as NSString).appendingPathComponent(Checkpoint.fileName)
    var note: String?
    if FileManager.default.fileExists(atPath: checkpoint) {
      do {
        _ = try Checkpoint.read(from: checkpoint)
        return nil
      } catch {
        note = "\(error); the run starts again from step 0"
      }
    }
    for name in RunFolder.runFiles + [FolderManifest.fileName]
    where RunFolder.exists(dir, name) {
      try RunFolder.remove(name, in: dir)
    }
    return note
  }

  /// What one run costs relative to others of the same steps: MLP-S's work per example is
  /// about D + 800 multiply-adds per hidden unit (its first and last layers grow with the
  /// D = resolution² pixels, the two middle ones do not), plus sampling and scoring, which scale
  /// alike. The default sweep trained for 9.8, 11.9 and 20.6 s per run at 8, 16 and 32 px
  /// (1 : 1.21 : 2.11); this model gives 1 : 1.22 : 2.11 (README "Sweeps").
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

  /// Runs what is pending (`note` hears of a cell's damaged checkpoint set aside). `train` does
  /// one run; `shouldStop` is asked between runs (a run
  /// that is going is stopped by `train` itself); `progress` is called before each run and at the
  /// end. Returns true when every run is done. Writes `sweep.json` and the tables after each run.
  public mutating func run(
    train: (Job) throws -> SweepRun,
    shouldStop: () -> Bool = { false },
    progress: (Progress) -> Void = { _ in },
    writeOutputs: (SweepState) throws -> Void = { _ in },
    note: (String) -> Void = { _ in }
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
      if let text = try SweepRunner.prepare(job) { note(text) }
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
    // A table of part of the runs says so first: its bold "best" may not be the best.
    let missing = state.missingRuns.count
    let total = state.grid.cells.count * state.grid.repeats
    let note =
      missing == 0
      ? ""
      : "**Incomplete: \(total - missing) of \(total) runs finished.** Cells without all "
        + "their runs are blank or averaged over fewer seeds; the best may change.\n\n"
    try AtomicFile.write(note + table.document, to: folder.appendingPathComponent("table.md"))
    try AtomicFile.write(table.csv, to: folder.appendingPathComponent("table.csv"))
    try AtomicFile.write(
      "## Copy rate\n\n" + table.copyMarkdown + "\n## Loss per logSNR bin\n\n"
        + SweepBins(grid: state.grid, results: state.results).markdown
        + "\n## Held-out bits per dimension and error per logSNR\n\n"
        + SweepScore(grid: state.grid, results: state.results).markdown,
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
        return FieldError(
          field: "--shard", value: text,
          allowed: "\(reason); give K/N with whole numbers 1 ≤ K ≤ N ≤ 10000 (for example 3/16)",
          source: .commandLine
        ).description
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
