import Foundation
import Schedules
import TestSupport
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
    // Each folder left out is named with its reason (issue 22, finding 10); the stray file and
    // the hidden folder are not runs.
    #expect(problems.count == 2, "\(problems)")
    let problem = problems.first ?? ""
    #expect(problem.hasPrefix("broken: summary.json is damaged ("), "\(problem)")
    #expect(!problem.contains("DecodingError") && !problem.contains("CodingKeys"))
    #expect(problems.last?.hasPrefix("stopped: no summary.json (not finished") == true, "\(problems)")
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
    #expect(try RunRecord.readLosses(path).map(\.step) == [1, 3])
  }
}

/// Issue 22, findings 5 and 10: a big metrics.jsonl is read as a bounded sample of its points,
/// and the runs list names every folder it leaves out, and every file it could not read.
@Suite struct RunScanTests {
  @Test("a 100,000-line metrics.jsonl gives at most 2 × keep points, its first and last among them")
  func boundedLosses() throws {
    let path = temporaryFolder("losses") + "/metrics.jsonl"
    // loss = 1/step: each kept point can be checked against the line it came from.
    var text = ""
    for step in 1...100_000 {
      text += step == 50_000 ? "{\"step\": 5\n" : "{\"step\": \(step), \"loss\": \(1 / Double(step))}\n"
    }
    text.removeLast()  // the last line without its newline, as a crash can leave it
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let points = try RunRecord.readLosses(path, keep: 100)
    #expect((100...200).contains(points.count), "\(points.count)")
    #expect(points.first?.step == 1 && points.last?.step == 100_000)
    #expect(points.allSatisfy { abs($0.loss * Double($0.step) - 1) < 1e-12 })
    #expect(zip(points, points.dropFirst()).allSatisfy { $0.step < $1.step })
    // Evenly thinned: every gap is the stride, or twice it where the cut line was (the last
    // point, the file's last line, ends the curve wherever it falls).
    let gaps = zip(points, points.dropFirst()).map { $1.step - $0.step }.dropLast()
    #expect(gaps.max()! <= 2 * gaps.min()!, "\(gaps.min()!) … \(gaps.max()!)")
    // A small file is read whole.
    #expect(try RunRecord.readLosses(path, keep: 200_000).count == 99_999)
  }

  @Test("every folder left out and every unreadable file is named with its reason; ESC is escaped")
  func namesEachProblem() throws {
    let runs = temporaryFolder("runs-problems")
    let fm = FileManager.default
    for (name, summary) in [("a-broken", "{"), ("b-huge", String(repeating: " ", count: (4 << 20) + 1))] {
      try fm.createDirectory(atPath: runs + "/" + name, withIntermediateDirectories: true)
      try summary.write(toFile: runs + "/" + name + "/summary.json", atomically: true, encoding: .utf8)
    }
    let hostile = "c-\u{1B}]0;owned\u{07}"
    try fm.createDirectory(atPath: runs + "/" + hostile, withIntermediateDirectories: true)
    // A finished run whose metrics.jsonl and samples.png cannot be read (folders in their place).
    let run = runs + "/d-run"
    var c = tinyConfig(steps: 2)
    c.checkpointEvery = 2
    _ = try TrainingRun(config: c, directory: run).run()
    for name in ["metrics.jsonl", "samples.png"] {
      try fm.removeItem(atPath: run + "/" + name)
      try fm.createDirectory(atPath: run + "/" + name, withIntermediateDirectories: true)
    }
    let (found, problems) = RunRecord.scan(runs)
    #expect(found.map(\.name) == ["d-run"])
    #expect(problems.count == 5, "\(problems)")
    #expect(problems[0].hasPrefix("a-broken: summary.json is damaged ("), "\(problems[0])")
    #expect(problems[1].hasPrefix("b-huge: summary.json is damaged (it is 4.2 MB"), "\(problems[1])")
    #expect(problems[1].contains("the limit is 4 MiB"), "\(problems[1])")
    #expect(problems[2] == "c-\\u{1B}]0;owned\\u{7}: no summary.json (not finished, or not a run); not listed")
    #expect(problems[3].hasPrefix("d-run: metrics.jsonl cannot be read ("), "\(problems[3])")
    #expect(problems[4].hasPrefix("d-run: samples.png cannot be read ("), "\(problems[4])")
    #expect(!problems.joined().contains("\u{1B}") && !problems.joined().contains("\u{07}"))
  }
}
