import Engine
import Foundation
import TestSupport
import Testing

/// Issue 22, finding 2: commands write into a folder only if it is new, empty or a schedtui
/// folder of the same kind, and never replace a run's or a sweep's files from outside.
@Suite(.serialized) struct FolderSafetyTests {
  init() throws { try Binary.require() }

  func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  @Test(
    "export, plot, noise and sample refuse (64) to replace a run's files, naming them",
    arguments: ["checkpoint.bin", "summary.json", "samples.png", "config.json", "manifest.json"])
  func runFiles(name: String) throws {
    let dir = temporaryFolder("runfile")
    let run = try finishedTinyRun(in: dir)
    let target = run + "/" + name
    let before = bytes(target)
    let png = name.hasSuffix(".png")
    let commands: [[String]] =
      png
      ? [
        ["plot", "--figure", "3", "--output", target],
        ["noise", "--gamma", "0.5", "--output", target],
        ["sample", "--run", run, "--count", "2", "--output", target],
      ]
      : [["export", "--family", "cosine", "--output", target]]
    for args in commands {
      let (status, _, err) = try Binary.run(Binary.path, args)
      #expect(status == 64, "\(args): \(err)")
      #expect(err.contains(target) && err.contains("run"), "\(err)")
      #expect(bytes(target) == before, "\(args) changed \(name)")
    }
  }

  @Test("train --out on a folder holding a user's config.json is refused (64), naming it")
  func foreignFolder() throws {
    let dir = temporaryFolder("foreign")
    let mine = Data("{\"mine\": true}\n".utf8)
    try mine.write(to: URL(fileURLWithPath: dir + "/config.json"))
    for extra in [[], ["--overwrite"]] {
      let (status, _, err) = try Binary.run(Binary.path, tinyTrain + ["--out", dir] + extra)
      #expect(status == 64, "\(err)")
      #expect(err.contains(dir) && err.contains("config.json"), "\(err)")
      #expect(bytes(dir + "/config.json") == mine)
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["config.json"])
    }
    let (sweep, _, sweepErr) = try Binary.run(Binary.path, ["sweep", "--out", dir])
    #expect(sweep == 64 && sweepErr.contains("config.json"), "\(sweepErr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["config.json"])
  }

  @Test("--out / is refused by the check that runs before the folder is locked or written")
  func root() throws {
    // The check alone: a command run on / would write there if the check ever regressed.
    #expect(throws: FolderError.self) { try RunFolder.checkOwnFolder("/", kind: .run) }
    #expect(throws: FolderError.self) { try RunFolder.checkOwnFolder("/", kind: .sweep) }
  }

  @Test("a run folder and an empty folder still take a run")
  func ownFolders() throws {
    let dir = temporaryFolder("own")
    let run = try finishedTinyRun(in: dir)
    let (again, _, err) = try Binary.run(Binary.path, tinyTrain + ["--out", run, "--overwrite"])
    #expect(again == 0, "\(err)")
    try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
    let (empty, _, err2) = try Binary.run(Binary.path, tinyTrain + ["--out", dir + "/empty"])
    #expect(empty == 0, "\(err2)")
  }
}
