import Engine
import Foundation
import TestSupport
import Testing

/// Issue 22, finding 2 (the general rule): a command replaces an existing output file only if
/// schedtui wrote it (recognised by its content) or with `--overwrite`; anything else is refused
/// (64), named, and left byte for byte.
@Suite(.serialized) struct OutputFileSafetyTests {
  init() throws { try Binary.require() }

  func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  /// One output of each kind: the command line writing `path`.
  static let writers: [(name: String, file: String, args: @Sendable (String) -> [String])] = [
    ("export --output", "c.json", { ["export", "--family", "cosine", "--output", $0] }),
    (
      "export --sigmas --output", "s.json",
      { ["export", "--family", "cosine", "--sigmas", "4", "--output", $0] }
    ),
    ("export --python", "m.py", { ["export", "--family", "cosine", "--python", $0] }),
    ("plot (PNG)", "f.png", { ["plot", "--figure", "3", "--width", "300", "--height", "200", "--output", $0] }),
    ("plot (SVG)", "f.svg", { ["plot", "--figure", "3", "--output", $0] }),
    ("noise", "n.png", { ["noise", "--gamma", "0.5", "--resolutions", "64", "--output", $0] }),
  ]

  @Test(
    "every output refuses a user's file, replaces its own, and replaces the user's with --overwrite",
    arguments: 0..<writers.count)
  func writer(index: Int) throws {
    let w = Self.writers[index]
    let dir = temporaryFolder("output-\(index)")
    let path = dir + "/" + w.file
    // A user's file of the same name: refused, named, untouched.
    let mine = Data("my own notes, not schedtui's\n".utf8)
    try mine.write(to: URL(fileURLWithPath: path))
    let (refused, _, err) = try Binary.run(Binary.path, w.args(path))
    #expect(refused == 64, "\(w.name): \(err)")
    #expect(err.contains(path) && err.contains("--overwrite"), "\(w.name): \(err)")
    #expect(bytes(path) == mine, "\(w.name) changed the user's file")
    // --overwrite replaces it; then the file is schedtui's and is replaced without it.
    let (forced, _, err2) = try Binary.run(Binary.path, w.args(path) + ["--overwrite"])
    #expect(forced == 0, "\(w.name): \(err2)")
    #expect(bytes(path) != mine)
    let (again, _, err3) = try Binary.run(Binary.path, w.args(path))
    #expect(again == 0, "\(w.name) refused its own file: \(err3)")
  }

  @Test("sample --output refuses a user's PNG and CSV and replaces its own")
  func sample() throws {
    let dir = temporaryFolder("output-sample")
    let run = try finishedTinyRun(in: dir)
    for name in ["grid.png", "grid.csv"] {
      let path = dir + "/" + name
      let mine = Data("x,y\n1,2\n".utf8)
      try mine.write(to: URL(fileURLWithPath: path))
      let args = ["sample", "--run", run, "--count", "2", "--output", path]
      let (refused, _, err) = try Binary.run(Binary.path, args)
      #expect(refused == 64 && err.contains(path), "\(name): \(err)")
      #expect(bytes(path) == mine)
      try FileManager.default.removeItem(atPath: path)
      let (first, _, err1) = try Binary.run(Binary.path, args)
      let (second, _, err2) = try Binary.run(Binary.path, args)
      #expect(first == 0 && second == 0, "\(name): \(err1) \(err2)")
    }
  }

  @Test("export --diffusers writes only into a new, empty or schedtui export folder")
  func diffusersFolder() throws {
    let dir = temporaryFolder("output-diffusers")
    let fm = FileManager.default
    // A model's scheduler folder: its scheduler_config.json is replaced only with --overwrite.
    let model = dir + "/scheduler"
    try fm.createDirectory(atPath: model, withIntermediateDirectories: true)
    let theirs = Data("{\"_class_name\": \"DDIMScheduler\"}\n".utf8)
    try theirs.write(to: URL(fileURLWithPath: model + "/scheduler_config.json"))
    let args = ["export", "--family", "cosine", "--diffusers", model]
    let (refused, _, err) = try Binary.run(Binary.path, args)
    #expect(refused == 64 && err.contains("scheduler_config.json"), "\(err)")
    #expect(bytes(model + "/scheduler_config.json") == theirs)
    let (forced, _, err2) = try Binary.run(Binary.path, args + ["--overwrite"])
    #expect(forced == 0, "\(err2)")
    let (again, _, err3) = try Binary.run(Binary.path, args)
    #expect(again == 0, "its own export folder was refused: \(err3)")
    // A folder with other files: refused even with --overwrite, nothing written.
    let other = dir + "/notes"
    try fm.createDirectory(atPath: other, withIntermediateDirectories: true)
    try Data("hi\n".utf8).write(to: URL(fileURLWithPath: other + "/README"))
    let (never, _, err4) = try Binary.run(
      Binary.path, ["export", "--family", "cosine", "--diffusers", other, "--overwrite"])
    #expect(never == 64 && err4.contains("README"), "\(err4)")
    #expect(try fm.contentsOfDirectory(atPath: other) == ["README"])
  }
}
