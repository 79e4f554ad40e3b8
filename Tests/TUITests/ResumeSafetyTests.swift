import Foundation
import TestSupport
import Testing

/// Issue 22, finding 8: resuming a run that has nothing left to train says so, and an edited
/// config.json in a run folder is reported, not silently replaced.
@Suite(.serialized) struct ResumeSafetyTests {
  init() throws { try Binary.require() }

  @Test(
    "--resume of a finished run (or --steps equal to the steps done) is refused (64) saying so",
    arguments: [[], ["--steps", "3"]], [true, false])
  func nothingLeft(steps: [String], keepSummary: Bool) throws {
    let dir = temporaryFolder("resume-done")
    let run = try finishedTinyRun(in: dir)
    if !keepSummary { try FileManager.default.removeItem(atPath: run + "/summary.json") }
    let summary = FileManager.default.contents(atPath: run + "/summary.json")
    let (status, _, err) = try Binary.run(Binary.path, ["train", "--resume", run] + steps)
    #expect(status == 64, "\(err)")
    #expect(err.contains("already at step 3") && err.contains("--steps"), "\(err)")
    #expect(!err.contains("EncodingError"))
    #expect(FileManager.default.contents(atPath: run + "/summary.json") == summary)
  }

  @Test(
    "--resume refuses the schedule's own options (they were silently ignored), before any file",
    arguments: [["--tau", "2"], ["--shift", "3"], ["--flux-mu", "auto"], ["--no-normalize"]])
  func scheduleOptionRefused(option: [String]) throws {
    let run = temporaryFolder("resume-option") + "/run"
    let (status, _, err) = try Binary.run(Binary.path, ["train", "--resume", run] + option)
    #expect(status == 64, "\(err)")
    // Refused by --resume's rule even where the option's own check would refuse it too
    // (`--tau` is not the default family's): the resume is what the user must change.
    #expect(
      err.hasPrefix("Error: \(option[0]) cannot be combined with --resume")
        && err.contains("keeps its recorded schedule"), "\(err)")
    #expect(!FileManager.default.fileExists(atPath: run))
  }

  @Test("without --resume, a schedule option the family does not take is refused by the family")
  func familyRuleWithoutResume() throws {
    let out = temporaryFolder("resume-family") + "/run"
    let (status, _, err) = try Binary.run(Binary.path, ["train", "--out", out, "--tau", "2"])
    #expect(status == 64, "\(err)")
    #expect(err.hasPrefix("Error: --tau is not used by family linear"), "\(err)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("an edited config.json is named with what differed, kept aside, and the checkpoint's used")
  func editedConfig() throws {
    let dir = temporaryFolder("resume-edit")
    let run = try finishedTinyRun(in: dir)
    let path = run + "/config.json"
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let edited = original.replacingOccurrences(of: "\"lr\" : 0.001", with: "\"lr\" : 0.5")
      .replacingOccurrences(of: "\"lr\": 0.001", with: "\"lr\": 0.5")
    #expect(edited != original, "config.json has no lr 0.001")
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    let (status, _, err) = try Binary.run(Binary.path, ["train", "--resume", run, "--steps", "4"])
    #expect(status == 0, "\(err)")
    #expect(err.contains("config.json") && err.contains("training.lr"), "\(err)")
    #expect(err.contains("checkpoint"), "\(err)")
    #expect(try String(contentsOfFile: run + "/config.json.edited", encoding: .utf8) == edited)
  }
}

/// Issue 22, finding 9 on the command line: what a flag says is what is checked.
@Suite(.serialized) struct CommandNumberTests {
  init() throws { try Binary.require() }

  @Test(
    "refusals name the option and the value typed",
    arguments: [
      (["sweep", "--shard", "-1/2"], "--shard"),
      (["sweep", "--seed", "9007199254740990", "--repeats", "3"], "--seed"),
      (["curve", "--family", "cosine", "--tau", "1e-300"], "--tau"),
      (["train", "--min-snr-gamma", "1e-320"], "--min-snr-gamma"),
    ])
  func refusals(args: [String], option: String) throws {
    let (status, _, err) = try Binary.run(Binary.path, args)
    #expect(status == 64, "\(err)")
    #expect(err.contains(option) && !err.contains("Missing value"), "\(err)")
  }
}
