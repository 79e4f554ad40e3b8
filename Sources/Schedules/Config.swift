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
    func at(_ prefix: String, _ body: () throws(ScheduleError) -> Void) throws(ConfigError) {
      do {
        try body()
      } catch {
        guard case .invalid(let field, let value, let allowed) = error else { return }
        let key = ScheduleField(errorField: field)?.jsonKey ?? field
        throw ConfigError(
          file: file, path: prefix + key, message: "\(value) is not allowed: \(allowed)")
      }
    }
    try at("schedule.") { () throws(ScheduleError) in _ = try Schedule(schedule) }
    try at("") { () throws(ScheduleError) in
      try Schedule.check(inputScale, "input_scale", NoiseProcess.inputScaleAllowed) {
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
      try Schedule.checkInt(inference.steps, "steps", 1...100_000)
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
    do {
      root = try JSONValue.parse(text)
    } catch {
      throw ConfigError(file: file, path: "", message: "not valid JSON: \(error)")
    }
    var reader = ObjectReader(root, path: "", file: file)
    try reader.requireObject(what: "a config object {\"schedtui_config_version\": 1, …}")
    guard let versionValue = reader.take("schedtui_config_version") else {
      throw reader.error("schedtui_config_version", "missing; this schedtui reads version 1")
    }
    let version = try reader.integer(versionValue, "schedtui_config_version", allowed: "1")
    guard version <= currentVersion else {
      throw reader.error(
        "schedtui_config_version",
        "\(version) is newer than this schedtui understands (it reads version \(currentVersion)); "
          + "update schedtui or re-export the config")
    }
    guard version == currentVersion else {
      throw reader.error("schedtui_config_version", "\(version) is not allowed: 1")
    }
    guard let scheduleValue = reader.take("schedule") else {
      throw reader.error("schedule", "missing; a schedule object such as {\"family\": \"linear\"}")
    }
    var config = Config(schedule: try scheduleSpec(scheduleValue, path: "schedule", file: file))
    if let v = reader.take("input_scale") {
      config.inputScale = try reader.double(
        v, "input_scale", allowed: NoiseProcess.inputScaleAllowed)
    }
    if let v = reader.take("normalize") {
      config.normalize = try reader.bool(v, "normalize")
    }
    if let v = reader.take("inference") {
      var inner = ObjectReader(v, path: "inference", file: file)
      try inner.requireObject(what: "an object {\"schedule\": {…}, \"steps\": N}")
      if let s = inner.take("schedule") {
        config.inference.schedule = try scheduleSpec(s, path: "inference.schedule", file: file)
      }
      if let s = inner.take("steps") {
        config.inference.steps = try inner.integer(
          s, "steps", allowed: "a whole number in [1, 100000]")
      }
      try inner.rejectLeftovers(allowed: ["schedule", "steps"])
    }
    if let v = reader.take("training") {
      config.training = try TrainingSection.decode(v, file: file)
    }
    try reader.rejectLeftovers(
      allowed: [
        "schedtui_config_version", "schedule", "input_scale", "normalize", "inference",
        "training",
      ])
    try config.validate(file: file)
    return config
  }

  /// Reads a schedule object at `path`.
  static func scheduleSpec(_ value: JSONValue, path: String, file: String)
    throws(ConfigError) -> ScheduleSpec
  {
    var reader = ObjectReader(value, path: path, file: file)
    try reader.requireObject(what: "a schedule object such as {\"family\": \"linear\"}")
    let families = ScheduleFamily.allCases.map(\.rawValue).joined(separator: ", ")
    guard let familyValue = reader.take("family") else {
      throw reader.error("family", "missing; one of \(families)")
    }
    guard case .string(let name) = familyValue else {
      throw reader.error(
        "family",
        "\(familyValue.shortText) is \(familyValue.kindName); "
          + "expected a string, one of \(families)")
    }
    guard let family = ScheduleFamily(rawValue: name) else {
      throw reader.error("family", "unknown family \(JSONValue.quote(name)); one of \(families)")
    }
    var spec = ScheduleSpec(family: family)
    let fields = ScheduleSpec.allFields(of: family)
    for field in fields {
      guard let v = reader.take(field.jsonKey) else { continue }
      switch field {
      case .trainSteps:
        spec.trainSteps = try reader.integer(
          v, field.jsonKey, allowed: "a whole number in [2, 1000000]")
      case .zeroTerminalSNR:
        spec.zeroTerminalSNR = try reader.bool(v, field.jsonKey)
      default:
        spec[field] = try reader.double(v, field.jsonKey, allowed: "a number")
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
    self = try Config.scheduleSpec(json, path: path, file: file)
  }
}

/// The sampling side of a config: which schedule and how many steps.
public struct InferenceSection: Equatable, Sendable {
  /// The schedule the sampler walks (the paper samples with cosine whatever it trained with).
  public var schedule: ScheduleSpec
  /// Sampling steps, 1…100000.
  public var steps: Int

  public init(schedule: ScheduleSpec = ScheduleSpec(family: .cosine), steps: Int = 100) {
    self.schedule = schedule
    self.steps = steps
  }
}

/// The optional `training` section, read by `schedtui train` and the explorer's training screen.
///
/// Every field is optional in the file (defaults below); unknown fields are rejected like
/// everywhere else, so a typo never silently trains with a default.
public struct TrainingSection: Equatable, Sendable {
  /// The denoiser (issue 4's reference models).
  public enum Model: String, CaseIterable, Sendable {
    case mlpS = "mlp-s"
    case convResS = "convres-s"
  }
  /// The training data: the bundled digits or patches of the bundled images.
  public enum Data: String, CaseIterable, Sendable { case digits, patches }
  /// The sampler for the run's samples and metric (Engine's `SamplerKind`: Schedules cannot see
  /// it); its steps are the `inference` section's.
  public enum Sampler: String, CaseIterable, Sendable { case ddpm, ddim }

  public var model: Model
  /// Optimiser steps, 1…10,000,000.
  public var steps: Int
  /// Examples per step, 1…65,536.
  public var batch: Int
  /// Peak learning rate, in (0, 1].
  public var lr: Double
  /// Seed of every random draw, 0…2^53 (JSON integers beyond that do not survive a Double).
  public var seed: UInt64
  public var data: Data
  /// Image side in pixels: 8, 16 or 32 for digits; 16, 32 or 64 for patches.
  public var resolution: Int
  /// The objective: what the network outputs and how the loss weights noise levels
  /// (``Objective``); `minSNRGamma` is used only by the min-snr weighting.
  public var prediction: Parameterization
  public var weighting: LossWeighting
  public var minSNRGamma: Double
  /// How the run samples: the sampler and the classifier-free guidance weight w, in [0, 20].
  public var sampler: Sampler
  public var guidance: Double

  /// `weighting` nil: ``Objective/defaultWeighting`` for the default prediction, else the
  /// prediction's own (``Parameterization/ownWeighting``).
  public init(
    model: Model = .mlpS, steps: Int = 2000, batch: Int = 256, lr: Double = 1e-3,
    seed: UInt64 = 0, data: Data = .digits, resolution: Int = 8,
    prediction: Parameterization = Objective.defaultPrediction, weighting: LossWeighting? = nil,
    minSNRGamma: Double = 5, sampler: Sampler = .ddpm, guidance: Double = 1
  ) {
    self.model = model
    self.steps = steps
    self.batch = batch
    self.lr = lr
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
  }

  /// The resolutions `data` comes in.
  public static func resolutions(for data: Data) -> [Int] {
    data == .digits ? [8, 16, 32] : [16, 32, 64]
  }

  /// Checks ranges; the error's field is the JSON key (`lr`, `resolution`, …).
  public func validate() throws(ScheduleError) {
    try Schedule.checkInt(steps, "steps", 1...10_000_000)
    try Schedule.checkInt(batch, "batch", 1...65536)
    try Schedule.check(lr, "lr", "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
    guard seed <= 1 << 53 else {
      throw .invalid(field: "seed", value: "\(seed)", allowed: "a whole number in [0, 2^53]")
    }
    try Schedule.check(minSNRGamma, "min_snr_gamma", "a number in (0, 1e6]") {
      $0 > 0 && $0 <= 1e6
    }
    try Schedule.check(guidance, "guidance", "a number in [0, 20]") { $0 >= 0 && $0 <= 20 }
    let allowed = TrainingSection.resolutions(for: data)
    guard allowed.contains(resolution) else {
      throw .invalid(
        field: "resolution", value: "\(resolution)",
        allowed:
          "one of \(allowed.map(String.init).joined(separator: ", ")) for data \(data.rawValue)")
    }
  }

  var json: JSONValue {
    .object([
      ("model", .string(model.rawValue)), ("steps", .int(steps)), ("batch", .int(batch)),
      ("lr", .double(lr)), ("seed", .number("\(seed)", Double(seed))),
      ("data", .string(data.rawValue)), ("resolution", .int(resolution)),
      ("prediction", .string(prediction.rawValue)), ("weighting", .string(weighting.rawValue)),
      ("min_snr_gamma", .double(minSNRGamma)), ("sampler", .string(sampler.rawValue)),
      ("guidance", .double(guidance)),
    ])
  }

  static func decode(_ value: JSONValue, file: String) throws(ConfigError) -> TrainingSection {
    var reader = ObjectReader(value, path: "training", file: file)
    try reader.requireObject(what: "an object {\"model\": \"mlp-s\", \"steps\": 2000, …}")
    var out = TrainingSection()
    if let v = reader.take("model") { out.model = try reader.choice(v, "model", Model.self) }
    if let v = reader.take("steps") {
      out.steps = try reader.integer(v, "steps", allowed: "a whole number in [1, 10000000]")
    }
    if let v = reader.take("batch") {
      out.batch = try reader.integer(v, "batch", allowed: "a whole number in [1, 65536]")
    }
    if let v = reader.take("lr") {
      out.lr = try reader.double(v, "lr", allowed: "a number in (0, 1]")
    }
    if let v = reader.take("seed") {
      let seed = try reader.integer(v, "seed", allowed: "a whole number in [0, 2^53]")
      guard seed >= 0 else {
        throw reader.error("seed", "\(seed) is not allowed: a whole number in [0, 2^53]")
      }
      out.seed = UInt64(seed)
    }
    if let v = reader.take("data") { out.data = try reader.choice(v, "data", Data.self) }
    if let v = reader.take("resolution") {
      out.resolution = try reader.integer(v, "resolution", allowed: "8, 16, 32 or 64")
    }
    if let v = reader.take("prediction") {
      // A prediction without a weighting trains with its own MSE, as files written before the
      // field existed did; with neither, the defaults stand.
      out.prediction = try reader.choice(v, "prediction", Parameterization.self)
      out.weighting = out.prediction.ownWeighting
    }
    if let v = reader.take("weighting") {
      out.weighting = try reader.choice(v, "weighting", LossWeighting.self)
    }
    if let v = reader.take("min_snr_gamma") {
      out.minSNRGamma = try reader.double(v, "min_snr_gamma", allowed: "a number in (0, 1e6]")
    }
    if let v = reader.take("sampler") {
      out.sampler = try reader.choice(v, "sampler", Sampler.self)
    }
    if let v = reader.take("guidance") {
      out.guidance = try reader.double(v, "guidance", allowed: "a number in [0, 20]")
    }
    try reader.rejectLeftovers(
      allowed: [
        "model", "steps", "batch", "lr", "seed", "data", "resolution", "prediction", "weighting",
        "min_snr_gamma", "sampler", "guidance",
      ])
    return out
  }
}

/// A config file that cannot be used: which file, which field, what is wrong and what is allowed.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
  public let file: String
  /// The field path (`schedule.tau`, `training.lr`); empty when the whole file is at fault.
  public let path: String
  public let message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
  }
}

/// Walks one JSON object, handing out members by key and remembering which were used, so the
/// leftovers can be reported as unknown fields with their full path.
struct ObjectReader {
  let value: JSONValue
  let path: String
  let file: String
  var members: [(key: String, value: JSONValue)] = []

  init(_ value: JSONValue, path: String, file: String) {
    self.value = value
    self.path = path
    self.file = file
    if case .object(let m) = value { members = m }
  }

  func fullPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  func error(_ key: String, _ message: String) -> ConfigError {
    ConfigError(file: file, path: fullPath(key), message: message)
  }

  func requireObject(what: String) throws(ConfigError) {
    guard case .object = value else {
      throw ConfigError(file: file, path: path, message: "\(value.kindName) where \(what) belongs")
    }
  }

  mutating func take(_ key: String) -> JSONValue? {
    guard let i = members.firstIndex(where: { $0.key == key }) else { return nil }
    return members.remove(at: i).value
  }

  var leftoverKeys: [String] { members.map(\.key) }

  func rejectLeftovers(allowed: [String]) throws(ConfigError) {
    if let extra = members.first {
      throw error(extra.key, "unknown field; allowed here: \(allowed.joined(separator: ", "))")
    }
  }

  func double(_ v: JSONValue, _ key: String, allowed: String) throws(ConfigError) -> Double {
    guard case .number(_, let x) = v else {
      throw error(key, "\(v.shortText) is \(v.kindName); expected \(allowed)")
    }
    return x
  }

  func integer(_ v: JSONValue, _ key: String, allowed: String) throws(ConfigError) -> Int {
    guard case .number(let text, let x) = v else {
      throw error(key, "\(v.shortText) is \(v.kindName); expected \(allowed)")
    }
    guard x == x.rounded(), Swift.abs(x) <= 9_007_199_254_740_992 else {
      throw error(key, "\(text) is not a whole number; expected \(allowed)")
    }
    return Int(x)
  }

  func bool(_ v: JSONValue, _ key: String) throws(ConfigError) -> Bool {
    guard case .bool(let b) = v else {
      throw error(key, "\(v.shortText) is \(v.kindName); expected true or false")
    }
    return b
  }

  func choice<C: RawRepresentable & CaseIterable>(_ v: JSONValue, _ key: String, _: C.Type)
    throws(ConfigError) -> C where C.RawValue == String
  {
    let names = C.allCases.map { JSONValue.quote($0.rawValue) }.joined(separator: ", ")
    guard case .string(let s) = v else {
      throw error(key, "\(v.shortText) is \(v.kindName); expected one of \(names)")
    }
    guard let c = C(rawValue: s) else {
      throw error(key, "\(JSONValue.quote(s)) is not allowed: one of \(names)")
    }
    return c
  }
}
