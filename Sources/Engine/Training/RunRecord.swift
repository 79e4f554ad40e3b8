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
      throw .damaged(path: path, reason: "\(error)")
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
    return RunRecord(
      folder: folder, summary: summary,
      losses: readLosses((folder as NSString).appendingPathComponent("metrics.jsonl")),
      samples: try? PNG.read(path: (folder as NSString).appendingPathComponent("samples.png")),
      finished: finished)
  }

  /// The largest summary.json read (the runs screen reads every run's).
  public static let summaryByteLimit = 4 << 20

  /// When `folder`'s `summary.json` was last written; nil when it is not there.
  static func summaryDate(_ folder: String) -> Date? {
    let path = (folder as NSString).appendingPathComponent("summary.json")
    return (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
  }

  /// `metrics.jsonl`'s (step, loss) pairs in step order; lines that are not such an object
  /// (a line cut short by a crash, say), or whose step or loss no run writes, are skipped.
  static func readLosses(_ path: String) -> [LossPoint] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    var points: [LossPoint] = []
    for line in text.split(separator: "\n") {
      // NSNumber.intValue wraps or traps on 1e300: the step is checked as a Double first.
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let rawStep = (object["step"] as? NSNumber)?.doubleValue,
        rawStep.rounded() == rawStep, rawStep >= 1,
        rawStep <= Double(TrainingLimits.steps.upperBound),
        let loss = (object["loss"] as? NSNumber)?.doubleValue,
        RunSummary.plausible.loss.contains(loss)
      else { continue }
      points.append(LossPoint(step: Int(rawStep), loss: loss))
    }
    return points.sorted { $0.step < $1.step }
  }

  /// Every finished run in the sub-folders of `runsFolder`, oldest first, and a line for each
  /// sub-folder that looks like a run but cannot be read (an unfinished run is not a problem:
  /// it is skipped silently, as it has nothing to compare yet). A missing `runsFolder` holds
  /// no runs. A run in `known` whose `summary.json` has not changed since it was read is taken
  /// from there instead of being read again (the explorer scans each time its runs screen
  /// opens; decoding every `samples.png` each time would grow with the folder).
  public static func scan(
    _ runsFolder: String, known: [RunRecord] = []
  ) -> (runs: [RunRecord], problems: [String]) {
    let byFolder = Dictionary(known.map { ($0.folder, $0) }, uniquingKeysWith: { a, _ in a })
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: runsFolder) else { return ([], []) }
    var runs: [RunRecord] = []
    var problems: [String] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let folder = (runsFolder as NSString).appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
      else { continue }
      if let old = byFolder[folder], old.finished == summaryDate(folder) {
        runs.append(old)
        continue
      }
      do {
        runs.append(try read(folder: folder))
      } catch .notFinished {
        continue
      } catch {
        problems.append(error.description)
      }
    }
    runs.sort { ($0.finished, $0.folder) < ($1.finished, $1.folder) }
    return (runs, problems)
  }
}

/// Why a run folder could not be read for the runs list.
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
      && same(a.heldOutBitsPerDim, b.heldOutBitsPerDim) && a.heldOutBound == b.heldOutBound
  }
}
