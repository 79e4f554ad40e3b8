import Engine
import Foundation
import TestSupport
import Testing

/// The explorer's background sweep: a tiny real sweep (real training and scoring) through the
/// job's thread, event queue, cancel and resume.
@Suite struct SweepJobTests {
  let grid = SweepGrid(
    resolutions: [8], scales: [1.0, 0.5], families: [try! SweepFamily(parsing: "linear")],
    repeats: 1, seed: 2)

  func settings(steps: Int) -> SweepSettings {
    var s = SweepSettings()
    s.steps = steps
    s.batch = 8
    s.evalSamples = 20
    s.sampleSteps = 4
    return s
  }

  /// Polls `job` until it ends (at most `timeout` seconds), collecting its events; `onEvent`
  /// sees each one as the UI would.
  func wait(
    _ job: SweepJob, timeout: Double = 60, onEvent: (SweepJob.Event) -> Void = { _ in }
  ) throws -> (SweepJob.Outcome, [SweepJob.Event]) {
    var all: [SweepJob.Event] = []
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let outcome = job.outcome
      for e in job.drain() {
        all.append(e)
        onEvent(e)
      }
      if let outcome { return (outcome, all + job.drain()) }
      Thread.sleep(forTimeInterval: 0.001)
    }
    throw CancellationError()
  }

  /// The finished state of `outcome`, or nil with the outcome recorded as the test's failure.
  func finished(_ outcome: SweepJob.Outcome) -> SweepState? {
    guard case .finished(let state) = outcome else {
      Issue.record("expected a finished sweep, got \(outcome)")
      return nil
    }
    return state
  }

  @Test("a cell whose stored results were changed runs again, and the job says so")
  func damagedCellNote() throws {
    let dir = temporaryFolder("sweepjob")
    let first = SweepJob(directory: dir, grid: grid, settings: settings(steps: 2))
    first.start()
    _ = try wait(first)
    let path = dir + "/sweep.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // Each final loss gains a leading 9: still valid JSON, no longer the cells' checksums.
    let changed = text.replacingOccurrences(of: "\"final_loss\" : ", with: "\"final_loss\" : 9")
    #expect(changed != text)
    try changed.write(toFile: path, atomically: true, encoding: .utf8)
    let second = SweepJob(directory: dir, grid: grid, settings: settings(steps: 2))
    second.start()
    let (outcome, events) = try wait(second)
    let notes = events.compactMap { if case .note(let t) = $0 { t } else { nil } }
    #expect(notes.count == 2 && notes.allSatisfy { $0.contains("fail their checksum") })
    guard let state = finished(outcome) else { return }
    #expect(state.results.count == 2)
    #expect(state.results.values.allSatisfy { $0.first.map { $0.finalLoss < 9 } == true })
  }

  @Test("a tiny real sweep runs to the end in the background and writes the sweep's files")
  func runsToCompletion() throws {
    let dir = temporaryFolder("sweepjob")
    let job = SweepJob(directory: dir, grid: grid, settings: settings(steps: 5))
    job.start()
    let (outcome, events) = try wait(job)
    guard let state = finished(outcome) else { return }
    #expect(state.results.count == 2)
    for cell in grid.cells {
      let run = try #require(state.results[cell.id]?.first)
      #expect(run.seed == 2)
      #expect(run.fd.map { $0.isFinite && $0 > 0 } == true)
    }
    // Each cell reports its five steps, and the folder is saved once at the start and after
    // each of the two runs.
    let steps = events.compactMap { e -> Int? in if case .step(let s, 5) = e { s } else { nil } }
    #expect(steps == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5])
    let saves = events.filter { if case .saved = $0 { true } else { false } }
    #expect(saves.count == 3)
    let progress = events.compactMap { e -> SweepRunner.Progress? in
      if case .progress(let p) = e { p } else { nil }
    }
    #expect(progress.map(\.done) == [0, 1, 2])
    #expect(progress.last?.next == nil)
    for file in ["sweep.json", "table.md", "table.csv", "heatmap.png", "config.json"] {
      #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file)")
    }
    // What the explorer's `o` reads back is the same state.
    #expect(try SweepState.open(path: dir + "/sweep.json") == state)
  }

  @Test("cancel stops the running cell with a checkpoint; a new job on the folder resumes it")
  func cancelsAndResumes() throws {
    let dir = temporaryFolder("sweepjob")
    let steps = 40
    let first = SweepJob(directory: dir, grid: grid, settings: settings(steps: steps))
    first.start()
    let (stopped, _) = try wait(first) { e in
      if case .step = e { first.cancel() }
    }
    guard case .stopped(let partial) = stopped else {
      Issue.record("expected a stopped sweep, got \(stopped)")
      return
    }
    #expect(partial.results.isEmpty)
    let cellDir = dir + "/cells/\(grid.cells[0].id)/seed-2"
    #expect(FileManager.default.fileExists(atPath: cellDir + "/checkpoint.bin"))

    let second = SweepJob(directory: dir, grid: grid, settings: settings(steps: steps))
    second.start()
    let (outcome, events) = try wait(second)
    guard let state = finished(outcome) else { return }
    #expect(state.results.count == 2)
    // The first cell continued from its checkpoint instead of starting over at step 1.
    let firstStep = events.compactMap { e -> Int? in
      if case .step(let s, _) = e { s } else { nil }
    }.first
    #expect((firstStep ?? 1) > 1)
  }

  @Test("a folder holding a different sweep fails with the named mismatch and is left as it was")
  func refusesDifferentSweep() throws {
    let dir = temporaryFolder("sweepjob")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let other = SweepState(grid: grid, settings: settings(steps: 7).recorded(resolutions: [8]))
    try AtomicFile.write(other.json(), to: dir + "/sweep.json")
    let job = SweepJob(directory: dir, grid: grid, settings: settings(steps: 5))
    job.start()
    let (outcome, _) = try wait(job)
    guard case .failed(let message) = outcome else {
      Issue.record("expected a failure, got \(outcome)")
      return
    }
    #expect(message.contains("steps = 7 (this run asks for 5)"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json")) == other.json())
  }

  @Test(
    "opening a missing or malformed sweep.json names the file and the problem",
    arguments: [nil, "{\"schedtui_sweep_version\": 1}", "not json"])
  func openRefusesBadFiles(content: String?) throws {
    let dir = temporaryFolder("sweepjob")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/sweep.json"
    if let content { try AtomicFile.write(content, to: path) }
    #expect {
      _ = try SweepState.open(path: path)
    } throws: { error in
      let m = "\(error)"
      return m.hasPrefix(path + ": ")
        && (content == nil ? m.contains("cannot read it") : m.contains("not a schedtui sweep file"))
    }
  }
}
