import Foundation
import TestSupport
import Testing

@testable import Engine

/// Issue 22, finding 2: how schedtui recognises an output file it wrote (``OutputFile``).
struct OutputFileTests {
  @Test("what schedtui writes is recognised by its content; other files are not")
  func recognition() throws {
    let dir = temporaryFolder("output-recognise")
    func file(_ name: String, _ text: String) throws -> String {
      let path = dir + "/" + name
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }
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
}
