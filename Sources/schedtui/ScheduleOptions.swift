import ArgumentParser
import Engine
import Foundation
import Schedules


/// The schedule options every command shares: a family and its parameters, the input scale and
/// normalisation, or a whole config file (`--config`) or preset (`--preset`) instead.
///
/// Use ``spec()``, ``schedule()``, ``noiseProcess()`` or ``config()``: each validates and throws
/// a `ValidationError` (or a ``Schedules/ConfigError`` for a bad file) whose message names the
/// option (`--tau`), the value and what is allowed.
///
/// `Check` says when ``check()`` runs: on parse (``ScheduleOptions``, every command but one), or
/// when the command calls it (`train`, whose `--resume` refuses any schedule option first: a
/// parse-time check would answer `--resume R --tau 2` with the family's rule instead).
struct ScheduleOptionsOf<Check: ScheduleCheck>: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Schedule family (default linear).",
      valueName: "name"))
  var family: ScheduleFamily?

  // One option per declared schedule field (the family files in Schedules/Families), written
  // at build time by Plugins/ScheduleOptionsPlugin: ArgumentParser needs each option as a
  // stored property, which no declaration can add, so a new field's option is generated, not
  // typed. `ScheduleFieldReachabilityTests` fails for a declared field without one.
  @OptionGroup var fields: ScheduleFieldOptions

  @Option(
    name: .customLong("scale"), parsing: .unconditional, help: "Input scale b > 0 (default 1).")
  var inputScale: Double?

  @Flag(
    inversion: .prefixedNo,
    help: "Normalise x_t to unit variance before the network (default: on).")
  var normalize: Bool?

  @Option(
    name: .customLong("config"), parsing: .unconditional,
    help: ArgumentHelp("Read the schedule from a schedtui JSON config.", valueName: "file"))
  var configPath: String?

  @Option(
    help: ArgumentHelp(
      "Start from a named preset (see `schedtui presets`).", valueName: "name"))
  var preset: String?

  /// The schedule parameters given on the command line, as ``ScheduleSpec``'s subscript takes
  /// them (`--zero-terminal-snr` as 1), in declaration order; a word (`--flux-mu auto`) stores
  /// nothing.
  var givenValues: [(field: ScheduleField, value: Double)] {
    fields.given.compactMap { given in given.value.map { (given.field, $0) } }
  }

  /// The schedule options given on the command line, a word (`--flux-mu auto`) too, with their
  /// option names.
  var givenFields: [(field: ScheduleField, option: String)] {
    fields.given.map { ($0.field, $0.field.option) }
  }

  /// The schedule's options given, by name: the family, its parameters, the input scale and
  /// normalisation, a config or preset.
  var given: [String] {
    (family != nil ? ["--family"] : []) + givenFields.map(\.option)
      + [
        ("--scale", inputScale != nil),
        (normalize == true ? "--normalize" : "--no-normalize", normalize != nil),
        ("--config", configPath != nil), ("--preset", preset != nil),
      ].filter(\.1).map(\.0)
  }

  func validate() throws {
    if Check.onParse { try check() }
  }

  /// Refuses options that cannot be combined and a schedule that is not allowed.
  func check() throws {
    if configPath != nil, preset != nil {
      throw ValidationError("--config and --preset cannot be combined: choose one.")
    }
    if let source = configPath != nil ? "--config" : preset != nil ? "--preset" : nil {
      var given = givenFields.map(\.option)
      if family != nil { given.insert("--family", at: 0) }
      if source == "--config" {
        if inputScale != nil { given.append("--scale") }
        if normalize != nil { given.append(normalize! ? "--normalize" : "--no-normalize") }
      }
      if let first = given.first {
        throw ValidationError(
          "\(first) cannot be combined with \(source): the schedule comes from \(source)"
            + (source == "--preset"
              ? " (only --scale and --[no-]normalize may override it)."
              : "; edit the file or drop \(source)."))
      }
    }
    _ = try spec()
  }

  /// The chosen schedule spec, validated. Without `--family` (and no config or preset) the
  /// schedule is the paper's `linear`, γ = 1 − t.
  func spec() throws -> ScheduleSpec {
    try config().schedule
  }

  /// The chosen schedule, validated.
  func schedule() throws -> Schedule {
    try Schedule(spec())
  }

  /// The chosen schedule with its input scale and normalisation, validated.
  func noiseProcess() throws -> NoiseProcess {
    let c = try config()
    do {
      return try NoiseProcess(
        schedule: Schedule(c.schedule), inputScale: c.inputScale,
        normalize: c.normalize)
    } catch {
      throw ValidationError(describe(error))
    }
  }

  /// The loaded config (`--config`), the preset's (`--preset`), or one built from the options
  /// with the default inference section and no training section; validated.
  func config() throws -> Config {
    if let path = configPath {
      return try Self.loadConfig(path)
    }
    var c: Config
    if let name = preset {
      guard let p = Preset.named(name) else {
        throw ValidationError(
          "--preset \(name) is not a preset: run `schedtui presets` to list them "
            + "(e.g. \(Preset.all.prefix(3).map(\.name).joined(separator: ", "))).")
      }
      c = p.config
    } else {
      let family = self.family ?? .linear
      var spec = ScheduleSpec(family: family)
      let used = Set(ScheduleSpec.allFields(of: family))
      let given = fields.given
      for (field, option) in givenFields where !used.contains(field) {
        let takes = ScheduleSpec.allFields(of: family).map(\.option).joined(separator: ", ")
        throw ValidationError(
          "\(option) is not used by family \(family.rawValue) (it takes \(takes)).")
      }
      for (field, value) in givenValues { spec[field] = value }
      // A word keeps the default for another field to decide: it needs that field.
      for (field, value) in fields.given where value == nil {
        guard let word = field.word, let needs = ScheduleField(rawValue: word.needs) else { continue }
        if !given.contains(where: { $0.field == needs }) {
          throw ValidationError("\(field.option) \(word.word) needs \(needs.option) \(word.needsWhy)")
        }
      }
      c = Config(schedule: spec)
    }
    if let inputScale { c.inputScale = inputScale }
    if let normalize { c.normalize = normalize }
    do {
      try NoiseProcess(schedule: Schedule(c.schedule), inputScale: c.inputScale).checkOutputs()
    } catch {
      throw ValidationError(describe(error))
    }
    return c
  }

  /// A schedule error in the words of the command line: the option, the value (and the file or
  /// preset it came from), what is allowed.
  func describe(_ error: ScheduleError) -> String {
    var e = error.fieldError(.commandLine)
    if let value = e.value, let source = configPath.map({ "--config \($0)" }) ?? preset.map({ "--preset \($0)" }) {
      e.value = "\(value) (from \(source))"
    }
    return e.description
  }

  /// The largest config file read: a config is a few kilobytes, and a 50 MB one once took
  /// 7.6 s and 1.24 GB before its first unknown field was refused.
  static var configByteLimit: Int { 4 << 20 }

  /// Reads and validates a config file; a missing, unreadable or too large file is a
  /// ``ConfigError`` too.
  static func loadConfig(_ path: String) throws -> Config {
    let data: Data
    do {
      data = try BoundedFile.read(path, limit: configByteLimit)
    } catch .tooLarge(_, let size, let limit) {
      let has = size.map { "it is \(BoundedFile.bytes($0))" } ?? "it is larger than that"
      throw ConfigError(
        file: path, path: "",
        message: "too large: a schedtui config is at most \(BoundedFile.bytes(limit)); \(has)")
    } catch {
      throw ConfigError(file: path, path: "", message: "cannot read the file (\(readReason(path)))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(file: path, path: "", message: "not UTF-8 text; a JSON config is expected")
    }
    return try Config.decode(text, file: path, origin: RunFolder.configOrigin(of: path))
  }

  static func readReason(_ path: String) -> String {
    var isDir: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) { return "no such file" }
    if isDir.boolValue { return "it is a folder" }
    return "permission denied or I/O error"
  }
}

/// When the schedule options are checked.
protocol ScheduleCheck { static var onParse: Bool { get } }
/// On parse, as ArgumentParser validates an option group.
enum CheckedOnParse: ScheduleCheck { static var onParse: Bool { true } }
/// By the command, calling ``ScheduleOptionsOf/check()`` where its own rules allow.
enum CheckedByCommand: ScheduleCheck { static var onParse: Bool { false } }

/// The schedule options every command but `train` takes, checked on parse.
typealias ScheduleOptions = ScheduleOptionsOf<CheckedOnParse>

extension NameSpecification {
  /// The option a schedule field declares: `--laplace-mu`.
  static func field(_ f: ScheduleField) -> NameSpecification {
    .customLong(String(f.option.dropFirst(2)))
  }
}

extension ArgumentHelp {
  /// The `--help` line a schedule field declares.
  static func field(_ f: ScheduleField) -> ArgumentHelp { ArgumentHelp(f.help) }
}
