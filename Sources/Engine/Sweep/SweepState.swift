import Schedules
import Foundation

/// What a sweep directory remembers in `sweep.json`: the grid, the training settings every cell
/// shares, and each finished run. Rewritten atomically after every run, so an interrupted sweep
/// loses at most the run that was going.
public struct SweepState: Equatable, Sendable {
  public static let version = 1

  public var grid: SweepGrid
  /// Training settings shared by every cell (steps, batch, model per resolution, …), as text.
  public var settings: [String: String]
  /// Finished runs by cell id.
  public var results: [String: [SweepRun]]

  public init(grid: SweepGrid, settings: [String: String], results: [String: [SweepRun]] = [:]) {
    self.grid = grid
    self.settings = settings
    self.results = results
  }

  public enum LoadError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    /// The stored sweep differs from the requested one in these fields.
    case mismatch(path: String, differences: [Difference])

    public struct Difference: Equatable, Sendable {
      public let field: String, stored: String, requested: String
    }

    public var description: String {
      switch self {
      case .unreadable(let path, let reason):
        return "\(path): \(reason)"
      case .mismatch(let path, let differences):
        let list = differences.map { "\($0.field) = \($0.stored) (this run asks for \($0.requested))" }
        return "\(path) holds a different sweep: " + list.joined(separator: ", ")
          + ". Resume it with the same options, pass --overwrite to replace it, or choose "
          + "another --out"
      }
    }
  }

  // MARK: - JSON

  // A diverged run's last loss may be infinite or NaN; JSON has no such numbers.
  static let nonFinite = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
    positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
  static let nonFiniteDecoding = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
    positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

  struct FileFormat: Codable {
    var schedtuiSweepVersion: Int
    var resolutions: [Int]
    var scales: [Double]
    var families: [String]
    var repeats: Int
    var seed: UInt64
    var settings: [String: String]
    var cells: [FileCell]
    /// CRC-32 of this object without its cells and without this field (absent in sweeps written
    /// before checksums, which are read unchecked).
    var crc32: String?
    /// The t-samplings' canonical names; absent when the grid trains uniform t only (as every
    /// sweep before the axis did), so those files keep their text and checksum.
    var tSamplings: [String]? = nil

    enum CodingKeys: String, CodingKey {
      case schedtuiSweepVersion = "schedtui_sweep_version"
      case resolutions, scales, families, repeats, seed, settings, cells, crc32
      case tSamplings = "t_samplings"
    }

    /// The grid's t-samplings as stored: uniform alone when the key is absent.
    var samplingNames: [String] { tSamplings ?? [TimestepSampling.uniform.name] }

    var computedCRC: String {
      var plain = self
      plain.cells = []
      plain.crc32 = nil
      return SweepState.checksum(plain)
    }
  }

  struct FileCell: Codable {
    var id: String
    var resolution: Int
    var scale: Double
    var family: String
    var runs: [SweepRun]
    var fdMean: Double?
    var fdStandardError: Double?
    /// The held-out bound's mean and standard error over the cell's runs (absent in sweeps
    /// written before it was recorded; ranked by when the data has no classifier).
    var bitsMean: Double? = nil
    var bitsStandardError: Double? = nil
    /// Failed and best as the sweep's ranking (``SweepRanking``) judges.
    var failed: Bool?
    var best: Bool?
    /// CRC-32 of the cell's runs (their compact JSON with sorted keys), so a changed number in
    /// one cell is found and only that cell runs again. `best` is left out: it changes whenever
    /// another cell finishes.
    var crc32: String?
    /// The cell's t-sampling, for a reader; absent for uniform. (The id names it too, and the
    /// checksum covers the id.)
    var tSampling: String? = nil

    enum CodingKeys: String, CodingKey {
      case id, resolution, scale, family, runs, failed, best, crc32
      case fdMean = "fd_mean", fdStandardError = "fd_se", tSampling = "t_sampling"
      case bitsMean = "bits_per_dim_mean", bitsStandardError = "bits_per_dim_se"
    }

    var computedCRC: String {
      SweepState.checksum([id, family, "\(resolution)", "\(scale)"]) + SweepState.checksum(runs)
    }
  }

  /// The CRC-32 (hex) of a value's compact JSON with sorted keys: the same text for the same
  /// values, whatever the file's layout (Swift writes each Double as its shortest round trip).
  static func checksum(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = nonFinite
    return CRC32.hex(CRC32.checksum(try! encoder.encode(value)))
  }

  /// The JSON text of `sweep.json`: the grid, settings, and every cell with its runs and summary.
  public func json() -> Data {
    let table = SweepTable(grid: grid, results: results)
    let best = table.bestRow
    var cells: [FileCell] = []
    for cell in grid.cells {
      guard let runs = results[cell.id] else { continue }
      let summary = CellSummary(runs: runs, ranking: grid.ranking)
      let fd = grid.ranking == .frechetDistance ? summary : nil
      let bits = CellSummary(runs: runs, ranking: .bitsPerDim)
      let column = table.columns.firstIndex {
        $0.resolution == cell.resolution && $0.family == cell.family
          && $0.tSampling == cell.tSampling
      }!
      let row = grid.scales.firstIndex(of: cell.scale)!
      cells.append(
        FileCell(
          id: cell.id, resolution: cell.resolution, scale: cell.scale, family: cell.family.text,
          runs: runs, fdMean: fd?.mean, fdStandardError: fd?.standardError,
          bitsMean: bits.flatMap { $0.mean.isFinite ? $0.mean : nil },
          bitsStandardError: bits?.standardError, failed: summary?.failed,
          best: best[column] == row,
          tSampling: cell.tSampling == .uniform ? nil : cell.tSampling.name))
      cells[cells.count - 1].crc32 = cells[cells.count - 1].computedCRC
    }
    var file = FileFormat(
      schedtuiSweepVersion: Self.version, resolutions: grid.resolutions, scales: grid.scales,
      families: grid.families.map(\.text), repeats: grid.repeats, seed: grid.seed,
      settings: settings, cells: cells,
      tSamplings: grid.showsSampling ? grid.tSamplings.map(\.name) : nil)
    file.crc32 = file.computedCRC
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = Self.nonFinite
    return try! encoder.encode(file)
  }

  /// Reads `sweep.json` at `path` and checks that it is the same sweep as `requested` (same grid
  /// and settings), so that resuming never mixes results of different experiments.
  public static func load(path: String, matching requested: SweepState) throws(LoadError)
    -> SweepState
  {
    try loadChecked(path: path, matching: requested).state
  }

  /// The largest `sweep.json` read: a run's entry is a few KB, so 64 MiB holds over 10,000
  /// runs; a larger file (or a device that never ends) is refused by its size before it is read,
  /// as configs and summaries are, instead of freezing the explorer's `o` or a resume.
  public static let fileLimit = 64 << 20

  /// `sweep.json` decoded, its grid-and-settings checksum checked (cells are checked by the
  /// caller, one by one). Errors name the file and the field, never Swift's decoding types.
  static func readFile(path: String) throws(LoadError) -> FileFormat {
    let data: Data
    let file: FileFormat
    do {
      data = try BoundedFile.read(path, limit: fileLimit)
    } catch {
      switch error {
      case .tooLarge: throw .unreadable(path: path, reason: error.reason)
      case .unreadable(_, let reason): throw .unreadable(path: path, reason: "cannot read it (\(reason))")
      }
    }
    do {
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = Self.nonFiniteDecoding
      file = try decoder.decode(FileFormat.self, from: data)
    } catch {
      throw .unreadable(
        path: path, reason: "not a schedtui sweep file (\(JSONProblem.describe(error)))")
    }
    if let stored = file.crc32, stored != file.computedCRC {
      throw .unreadable(
        path: path,
        reason: "damaged: the CRC-32 of its grid and settings is \(file.computedCRC) but it "
          + "records \(stored)")
    }
    return file
  }

  /// ``load(path:matching:)`` that also names the cells whose stored runs fail their checksum:
  /// they are left out of the state, so the sweep runs them again instead of ranking them.
  public static func loadChecked(path: String, matching requested: SweepState) throws(LoadError)
    -> (state: SweepState, damagedCells: [String])
  {
    let file = try readFile(path: path)
    guard file.schedtuiSweepVersion == version else {
      throw .unreadable(
        path: path,
        reason: "schedtui_sweep_version \(file.schedtuiSweepVersion) is not supported "
          + "(this schedtui reads version \(version))")
    }
    let g = requested.grid
    var differences: [LoadError.Difference] = []
    func check(_ field: String, _ stored: String, _ wanted: String) {
      if stored != wanted {
        differences.append(.init(field: field, stored: stored, requested: wanted))
      }
    }
    check("resolutions", "\(file.resolutions)", "\(g.resolutions)")
    check("scales", "\(file.scales)", "\(g.scales)")
    check("families", "\(file.families)", "\(g.families.map(\.text))")
    check("t_samplings", "\(file.samplingNames)", "\(g.tSamplings.map(\.name))")
    // More repeats than before extends the sweep (the runs done are kept); fewer would drop runs.
    if file.repeats > g.repeats {
      differences.append(.init(field: "repeats", stored: "\(file.repeats)", requested: "\(g.repeats)"))
    }
    check("seed", "\(file.seed)", "\(g.seed)")
    let stored = SweepSettings.impliedKeys(file.settings)
    for key in Set(stored.keys).union(requested.settings.keys).sorted() {
      check(key, stored[key] ?? "(unset)", requested.settings[key] ?? "(unset)")
    }
    guard differences.isEmpty else { throw .mismatch(path: path, differences: differences) }
    var state = requested
    var damaged: [String] = []
    let known = Set(g.cells.map(\.id))
    for cell in file.cells where known.contains(cell.id) {
      if let stored = cell.crc32, stored != cell.computedCRC {
        damaged.append(cell.id)
        continue
      }
      state.results[cell.id] = cell.runs
    }
    return (state, damaged)
  }
}

// MARK: - Shards

extension SweepState {
  /// The runs of both, per cell: this state's first, then `other`'s seeds that this one lacks,
  /// ordered by repeat as an unsharded sweep runs them.
  public func merging(_ other: SweepState) -> SweepState {
    var out = self
    for (id, runs) in other.results {
      var list = out.results[id] ?? []
      let seen = Set(list.map(\.seed))
      list += runs.filter { !seen.contains($0.seed) }
      out.results[id] = list.sorted { ($0.seed &- grid.seed) < ($1.seed &- grid.seed) }
    }
    return out
  }

  /// Only the runs whose number in grid order (cell index × repeats + repeat) `keep` accepts.
  public func filtered(_ keep: (Int) -> Bool) -> SweepState {
    var out = self
    out.results = [:]
    for (c, cell) in grid.cells.enumerated() {
      guard let runs = results[cell.id] else { continue }
      let kept = runs.filter { run in
        let k = run.seed &- grid.seed
        return k < UInt64(grid.repeats) && keep(c * grid.repeats + Int(k))
      }
      if !kept.isEmpty { out.results[cell.id] = kept }
    }
    return out
  }

  /// The runs no file holds yet: (cell, seed) in grid order.
  public var missingRuns: [(cell: SweepCell, seed: UInt64)] {
    var out: [(cell: SweepCell, seed: UInt64)] = []
    for cell in grid.cells {
      let done = Set((results[cell.id] ?? []).map(\.seed))
      for k in 0..<grid.repeats where !done.contains(grid.seed(repeat: k)) {
        out.append((cell, grid.seed(repeat: k)))
      }
    }
    return out
  }

  /// What a merge found in a sweep folder.
  public struct Collected: Sendable {
    public let state: SweepState
    /// The files read, relative to the folder: `sweep.json` and `shards/shard-K-of-N.json`.
    public let sources: [String]
  }

  /// Reads every state file of the sweep in `directory` (its `sweep.json` and each shard's file
  /// under `shards/`), checks that they describe the same sweep, and joins their runs. A folder
  /// without any of them is not a sweep, and a file of another sweep is named with what differs.
  public static func collect(directory: String) throws(LoadError) -> Collected {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
      throw .unreadable(path: directory, reason: "no such folder; give the --out of a sweep")
    }
    var names: [String] = []
    if fm.fileExists(atPath: (directory as NSString).appendingPathComponent("sweep.json")) {
      names.append("sweep.json")
    }
    let shards = (directory as NSString).appendingPathComponent("shards")
    let files = ((try? fm.contentsOfDirectory(atPath: shards)) ?? [])
      .filter { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }.sorted()
    names += files.map { "shards/" + $0 }
    guard let first = names.first else {
      throw .unreadable(
        path: directory,
        reason: "not a sweep folder: it holds neither sweep.json nor shards/shard-K-of-N.json "
          + "(give the --out that `schedtui sweep` or its shards wrote to)")
    }
    var state = try open(path: (directory as NSString).appendingPathComponent(first))
    let empty = SweepState(grid: state.grid, settings: state.settings)
    for name in names.dropFirst() {
      let path = (directory as NSString).appendingPathComponent(name)
      state = state.merging(try load(path: path, matching: empty))
    }
    return Collected(state: state, sources: names)
  }
}
