import Foundation
import Schedules
import TestSupport
import Testing

@Suite struct ConfigTests {
  /// A config using every section, with awkward Doubles (no short decimal form).
  static let full = Config(
    schedule: ScheduleSpec(family: .sigmoid, start: -3, end: 3, tau: 0.1 + 0.2, clipMin: 1e-9 / 3),
    inputScale: 1.0 / 3.0, normalize: false,
    inference: InferenceSection(schedule: ScheduleSpec(family: .edm, rho: Double.pi), steps: 37),
    training: TrainingSection(
      model: .convResS, steps: 1234, batch: 64, lr: 3e-4 / 7, seed: 1 << 52, data: .patches,
      resolution: 32, prediction: .v, sampler: .ddim, guidance: 2.0 / 3.0))

  @Test(
    "export then import gives back the same config bit for bit, for every family",
    arguments: ScheduleFamily.allCases)
  func roundTrip(family: ScheduleFamily) throws {
    var config = ConfigTests.full
    config.schedule = ScheduleSpec(family: family).canonical
    for field in ScheduleSpec.fields(of: family) where field != .trainSteps {
      // Nudge each used value to one with a long decimal form, still valid.
      config.schedule[field] *= 0.9999999999999991
    }
    config.schedule.zeroTerminalSNR = true
    let text = config.encoded()
    let back = try Config.decode(text, file: "x.json")
    #expect(back == config.canonical)
    #expect(back.encoded() == text)
  }

  @Test("a Table 3 preset round-trips and its file holds only the family's fields")
  func onlyUsedFields() throws {
    let config = Preset.named("table3-sigmoid-s0-e3-tau0.5")!.config
    let json = try JSONValue.parse(config.encoded())
    #expect(
      json["schedule"]?.keys == ["family", "start", "end", "tau", "clip_min", "zero_terminal_snr"])
    let edm = Config(schedule: ScheduleSpec(family: .edm)).json
    #expect(
      edm["schedule"]?.keys == [
        "family", "sigma_min", "sigma_max", "rho", "clip_min",
        "zero_terminal_snr",
      ])
    #expect(try Config.decode(config.encoded(), file: "p.json") == config)
  }

  @Test("missing optional sections take the documented defaults")
  func defaults() throws {
    let c = try Config.decode(
      #"{"schedtui_config_version": 1, "schedule": {"family": "cosine", "start": 0.2}}"#,
      file: "min.json")
    #expect(c.schedule == ScheduleSpec(family: .cosine, start: 0.2))
    #expect(c.inputScale == 1 && c.normalize)
    #expect(c.inference == InferenceSection())
    #expect(c.training == nil)
  }

  @Test("a training section without sampler or guidance samples as DECISIONS.md's default")
  func samplingDefaults() throws {
    // "Default sampler for scoring: DDPM ancestral, 100 steps, guidance w = 1".
    let c = try Config.decode(ConfigTests.linear(#""training": {"steps": 10}"#), file: "t.json")
    #expect(c.training?.sampler == .ddpm)
    #expect(c.training?.guidance == 1)
    let json = try JSONValue.parse(c.encoded())
    #expect(json["training"]?["sampler"] == .string("ddpm"))
  }

  @Test("a section that leaves out steps, batch, lr or eval_samples takes its model's budget")
  func budgetDefaults() throws {
    // The README's table: MLP-S 5000 steps of 256 at 0.001 with 500 samples scored, ConvRes-S
    // 1000 of 32 at 0.0005 with 250, as `schedtui train` gives without a file.
    let mlp = try #require(
      try Config.decode(ConfigTests.linear(#""training": {"seed": 3}"#), file: "t.json").training)
    #expect((mlp.steps, mlp.batch, mlp.lr, mlp.evalSamples) == (5000, 256, 0.001, 500))
    let conv = try #require(
      try Config.decode(
        ConfigTests.linear(#""training": {"model": "convres-s", "resolution": 32, "batch": 8}"#),
        file: "t.json"
      ).training)
    #expect((conv.steps, conv.batch, conv.lr, conv.evalSamples) == (1000, 8, 0.0005, 250))
    #expect(TrainingSection(model: .convResS).steps == 1000)
  }

  /// A config with a linear schedule and `members` (JSON text) after it.
  static func linear(_ members: String) -> String {
    #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "# + members + "}"
  }

  /// Bad files: each must fail naming the file, the field path, and what is allowed.
  static let bad: [(String, String, String)] = [
    ("{\"schedtui_config_version\": 1,", "", "not valid JSON"),
    ("[1, 2]", "", "an array where a config object"),
    (#"{"schedule": {"family": "linear"}}"#, "schedtui_config_version", "missing"),
    (
      #"{"schedtui_config_version": 2, "schedule": {"family": "linear"}}"#,
      "schedtui_config_version", "newer than this schedtui understands"
    ),
    (
      #"{"schedtui_config_version": 1.5, "schedule": {"family": "linear"}}"#,
      "schedtui_config_version", "not a whole number"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "karras"}}"#,
      "schedule.family", "unknown family \"karras\"; one of linear, cosine, sigmoid"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "cosine", "tau": "2"}}"#,
      "schedule.tau", "\"2\" is a string; expected a number"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "cosine", "tau": -1}}"#,
      "schedule.tau", "-1.0 is not allowed: a number > 0"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "edm", "tau": 1}}"#,
      "schedule.tau", "not used by family edm (its fields: family, sigma_min"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "edm", "sigmaMax": 1}}"#,
      "schedule.sigmaMax", "unknown field; family edm takes family, sigma_min, sigma_max"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "edm", "sigma_max": 0.001}}"#,
      "schedule.sigma_max", "a number > σmin"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "ddpm-linear", "train_steps": 1}}"#,
      "schedule.train_steps", "a whole number in [2, 1000000]"
    ),
    (
      linear(#""input_scale": 0"#),
      "input_scale", "a number > 0"
    ),
    (
      linear(#""normalize": 1"#),
      "normalize", "expected true or false"
    ),
    (
      linear(#""colour": "red""#),
      "colour", "unknown field; allowed here: schedtui_config_version, schedule"
    ),
    (
      linear(#""inference": {"steps": 0}"#),
      "inference.steps", "a whole number in [1, 100000]"
    ),
    (
      linear(
        #""inference": {"schedule": {"family": "sigmoid", "start": 3, "end": 3}}"#),
      "inference.schedule.end", "a number > start"
    ),
    (
      linear(#""training": {"lr": 2}"#),
      "training.lr", "a number in (0, 1]"
    ),
    (
      linear(#""training": {"model": "unet"}"#),
      "training.model", "one of \"mlp-s\", \"convres-s\""
    ),
    (
      linear(
        #""training": {"data": "digits", "resolution": 64}"#),
      "training.resolution", "one of 8, 16, 32 for data digits"
    ),
    (
      linear(#""training": {"seed": -1}"#),
      "training.seed", "0 … 2^53 − 1"
    ),
    (
      linear(#""training": {"sampler": "euler"}"#),
      "training.sampler", "one of \"ddpm\", \"ddim\""
    ),
    (
      linear(#""training": {"guidance": 20.5}"#),
      "training.guidance", "a number in [0, 20]"
    ),
    (
      linear(#""training": {"guidance": "high"}"#),
      "training.guidance", "expected a number in [0, 20]"
    ),
    (
      #"{"schedtui_config_version": 1, "schedule": {"family": "linear", "family": "cosine"}}"#,
      "", "duplicate key \"family\""
    ),
  ]

  @Test(
    "a bad file is rejected naming the file, the field path and what is allowed",
    arguments: ConfigTests.bad)
  func rejects(text: String, path: String, fragment: String) {
    do {
      let c = try Config.decode(text, file: "bad.json")
      Issue.record("accepted: \(c)")
    } catch {
      #expect(error.file == "bad.json")
      #expect(error.path == path)
      #expect(error.message.contains(fragment), "\(error)")
      // The file, then the value's line and column where the reader knows them.
      #expect(error.description.hasPrefix("bad.json:"))
    }
  }

  @Test("a syntax error says where it is")
  func syntaxPosition() {
    #expect(
      throws: JSONValue.SyntaxError(line: 2, column: 12, reason: "expected ',' or '}' in an object")
    ) {
      try JSONValue.parse("{\"a\": 1,\n  \"b\": [1] \"c\": 2}")
    }
  }

  @Test("JSON numbers read back bit for bit, strings unescape")
  func jsonNumbersAndStrings() throws {
    for x in [0.1, 1.0 / 3, 1e-300, -2.5e300, 5e-324, Double.pi, 1e-9] {
      #expect(try JSONValue.parse(JSONValue.number(x)).doubleValue == x)
    }
    let s = "tab\t quote\" back\\ é 😀 \u{01}"
    #expect(try JSONValue.parse(JSONValue.quote(s)).stringValue == s)
    #expect(try JSONValue.parse(#""\ud83d\ude00""#).stringValue == "😀")
    #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse("01") }
    #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse("NaN") }
    #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse("[1,]") }
  }

  // MARK: - The JSON Schema in assets/

  static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("assets/config.schema.json")

  @Test("the JSON Schema parses, is draft 2020-12 and lists every family with its fields")
  func schemaListsFamilies() throws {
    let schema = try JSONValue.parse(String(contentsOf: Self.schemaURL, encoding: .utf8))
    #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
    let familyEnum = schema["$defs"]?["schedule"]?["properties"]?["family"]?["enum"]?.arrayValue
    #expect(familyEnum?.compactMap(\.stringValue) == ScheduleFamily.allCases.map(\.rawValue))
    // One branch per family, allowing exactly the fields that family reads.
    let branches = schema["$defs"]?["schedule"]?["oneOf"]?.arrayValue ?? []
    #expect(branches.count == ScheduleFamily.allCases.count)
    for family in ScheduleFamily.allCases {
      let branch = branches.first {
        $0["properties"]?["family"]?["const"]?.stringValue == family.rawValue
      }
      let keys = Set(branch?["properties"]?.keys ?? [])
      #expect(
        keys == Set(["family"] + ScheduleSpec.allFields(of: family).map(\.jsonKey)),
        "\(family)")
    }
  }

  @Test("the schema's training section allows exactly the keys the reader writes")
  func schemaTrainingKeys() throws {
    let schema = try JSONValue.parse(String(contentsOf: Self.schemaURL, encoding: .utf8))
    let allowed = schema["properties"]?["training"]?["properties"]?.keys ?? []
    // A folder run's section, so the optional `channels` is written too, of UNet-S with
    // GroupNorm, so the `norm` that none leaves out is too.
    var section = TrainingSection(model: .unetS)
    section.dataFolder = "photos"
    section.channels = 3
    section.norm = .group(8)
    let written = Config(schedule: ScheduleSpec(family: .linear), training: section)
      .json["training"]?.keys ?? []
    #expect(allowed == written)
    #expect(allowed.contains("sampler") && allowed.contains("guidance"))
  }
}
