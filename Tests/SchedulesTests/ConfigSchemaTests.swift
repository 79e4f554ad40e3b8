import Foundation
import Testing

@testable import Schedules

/// The JSON Schema is generated from the declarations (issue 17 part 1): the committed file is
/// the generator's output, and every bound the schema states is one the config reader enforces.
@Suite struct ConfigSchemaTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test("assets/config.schema.json is `schedtui schema`'s output, byte for byte")
  func committedFileIsGenerated() throws {
    let url = ConfigSchemaTests.root.appendingPathComponent("assets/config.schema.json")
    let committed = try String(contentsOf: url, encoding: .utf8)
    #expect(
      committed == ConfigSchema.text,
      "assets/config.schema.json is stale: run scripts/regenerate")
  }

  @Test("the README's Schedules table is the registry's")
  func readmeFamilies() throws {
    let section = generatedSection("families", in: try readme())
    #expect(
      section == ScheduleFamily.markdownTable,
      "README's families table is stale: run scripts/regenerate. It should hold:\n\(ScheduleFamily.markdownTable)")
  }

  // MARK: Bounds, by hand

  @Test("bounds: ends in or out as declared, NaN and ±∞ never, 0 only when allowed")
  func boundsContain() {
    let open = Bounds(exclusiveMin: 0, exclusiveMax: 1)
    #expect(!open.contains(0) && open.contains(0.5) && !open.contains(1))
    #expect(open.contains(Double.leastNonzeroMagnitude) && open.contains(1.0.nextDown))
    let halfOpen = Bounds(min: 0, exclusiveMax: 1)
    #expect(
      halfOpen.contains(0) && !halfOpen.contains(-Double.leastNonzeroMagnitude)
        && !halfOpen.contains(1))
    #expect(
      !Bounds.any.contains(.nan) && !Bounds.any.contains(.infinity) && Bounds.any.contains(-1e300))
    let side = Bounds(16...16384, alsoZero: true)
    #expect(side.contains(0) && !side.contains(15) && side.contains(16) && !side.contains(16385))
    #expect(!Bounds(16...16384).contains(0))
  }

  @Test("bounds: the wording every existing message used")
  func boundsWording() {
    #expect(Bounds(exclusiveMin: 0, exclusiveMax: 1).wording() == "a number in (0, 1)")
    #expect(Bounds(min: 0, exclusiveMax: 1).wording() == "a number in [0, 1)")
    #expect(Bounds(exclusiveMin: 0).wording() == "a number > 0")
    #expect(Bounds(min: 0).wording(whole: true) == "a whole number ≥ 0")
    #expect(Bounds(max: 1).text == "≤ 1")
    #expect(Bounds(2...1_000_000).wording(whole: true) == "a whole number in [2, 1000000]")
    #expect(Bounds.any.wording() == "a finite number")
    #expect(Bounds(exclusiveMin: 0, max: 1).text == TrainingLimits.learningRateInterval)
    #expect(TrainingLimits.learningRateInterval == "(0, 1]")
  }

  @Test("bounds: JSON Schema keywords, 0 besides a range as anyOf")
  func boundsSchema() {
    let s = JSONValue.object(Bounds(exclusiveMin: 0, max: 1).schema(type: "number"))
    #expect(
      s.rendered() == "{\n  \"type\": \"number\",\n  \"exclusiveMinimum\": 0,\n  \"maximum\": 1\n}")
    let z = JSONValue.object(Bounds(2...5, alsoZero: true).schema(type: "integer"))
    #expect(
      z["anyOf"]
        == .array([
          .object([("const", .int(0))]), .object([("minimum", .int(2)), ("maximum", .int(5))]),
        ]))
  }

  // MARK: The schema against the reader

  /// A schema's bounds read by this test (not by ``Bounds``): (value, inclusive) at each end.
  struct Range {
    var lower: (Double, Bool)?
    var upper: (Double, Bool)?
    var integer: Bool
    var zero: Bool

    init?(_ s: JSONValue) {
      var s = s
      zero = false
      integer = s["type"]?.stringValue == "integer"
      if case .array(let alternatives)? = s["anyOf"], alternatives.count == 2,
        alternatives[0]["const"]?.doubleValue == 0
      {
        zero = true
        s = alternatives[1]
      }
      if let x = s["minimum"]?.doubleValue { lower = (x, true) }
      if let x = s["exclusiveMinimum"]?.doubleValue { lower = (x, false) }
      if let x = s["maximum"]?.doubleValue { upper = (x, true) }
      if let x = s["exclusiveMaximum"]?.doubleValue { upper = (x, false) }
      if lower == nil && upper == nil { return nil }
    }

    /// Values just outside each end, and (for an inclusive end) the end itself.
    var outside: [Double] {
      var out: [Double] = []
      if let (x, inclusive) = lower {
        out.append(inclusive ? (integer ? x - 1 : x - Swift.max(1, Swift.abs(x)) * 1e-9) : x)
      }
      if let (x, inclusive) = upper {
        out.append(inclusive ? (integer ? x + 1 : x + Swift.max(1, Swift.abs(x)) * 1e-9) : x)
      }
      return out.filter { !(zero && $0 == 0) }
    }

    var inclusiveEnds: [Double] {
      [lower, upper].compactMap { $0 }.filter(\.1).map(\.0) + (zero ? [0] : [])
    }

    func json(_ x: Double) -> JSONValue { integer ? .int(Int(x)) : .double(x) }
  }

  static func decode(_ config: JSONValue) -> Result<Config, ConfigError> {
    do throws(ConfigError) {
      return .success(try Config.decode(config.rendered(), file: "c.json"))
    } catch {
      return .failure(error)
    }
  }

  static func config(
    schedule: [(key: String, value: JSONValue)], training: [(key: String, value: JSONValue)] = [],
    top: [(key: String, value: JSONValue)] = []
  ) -> JSONValue {
    var members: [(key: String, value: JSONValue)] = [
      ("schedtui_config_version", .int(1)), ("schedule", .object(schedule)),
    ]
    if !training.isEmpty { members.append(("training", .object(training))) }
    return .object(members + top)
  }

  @Test(
    "every bound of a schedule field in the schema is refused just outside by the reader, naming the field"
  )
  func scheduleFieldBoundsAreTheReaders() throws {
    let document = ConfigSchema.document
    guard case .object(let fields)? = document["$defs"]?["fields"],
      case .array(let branches)? = document["$defs"]?["schedule"]?["oneOf"]
    else {
      Issue.record("no $defs.fields or $defs.schedule.oneOf")
      return
    }
    var checked = 0
    for (key, schema) in fields {
      guard let range = Range(schema) else { continue }
      // The first family that reads the key; Flux's sequence constants need an image side.
      let branch = try #require(branches.first { $0["properties"]?[key] != nil })
      let family = try #require(branch["properties"]?["family"]?["const"])
      let extra: [(key: String, value: JSONValue)] =
        ["base_shift", "max_shift", "base_image_seq_len", "max_image_seq_len"].contains(key)
        ? [("image_side", .int(1024))] : []
      for x in range.outside {
        let result = ConfigSchemaTests.decode(
          ConfigSchemaTests.config(schedule: [("family", family), (key, range.json(x))] + extra))
        guard case .failure(let error) = result else {
          Issue.record("schedule.\(key) = \(x) is outside the schema's range but was read")
          continue
        }
        #expect(error.field == "schedule.\(key)", "\(key) = \(x): \(error)")
        checked += 1
      }
    }
    #expect(checked >= 20)
  }

  @Test("a family's narrower bounds (cosine's start and end) are the reader's too")
  func familyBoundsAreTheReaders() throws {
    // (start = 1 is refused too, but as end ≤ start: the reader checks end > start first.)
    for (key, value) in [("start", -1e-9), ("end", 1 + 1e-9)] {
      let result = ConfigSchemaTests.decode(
        ConfigSchemaTests.config(schedule: [("family", .string("cosine")), (key, .double(value))]))
      guard case .failure(let error) = result else {
        Issue.record("cosine \(key) = \(value) was read")
        continue
      }
      #expect(error.field == "schedule.\(key)")
    }
    // The sigmoid's start is not narrowed.
    let sigmoid = ConfigSchemaTests.decode(
      ConfigSchemaTests.config(schedule: [("family", .string("sigmoid")), ("start", .double(-5))]))
    #expect((try? sigmoid.get()) != nil)
  }

  @Test(
    "every bound of a training setting in the schema: the end is read, just outside is refused naming it"
  )
  func trainingBoundsAreTheReaders() throws {
    guard
      case .object(let settings)? = ConfigSchema.document["properties"]?["training"]?["properties"]
    else {
      Issue.record("no training properties")
      return
    }
    #expect(settings.map(\.key) == TrainingSetting.all.map(\.key))
    var checked = 0
    for (key, schema) in settings {
      guard let range = Range(schema) else { continue }
      for x in range.outside {
        let result = ConfigSchemaTests.decode(
          ConfigSchemaTests.config(
            schedule: [("family", .string("cosine"))], training: [(key, range.json(x))]))
        guard case .failure(let error) = result else {
          Issue.record("training.\(key) = \(x) is outside the schema's range but was read")
          continue
        }
        #expect(error.field == "training.\(key)", "\(key) = \(x): \(error)")
        checked += 1
      }
      for x in range.inclusiveEnds {
        let result = ConfigSchemaTests.decode(
          ConfigSchemaTests.config(
            schedule: [("family", .string("cosine"))], training: [(key, range.json(x))]))
        if case .failure(let error) = result { Issue.record("training.\(key) = \(x): \(error)") }
      }
    }
    #expect(checked >= 12)
  }

  @Test("the schema's choices are the vocabularies' names, and resolution every data's")
  func trainingChoices() {
    let training = ConfigSchema.document["properties"]?["training"]?["properties"]
    func names(_ key: String) -> [String] {
      guard case .array(let a)? = training?[key]?["enum"] else { return [] }
      return a.compactMap { $0.stringValue ?? $0.doubleValue.map { shortNumber($0) } }
    }
    #expect(names("model") == ModelKind.names)
    #expect(names("prediction") == Parameterization.names)
    #expect(names("weighting") == LossWeighting.names)
    // The three the hand-written schema had lost (issue 17).
    #expect(names("model").contains("unet-s") && names("prediction").contains("flow"))
    #expect(names("weighting").contains("flow-mse"))
    #expect(names("sampler") == SamplerKind.names)
    #expect(names("resolution") == ["8", "16", "32", "64"])
    #expect(
      ConfigSchema.document["$defs"]?["schedule"]?["properties"]?["family"]?["enum"]
        == .array(ScheduleFamily.allCases.map { .string($0.rawValue) }))
  }

  @Test("the t-sampling pattern takes each kind bare or with its numbers, and nothing else")
  func tSamplingPattern() throws {
    let regex = try Regex(TimestepSampling.pattern)
    for good in [
      "uniform", "logit-normal", "logit-normal:0:1", "mode", "mode:1.29", "lognormal",
      "lognormal:-1.2:1.2",
    ] {
      #expect(good.wholeMatch(of: regex) != nil, "\(good)")
    }
    for bad in ["uniform:1", "logit-normal:0", "mode:1:2", "gauss", "lognormal:1:2:3", ""] {
      #expect(bad.wholeMatch(of: regex) == nil, "\(bad)")
    }
  }

  @Test("input_scale and inference.steps: the schema's ends are the reader's")
  func topLevelBounds() {
    let p = ConfigSchema.document["properties"]
    #expect(p?["input_scale"]?["minimum"]?.doubleValue == 1e-12)
    #expect(p?["input_scale"]?["maximum"]?.doubleValue == 1e12)
    #expect(p?["inference"]?["properties"]?["steps"]?["maximum"]?.doubleValue == 100_000)
    for (scale, ok) in [
      (1e-12, true), (1e12, true), (1e12 * (1 + 1e-9), false), (1e-12 * (1 - 1e-9), false),
    ] {
      let result = ConfigSchemaTests.decode(
        ConfigSchemaTests.config(
          schedule: [("family", .string("linear"))], top: [("input_scale", .double(scale))]))
      #expect(((try? result.get()) != nil) == ok, "input_scale \(scale)")
    }
  }
}
