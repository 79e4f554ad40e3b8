import Foundation
import Testing

/// Issue 22, finding 8: resuming a run that has nothing left to train says so, and an edited
/// config.json in a run folder is reported, not silently replaced.
@Suite(.serialized) struct ResumeSafetyTests {
  init() throws { try Binary.require() }

  @Test(
    "--resume of a finished run (or --steps equal to the steps done) is refused (64) saying so",
    arguments: [[], ["--steps", "3"]], [true, false])
  func nothingLeft(steps: [String], keepSummary: Bool) throws {
    let dir = try scratchFolder("resume-done")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try finishedTinyRun(in: dir)
    if !keepSummary { try FileManager.default.removeItem(atPath: run + "/summary.json") }
    let summary = FileManager.default.contents(atPath: run + "/summary.json")
    let (status, _, err) = try Binary.run(Binary.path, ["train", "--resume", run] + steps)
    #expect(status == 64, "\(err)")
    #expect(err.contains("already at step 3") && err.contains("--steps"), "\(err)")
    #expect(!err.contains("EncodingError"))
    #expect(FileManager.default.contents(atPath: run + "/summary.json") == summary)
  }

  @Test("an edited config.json is named with what differed, kept aside, and the checkpoint's used")
  func editedConfig() throws {
    let dir = try scratchFolder("resume-edit")
    defer { try? FileManager.default.removeItem(atPath: dir) }
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
