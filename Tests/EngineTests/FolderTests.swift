import Foundation
import TestSupport
import Testing

@testable import Engine

/// Run folders: manifests, refusals and --overwrite (issue 13, findings 1 and 3).
@Suite struct RunFolderTests {
  func finishedRun(_ name: String) throws -> (String, TrainingConfig) {
    let dir = temporaryFolder(name)
    var c = tinyConfig(steps: 1)
    c.checkpointEvery = 1
    _ = try TrainingRun(config: c, directory: dir).run()
    return (dir, c)
  }

  func folderError(_ body: () throws -> Void) -> FolderError? {
    do {
      try body()
    } catch TrainingError.folder(let error) {
      return error
    } catch let error as FolderError {
      return error
    } catch {
      Issue.record("expected a folder error, got \(error)")
    }
    return nil
  }

  @Test("a finished run whose checkpoint was deleted is not overwritten, and says so")
  func finishedWithoutCheckpoint() throws {
    let (dir, c) = try finishedRun("nockpt")
    try FileManager.default.removeItem(atPath: dir + "/checkpoint.bin")
    let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))
    let error = folderError { _ = try TrainingRun(config: c, directory: dir) }
    guard case .holdsRun(let path, let what, let files, let resumable)? = error else {
      Issue.record("expected holdsRun, got \(String(describing: error))")
      return
    }
    #expect(path == dir && !resumable)
    #expect(files.contains("summary.json") && !files.contains("checkpoint.bin"))
    #expect(what.contains("mlp-s on digits 8×8"))
    let text = "\(error!)"
    #expect(text.contains("finished run") && text.contains("--overwrite"), "\(text)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")) == before)
  }

  @Test("--overwrite removes the old run's files before the new run starts")
  func overwrite() throws {
    let (dir, c) = try finishedRun("overwrite")
    let run = try TrainingRun(config: c, directory: dir, overwrite: true)
    for name in ["summary.json", "samples.png", "checkpoint.bin", "metrics.jsonl"] {
      #expect(!FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) left behind")
    }
    let manifest = try #require(try FolderManifest.read(in: dir))
    #expect(manifest.kind == .run)
    _ = run
  }

  @Test("an unfinished run is refused with the --resume that continues it")
  func unfinishedPointsAtResume() throws {
    let dir = temporaryFolder("unfinished")
    var c = tinyConfig(steps: 5)
    c.checkpointEvery = 1
    let first = try TrainingRun(config: c, directory: dir)
    _ = try first.run(shouldStop: { first.trainer.completedSteps >= 2 })
    let error = folderError { _ = try TrainingRun(config: c, directory: dir) }
    #expect("\(error.map { "\($0)" } ?? "")".contains("--resume \(dir)"))
  }

  @Test("a run is not written into a sweep folder")
  func runIntoSweep() throws {
    let dir = temporaryFolder("runsweep")
    try FolderManifest(kind: .sweep, what: "a sweep").write(in: dir)
    let error = folderError { _ = try TrainingRun(config: tinyConfig(), directory: dir) }
    #expect(error == .otherKind(path: dir, holds: .sweep, wanted: .run))
  }

  @Test("a manifest with a changed byte is refused as damaged")
  func damagedManifest() throws {
    let dir = temporaryFolder("manifest")
    try FolderManifest(kind: .run, what: "mlp-s, 100 steps").write(in: dir)
    let path = dir + "/" + FolderManifest.fileName
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "100 steps", with: "900 steps")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      try FolderManifest.read(in: dir)
    } throws: { error in
      guard case .damaged(let p, let reason) = error as? FolderError else { return false }
      return p == path && reason.contains("CRC-32")
    }
  }
}

/// The folder lock (finding 3): another holder is named; the lock goes with its holder.
@Suite struct FolderLockTests {
  @Test("a folder locked by another holder is refused, naming its PID and host")
  func namesTheHolder() throws {
    let dir = temporaryFolder("locked")
    // Another open file description flocked: to flock, exactly what another process is.
    let fd = open(dir + "/" + FolderLock.fileName, O_RDWR | O_CREAT, 0o644)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
    _ = "4242 otherhost\n".withCString { write(fd, $0, strlen($0)) }
    #expect(throws: FolderError.locked(
      path: dir, lockFile: dir + "/.schedtui.lock", holder: "process 4242 on host otherhost"))
    {
      try FolderLock(directory: dir)
    }
    // A run and a sweep take the same lock.
    #expect(throws: TrainingError.self) { try TrainingRun(config: tinyConfig(), directory: dir) }
    #expect(throws: FolderError.self) {
      try SweepRunner(
        directory: dir,
        grid: SweepGrid(
          resolutions: [8], scales: [1], families: [try SweepFamily(parsing: "linear")],
          repeats: 1, seed: 0),
        settings: [:])
    }
  }

  @Test("the lock is released when its holder goes, and records this process")
  func releases() throws {
    let dir = temporaryFolder("release")
    var lock: FolderLock? = try FolderLock(directory: dir)
    let text = try String(contentsOfFile: dir + "/" + FolderLock.fileName, encoding: .utf8)
    #expect(text.hasPrefix("\(getpid()) "))
    let fd = open(dir + "/" + FolderLock.fileName, O_RDWR)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX | LOCK_NB) != 0)
    _ = lock
    lock = nil
    #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
  }
}

/// Sweep folders: results without sweep.json, damaged cells and files (findings 2, 4, 9).
@Suite struct SweepFolderTests {
  let grid = SweepGrid(
    resolutions: [8], scales: [1.0, 0.5], families: [try! SweepFamily(parsing: "linear")],
    repeats: 1, seed: 3)

  func fakeTrain(_ job: SweepRunner.Job) -> SweepRun {
    SweepRun(seed: job.seed, fd: 10 * job.cell.scale, noiseFD: 1000, trainSeconds: 0, finalLoss: 0)
  }

  /// A finished two-cell sweep whose cells hold a run file each, as real runs leave them.
  func finishedSweep(_ name: String) throws -> String {
    let dir = temporaryFolder(name)
    var runner = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    _ = try runner.run(train: { job in
      try AtomicFile.write("{}", to: job.directory + "/summary.json")
      return fakeTrain(job)
    })
    return dir
  }

  @Test("cells/ with results but no sweep.json is refused; --overwrite starts afresh")
  func cellsWithoutState() throws {
    let dir = try finishedSweep("nostate")
    try FileManager.default.removeItem(atPath: dir + "/sweep.json")
    var other = grid
    other.seed = 9
    #expect(throws: FolderError.sweepWithoutState(path: dir, runs: 2)) {
      try SweepRunner(directory: dir, grid: other, settings: ["steps": "20"])
    }
    #expect(FileManager.default.fileExists(atPath: dir + "/cells/r8-b1.0-linear/seed-3"))
    let fresh = try SweepRunner(
      directory: dir, grid: other, settings: ["steps": "20"], overwrite: true)
    #expect(fresh.pendingJobs.count == 2)
    #expect(!FileManager.default.fileExists(atPath: dir + "/cells"))
  }

  @Test("runs scored to λ = 12 by an older schedtui are named on resume; new ones are not")
  func olderBoundNamed() throws {
    let dir = temporaryFolder("olderbound")
    var runner = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    _ = try runner.run(train: { job in
      try AtomicFile.write("{}", to: job.directory + "/summary.json")
      var run = fakeTrain(job)
      run.bitsPerDim = 9404  // as before: a bound to λ = 12, no λmax stored
      if job.cell.scale == 1 { run.bitsPerDimLogSNRMax = 2.5 }
      return run
    })
    let again = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    #expect(again.notes.count == 1, "\(again.notes)")
    #expect(again.notes.first?.hasPrefix("1 run(s) in sweep.json were scored to λ = 12") == true)
    let clean = try SweepRunner(
      directory: try finishedSweep("nobits"), grid: grid, settings: ["steps": "10"])
    #expect(clean.notes.isEmpty)
  }

  @Test("a cell whose stored distance was changed is not ranked: it runs again")
  func damagedCellRunsAgain() throws {
    let dir = try finishedSweep("damagedcell")
    let path = dir + "/sweep.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // fakeTrain gave b = 0.5 a distance of 5: make it 1, which would rank it best of all.
    #expect(text.contains("\"fd\" : 5"))
    try text.replacingOccurrences(of: "\"fd\" : 5", with: "\"fd\" : 1")
      .write(toFile: path, atomically: true, encoding: .utf8)
    var runner = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    #expect(runner.pendingJobs.map(\.cell.id) == ["r8-b0.5-linear"])
    #expect(runner.notes.count == 1 && runner.notes[0].contains("r8-b0.5-linear"))
    var trained: [String] = []
    _ = try runner.run(train: { trained.append($0.cell.id); return fakeTrain($0) })
    #expect(trained == ["r8-b0.5-linear"])
    #expect(runner.state.results["r8-b0.5-linear"]?.first?.fd == 5)
  }

  @Test("a damaged sweep.json names the file and the field, not Swift's decoding error")
  func damagedStateText() throws {
    let dir = try finishedSweep("damagedjson")
    let path = dir + "/sweep.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"repeats\" : 1", with: "\"repeats\" : \"one\"")
      .write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
      Issue.record("a sweep.json with a string for repeats was accepted")
    } catch {
      let message = "\(error)"
      #expect(
        message.hasPrefix("\(path) is damaged (not a schedtui sweep file (repeats: expected a "
          + "number))") && message.contains("--overwrite"), "\(message)")
      for leak in ["DecodingError", "CodingKeys", "typeMismatch", "Swift."] {
        #expect(!message.contains(leak), "\(message)")
      }
    }
    // With the grid's header changed (seed 3 → 4) the file fails its checksum.
    try text.replacingOccurrences(
      of: "\"seed\" : 3,\n  \"settings\"", with: "\"seed\" : 4,\n  \"settings\"")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    } throws: { "\($0)".contains("damaged: the CRC-32 of its grid and settings") }
  }

  /// A sweep.json above 64 MiB is refused by its size, before a byte is decoded (the explorer's
  /// `o` read it whole on its UI thread). The file is sparse: no 64 MiB is written.
  @Test("a sweep.json over the 64 MiB limit is refused by its size, naming the limit")
  func hugeSweepFile() throws {
    let dir = try finishedSweep("hugejson")
    let path = dir + "/sweep.json"
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: UInt64(SweepState.fileLimit) + 1)
    try handle.close()
    #expect {
      try SweepState.open(path: path)
    } throws: {
      let text = "\($0)"
      return text.contains(path) && text.contains("the limit is 64 MiB (67108864 bytes)")
    }
  }

  @Test("a cell whose checkpoint is damaged starts again instead of failing the sweep")
  func damagedCellCheckpoint() throws {
    let dir = temporaryFolder("cellckpt")
    let job = SweepRunner.Job(
      cell: grid.cells[0], repeatIndex: 0, seed: 3, directory: dir + "/cells/x/seed-3")
    try AtomicFile.write(
      "STCKPT02 and then nothing sensible", to: job.directory + "/checkpoint.bin")
    try AtomicFile.write("{}", to: job.directory + "/metrics.jsonl")
    let note = try #require(try SweepRunner.prepare(job))
    #expect(note.contains("checkpoint.bin") && note.contains("starts again"))
    #expect(!FileManager.default.fileExists(atPath: job.directory + "/checkpoint.bin"))
    #expect(!FileManager.default.fileExists(atPath: job.directory + "/metrics.jsonl"))
  }
}
