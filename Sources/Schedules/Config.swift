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
      try at("training.") { () throws(ScheduleError) in try training.validate() }
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

  /// A schedule object: `family`, then exactly the fields that family reads.
  public static func json(_ spec: ScheduleSpec) -> JSONValue {
    var members: [(key: String, value: JSONValue)] = [("family", .string(spec.family.rawValue))]
    for field in ScheduleSpec.allFields(of: spec.family) {
      let value: JSONValue
      switch field {
      case .trainSteps: value = .int(spec.trainSteps)
      case .zeroTerminalSNR: value = .bool(spec.zeroTerminalSNR)
      default: value = .double(spec[field])
      }
      members.append((field.jsonKey, value))
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
  public static func decode(_ text: String, file: String) throws(ConfigError) -> Config {
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
      config.training = try TrainingSection.decode(&inner)
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
        switch field {
        case .trainSteps:
          spec.trainSteps = try r.integer(v, allowed: "a whole number in [2, 1000000]")
        case .zeroTerminalSNR:
          spec.zeroTerminalSNR = try r.bool(v)
        default:
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

/// The optional `training` section, read by `schedtui train` and the explorer's training screen,
/// and written into every run folder's `config.json`.
///
/// Every field is optional in the file (defaults below); unknown fields are rejected like
/// everywhere else, so a typo never silently trains with a default. Ranges are
/// ``TrainingLimits``'.
public struct TrainingSection: Equatable, Sendable {
  public var model: ModelKind
  /// Optimiser steps.
  public var steps: Int
  /// Examples per step.
  public var batch: Int
  /// Peak learning rate.
  public var lr: Double
  /// Seed of every random draw (JSON integers beyond 2^53 do not survive a Double).
  public var seed: UInt64
  public var data: DataKind
  /// Image side in pixels, one of `data.resolutions`.
  public var resolution: Int
  /// The objective: what the network outputs and how the loss weights noise levels
  /// (``Objective``); `minSNRGamma` is used only by the min-snr weighting.
  public var prediction: Parameterization
  public var weighting: LossWeighting
  public var minSNRGamma: Double
  /// How the run samples: the sampler (its steps are the `inference` section's) and the
  /// classifier-free guidance weight w.
  public var sampler: SamplerKind
  public var guidance: Double
  /// The optimiser, its linear warm-up steps and the EMA decay of the sampling weights.
  public var optimizer: OptimizerKind
  public var warmup: Int
  public var ema: Double
  /// Probability that an example's label is dropped (for guidance), in [0, 1).
  public var labelDropout: Double
  /// Samples for the Fréchet distance (0: no metric), and steps between checkpoints.
  public var evalSamples: Int
  public var checkpointEvery: Int

  /// `weighting` nil: ``Objective/defaultWeighting`` for the default prediction, else the
  /// prediction's own (``Parameterization/ownWeighting``).
  public init(
    model: ModelKind = .mlpS, steps: Int? = nil, batch: Int? = nil, lr: Double? = nil,
    seed: UInt64 = 0, data: DataKind = .digits, resolution: Int = 8,
    prediction: Parameterization = Objective.defaultPrediction, weighting: LossWeighting? = nil,
    minSNRGamma: Double = 5, sampler: SamplerKind = .ddpm, guidance: Double = 1,
    optimizer: OptimizerKind = .adamw, warmup: Int = 100, ema: Double = 0.999,
    labelDropout: Double = 0.1, evalSamples: Int? = nil, checkpointEvery: Int = 500
  ) {
    self.model = model
    self.steps = steps ?? model.defaultSteps
    self.batch = batch ?? model.defaultBatch
    self.lr = lr ?? model.defaultLearningRate
    self.seed = seed
    self.data = data
    self.resolution = resolution
    self.prediction = prediction
    self.weighting =
      weighting
      ?? (prediction == Objective.defaultPrediction
        ? Objective.defaultWeighting : prediction.ownWeighting)
    self.minSNRGamma = minSNRGamma
    self.sampler = sampler
    self.guidance = guidance
    self.optimizer = optimizer
    self.warmup = warmup
    self.ema = ema
    self.labelDropout = labelDropout
    self.evalSamples = evalSamples ?? model.defaultEvalSamples
    self.checkpointEvery = checkpointEvery
  }

  /// The allowed values, as the messages state them.
  enum Allowed {
    static let steps = "a whole number in \(TrainingLimits.steps.interval)"
    static let batch = "a whole number in \(TrainingLimits.batch.interval)"
    static let guidance = "a number in \(TrainingLimits.guidance.interval)"
    static let warmup = "a whole number ≥ 0"
    static let ema = "a number in [0, 1)"
    static let labelDropout = "a number in [0, 1)"
    static let evalSamples =
      "0 (no metric) or a whole number in \(TrainingLimits.evalSamples.interval)"
    static let checkpointEvery = "a whole number ≥ 1"
  }

  /// Checks ranges; the error's field is the JSON key (`lr`, `resolution`, …).
  public func validate() throws(ScheduleError) {
    try Schedule.checkInt(steps, "steps", TrainingLimits.steps)
    try Schedule.checkInt(batch, "batch", TrainingLimits.batch)
    try Schedule.check(lr, "lr", TrainingLimits.learningRateText) {
      $0 > 0 && $0 <= TrainingLimits.learningRateMax
    }
    guard seed <= TrainingLimits.seedMax else {
      throw .invalid(field: "seed", value: "\(seed)", allowed: TrainingLimits.seedText)
    }
    try Schedule.check(minSNRGamma, "min_snr_gamma", TrainingLimits.minSNRGammaText) {
      TrainingLimits.allowsMinSNRGamma($0)
    }
    try Schedule.check(guidance, "guidance", Allowed.guidance) {
      TrainingLimits.guidance.contains($0)
    }
    guard data.resolutions.contains(resolution) else {
      throw .invalid(
        field: "resolution", value: "\(resolution)",
        allowed: "one of \(data.resolutions.map(String.init).joined(separator: ", ")) "
          + "for data \(data.name)")
    }
    guard warmup >= 0 else {
      throw .invalid(field: "warmup", value: "\(warmup)", allowed: Allowed.warmup)
    }
    try Schedule.check(ema, "ema", Allowed.ema) { $0 >= 0 && $0 < 1 }
    try Schedule.check(labelDropout, "label_dropout", Allowed.labelDropout) { $0 >= 0 && $0 < 1 }
    guard evalSamples == 0 || TrainingLimits.evalSamples.contains(evalSamples) else {
      throw .invalid(
        field: "eval_samples", value: "\(evalSamples)", allowed: Allowed.evalSamples)
    }
    guard checkpointEvery >= 1 else {
      throw .invalid(
        field: "checkpoint_every", value: "\(checkpointEvery)", allowed: Allowed.checkpointEvery)
    }
  }

  var json: JSONValue {
    .object(TrainingSection.keys.map { ($0.name, $0.write(self)) })
  }

  static func decode(_ reader: inout ObjectReader) throws(ConfigError) -> TrainingSection {
    try reader.requireObject(what: "an object {\"model\": \"mlp-s\", \"steps\": 2000, …}")
    var out = TrainingSection()
    let given = Set(reader.leftoverKeys)
    for key in keys {
      try reader.read(key.name) { (r, v) throws(ConfigError) in try key.read(r, v, &out) }
    }
    // The budget a section leaves out is its model's, as `schedtui train` gives without a file.
    if !given.contains("steps") { out.steps = out.model.defaultSteps }
    if !given.contains("batch") { out.batch = out.model.defaultBatch }
    if !given.contains("lr") { out.lr = out.model.defaultLearningRate }
    if !given.contains("eval_samples") { out.evalSamples = out.model.defaultEvalSamples }
    try reader.rejectLeftovers(allowed: keys.map(\.name))
    return out
  }

  /// One key of the section: its name, how it is written, how it is read (types and names only;
  /// ranges are ``validate()``'s).
  struct Key {
    let name: String
    let write: (TrainingSection) -> JSONValue
    let read: (ObjectReader, JSONValue, inout TrainingSection) throws(ConfigError) -> Void
  }

  /// Every key, in the order the section is written and read (`prediction` before
  /// `weighting`: a prediction alone brings its own weighting, as files from before the
  /// weighting existed were trained).
  static var keys: [Key] {
    [
      choice(\.model), whole("steps", \.steps, Allowed.steps),
      whole("batch", \.batch, Allowed.batch), number("lr", \.lr, TrainingLimits.learningRateText),
      Key(
        name: "seed", write: { .number("\($0.seed)", Double($0.seed)) },
        read: { (r, v, s) throws(ConfigError) in
          let seed = try r.integer(v, allowed: TrainingLimits.seedText)
          guard seed >= 0, UInt64(seed) <= TrainingLimits.seedMax else {
            throw r.notAllowed(v, TrainingLimits.seedText)
          }
          s.seed = UInt64(seed)
        }),
      choice(\.data), whole("resolution", \.resolution, "8, 16, 32 or 64"),
      Key(
        name: "prediction", write: { .string($0.prediction.name) },  // Parameterization's key
        read: { (r, v, s) throws(ConfigError) in
          s.prediction = try r.choice(v)
          s.weighting = s.prediction.ownWeighting
        }),
      choice(\.weighting),
      number("min_snr_gamma", \.minSNRGamma, TrainingLimits.minSNRGammaText),
      choice(\.sampler), number("guidance", \.guidance, Allowed.guidance),
      choice(\.optimizer), whole("warmup", \.warmup, Allowed.warmup),
      number("ema", \.ema, Allowed.ema),
      number("label_dropout", \.labelDropout, Allowed.labelDropout),
      whole("eval_samples", \.evalSamples, Allowed.evalSamples),
      whole("checkpoint_every", \.checkpointEvery, Allowed.checkpointEvery),
    ]
  }

  static func whole(
    _ name: String, _ path: WritableKeyPath<TrainingSection, Int>, _ allowed: String
  ) -> Key {
    scalar(name, path, JSONValue.int) { (r, v) throws(ConfigError) in
      try r.integer(v, allowed: allowed)
    }
  }

  static func number(
    _ name: String, _ path: WritableKeyPath<TrainingSection, Double>, _ allowed: String
  ) -> Key {
    scalar(name, path, JSONValue.double) { (r, v) throws(ConfigError) in
      try r.double(v, allowed: allowed)
    }
  }

  static func scalar<T>(
    _ name: String, _ path: WritableKeyPath<TrainingSection, T>,
    _ write: @escaping (T) -> JSONValue,
    _ read: @escaping (ObjectReader, JSONValue) throws(ConfigError) -> T
  ) -> Key {
    Key(
      name: name, write: { write($0[keyPath: path]) },
      read: { (r, v, s) throws(ConfigError) in s[keyPath: path] = try read(r, v) })
  }

  /// A vocabulary's key: its name is the vocabulary's own config key (`training.model`).
  static func choice<V: Vocabulary>(_ path: WritableKeyPath<TrainingSection, V>) -> Key {
    precondition(V.configKey.hasPrefix("training."), "\(V.configKey) is not a training key")
    return Key(
      name: String(V.configKey.dropFirst("training.".count)), write: { .string($0[keyPath: path].name) },
      read: { (r, v, s) throws(ConfigError) in s[keyPath: path] = try r.choice(v) })
  }
}

/// Walks one JSON object, handing out members by key and remembering which were used, so the
/// leftovers can be reported as unknown fields with their full path and position.
struct ObjectReader {
  let value: JSONValue
  let path: String
  let file: String
  let locations: JSONLocations
  var members: [(key: String, value: JSONValue)] = []
  /// The key being read by ``read(_:_:)``, which the value checks name.
  var key = ""

  init(_ value: JSONValue, path: String, file: String, locations: JSONLocations = .none) {
    self.value = value
    self.path = path
    self.file = file
    self.locations = locations
    if case .object(let m) = value { members = m }
  }

  func fullPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  /// A reader for the object at `key` (its members' errors name `path.key.…`).
  func nested(_ value: JSONValue, _ key: String) -> ObjectReader {
    ObjectReader(value, path: fullPath(key), file: file, locations: locations)
  }

  /// The file with the line and column of the value at `key`'s full path, when known.
  func source(_ key: String) -> FieldError.Source {
    let p = locations.position(key.isEmpty ? path : fullPath(key))
    return .file(file, line: p?.line, column: p?.column)
  }

  func error(_ key: String, _ message: String) -> ConfigError {
    FieldError(field: fullPath(key), value: nil, allowed: message, source: source(key))
  }

  /// `value is not allowed: allowed`, about the key being read.
  func notAllowed(_ v: JSONValue, _ allowed: String) -> ConfigError {
    FieldError(field: fullPath(key), value: v.shortText, allowed: allowed, source: source(key))
  }

  /// `value reason; expected allowed`, about the key being read.
  func mistyped(_ v: JSONValue, _ reason: String, _ allowed: String) -> ConfigError {
    FieldError(
      field: fullPath(key), value: v.shortText, allowed: allowed, reason: reason,
      source: source(key))
  }

  func requireObject(what: String) throws(ConfigError) {
    guard case .object = value else {
      throw FieldError(
        field: path, value: nil, allowed: "\(value.kindName) where \(what) belongs",
        source: source(""))
    }
  }

  mutating func take(_ key: String) -> JSONValue? {
    guard let i = members.firstIndex(where: { $0.key == key }) else { return nil }
    return members.remove(at: i).value
  }

  /// Runs `body` on the member `key` if the object has it.
  mutating func read(
    _ key: String, _ body: (ObjectReader, JSONValue) throws(ConfigError) -> Void
  ) throws(ConfigError) {
    guard let v = take(key) else { return }
    self.key = key
    try body(self, v)
  }

  var leftoverKeys: [String] { members.map(\.key) }

  func rejectLeftovers(allowed: [String]) throws(ConfigError) {
    if let extra = members.first {
      throw error(extra.key, "unknown field; allowed here: \(allowed.joined(separator: ", "))")
    }
  }

  func double(_ v: JSONValue, allowed: String) throws(ConfigError) -> Double {
    guard case .number(_, let x) = v else { throw mistyped(v, "is \(v.kindName)", allowed) }
    return x
  }

  func integer(_ v: JSONValue, allowed: String) throws(ConfigError) -> Int {
    guard case .number(_, let x) = v else { throw mistyped(v, "is \(v.kindName)", allowed) }
    guard x == x.rounded() else { throw mistyped(v, "is not a whole number", allowed) }
    // From 2^53 up a double no longer holds every whole number (2^53 + 1 reads as 2^53): no
    // field allows such values, so refuse them as written instead of using a neighbour.
    guard Swift.abs(x) < 9_007_199_254_740_992 else { throw notAllowed(v, allowed) }
    return Int(x)
  }

  func bool(_ v: JSONValue) throws(ConfigError) -> Bool {
    guard case .bool(let b) = v else { throw mistyped(v, "is \(v.kindName)", "true or false") }
    return b
  }

  func choice<V: Vocabulary>(_ v: JSONValue) throws(ConfigError) -> V {
    let names = V.names.map(JSONValue.quote).joined(separator: ", ")
    guard case .string(let s) = v else {
      throw mistyped(v, "is \(v.kindName)", "one of \(names)")
    }
    guard let c = V(name: s) else { throw notAllowed(v, "one of \(names)") }
    return c
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
    for field in ScheduleSpec.allFields(of: family) {
      let key = Key(stringValue: field.jsonKey)
      switch field {
      case .trainSteps: try c.encode(trainSteps, forKey: key)
      case .zeroTerminalSNR: try c.encode(zeroTerminalSNR, forKey: key)
      default: try c.encode(self[field], forKey: key)
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
      switch field {
      case .trainSteps: trainSteps = try c.decode(Int.self, forKey: key)
      case .zeroTerminalSNR: zeroTerminalSNR = try c.decode(Bool.self, forKey: key)
      default: self[field] = try c.decode(Double.self, forKey: key)
      }
    }
  }
}
