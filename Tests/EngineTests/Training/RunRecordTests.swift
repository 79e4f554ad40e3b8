import Foundation
import Schedules
import Testing

@testable import Engine

/// The runs list reads runs back from the files a run writes, and nothing else.
@Suite struct RunRecordTests {
  /// A finished 10-step run in `folder`, logging every 2 steps.
  func train(into folder: String, inputScale: Double = 1) throws -> RunSummary {
    var c = tinyConfig(steps: 10)
    c.inputScale = inputScale
    c.checkpointEvery = 5
    let run = try TrainingRun(config: c, directory: folder)
    run.logEvery = 2
    return try run.run()
  }

  @Test("a finished run reads back: its summary, one loss point per logged line, its samples")
  func readsFinishedRun() throws {
    let runs = temporaryFolder("runs")
    let folder = runs + "/a"
    let summary = try train(into: folder, inputScale: 0.5)
    let record = try RunRecord.read(folder: folder)
    #expect(record.summary == summary)
    #expect(record.summary.config.inputScale == 0.5)
    // Logged at steps 2, 4, …, 10; each point the mean of the steps since the last.
    #expect(record.losses.map(\.step) == [2, 4, 6, 8, 10])
    #expect(record.losses.allSatisfy { $0.loss.isFinite && $0.loss > 0 })
    // evalSamples 0: 100 grid samples of 8-px digits, enlarged 4× with 1-px gaps, 10 a row:
    // 10·33 + 1 pixels each way (SampleGrid's layout, counted by hand).
    #expect(record.samples?.width == 331)
    #expect(record.samples?.height == 331)
    #expect(record.name == "a")
  }

  @Test("the mean of the logged losses is the run's mean loss (metrics.jsonl is read whole)")
  func lossesMatchMetrics() throws {
    let runs = temporaryFolder("runs")
    let folder = runs + "/a"
    _ = try train(into: folder)
    // Parsed here with Foundation alone, independently of RunRecord's reader.
    let text = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8)
    let expected = try text.split(separator: "\n").map { line -> Double in
      let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return o["loss"] as! Double
    }
    #expect(try RunRecord.read(folder: folder).losses.map(\.loss) == expected)
  }

  @Test("scan: finished runs oldest first; unfinished and stray entries skipped; damage named")
  func scan() throws {
    let runs = temporaryFolder("runs")
    _ = try train(into: runs + "/first")
    _ = try train(into: runs + "/second", inputScale: 0.7)
    // An unfinished run: stopped after 3 steps (a checkpoint, no summary).
    let stopped = try TrainingRun(config: tinyConfig(steps: 10), directory: runs + "/stopped")
    _ = try stopped.run(shouldStop: { stopped.trainer.completedSteps >= 3 })
    // A damaged summary, a stray file, a hidden folder.
    try FileManager.default.createDirectory(
      atPath: runs + "/broken", withIntermediateDirectories: true)
    try Data("{\"steps\": \"many\"}".utf8).write(to: URL(fileURLWithPath: runs + "/broken/summary.json"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: runs + "/notes.txt"))
    try FileManager.default.createDirectory(
      atPath: runs + "/.hidden", withIntermediateDirectories: true)
    // The second run finished later by its file's date.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: runs + "/second/summary.json")
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: -30)], ofItemAtPath: runs + "/first/summary.json")

    let (found, problems) = RunRecord.scan(runs)
    #expect(found.map(\.name) == ["second", "first"])
    #expect(problems.count == 1)
    let problem = problems.first ?? ""
    #expect(problem.contains(runs + "/broken/summary.json"))
    #expect(!problem.contains("DecodingError") && !problem.contains("CodingKeys"))
  }

  @Test("summary.json round-trips with every field set, acronyms included (logSNR, RMS, SNR)")
  func everyFieldRoundTrips() throws {
    var c = tinyConfig()
    c.dataRMS = 0.847
    c.minSNRGamma = 3
    c.schedule.zeroTerminalSNR = true
    let summary = RunSummary(
      config: c, steps: 7, batch: 8, trainSeconds: 1.5, examplesPerSecond: 37.3, finalLoss: 0.25,
      lossByLogSNR: [LossBins.Row(logSNRLow: -4, logSNRHigh: -2, meanLoss: 0.5, examples: 12)],
      frechetDistance: 6.5, trainingDataFrechetDistance: 4.25, copyRate: 0.125, completed: true)
    // Encoded as TrainingRun writes it.
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    let data = try encoder.encode(summary)
    #expect(String(decoding: data, as: UTF8.self).contains("\"log_snr_low\""))
    #expect(try RunSummary.snakeCaseDecoder.decode(RunSummary.self, from: data) == summary)
  }

  @Test("a rescan reuses a run whose summary is unchanged and reads a rewritten one again")
  func rescanReuses() throws {
    let runs = temporaryFolder("runs")
    _ = try train(into: runs + "/a")
    let first = RunRecord.scan(runs).runs
    // A stand-in whose losses differ from the files: reused only while summary.json is as it was.
    var stale = try #require(first.first)
    stale.losses = [RunRecord.LossPoint(step: 1, loss: 42)]
    #expect(RunRecord.scan(runs, known: [stale]).runs.first?.losses.first?.loss == 42)
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: runs + "/a/summary.json")
    #expect(RunRecord.scan(runs, known: [stale]).runs.first?.losses.map(\.step) == [2, 4, 6, 8, 10])
  }

  @Test("a missing runs folder holds no runs; a folder without summary.json has not finished")
  func missing() {
    let (found, problems) = RunRecord.scan("/nonexistent/schedtui-runs")
    #expect(found.isEmpty && problems.isEmpty)
    #expect(throws: RunRecordError.notFinished(folder: "/nonexistent/x")) {
      try RunRecord.read(folder: "/nonexistent/x")
    }
  }
}

/// Issue 22, finding 4: every number read from summary.json and metrics.jsonl is checked, so a
/// file cannot hand the runs screen a value that traps an integer conversion or floods a panel.
@Suite struct RunRecordNumberTests {
  /// A finished run whose summary.json has `key` (a top-level key) set to `value`, as text.
  func run(with key: String, _ value: String) throws -> String {
    let folder = temporaryFolder("runs") + "/a"
    var c = tinyConfig(steps: 4)
    c.checkpointEvery = 4
    _ = try TrainingRun(config: c, directory: folder).run()
    let path = folder + "/summary.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // Replace the value after `"key":` up to the next comma or brace.
    let pattern = "\"\(key)\"\\s*:\\s*[^,}\\]]+"
    var edited = text.replacingOccurrences(
      of: pattern, with: "\"\(key)\": \(value)", options: .regularExpression)
    // A key the run left out (no distance without scored samples) is added.
    if edited == text { edited = "{\"\(key)\": \(value), " + text.dropFirst() }
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    return folder
  }

  @Test(
    "an implausible number in summary.json names the file and the field",
    arguments: [
      ("train_seconds", "1e308"), ("train_seconds", "-1"), ("frechet_distance", "1e308"),
      ("examples_per_second", "1e300"), ("steps", "9223372036854775807"),
      ("final_loss", "1e300"), ("batch", "-4"), ("mean_loss", "1e308"), ("examples", "-1"),
    ])
  func implausible(key: String, value: String) throws {
    let folder = try run(with: key, value)
    #expect {
      try RunRecord.read(folder: folder)
    } throws: { error in
      let text = "\(error)"
      return text.contains(folder + "/summary.json") && text.contains(key)
    }
  }

  @Test("a summary.json above 4 MiB is named as damaged with the limit, not read")
  func hugeSummary() throws {
    let folder = temporaryFolder("runs") + "/big"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/summary.json"
    try Data(count: (4 << 20) + 1).write(to: URL(fileURLWithPath: path))
    #expect {
      try RunRecord.read(folder: folder)
    } throws: { error in
      "\(error)".contains(path) && "\(error)".contains("4 MiB")
    }
  }

  @Test("metrics.jsonl lines with steps or losses out of range are skipped, not trusted")
  func losses() throws {
    let folder = temporaryFolder("runs")
    let path = folder + "/metrics.jsonl"
    try """
      {"step": 1, "loss": 0.5}
      {"step": 1e300, "loss": 0.5}
      {"step": -3, "loss": 0.5}
      {"step": 2, "loss": 1e309}
      {"step": 3, "loss": 0.25}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(RunRecord.readLosses(path).map(\.step) == [1, 3])
  }
}
