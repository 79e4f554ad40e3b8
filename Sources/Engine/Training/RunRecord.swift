import Foundation
import Schedules

/// A finished training run as its folder holds it: what the explorer's runs list shows and
/// compares. Everything comes from the files a ``TrainingRun`` wrote — `summary.json` (the
/// setup, final loss, loss per logSNR bin, distance, copy rate, speed), `metrics.jsonl` (the
/// loss every `logEvery` steps) and `samples.png` (the final sample grid) — so a run from an
/// earlier session, or from `schedtui train --out`, compares exactly like one just trained.
public struct RunRecord: Sendable, Equatable {
  /// One logged line of `metrics.jsonl`: the mean loss over the steps since the previous line.
  public struct LossPoint: Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public init(step: Int, loss: Double) {
      self.step = step
      self.loss = loss
    }
  }

  public var folder: String
  public var summary: RunSummary
  /// The logged loss curve, by step; empty when `metrics.jsonl` is missing.
  public var losses: [LossPoint]
  /// The final sample grid; nil when `samples.png` is missing or unreadable.
  public var samples: Image?
  /// When `summary.json` was written: the list's order.
  public var finished: Date
  /// What could not be read beside the summary (an unreadable `metrics.jsonl` or
  /// `samples.png`), each with its reason: the run is listed without it.
  public var notes: [String] = []

  public init(
    folder: String, summary: RunSummary, losses: [LossPoint], samples: Image?, finished: Date
  ) {
    self.folder = folder
    self.summary = summary
    self.losses = losses
    self.samples = samples
    self.finished = finished
  }

  /// The folder's last path component: the name the list shows.
  public var name: String { (folder as NSString).lastPathComponent }

  /// Reads the run in `folder`. Only `summary.json` is required (a run that has none has not
  /// finished); a missing or damaged `metrics.jsonl` or `samples.png` leaves the curve or the
  /// grid empty rather than hiding the run.
  public static func read(folder: String) throws(RunRecordError) -> RunRecord {
    let path = (folder as NSString).appendingPathComponent("summary.json")
    guard FileManager.default.fileExists(atPath: path) else { throw .notFinished(folder: folder) }
    // A run's summary is a few kilobytes; a 100 MB one froze the runs screen for 7 s.
    let data: Data
    do { data = try BoundedFile.read(path, limit: summaryByteLimit) } catch {
      throw .damaged(path: path, reason: error.reason)
    }
    let summary: RunSummary
    do {
      summary = try RunSummary.snakeCaseDecoder.decode(RunSummary.self, from: data)
    } catch {
      throw .damaged(path: path, reason: JSONProblem.describe(error))
    }
    if let problem = summary.implausibleNumber() {
      throw .damaged(path: path, reason: problem)
    }
    do { try summary.config.validate() } catch {
      throw .damaged(path: path, reason: "config: \(error)")
    }
    let finished = summaryDate(folder) ?? Date(timeIntervalSince1970: 0)
    var notes: [String] = []
    let losses: [LossPoint]
    do { losses = try readLosses((folder as NSString).appendingPathComponent("metrics.jsonl")) } catch {
      losses = []
      notes.append("metrics.jsonl cannot be read (\(error.reason)): no loss curve")
    }
    let samplesPath = (folder as NSString).appendingPathComponent("samples.png")
    var samples: Image?
    if FileManager.default.fileExists(atPath: samplesPath) {
      do { samples = try PNG.read(path: samplesPath) } catch {
        notes.append("samples.png cannot be read (\(readableReason(error))): no samples")
      }
    }
    var record = RunRecord(
      folder: folder, summary: summary, losses: losses, samples: samples, finished: finished)
    record.notes = notes
    return record
  }

  /// An error's text without the folder's path (the runs screen names the run before it).
  static func readableReason(_ error: Error) -> String {
    FieldError.readable("\(error)", limit: 160)
  }

  /// The largest summary.json read (the runs screen reads every run's).
  public static let summaryByteLimit = 4 << 20

  /// When `folder`'s `summary.json` was last written; nil when it is not there.
  static func summaryDate(_ folder: String) -> Date? {
    let path = (folder as NSString).appendingPathComponent("summary.json")
    return (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
  }

  /// The most points of a loss curve kept from `metrics.jsonl`: a chart is at most a few
  /// hundred cells wide, and a 10-million-step run logs 212 MB.
  public static let maxLossPoints = 2048

  /// `metrics.jsonl`'s (step, loss) pairs in step order, at most `keep` (to `2 × keep` before the
  /// last thinning) of them: every line while they fit, then every 2nd, 4th, … line, always
  /// with the last line's point; the file is streamed and only kept lines are decoded, so a
  /// 212 MB file costs a scan for newlines, not 10 million JSON parses (it took 28 s). Lines
  /// that are not such an object (a line cut short by a crash, say), or whose step or loss no
  /// run writes, are skipped. A missing file has no points; one that cannot be read throws.
  static func readLosses(_ path: String, keep: Int = maxLossPoints)
    throws(BoundedFile.ReadError) -> [LossPoint]
  {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return [] }
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var kept: [(line: Int, point: LossPoint)] = []
    var stride = 1
    var line = 0
    // The start of a line to decode that the previous chunk cut (a long line is dropped).
    var carry: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    func take(_ bytes: UnsafeRawBufferPointer) {
      defer { line += 1 }
      guard line % stride == 0 else { return }
      let text = carry.isEmpty ? Data(bytes) : Data(carry) + Data(bytes)
      carry = []
      guard let point = lossPoint(text) else { return }
      kept.append((line, point))
      if kept.count > 2 * keep {
        stride *= 2
        kept.removeAll { $0.line % stride != 0 }
      }
    }
    while true {
      let n = Foundation.read(fd, &buffer, buffer.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      buffer.withUnsafeBytes { raw in
        var start = 0
        while start < n, let hit = memchr(raw.baseAddress! + start, 0x0A, n - start) {
          let end = UnsafeRawPointer(hit) - raw.baseAddress!
          take(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
          start = end + 1
        }
        if start < n, line % stride == 0, carry.count < 1 << 16 {
          carry += raw[start..<n]
        }
      }
    }
    // A last line without its newline.
    if !carry.isEmpty { take(UnsafeRawBufferPointer(start: nil, count: 0)) }
    var points = kept.map(\.point)
    // The last line's point, which the thinning may have skipped: where the curve ends.
    if let last = lastLine(fd), let point = lossPoint(last), point.step > (points.map(\.step).max() ?? 0) {
      points.append(point)
    }
    return points.sorted { $0.step < $1.step }
  }

  /// A `{"step": …, "loss": …}` line's point; nil for anything else.
  static func lossPoint(_ line: Data) -> LossPoint? {
    // NSNumber.intValue wraps or traps on 1e300: the step is checked as a Double first.
    guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
      let rawStep = (object["step"] as? NSNumber)?.doubleValue,
      rawStep.rounded() == rawStep, rawStep >= 1,
      rawStep <= Double(TrainingLimits.steps.upperBound),
      let loss = (object["loss"] as? NSNumber)?.doubleValue,
      RunSummary.plausible.loss.contains(loss)
    else { return nil }
    return LossPoint(step: Int(rawStep), loss: loss)
  }

  /// The last non-empty line in the final 4 KiB of the open file `fd`.
  static func lastLine(_ fd: Int32) -> Data? {
    let size = lseek(fd, 0, SEEK_END)
    guard size > 0 else { return nil }
    let count = Int(min(size, 4096))
    var tail = [UInt8](repeating: 0, count: count)
    guard pread(fd, &tail, count, off_t(size) - off_t(count)) == count else { return nil }
    return tail.split(separator: 0x0A).last.map { Data($0) }
  }

  /// Every finished run in the sub-folders of `runsFolder`, oldest first, and a line for each
  /// sub-folder left out or listed without a file, "NAME: what and why" (a damaged or
  /// unreadable summary, a folder that cannot be read, one without a summary, an unreadable
  /// metrics.jsonl or samples.png), with the name made safe to print (``FieldError/readable``).
  /// Plain files and hidden entries are not runs and are passed over. A missing `runsFolder`
  /// holds no runs. A run in `known` whose `summary.json` has not changed since it was read is taken
  /// from there instead of being read again (the explorer scans each time its runs screen
  /// opens; decoding every `samples.png` each time would grow with the folder).
  public static func scan(
    _ runsFolder: String, known: [RunRecord] = []
  ) -> (runs: [RunRecord], problems: [String]) {
    let (runs, problems) = survey(runsFolder, known: known)
    return (runs, problems.map(\.description))
  }

  /// ``scan(_:known:)`` with each problem typed (``RunProblem``): what kind, which folder, why.
  public static func survey(
    _ runsFolder: String, known: [RunRecord] = []
  ) -> (runs: [RunRecord], problems: [RunProblem]) {
    let byFolder = Dictionary(known.map { ($0.folder, $0) }, uniquingKeysWith: { a, _ in a })
    let fm = FileManager.default
    let names: [String]
    do { names = try fm.contentsOfDirectory(atPath: runsFolder) } catch {
      guard fm.fileExists(atPath: runsFolder) else { return ([], []) }
      return ([], [RunProblem(.unlistable, runsFolder, limit: 80, "cannot be listed (\(readableReason(error)))")])
    }
    var runs: [RunRecord] = []
    var problems: [RunProblem] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let folder = (runsFolder as NSString).appendingPathComponent(name)
      var st = stat()
      guard stat(folder, &st) == 0 else {
        problems.append(RunProblem(.unreadable, name, "cannot be read (\(String(cString: strerror(errno))))"))
        continue
      }
      guard (st.st_mode & S_IFMT) == S_IFDIR else { continue }
      guard access(folder, R_OK | X_OK) == 0 else {
        problems.append(
          RunProblem(.unreadable, name, "the folder cannot be read (\(String(cString: strerror(errno)))); not listed"))
        continue
      }
      if let old = byFolder[folder], old.finished == summaryDate(folder) {
        runs.append(old)
        problems += old.notes.map { RunProblem(.missingFile, name, $0) }
        continue
      }
      do {
        let record = try read(folder: folder)
        runs.append(record)
        problems += record.notes.map { RunProblem(.missingFile, name, $0) }
      } catch .notFinished {
        problems.append(RunProblem(.noSummary, name, "no summary.json (not finished, or not a run); not listed"))
      } catch {
        guard case .damaged(_, let reason) = error else { continue }
        problems.append(
          RunProblem(.damaged, name, "summary.json is damaged (\(FieldError.readable(reason, limit: 160))); not listed"))
      }
    }
    runs.sort { ($0.finished, $0.folder) < ($1.finished, $1.folder) }
    return (runs, problems)
  }
}

/// Why a run folder could not be read for the runs list.
/// A sub-folder of a runs folder that ``RunRecord/survey(_:known:)`` left out or listed without
/// a file: what kind of problem, which folder, and why.
public struct RunProblem: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The runs folder itself cannot be listed (``folder`` is its path).
    case unlistable
    /// The entry, or the folder's contents, cannot be read: not listed.
    case unreadable
    /// No summary.json: a run not finished (or going now), or not a run. Not listed.
    case noSummary
    /// summary.json cannot be decoded: not listed.
    case damaged
    /// A run listed without its metrics.jsonl or samples.png (``RunRecord/notes``).
    case missingFile
  }

  public var kind: Kind
  /// The sub-folder's name as on disk.
  public var folder: String
  /// What and why: "no summary.json (not finished, or not a run); not listed".
  public var reason: String
  /// How long the folder's printed name may be.
  var limit = 60

  public init(_ kind: Kind, _ folder: String, limit: Int = 60, _ reason: String) {
    self.kind = kind
    self.folder = folder
    self.limit = limit
    self.reason = reason
  }

  /// "NAME: what and why", the name made safe to print (``FieldError/readable``).
  public var description: String { "\(FieldError.readable(folder, limit: limit)): \(reason)" }
}

public enum RunRecordError: Error, Equatable, CustomStringConvertible {
  /// No `summary.json`: the run has not finished (or the folder is not a run).
  case notFinished(folder: String)
  /// `summary.json` is there but does not read as a run summary.
  case damaged(path: String, reason: String)

  public var description: String {
    switch self {
    case .notFinished(let folder):
      return "\(folder) has no summary.json: the run has not finished"
    case .damaged(let path, let reason):
      return "\(path) cannot be read (\(reason)); the run is left out of the list"
    }
  }
}

extension RunSummary {
  /// A summary from its parts (a run builds its own; this is for tools and tests that need one
  /// without training, such as the frame benchmark's runs screen).
  public init(
    config: TrainingConfig, steps: Int, trainSeconds: Double, finalLoss: Double,
    lossByLogSNR: [LossBins.Row], frechetDistance: Double?, copyRate: Double?
  ) {
    self.init(
      config: config, steps: steps, batch: config.batch, trainSeconds: trainSeconds,
      examplesPerSecond: trainSeconds > 0 ? Double(steps * config.batch) / trainSeconds : 0,
      finalLoss: finalLoss, lossByLogSNR: lossByLogSNR, frechetDistance: frechetDistance,
      trainingDataFrechetDistance: nil, copyRate: copyRate, completed: true)
  }

  /// Reads `summary.json` (written with snake-case keys): a prototype with every optional
  /// set teaches it each key's property name.
  static let snakeCaseDecoder: JSONDecoder = {
    var config = TrainingConfig()
    config.dataRMS = 1
    config.dataFolder = ""
    config.channels = 1
    config.dataFiles = DataFiles(count: 0, hash: "")
    var prototype = RunSummary(
      config: config, steps: 0, batch: 0, trainSeconds: 0, examplesPerSecond: 0, finalLoss: 0,
      lossByLogSNR: [LossBins.Row(logSNRLow: 0, logSNRHigh: 0, meanLoss: 0, examples: 0)],
      frechetDistance: 0, trainingDataFrechetDistance: 0, copyRate: 0, completed: true,
      blasCore: "")
    prototype.heldOutErrorByLogSNR = [HeldOutScore.Point(logSNR: 0, error: 0)]
    prototype.trainingErrorByLogSNR = [HeldOutScore.Point(logSNR: 0, error: 0)]
    prototype.heldOutBitsPerDim = 0
    prototype.heldOutBound = VDMBound.Terms(
      diffusion: 0, prior: 0, reconstruction: 0, logSNRMin: 0, logSNRMax: 0, images: 0,
      fullRange: 0, gridMax: 0)
    // The prototype is a fixed value of Codable types: encoding it cannot fail.
    return try! SnakeCaseJSON.decoder(prototype: prototype)
  }()
}

extension RunSummary {
  /// What a run can write in each of its summary's numbers. Anything else is damage: a number
  /// beyond these traps an integer conversion or floods a panel with digits on the runs screen.
  enum plausible {
    /// A loss or a distance: ≥ 0 and far above any a run that did not diverge reports.
    static let loss = 0...1e15
    /// Seconds of training: up to about 31 years.
    static let seconds = 0...1e9
    static let examplesPerSecond = 0...1e12
    /// logSNR bin edges (the network's condition is clamped to ±40; bins lie well inside).
    static let logSNR = -1e4...1e4
  }

  /// The first number outside what a run writes, as "key value is not plausible: …", with the
  /// key as summary.json spells it; nil when every number is plausible.
  func implausibleNumber() -> String? {
    func check(_ key: String, _ value: Double?, _ range: ClosedRange<Double>) -> String? {
      guard let value, !(value.isFinite && range.contains(value)) else { return nil }
      return "\(key) \(value) is not plausible: a run writes \(range.lowerBound) … "
        + "\(range.upperBound)"
    }
    func check(_ key: String, _ value: Int, _ range: ClosedRange<Int>) -> String? {
      range.contains(value) ? nil : "\(key) \(value) is not plausible: a run writes \(range.text)"
    }
    var problems: [String?] = [
      check("steps", steps, 0...TrainingLimits.steps.upperBound),
      check("batch", batch, TrainingLimits.batch),
      check("train_seconds", trainSeconds, plausible.seconds),
      check("examples_per_second", examplesPerSecond, plausible.examplesPerSecond),
      // NaN: a run stopped before its first step has no loss.
      finalLoss.isNaN ? nil : check("final_loss", finalLoss, plausible.loss),
      check("frechet_distance", frechetDistance, plausible.loss),
      check("training_data_frechet_distance", trainingDataFrechetDistance, plausible.loss),
      check("copy_rate", copyRate, 0...1),
    ]
    for (i, row) in lossByLogSNR.enumerated() {
      problems += [
        check("loss_by_log_snr[\(i)].log_snr_low", row.logSNRLow, plausible.logSNR),
        check("loss_by_log_snr[\(i)].log_snr_high", row.logSNRHigh, plausible.logSNR),
        row.meanLoss.isNaN ? nil : check("loss_by_log_snr[\(i)].mean_loss", row.meanLoss, plausible.loss),
        check("loss_by_log_snr[\(i)].examples", row.examples, 0...Int(1e15)),
      ]
    }
    return problems.lazy.compactMap { $0 }.first
  }
}

extension RunSummary: Equatable {
  public static func == (a: RunSummary, b: RunSummary) -> Bool {
    // NaN (a run stopped before its first step) equals itself here: a record read twice is
    // the same record.
    func same(_ x: Double?, _ y: Double?) -> Bool {
      x == y || (x?.isNaN == true && y?.isNaN == true)
    }
    return a.config == b.config && a.steps == b.steps && a.batch == b.batch
      && same(a.trainSeconds, b.trainSeconds) && same(a.examplesPerSecond, b.examplesPerSecond)
      && same(a.finalLoss, b.finalLoss) && a.lossByLogSNR == b.lossByLogSNR
      && same(a.frechetDistance, b.frechetDistance)
      && same(a.trainingDataFrechetDistance, b.trainingDataFrechetDistance)
      && same(a.copyRate, b.copyRate) && a.completed == b.completed && a.blasCore == b.blasCore
      && a.heldOutErrorByLogSNR == b.heldOutErrorByLogSNR
      && a.trainingErrorByLogSNR == b.trainingErrorByLogSNR
      && same(a.heldOutBitsPerDim, b.heldOutBitsPerDim) && a.heldOutBound == b.heldOutBound
  }
}
