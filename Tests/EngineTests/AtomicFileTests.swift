import Engine
import Foundation
import Testing

@Suite struct AtomicFileTests {
  @Test("a write replaces the whole file and leaves no temporary behind")
  func replacesWholeFile() throws {
    let dir = URL(fileURLWithPath: temporaryFolder("atomic"))
    let path = dir.appendingPathComponent("sub/out.json").path
    try AtomicFile.write("first, and longer than the second", to: path)
    try AtomicFile.write("second", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path)
    #expect(left == ["out.json"])
  }

  @Test("a write into an unwritable place fails with the path in the message")
  func failsWithPath() {
    #expect {
      try AtomicFile.write("x", to: "/proc/schedtui-cannot/out.json")
    } throws: { error in
      "\(error)".contains("/proc/schedtui-cannot/out.json")
    }
  }
}
