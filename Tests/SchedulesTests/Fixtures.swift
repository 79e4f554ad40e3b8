import Foundation
import Schedules
import Testing

/// The committed golden files in `Tests/SchedulesTests/Fixtures`, written by the scripts named in
/// each file's `source` (independent NumPy / diffusers runs, never our own output).
enum Fixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static func load(_ name: String) throws -> JSONValue {
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    return try JSONValue.parse(text)
  }

  /// A golden case: the spec it describes and its values.
  struct Case: CustomStringConvertible {
    let spec: ScheduleSpec
    let json: JSONValue
    var description: String {
      Config.json(spec).rendered().replacingOccurrences(of: "\n", with: "")
    }
  }

  /// Reads `[{"family": …, "params": {…}, …}]` into specs (params use the config's keys).
  static func cases(_ list: JSONValue?) throws -> [Case] {
    try (list?.arrayValue ?? []).map { item in
      guard case .object(var members) = item["params"] ?? .object([]) else {
        throw ConfigError(file: "fixture", path: "params", message: "not an object")
      }
      members.insert(("family", item["family"]!), at: 0)
      return Case(spec: try ScheduleSpec(json: .object(members), file: "fixture"), json: item)
    }
  }

  /// The cases under `key` in the golden file `name`, which holds exactly `count` of them: a
  /// fixture that lost cases fails the test rather than checking fewer.
  static func cases(in name: String, key: String, count: Int) throws -> [Case] {
    let cases = try Fixtures.cases(load(name)[key])
    #expect(cases.count == count, "\(name)'s \(key)")
    return cases
  }

  static func doubles(_ value: JSONValue?) -> [Double] {
    (value?.arrayValue ?? []).map { $0.doubleValue ?? .nan }
  }
}
