import Foundation
import TestSupport
import Testing

@testable import Engine

/// Issue 22, finding 2: how schedtui recognises an output file it wrote (``OutputFile``).
struct OutputFileTests {
  /// Writes `text` to `dir/name` and returns the path.
  static func write(_ text: String, _ name: String, in dir: String) throws -> String {
    let path = dir + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("what schedtui writes is recognised by its content; other files are not")
  func recognition() throws {
    let dir = temporaryFolder("output-recognise")
    func file(_ name: String, _ text: String) throws -> String { try Self.write(text, name, in: dir) }
    // A PNG from another encoder (the fixtures' hand-written Python one) is not schedtui's.
    let image = Image(width: 2, height: 1, channels: 1, pixels: [0, 1])
    let ours = dir + "/ours.png"
    try PNG.write(image, to: ours)
    #expect(OutputFile.foreignReason(ours, kind: .png) == nil)
    let theirs = PNGFixtures.path("grey8.png")
    #expect(OutputFile.foreignReason(theirs, kind: .png)?.contains("without schedtui's") == true)
    // The mark does not change the picture.
    #expect(try PNG.read(path: ours).pixels == [0, 1])
    #expect(OutputFile.foreignReason(try file("a.json", "[1, 0.5, 0]\n"), kind: .sigmaList) == nil)
    #expect(OutputFile.foreignReason(try file("b.json", "[1, \"x\"]\n"), kind: .sigmaList) != nil)
    #expect(
      OutputFile.foreignReason(try file("c.json", "{\"schedtui_config_version\": 1}"), kind: .config)
        == nil)
    #expect(OutputFile.foreignReason(try file("d.json", "{\"version\": 1}"), kind: .config) != nil)
    #expect(OutputFile.foreignReason(try file("e.csv", "0,0.5,1\n1,1,1\n"), kind: .samplesCSV) == nil)
    #expect(OutputFile.foreignReason(try file("f.csv", "name,value\n"), kind: .samplesCSV) != nil)
    #expect(OutputFile.foreignReason(try file("empty", ""), kind: .config) == nil)
  }

  @Test("a user's file with an all-digit name is schedtui's only by its content, never by its name")
  func digitNames() throws {
    let dir = temporaryFolder("output-digit-names")
    func file(_ name: String, _ text: String) throws -> String { try Self.write(text, name, in: dir) }
    // Another encoder's PNG, copied in under a frame-like name.
    let png = dir + "/0001.png"
    try FileManager.default.copyItem(atPath: PNGFixtures.path("grey8.png"), toPath: png)
    #expect(OutputFile.foreignReason(png, kind: .png) != nil)
    // A user's list of numbers is no σ list: not ending in 0, increasing, negative, one number.
    for text in ["[1, 2, 3]", "[3, 2, 1]", "[0, 1, 0]", "[2, -1, 0]", "[0]", "[]", "123"] {
      #expect(
        OutputFile.foreignReason(try file("123.json", text), kind: .sigmaList) != nil, "\(text)")
    }
    // What `export --sigmas` writes: N + 1 numbers, falling, the last 0.
    #expect(OutputFile.foreignReason(try file("7.json", "[14.6, 1.5, 0.2, 0]"), kind: .sigmaList) == nil)
    #expect(OutputFile.foreignReason(try file("8.json", "[14.6, 14.6, 0]"), kind: .sigmaList) == nil)
    // A user's CSV whose first line alone looks like a sample, or rows of other lengths.
    #expect(OutputFile.foreignReason(try file("0001.csv", "0,1\nname,value\n"), kind: .samplesCSV) != nil)
    #expect(OutputFile.foreignReason(try file("0002.csv", "0,1\n0.5\n"), kind: .samplesCSV) != nil)
    #expect(OutputFile.foreignReason(try file("0003.csv", "0,1\n0.5,1"), kind: .samplesCSV) != nil)
    #expect(OutputFile.foreignReason(try file("0004.csv", "1\n"), kind: .samplesCSV) == nil)
    // And the refusal reaches the command's check: without --overwrite nothing is replaced.
    let list = try file("123.json", "[1, 2, 3]")
    #expect(throws: FolderError.self) {
      try OutputFile.checkReplace(list, kind: .sigmaList, overwrite: false, option: "--output")
    }
  }

  @Test("a samples CSV longer than the read is judged by its complete rows")
  func longCSV() {
    let row = Array(repeating: "0.12345", count: 12_288).joined(separator: ",") + "\n"
    let text = Data((row + row + row + row).utf8)
    let read = text.prefix(OutputFile.csvPrefix)
    #expect(read.count == OutputFile.csvPrefix)
    #expect(OutputFile.samplesCSVReason(read, whole: false) == nil)
    // One row longer than the whole read: its values up to the cut.
    let wide = Data((Array(repeating: "0.5", count: 100_000).joined(separator: ",") + "\n").utf8)
    #expect(OutputFile.samplesCSVReason(wide.prefix(OutputFile.csvPrefix), whole: false) == nil)
    let bad = Data(("2," + Array(repeating: "0.5", count: 100_000).joined(separator: ",")).utf8)
    #expect(OutputFile.samplesCSVReason(bad.prefix(OutputFile.csvPrefix), whole: false) != nil)
  }
}
