import Foundation
import TestSupport
import Testing

/// Issue 22, finding 6: config files are capped before they are read, and a value a message
/// repeats is shortened to a readable prefix with its length.
@Suite(.serialized) struct InputLimitTests {
  init() throws { try Binary.require() }

  @Test("a config above 4 MiB is refused (1) naming the limit and the size, without reading it")
  func configCap() throws {
    let path = temporaryFolder("cap") + "/big.json"
    // Valid JSON up to the end: only the size is wrong with it.
    let padding = String(repeating: " ", count: 5 << 20)
    try ("{\"schedtui_config_version\": 1," + padding + "\"schedule\": {\"family\": \"linear\"}}")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let (status, _, err) = try Binary.run(Binary.path, ["curve", "--config", path])
    #expect(status == 1, "\(err.prefix(300))")
    #expect(err.contains(path) && err.contains("4 MiB"), "\(err.prefix(300))")
    #expect(err.count < 1000)
  }

  @Test(
    "a 1 MB value or unknown key is echoed as a prefix with its length, not whole",
    arguments: [
      "{\"schedtui_config_version\": 1, \"schedule\": {\"family\": \"LONG\"}}",
      "{\"schedtui_config_version\": 1, \"schedule\": {\"family\": \"linear\"}, \"LONG\": 1}",
    ])
  func longText(template: String) throws {
    let path = temporaryFolder("long") + "/long.json"
    let long = String(repeating: "x", count: 1_000_000)
    try template.replacingOccurrences(of: "LONG", with: long)
      .write(toFile: path, atomically: true, encoding: .utf8)
    let (status, _, err) = try Binary.run(Binary.path, ["curve", "--config", path])
    #expect(status == 1, "\(err.prefix(300))")
    #expect(err.count < 1000, "\(err.count) characters")
    #expect(err.contains("1000000 characters"), "\(err.prefix(400))")
  }
}
