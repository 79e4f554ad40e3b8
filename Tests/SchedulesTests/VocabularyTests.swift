import Foundation
import Testing

@testable import Schedules

/// The README at the package root.
func readme() throws -> String {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
}

/// The text between `<!-- name:begin -->` and `<!-- name:end -->` in `text`.
func generatedSection(_ name: String, in text: String) -> String? {
  guard let start = text.range(of: "<!-- \(name):begin -->\n"),
    let end = text.range(of: "\n<!-- \(name):end -->", range: start.upperBound..<text.endIndex)
  else { return nil }
  return String(text[start.upperBound..<end.lowerBound])
}

/// One vocabulary per concept (issue 12, part 1), and the README quoting it.
@Suite struct VocabularyTests {
  @Test("the README's names table is the vocabularies' own")
  func readmeNames() throws {
    let section = generatedSection("vocabulary", in: try readme())
    #expect(
      section == Vocabularies.markdownTable,
      "README's vocabulary table is stale: run scripts/regenerate. It should hold:\n\(Vocabularies.markdownTable)")
  }

  @Test("the README's limits table is TrainingLimits'")
  func readmeLimits() throws {
    let section = generatedSection("limits", in: try readme())
    #expect(
      section == TrainingLimits.markdownTable,
      "README's limits table is stale: run scripts/regenerate. It should hold:\n\(TrainingLimits.markdownTable)")
  }

  @Test("the README's prose quotes the limits and names where it states them")
  func readmeProse() throws {
    let text = try readme()
    // The config format's training row and the explorer's example message.
    #expect(text.contains("`batch` (1 … 4096)"))
    #expect(text.contains("\"steps = 0 is not allowed: a whole number in 1 … 10000000\""))
    #expect(!text.contains("65536") && !text.contains("65,536"))
    #expect(TrainingLimits.batch == 1...4096)
    #expect(TrainingLimits.steps == 1...10_000_000)
    // Every name of the training vocabularies appears in backticks in the config format's row.
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("| `training` |") })
    for names in [ModelKind.names, DataKind.names, Parameterization.names, LossWeighting.names,
      SamplerKind.names, OptimizerKind.names]
    {
      for name in names { #expect(row.contains("`\(name)`"), "\(name)") }
    }
  }

  @Test("the names a user types: by hand, as the README and the papers call them")
  func names() {
    #expect(ModelKind.names == ["mlp-s", "convres-s", "unet-s"])
    #expect(DataKind.names == ["digits", "patches"])
    #expect(SamplerKind.names == ["ddpm", "ddim"])
    #expect(OptimizerKind.names == ["adamw", "lamb"])
    #expect(Parameterization.names == ["eps", "x0", "v", "edm", "flow"])
    #expect(LossWeighting.names == ["eps-mse", "x0-mse", "v-mse", "min-snr", "edm", "flow-mse"])
    #expect(ScheduleFamily.names.first == "linear")
    #expect(DataKind.digits.resolutions == [8, 16, 32] && DataKind.patches.resolutions == [16, 32, 64])
  }

  /// The families the files under Sources/Schedules/Families declare (`ScheduleFamily("name")`),
  /// read as text: a second source beside the registry, so a family whose registry line is
  /// forgotten fails here, and a new family needs no count edited.
  static func declaredFamilies() throws -> [(name: String, file: String)] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/Schedules/Families")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".swift") }.sorted()
    return try files.flatMap { file in
      let text = try String(
        contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      return text.matches(of: /ScheduleFamily\("([^"]*)"\)/).map { (String($0.1), file) }
    }
  }

  @Test("the registry lists every family the Families files declare, each once")
  func registryIsTheFamilyFiles() throws {
    let declared = try Self.declaredFamilies()
    // Ten when this test was written (linear … rectified-flow): reading the files found them.
    #expect(declared.count >= 10)
    for (name, file) in declared {
      #expect(
        ScheduleFamily.names.contains(name),
        "\(file) declares family \(name), which Families/Registry.swift does not list")
    }
    #expect(ScheduleFamily.names.count == declared.count, "\(ScheduleFamily.names)")
    #expect(Set(ScheduleFamily.names) == Set(declared.map(\.name)))
  }

  @Test("every name of every vocabulary is read from a config's training section")
  func configReadsEveryName() throws {
    func read(_ key: String, _ name: String) throws -> TrainingSection? {
      try Config.decode(
        #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "training": {"\#(key)": "\#(name)"}}"#,
        file: "t.json"
      ).training
    }
    for m in ModelKind.allCases { #expect(try read("model", m.name)?.model == m) }
    for d in DataKind.allCases {
      // Each data kind with a side it comes in.
      let c = try Config.decode(
        #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "training": {"data": "\#(d.name)", "resolution": 16}}"#,
        file: "t.json")
      #expect(c.training?.data == d)
    }
    for s in SamplerKind.allCases { #expect(try read("sampler", s.name)?.sampler == s) }
    for o in OptimizerKind.allCases { #expect(try read("optimizer", o.name)?.optimizer == o) }
    for w in LossWeighting.allCases { #expect(try read("weighting", w.name)?.weighting == w) }
    for p in Parameterization.allCases { #expect(try read("prediction", p.name)?.prediction == p) }
  }

  @Test("the options and config keys are the ones the README's tables and the reader use")
  func optionsAndKeys() {
    #expect(ModelKind.option == "--model" && ModelKind.configKey == "training.model")
    #expect(OptimizerKind.option == "--optimizer" && OptimizerKind.configKey == "training.optimizer")
    #expect(ScheduleFamily.configKey == "schedule.family")
    let keys = Set(TrainingSetting.all.map(\.configKey))
    for key in [ModelKind.configKey, DataKind.configKey, SamplerKind.configKey,
      OptimizerKind.configKey, Parameterization.configKey, LossWeighting.configKey]
    {
      #expect(keys.contains(key), "\(key)")
    }
  }
}

/// One coding per schedule spec (issue 12, part 2).
@Suite struct SpecCodingTests {
  @Test("a spec encoded by Foundation is the config's schedule object")
  func codableIsTheConfigsObject() throws {
    for spec in [
      ScheduleSpec(family: .sigmoid, start: -2, end: 2.5, tau: 0.7),
      ScheduleSpec(family: .ddpmLinear, trainSteps: 500, zeroTerminalSNR: true),
      ScheduleSpec(family: .edm, sigmaMax: 40),
    ] {
      let data = try JSONEncoder().encode(spec)
      let viaFoundation = try JSONValue.parse(String(decoding: data, as: UTF8.self))
      // Same members (Foundation does not keep the order).
      let expected = Config.json(spec)
      #expect(Set(viaFoundation.keys) == Set(expected.keys))
      for key in expected.keys { #expect(viaFoundation[key] == expected[key], "\(key)") }
      #expect(try JSONDecoder().decode(ScheduleSpec.self, from: data) == spec.canonical)
    }
  }

  @Test("a spec as run folders stored it before (every field, Swift names) reads back the same")
  func legacyCoding() throws {
    // Written by hand in the old SpecCoding layout, with a non-default unused field (rho).
    let old = #"""
      {"family": "cosine", "start": 0.2, "end": 1, "tau": 1.5, "clipMin": 1e-9,
       "trainSteps": 1000, "betaStart": 0.0001, "betaEnd": 0.02, "baseResolution": 64,
       "resolution": 64, "sigmaMin": 0.002, "sigmaMax": 80, "rho": 3, "laplaceMu": 0,
       "laplaceBeta": 0.5, "shift": 1, "zeroTerminalSNR": true}
      """#
    let spec = try JSONDecoder().decode(ScheduleSpec.self, from: Data(old.utf8))
    var expected = ScheduleSpec(family: .cosine, start: 0.2, tau: 1.5, rho: 3)
    expected.zeroTerminalSNR = true
    #expect(spec == expected)
    // summary.json wrote its keys in snake case; a snake-case decoder sees `zeroTerminalSnr`.
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let snake = #"{"family": "cosine", "start": 0.2, "tau": 1.5, "zero_terminal_snr": true}"#
    let fromSnake = try decoder.decode(ScheduleSpec.self, from: Data(snake.utf8))
    #expect(fromSnake == ScheduleSpec(family: .cosine, start: 0.2, tau: 1.5, zeroTerminalSNR: true))
  }
}

/// Errors as types (issue 12, part 3): the field as the user named it, the value, what is
/// allowed and where; no Swift-internal names.
@Suite struct FieldErrorTests {
  static let internalWords = ["DecodingError", "Debug description", "inputScale", "CodingKeys"]

  static func isClean(_ text: String) -> Bool {
    !internalWords.contains { text.contains($0) }
  }

  @Test("a bad config value is named by its key path, with the file, line and column")
  func configLineColumn() {
    // Line 6 is `    "batch": 70000`; the value starts at column 14 (counted by hand).
    let text = """
      {
        "schedtui_config_version": 1,
        "schedule": {"family": "linear"},
        "training": {
          "model": "mlp-s",
          "batch": 70000
        }
      }
      """
    do {
      _ = try Config.decode(text, file: "run.json")
      Issue.record("accepted a batch of 70000")
    } catch {
      #expect(error.field == "training.batch")
      #expect(error.value == "70000")
      #expect(error.source == .file("run.json", line: 6, column: 14))
      #expect(error.description == "run.json:6:14: training.batch: 70000 is not allowed: "
        + "a whole number in 1 … 4096")
    }
  }

  @Test("a type error and an unknown key say where they are too")
  func configTypeAndUnknown() {
    let typed = "{\"schedtui_config_version\": 1,\n \"schedule\": {\"family\": \"cosine\",\n  \"tau\": \"2\"}}"
    do { _ = try Config.decode(typed, file: "c.json"); Issue.record("accepted") } catch {
      #expect(error.description == "c.json:3:10: schedule.tau: \"2\" is a string; expected a number")
    }
    let unknown = "{\"schedtui_config_version\": 1, \"schedule\": {\"family\": \"linear\"},\n \"colour\": 1}"
    do { _ = try Config.decode(unknown, file: "c.json"); Issue.record("accepted") } catch {
      #expect(error.description.hasPrefix("c.json:2:12: colour: unknown field"))
    }
  }

  @Test("b out of range names input_scale in a file and --scale on the command line, never inputScale")
  func inputScaleNames() {
    let text = "{\"schedtui_config_version\": 1, \"schedule\": {\"family\": \"linear\"}, \"input_scale\": -1}"
    do { _ = try Config.decode(text, file: "b.json"); Issue.record("accepted") } catch {
      #expect(error.field == "input_scale")
      #expect(error.description.hasPrefix("b.json:1:81: input_scale: -1.0 is not allowed: a number > 0"))
      #expect(Self.isClean(error.description))
    }
    let e = ScheduleError.invalid(field: "inputScale", value: "-1.0", allowed: "a number > 0")
    #expect(e.fieldError(.commandLine).description == "--scale -1.0 is not allowed: a number > 0.")
    #expect(e.description == "b (input scale) = -1.0 is not allowed: a number > 0")
    #expect(
      ScheduleError.invalid(field: "clipMin", value: "2.0", allowed: "a number in (0, 1)")
        .fieldError(.file("c.json"), prefix: "schedule.").field == "schedule.clip_min")
  }
}
