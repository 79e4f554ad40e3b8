import Engine
import Foundation
import TestSupport
import Testing

/// The smallest real training run: 8×8 digits, MLP-S, a few steps, no scoring.
let tinyTrain = ["train", "--steps", "3", "--batch", "8", "--eval-samples", "0"]

/// Where a new run goes: `run` in a fresh temporary folder, not made yet (the run makes it).
func newRunFolder(_ name: String) -> String { temporaryFolder(name) + "/run" }

/// A finished ``tinyTrain`` run in `dir/run`; returns its folder.
func finishedTinyRun(in dir: String) throws -> String {
  let out = dir + "/run"
  let (status, _, err) = try Binary.run(Binary.path, tinyTrain + ["--out", out])
  #expect(status == 0, "\(err)")
  return out
}

/// The built binary against issue 13's findings: exit statuses, refusals and their messages.
@Suite(.serialized) struct CommandSafetyTests {
  init() throws { try Binary.require() }

  /// Starts a run far too long to finish and returns once it holds its folder (the manifest is
  /// written just after the lock is taken).
  func startLongRun(out: String) throws -> Binary.Child {
    let child = try Binary.spawn(
      Binary.path, ["train", "--steps", "100000", "--batch", "8", "--out", out])
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: out + "/manifest.json") {
      usleep(50_000)
    }
    return child
  }

  @Test(
    "negative numbers reach the validator and get its message, with exit status 64",
    arguments: [
      (["train", "--steps", "-5"], "--steps -5 is not allowed"),
      (["train", "--lr", "-1"], "--lr -1.0 is not allowed"),
      (["sample", "--run", "x", "--output", "x.png", "--guidance", "-1"],
       "--guidance -1.0 is not allowed"),
      (["sweep", "--batch", "-3"], "--batch -3 is not allowed"),
      (["train", "--model", "unet"],
       "--model unet is not allowed: auto, mlp-s, convres-s, unet-s"),
    ])
  func negativeNumbers(args: [String], message: String) throws {
    let (status, _, err) = try Binary.run(Binary.path, args)
    #expect(status == 64)
    #expect(err.contains(message), "\(err)")
    #expect(!err.contains("Missing value"))
  }

  @Test("a finished run whose checkpoint was deleted is refused (64) and left as it was")
  func finishedRunFolder() throws {
    let out = newRunFolder("finished")
    let (first, _, err1) = try Binary.run(Binary.path, tinyTrain + ["--out", out])
    #expect(first == 0, "\(err1)")
    try FileManager.default.removeItem(atPath: out + "/checkpoint.bin")
    let summary = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
    let (status, _, err) = try Binary.run(Binary.path, tinyTrain + ["--out", out])
    #expect(status == 64)
    #expect(err.contains("holds a finished run") && err.contains("--overwrite"), "\(err)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")) == summary)
    let (again, _, err2) = try Binary.run(Binary.path, tinyTrain + ["--out", out, "--overwrite"])
    #expect(again == 0, "\(err2)")
  }

  @Test("Ctrl-C exits 130 with the checkpoint kept; the resumed run finishes with 0")
  func interruptedRun() throws {
    let out = newRunFolder("interrupt")
    let child = try startLongRun(out: out)
    // Interrupt once it trains (its first progress line), the usual case for a Ctrl-C.
    for _ in 0..<200 {
      let text = (try? String(contentsOfFile: child.outPath, encoding: .utf8)) ?? ""
      if text.contains("step 1/") { break }
      usleep(50_000)
    }
    kill(child.pid, SIGINT)
    let (status, stdout, _) = child.wait()
    #expect(status == 130)
    #expect(stdout.contains("stopped at step") && stdout.contains("--resume"))
    #expect(FileManager.default.fileExists(atPath: out + "/checkpoint.bin"))
    let step = try Checkpoint.read(from: out + "/checkpoint.bin").header.step
    let (resumed, _, err) = try Binary.run(
      Binary.path, ["train", "--resume", out, "--steps", "\(step + 2)"])
    #expect(resumed == 0, "\(err)")
  }

  @Test("a second process on a run folder is refused naming the first one's PID")
  func secondProcess() throws {
    let out = newRunFolder("lock")
    let first = try startLongRun(out: out)
    defer {
      kill(first.pid, SIGKILL)
      _ = first.wait()
    }
    let (status, _, err) = try Binary.run(Binary.path, tinyTrain + ["--out", out])
    #expect(status == 1)
    #expect(err.contains("is in use by process \(first.pid)"), "\(err)")
    let (sweep, _, sweepErr) = try Binary.run(Binary.path, ["sweep", "--out", out])
    #expect(sweep != 0 && sweepErr.contains("process \(first.pid)"), "\(sweepErr)")
  }

  @Test("sample on a checkpoint with a flipped byte fails (1) naming the damage")
  func damagedCheckpoint() throws {
    let dir = temporaryFolder("flip")
    let out = dir + "/run"
    _ = try Binary.run(Binary.path, tinyTrain + ["--out", out])
    let path = out + "/checkpoint.bin"
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count / 2] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let (status, _, err) = try Binary.run(
      Binary.path, ["sample", "--run", out, "--count", "2", "--output", dir + "/s.png"])
    #expect(status == 1)
    #expect(err.contains("is damaged") && err.contains("CRC-32"), "\(err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/s.png"))
    let (resume, _, resumeErr) = try Binary.run(Binary.path, ["train", "--resume", out])
    #expect(resume == 1 && resumeErr.contains("is damaged"), "\(resumeErr)")
  }

  @Test("export --scale 1e155 --diffusers is refused (64) and writes nothing")
  func overflowingScale() throws {
    let dir = temporaryFolder("scale")
    for scale in ["1e155", "1e-170"] {
      let (status, _, err) = try Binary.run(
        Binary.path, ["export", "--scale", scale, "--diffusers", dir + "/d"])
      #expect(status == 64)
      #expect(err.contains("--scale") && err.contains("1e-12 to 1e12"), "\(err)")
      #expect(!FileManager.default.fileExists(atPath: dir + "/d"))
    }
  }

  @Test("sweep.json missing with results in cells/: another sweep is refused (64)")
  func sweepWithoutState() throws {
    let dir = temporaryFolder("sweep")
    let sweep = [
      "sweep", "--resolutions", "8", "--scales", "1", "--families", "linear", "--steps", "2",
      "--batch", "4", "--eval-samples", "2", "--sample-steps", "1", "--out", dir + "/s",
    ]
    let (first, _, err1) = try Binary.run(Binary.path, sweep)
    #expect(first == 0, "\(err1)")
    try FileManager.default.removeItem(atPath: dir + "/s/sweep.json")
    let (status, _, err) = try Binary.run(Binary.path, sweep + ["--seed", "5"])
    #expect(status == 64)
    #expect(err.contains("sweep.json") && err.contains("is missing") && err.contains("--overwrite"))
    #expect(FileManager.default.fileExists(atPath: dir + "/s/cells/r8-b1.0-linear/seed-0"))
  }
}

/// SIGKILL at random points while a checkpoint or an export is written leaves the old file or
/// the new one, never a broken one (issue 13).
@Suite(.serialized) struct FaultInjectionTests {
  init() throws { try Binary.require() }

  @Test("a training run killed at random points always leaves a checkpoint that verifies")
  func checkpoints() throws {
    let out = newRunFolder("kill-ckpt")
    var rng = SystemRandomNumberGenerator()
    var seen = Set<Int>()
    for round in 0..<8 {
      // A checkpoint (10 MB, fsync'd, renamed) after every step: the kill lands mid-write often.
      let path = out + "/" + Checkpoint.fileName
      let args =
        FileManager.default.fileExists(atPath: path)
        ? ["train", "--resume", out]
        : ["train", "--steps", "100000", "--batch", "8", "--checkpoint-every", "1", "--out", out]
      let before = modified(path)
      let child = try Binary.spawn(Binary.path, args)
      // The kill must land among the checkpoint writes, not in start-up, which a debug binary
      // under a loaded test run can stretch past any fixed delay (690 s for this test once,
      // with no checkpoint ever written): wait for this run's first checkpoint, then kill at a
      // random point of the next ones (one is written every ~50 ms).
      let deadline = Date().addingTimeInterval(120)
      while modified(path) == before, Date() < deadline { usleep(20_000) }
      usleep(UInt32.random(in: 0...400_000, using: &rng))
      kill(child.pid, SIGKILL)
      let (status, _, err) = child.wait()
      #expect(status == 128 + SIGKILL, "round \(round) ended by itself: \(err)")
      guard FileManager.default.fileExists(atPath: path) else {
        #expect(seen.isEmpty, "the checkpoint vanished in round \(round)")
        continue
      }
      // Every CRC-32 must match: the file is a whole checkpoint, old or new.
      let checkpoint = try Checkpoint.read(from: path)
      seen.insert(checkpoint.header.step)
    }
    #expect(seen.count >= 2, "the runs never got past one checkpoint: \(seen)")
  }

  /// The file's modification time in nanoseconds, nil while it does not exist.
  func modified(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
  }

  @Test("exports killed at random points leave the old file or the new one, byte for byte")
  func exports() throws {
    let dir = temporaryFolder("kill-export")
    let file = dir + "/c.json"
    let folder = dir + "/d"
    func export(_ tau: String) -> [String] {
      ["export", "--family", "cosine", "--tau", tau, "--output", file, "--diffusers", folder]
    }
    _ = try Binary.run(Binary.path, export("1"))
    let old = try Data(contentsOf: URL(fileURLWithPath: file))
    let oldScheduler = try Data(contentsOf: URL(fileURLWithPath: folder + "/scheduler_config.json"))
    _ = try Binary.run(Binary.path, export("2"))
    let new = try Data(contentsOf: URL(fileURLWithPath: file))
    let newScheduler = try Data(contentsOf: URL(fileURLWithPath: folder + "/scheduler_config.json"))
    #expect(old != new && oldScheduler != newScheduler)
    var rng = SystemRandomNumberGenerator()
    var killed = 0
    for round in 0..<30 {
      let child = try Binary.spawn(Binary.path, export(round % 2 == 0 ? "1" : "2"))
      usleep(UInt32.random(in: 0...120_000, using: &rng))
      kill(child.pid, SIGKILL)
      if child.wait().0 == 128 + SIGKILL { killed += 1 }
      let now = try Data(contentsOf: URL(fileURLWithPath: file))
      #expect(now == old || now == new, "round \(round): c.json is neither")
      let scheduler = try Data(contentsOf: URL(fileURLWithPath: folder + "/scheduler_config.json"))
      #expect(scheduler == oldScheduler || scheduler == newScheduler, "round \(round)")
    }
    #expect(killed > 0, "no export was ever killed before it finished")
  }
}

/// The explorer's terminal after a crash or a hang-up, and with an unknown TERM (tmux).
@Suite(.serialized, .needsTmux)
struct TerminalSafetyTests {
  init() throws { try Binary.require() }

  /// Waits for the pane's exit line and stty modes; checks echo and icanon are back on and the
  /// explorer's frame is gone. Returns the exit line.
  func expectRestored(_ s: TmuxSession) throws -> String {
    let lines = try s.waitFor("the exit status and the terminal modes", timeout: 20) { lines in
      lines.contains { $0.contains("EXIT=") } && lines.contains { $0.contains("icanon") }
    }
    let modes = try #require(lines.first { $0.contains("echo") && $0.contains("icanon") })
    #expect(modes.contains("icanon") && !modes.contains("-icanon") && !modes.contains("-echo"))
    #expect(!lines.contains { $0.contains("Parameters") })
    return try #require(lines.first { $0.contains("EXIT=") })
  }

  @Test("a fatal error inside the explorer (test-only trigger) leaves the terminal restored")
  func fatalError() throws {
    let s = try TmuxSession(env: "SCHEDTUI_TEST_FATAL_ERROR=1")
    let exit = try expectRestored(s)
    // Killed by the trap's signal (SIGILL or SIGTRAP: 128 + 4 or 5), not a clean exit.
    let status = exit.components(separatedBy: "EXIT=").last.flatMap { Int($0.prefix(3)) }
    #expect(status == 128 + Int(SIGILL) || status == 128 + Int(SIGTRAP), "\(exit)")
  }

  @Test("SIGHUP ends the explorer with status 129 and leaves the terminal restored")
  func sighup() throws {
    let s = try TmuxSession.explorer()
    #expect(kill(try s.explorerPID(), SIGHUP) == 0)
    let exit = try expectRestored(s)
    #expect(exit.contains("EXIT=129"), "\(exit)")
  }

  @Test("TERM=bogus-term gets schedtui's own message, not ncurses' raw error")
  func unknownTerm() throws {
    let s = try TmuxSession(env: "TERM=bogus-term")
    let lines = try s.waitFor(text: "EXIT=")
    let text = lines.joined(separator: " ")
    #expect(text.contains("EXIT=2"))
    #expect(text.contains("bogus-term") && text.contains("terminfo does not know"), "\(text)")
    #expect(!text.contains("Error opening terminal"))
  }
}

/// Issue 22, finding 3: leaving the explorer with a run going stops and joins the run (its
/// checkpoint written) before the process ends; exit() used to hang in OpenBLAS's shutdown,
/// joining a worker the trainer still used, and SIGTERM was then ignored.
@Suite(.serialized, .needsTmux)
struct ExplorerExitTests {
  init() throws { try Binary.require() }

  /// An explorer whose `s` starts a 3000-step run in `runs`, once a step is shown.
  func training(_ runs: String) throws -> TmuxSession {
    let config = temporaryFolder("exit-config") + "/config.json"
    try """
      {"schedtui_config_version": 1, "schedule": {"family": "linear"},
       "training": {"model": "mlp-s", "steps": 3000, "batch": 256, "eval_samples": 0}}
      """.write(toFile: config, atomically: true, encoding: .utf8)
    let s = try TmuxSession.explorer(args: "--config \(config) --runs \(runs)")
    try s.send("3")
    try s.send("s")
    try s.waitFor("training steps", timeout: 30) { lines in
      lines.contains { $0.contains("step") && !$0.contains(" 0 / ") && $0.contains(" / ") }
    }
    return s
  }

  /// The one run folder under `runs` and the step of its checkpoint, which must verify.
  func checkpointStep(_ runs: String) throws -> Int {
    let names = try FileManager.default.contentsOfDirectory(atPath: runs)
      .filter { !$0.hasPrefix(".") }
    let name = try #require(names.first, "no run folder in \(runs)")
    return try Checkpoint.read(from: runs + "/" + name + "/checkpoint.bin").header.step
  }

  @Test("q, y during a run: the explorer exits within 3 s, 0, with the checkpoint intact")
  func quitWhileTraining() throws {
    let runs = temporaryFolder("quit-runs")
    let s = try training(runs)
    try s.send("q")
    try s.waitFor(text: "Quit anyway?")
    let asked = Date()
    try s.send("y")
    let lines = try s.waitFor(text: "EXIT=", timeout: 3)
    #expect(Date().timeIntervalSince(asked) < 3.5)
    #expect(lines.contains { $0.contains("EXIT=0") }, "\(lines)")
    #expect(try checkpointStep(runs) > 0)
  }

  @Test("SIGTERM during a run: the explorer exits within 3 s, 143, with the checkpoint intact")
  func sigtermWhileTraining() throws {
    let runs = temporaryFolder("term-runs")
    let s = try training(runs)
    #expect(kill(try s.explorerPID(), SIGTERM) == 0)
    let lines = try s.waitFor(text: "EXIT=", timeout: 3)
    #expect(lines.contains { $0.contains("EXIT=143") }, "\(lines)")
    #expect(try checkpointStep(runs) > 0)
  }
}
