import Foundation
import TestSupport
import Testing

/// Issue 22, finding 10: no ESC, BEL or other control byte from a path or a value reaches the
/// terminal through the command line's output, success or failure, schedtui's text or
/// ArgumentParser's.
@Suite(.serialized) struct TerminalOutputTests {
  init() throws { try Binary.require() }

  @Test("paths and values holding ESC and BEL are echoed escaped, in every kind of message")
  func noRawControlBytes() throws {
    let dir = temporaryFolder("terminal-output")
    let hostile = "\u{1B}]0;owned\u{07}\u{1B}[31m"
    let notMine = dir + "/mine\(hostile).json"
    try Data("{\"mine\": 1}\n".utf8).write(to: URL(fileURLWithPath: notMine))
    let file = dir + "/plain\(hostile)"
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    let commands: [[String]] = [
      // A success that names its path.
      ["export", "--family", "cosine", "--output", dir + "/ok\(hostile).json"],
      // schedtui's refusals and failures.
      ["export", "--family", "cosine", "--output", notMine],
      ["train", "--out", file, "--steps", "3"],
      ["curve", "--config", dir + "/missing\(hostile).json"],
      // ArgumentParser's own errors, which repeat the value typed.
      ["curve", "--family", "co\(hostile)sine"],
      ["curve", "--points", "1\(hostile)"],
    ]
    for args in commands {
      let (status, out, err) = try Binary.run(Binary.path, args)
      let text = out + err
      #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"), "\(args): \(text.debugDescription)")
      #expect(text.contains("\\u{1B}]0;owned\\u{7}"), "\(args) (status \(status)): \(text)")
    }
  }
}
