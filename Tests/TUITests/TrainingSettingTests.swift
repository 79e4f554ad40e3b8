import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// Every setting of the settings table (``TrainingSetting/all``) can be set everywhere it is
/// declared to be: an option of `schedtui train` and a key of the config's JSON Schema always;
/// a training-screen row, a `schedtui sweep` option and a sweep-screen row exactly where its
/// ``TrainingSetting/places`` say. A setting added to the table and forgotten in one place fails
/// here, not in a user's hands.
@Suite struct TrainingSettingReachabilityTests {
  /// The long options a command's `--help` lists (`--steps`, `--label-dropout`), read from the
  /// built binary: what a user can actually type.
  static func options(_ command: String) throws -> Set<String> {
    try Binary.require()
    let (status, out, err) = try Binary.run(Binary.path, [command, "--help"])
    #expect(status == 0, "\(err)")
    var found = Set<String>()
    for line in out.split(separator: "\n") {
      // `  --steps <steps>  Optimiser …` or `  -h, --help`: the option opens the line.
      let words = line.split(separator: " ").map(String.init)
      for word in words.prefix(2) where word.hasPrefix("--") {
        found.insert(word.trimmingCharacters(in: CharacterSet(charactersIn: ",")))
      }
    }
    return found
  }

  /// The keys the config's JSON Schema allows in the `training` section (a file written by
  /// hand, so independent of the table).
  static func schemaKeys() throws -> Set<String> {
    let url = Binary.root.appendingPathComponent("assets/config.schema.json")
    let schema = try JSONValue.parse(String(contentsOf: url, encoding: .utf8))
    return Set(schema["properties"]?["training"]?["properties"]?.keys ?? [])
  }

  @Test(
    "a setting is an option of train, a config key, and a row or sweep option where declared",
    arguments: TrainingSetting.all.map(\.key))
  func reachable(_ key: String) throws {
    let setting = TrainingSetting[key: key]
    #expect(try Self.options("train").contains(setting.option), "train has no \(setting.option)")
    #expect(try Self.schemaKeys().contains(key), "the schema has no training.\(key)")
    let rows = Field.setupFields.compactMap(\.setting?.key)
    #expect(
      rows.contains(key) == setting.places.contains(.trainingScreen),
      "training screen row for \(key)")
    let sweepRows = SweepSetup.Row.allCases.compactMap(\.setting?.key)
    #expect(
      sweepRows.contains(key) == setting.places.contains(.sweepScreen),
      "sweep screen row for \(key)")
    #expect(
      try Self.options("sweep").contains(setting.option)
        == setting.commandLine.commands.contains(.sweep),
      "sweep option \(setting.option)")
    // `sample` and `export` have options of their own under the same names (sample's --steps
    // are the sampler's), so only: each setting declared for them is there.
    for command in setting.commandLine.commands {
      #expect(
        try Self.options(command.rawValue).contains(setting.option),
        "\(command) has no \(setting.option)")
    }
  }

  @Test("every setting survives the engine's coding (summary.json and checkpoints)")
  func codingKeepsEverySetting() throws {
    for setting in TrainingSetting.all {
      var c = TrainingConfig()
      switch setting.edit {
      case .number(_, let get, let set): set(&c.section, get(c.section) + 3)
      case .choice(let names, let get, let set):
        let now = get(c.section)
        set(&c.section, try #require(names.map(\.raw).first { $0 != now }))
      case .text(let presets, let get, let set):
        let now = get(c.section)
        #expect(set(&c.section, try #require(presets.first { $0 != now })))
      case .none: Issue.record("\(setting.key) has no edit")
      }
      #expect(c != TrainingConfig(), "\(setting.key) did not change")
      let back = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(c))
      #expect(back == c, "\(setting.key) is lost by TrainingConfig's coding")
    }
  }

  @Test("every number option the generated options assign sets its own setting, as its declared type")
  func assignedNumbers() throws {
    for setting in TrainingSetting.all where setting.isAssigned {
      guard case .number(_, let get, _) = setting.edit else { continue }
      let value: Any
      switch setting.commandLine.type {
      case "Int": value = 7
      case "UInt64": value = UInt64(7)
      case "Double": value = 0.25
      default:
        Issue.record("\(setting.key): a number read as \(setting.commandLine.type)")
        continue
      }
      var section = TrainingSection()
      setting.assign(value, in: &section)
      #expect(get(section) == (value as? Double ?? 7), "\(setting.key)")
    }
  }

  @Test("every training-screen row but the sampler's steps edits a setting of the table")
  func rowsAreSettings() {
    let unnamed = Field.setupFields.filter { $0.setting == nil }
    #expect(unnamed == [.runSampleSteps])
    // Each row's label and allowed values are the table's, the ones the engine's errors use.
    for field in Field.setupFields {
      guard let setting = field.setting else { continue }
      #expect(field.label == setting.label)
    }
  }

  @Test("a refused setting is worded once: the command line, a file and the explorer differ only in the name")
  func oneWording() throws {
    var section = TrainingSection()
    section.batch = 5000
    let allowed = "a whole number in 1 … 4096"
    #expect(throws: FieldError(field: "--batch", value: "5000", allowed: allowed, source: .commandLine)) {
      try section.validate(source: .commandLine)
    }
    #expect(throws: FieldError(field: "training.batch", value: "5000", allowed: allowed, source: .file("run.json"))) {
      try section.validate(source: .file("run.json"))
    }
    #expect(throws: FieldError(field: "batch", value: "5000", allowed: allowed, source: .explorer)) {
      try section.validate(source: .explorer)
    }
  }
}
