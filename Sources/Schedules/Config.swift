/// A chosen schedule as schedtui saves and loads it: the versioned JSON config.
///
/// ```json
/// {
///   "schedtui_config_version": 1,
///   "schedule": {"family": "cosine", "start": 0.2, "end": 1.0, "tau": 1.0,
///                "clip_min": 1e-09, "zero_terminal_snr": false},
///   "input_scale": 0.5,
///   "normalize": true,
///   "inference": {"schedule": {"family": "cosine", …}, "steps": 100},
///   "training": {"model": "mlp-s", "steps": 2000, …}
/// }
/// ```
///
/// A schedule object holds `family` and only the fields that family reads
/// (``ScheduleSpec/allFields(of:)``); missing ones take the family's defaults. `input_scale`,
/// `normalize`, `inference` and `training` are optional (defaults: 1, true, cosine with 100
/// steps, none). ``encoded()`` writes every field the config uses with each `Double` at full
/// precision, so `decode(encoded())` gives back the same config (with unused spec fields at
/// their defaults: see ``canonical``). The JSON Schema is `assets/config.schema.json`.
public struct Config: Equatable, Sendable {
  /// The version this build writes and the newest it reads.
  public static let currentVersion = 1

  /// The training schedule γ(t).
  public var schedule: ScheduleSpec
  /// The paper's input scale b.
  public var inputScale: Double
  /// Whether x_t is normalised to unit variance before the network (the paper's section 2.2).
  public var normalize: Bool
  /// The schedule and step count used for sampling.
  public var inference: InferenceSection
  /// Settings for `schedtui train`, if any.
  public var training: TrainingSection?

  public init(
    schedule: ScheduleSpec, inputScale: Double = 1, normalize: Bool = true,
    inference: InferenceSection = InferenceSection(), training: TrainingSection? = nil
  ) {
    self.schedule = schedule
    self.inputScale = inputScale
    self.normalize = normalize
    self.inference = inference
    self.training = training
  }

  /// The same config with every schedule field that its family does not read at its default.
  public var canonical: Config {
    var out = self
    out.schedule = schedule.canonical
    out.inference.schedule = inference.schedule.canonical
    return out
  }

  /// The training process: the schedule with b and normalisation, validated.
  public func noiseProcess() throws(ScheduleError) -> NoiseProcess {
    try NoiseProcess(schedule: Schedule(schedule), inputScale: inputScale, normalize: normalize)
  }

  /// Checks every section, as ``decode(_:file:)`` does after parsing. Errors name the field path
  /// (`schedule.tau`, `inference.steps`, `training.lr`, …); `file` is the one given.
  public func validate(file: String = "config") throws(ConfigError) {
    try validate(file: file, locations: .none)
  }

  /// ``validate(file:)`` with the positions of the file's values, for the messages.
  func validate(file: String, locations: JSONLocations) throws(ConfigError) {
    func at(_ prefix: String, _ body: () throws(ScheduleError) -> Void) throws(ConfigError) {
      do {
        try body()
      } catch {
        var e = error.fieldError(.file(file), prefix: prefix)
        let p = locations.position(e.field)
        e.source = .file(file, line: p?.line, column: p?.column)
        throw e
      }
    }
    try at("schedule.") { () throws(ScheduleError) in _ = try Schedule(schedule) }
    try at("") { () throws(ScheduleError) in
      try Schedule.check(inputScale, "inputScale", NoiseProcess.inputScaleAllowed) {
        NoiseProcess.inputScaleRange.contains($0)
      }
    }
    // What the schedule produces, not only its parameters (γ, logSNR finite on t = i/1000).
    try at("schedule.") { () throws(ScheduleError) in
      try NoiseProcess(schedule: Schedule(schedule), inputScale: inputScale).checkOutputs()
    }
    try at("inference.schedule.") { () throws(ScheduleError) in
      _ = try Schedule(inference.schedule)
    }
    try at("inference.") { () throws(ScheduleError) in
      try Schedule.checkInt(inference.steps, "steps", InferenceSection.stepsRange)
    }
    if let training {
      do {
        try training.validate(source: .file(file))
      } catch {
        var e = error
        let p = locations.position(e.field)
        e.source = .file(file, line: p?.line, column: p?.column)
        throw e
      }
    }
  }

  // MARK: - Writing

  /// The config as pretty-printed JSON with a trailing newline.
  public func encoded() -> String {
    json.rendered() + "\n"
  }

  /// The config as a JSON value, in the documented field order.
  public var json: JSONValue {
    var members: [(key: String, value: JSONValue)] = [
      ("schedtui_config_version", .int(Config.currentVersion)),
      ("schedule", Config.json(schedule)),
      ("input_scale", .double(inputScale)),
      ("normalize", .bool(normalize)),
      (
        "inference",
        .object([
          ("schedule", Config.json(inference.schedule)), ("steps", .int(inference.steps)),
        ])
      ),
    ]
    if let training { members.append(("training", training.json)) }
    return .object(members)
  }

  /// A schedule object: `family`, then the fields that family reads (the shift fields only
  /// where they are not at their default: ``ScheduleSpec/storedFields``).
  public static func json(_ spec: ScheduleSpec) -> JSONValue {
    var members: [(key: String, value: JSONValue)] = [("family", .string(spec.family.rawValue))]
    for field in spec.storedFields {
      members.append((field.jsonKey, field.json(spec[field])))
    }
    return .object(members)
  }

  // MARK: - Reading

  /// Parses and validates a config. `file` is only used in messages.
  ///
  /// Either the whole config is returned or a ``ConfigError`` naming the file, the field path and
  /// what is allowed; nothing is half-loaded. Rejected: text that is not JSON, wrong types,
  /// unknown fields (including a field the chosen family does not read), unknown families,
  /// out-of-range values, and a `schedtui_config_version` newer than ``currentVersion``.
  /// `origin` says what a `training` key left out means: the model's default in a config the
  /// user writes, the older meaning in a run folder's own record (``ConfigOrigin``).
  public static func decode(_ text: String, file: String, origin: ConfigOrigin = .userConfig)
    throws(ConfigError) -> Config
  {
    let root: JSONValue
    let locations: JSONLocations
    do {
      (root, locations) = try JSONValue.parseLocated(text)
    } catch {
      throw FieldError(
        field: "", value: nil, allowed: "not valid JSON: \(error.reason)",
        source: .file(file, line: error.line, column: error.column))
    }
    var reader = ObjectReader(root, path: "", file: file, locations: locations)
    try reader.requireObject(what: "a config object {\"schedtui_config_version\": 1, …}")
    guard let versionValue = reader.take("schedtui_config_version") else {
      throw reader.error("schedtui_config_version", "missing; this schedtui reads version 1")
    }
    reader.key = "schedtui_config_version"
    let version = try reader.integer(versionValue, allowed: "1")
    guard version <= currentVersion else {
      throw reader.error(
        "schedtui_config_version",
        "\(version) is newer than this schedtui understands (it reads version \(currentVersion)); "
          + "update schedtui or re-export the config")
    }
    guard version == currentVersion else { throw reader.notAllowed(versionValue, "1") }
    guard let scheduleValue = reader.take("schedule") else {
      throw reader.error("schedule", "missing; a schedule object such as {\"family\": \"linear\"}")
    }
    var config = Config(schedule: try scheduleSpec(reader.nested(scheduleValue, "schedule")))
    try reader.read("input_scale") { (r, v) throws(ConfigError) in
      config.inputScale = try r.double(v, allowed: NoiseProcess.inputScaleAllowed)
    }
    try reader.read("normalize") { (r, v) throws(ConfigError) in config.normalize = try r.bool(v) }
    try reader.read("inference") { (r, v) throws(ConfigError) in
      var inner = r.nested(v, "inference")
      try inner.requireObject(what: "an object {\"schedule\": {…}, \"steps\": N}")
      try inner.read("schedule") { (r, s) throws(ConfigError) in
        config.inference.schedule = try scheduleSpec(r.nested(s, "schedule"))
      }
      try inner.read("steps") { (r, s) throws(ConfigError) in
        config.inference.steps = try r.integer(
          s, allowed: "a whole number in \(InferenceSection.stepsRange.interval)")
      }
      try inner.rejectLeftovers(allowed: ["schedule", "steps"])
    }
    try reader.read("training") { (r, v) throws(ConfigError) in
      var inner = r.nested(v, "training")
      config.training = try TrainingSection.decode(&inner, origin: origin)
    }
    try reader.rejectLeftovers(
      allowed: [
        "schedtui_config_version", "schedule", "input_scale", "normalize", "inference",
        "training",
      ])
    try config.validate(file: file, locations: locations)
    return config
  }

  /// Reads a schedule object with `reader` (which knows its path and file).
  static func scheduleSpec(_ reader: ObjectReader) throws(ConfigError) -> ScheduleSpec {
    var reader = reader
    try reader.requireObject(what: "a schedule object such as {\"family\": \"linear\"}")
    let families = ScheduleFamily.namesList
    guard let familyValue = reader.take("family") else {
      throw reader.error("family", "missing; one of \(families)")
    }
    reader.key = "family"
    guard case .string(let name) = familyValue else {
      throw reader.mistyped(familyValue, "is \(familyValue.kindName)", "a string, one of \(families)")
    }
    guard let family = ScheduleFamily(name: name) else {
      throw reader.error("family", "unknown family \(JSONValue.quoteForMessage(name)); one of \(families)")
    }
    var spec = ScheduleSpec(family: family)
    let fields = ScheduleSpec.allFields(of: family)
    for field in fields {
      try reader.read(field.jsonKey) { (r, v) throws(ConfigError) in
        switch field.kind {
        case _ where field == .trainSteps:
          spec.trainSteps = try r.integer(v, allowed: "a whole number in [2, 1000000]")
        case .flag:
          spec[field] = try r.bool(v) ? 1 : 0
        case .whole:
          spec[field] = Double(try r.integer(v, allowed: field.allowed))
        case .choice(let names):
          let allowed = names.joined(separator: " or ")
          guard case .string(let name) = v, let i = names.firstIndex(of: name) else {
            throw r.notAllowed(v, allowed)
          }
          spec[field] = Double(i)
        case .number:
          spec[field] = try r.double(v, allowed: "a number")
        }
      }
    }
    if let extra = reader.leftoverKeys.first {
      let known = ScheduleField.allCases.contains { $0.jsonKey == extra }
      let allowed = (["family"] + fields.map(\.jsonKey)).joined(separator: ", ")
      throw reader.error(
        extra,
        known
          ? "not used by family \(family.rawValue) (its fields: \(allowed))"
          : "unknown field; family \(family.rawValue) takes \(allowed)")
    }
    return spec
  }
}

extension ScheduleSpec {
  /// Reads a schedule object (`{"family": "cosine", "tau": 2, …}`) as a config stores it; errors
  /// name `file` and the field under `path`. Only checks types and field names: build a
  /// ``Schedule`` to validate the values.
  public init(json: JSONValue, path: String = "schedule", file: String = "config")
    throws(ConfigError)
  {
    self = try Config.scheduleSpec(ObjectReader(json, path: path, file: file))
  }
}

/// The sampling side of a config: which schedule and how many steps.
public struct InferenceSection: Equatable, Sendable {
  /// The schedule the sampler walks (the paper samples with cosine whatever it trained with).
  public var schedule: ScheduleSpec
  /// Sampling steps, in ``stepsRange``.
  public var steps: Int

  /// The steps an inference section may describe (`schedtui export` writes up to this many σ;
  /// the engine's own sampler takes ``TrainingLimits/sampleSteps``).
  public static let stepsRange = 1...100_000

  public init(schedule: ScheduleSpec = ScheduleSpec(family: .cosine), steps: Int = 100) {
    self.schedule = schedule
    self.steps = steps
  }
}

// MARK: - Codable: the same schedule object inside the engine's own files

extension ScheduleSpec: Codable {
  /// A key of a schedule object: a field's config key, or (in files written before the config
  /// coding was shared) its Swift name.
  struct Key: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
  }

  /// Writes the config's schedule object (``Config/json(_:)``): `family` and exactly the fields
  /// that family reads, so a checkpoint, a summary and a config hold a schedule the same way.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    try c.encode(family, forKey: Key(stringValue: "family"))
    for field in storedFields {
      let key = Key(stringValue: field.jsonKey)
      switch field.kind {
      case .whole: try c.encode(Int(self[field]), forKey: key)
      case .flag: try c.encode(self[field] != 0, forKey: key)
      case .choice:
        guard case .string(let name) = field.json(self[field]) else { fallthrough }
        try c.encode(name, forKey: key)
      case .number: try c.encode(self[field], forKey: key)
      }
    }
  }

  /// Reads that object; a field may also be spelt as its Swift name (`clipMin`), as run folders
  /// and sweeps from before 2026-12-01 stored every field. Missing fields take the family's
  /// defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    self.init(family: try c.decode(ScheduleFamily.self, forKey: Key(stringValue: "family")))
    // `clip_min`, `clipMin` and a decoder's snake-case conversion of either are one key.
    func folded(_ key: String) -> String { key.lowercased().filter { $0 != "_" } }
    for field in ScheduleField.allCases {
      guard let key = c.allKeys.first(where: { folded($0.stringValue) == folded(field.rawValue) })
      else { continue }
      switch field.kind {
      case .whole: self[field] = Double(try c.decode(Int.self, forKey: key))
      case .flag: self[field] = try c.decode(Bool.self, forKey: key) ? 1 : 0
      case .choice(let names):
        let name = try c.decode(String.self, forKey: key)
        guard let i = names.firstIndex(of: name) else {
          throw DecodingError.dataCorruptedError(
            forKey: key, in: c, debugDescription: "\(name) is not one of \(names)")
        }
        self[field] = Double(i)
      case .number: self[field] = try c.decode(Double.self, forKey: key)
      }
    }
  }
}
