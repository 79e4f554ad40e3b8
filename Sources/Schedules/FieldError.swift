/// A value a user gave that cannot be used: the field as the user named it, the value, what is
/// allowed, and where the value came from.
///
/// The one error type every user-facing field check ends in: the command line (`field` is the
/// option, `--batch`), config and sweep files (`field` is the key path, `training.batch`, with the
/// file and the value's line and column when known) and the explorer (`field` is the row's
/// label). A training setting is named for its place by ``TrainingSetting/name(for:)``; internal
/// schedule checks throw ``ScheduleError`` with the property's name, and
/// ``ScheduleError/fieldError(_:)`` names it for the place it came from.
///
/// ```
/// --batch 70000 is not allowed: a whole number in 1 … 4096.
/// run.json:7:14: training.batch: 70000 is not allowed: a whole number in 1 … 4096
/// batch = 70000 is not allowed: a whole number in 1 … 4096
/// ```
public struct FieldError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where a value came from, which decides how its field is named.
  public enum Source: Equatable, Sendable {
    /// A command-line option: the field is the option with its dashes.
    case commandLine
    /// A file: the field is the key path (empty for the whole file); the value's position when
    /// the reader knows it.
    case file(String, line: Int? = nil, column: Int? = nil)
    /// The explorer: the field is the row's label.
    case explorer
  }

  /// The field as the user names it where the value came from.
  public var field: String
  /// The value as the user wrote it; nil when there is none (a missing field, a whole file).
  public var value: String?
  /// What is allowed (or, without a value, what is wrong).
  public var allowed: String
  /// Why the value is refused when it is not simply out of range: `is a string`, `is not a
  /// whole number`, `unknown field`; nil for "is not allowed".
  public var reason: String?
  public var source: Source

  public init(
    field: String, value: String?, allowed: String, reason: String? = nil, source: Source
  ) {
    self.field = field
    self.value = value
    self.allowed = allowed
    self.reason = reason
    self.source = source
  }

  /// What is wrong, without the field and the place: `70000 is not allowed: …`,
  /// `"2" is a string; expected a number`, `missing; one of …`.
  public var message: String {
    let value = self.value.map { Self.readable($0) }
    switch (value, reason) {
    case (let value?, let reason?): return "\(value) \(reason); expected \(allowed)"
    case (let value?, nil): return "\(value) is not allowed: \(allowed)"
    case (nil, let reason?): return "\(reason); \(allowed)"
    case (nil, nil): return allowed
    }
  }

  public var description: String {
    let field = Self.readable(self.field)
    switch source {
    case .commandLine:
      return value == nil ? "\(field): \(message)." : "\(field) \(message)."
    case .explorer:
      return value == nil ? "\(field): \(message)" : "\(field) = \(message)"
    case .file(let file, let line, let column):
      var place = Self.readable(file, limit: 400)
      if let line { place += ":\(line)" + (column.map { ":\($0)" } ?? "") }
      return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
  }

  /// Text from a user or a file as a message repeats it: control characters (ESC, BEL, …)
  /// escaped as `\u{1B}` so they cannot drive the terminal, and anything longer than `limit`
  /// characters cut to a prefix with its length (`"xxxx…" (20000000 characters)`): a 20 MB
  /// value once became a 20 MB error line.
  public static func readable(_ text: String, limit: Int = 200) -> String {
    var out = ""
    var count = 0
    for ch in text {
      count += 1
      guard count <= limit else { continue }
      for scalar in ch.unicodeScalars { out += escaped(scalar) }
    }
    return count <= limit ? out : out + "… (\(count) characters)"
  }

  /// A whole message or output line as the command line prints it: every control character but
  /// newline and tab shown escaped (`\u{1B}`), nothing cut. A path or value from the user or a
  /// file may hold ESC or BEL, which a terminal would obey (set its title, change colours).
  public static func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else {
      return text
    }
    var out = ""
    for scalar in text.unicodeScalars {
      out += scalar == "\n" || scalar == "\t" ? String(scalar) : escaped(scalar)
    }
    return out
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  /// A control character as `\u{1B}`; any other character as itself.
  static func escaped(_ scalar: Unicode.Scalar) -> String {
    isControl(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
  }

  // MARK: - As a config error

  /// The file a config error is about ("" for other sources).
  public var file: String {
    if case .file(let f, _, _) = source { return f }
    return ""
  }

  /// The key path of a config error (`schedule.tau`); empty when the whole file is at fault.
  public var path: String { field }
}

/// A config file that cannot be used: a ``FieldError`` from a file.
public typealias ConfigError = FieldError

extension FieldError {
  /// An error about the value at `path` of `file`, with `message` saying what is wrong.
  public init(file: String, path: String, message: String) {
    self.init(field: path, value: nil, allowed: message, source: .file(file))
  }
}

// MARK: - Naming the schedule's fields

/// How the user names a schedule value in each place: the option, the config key, the label.
public struct FieldNames: Sendable, Equatable {
  public var option: String
  /// The key in a config; inside the `schedule` object unless `isTopLevel` (`input_scale`).
  public var configKey: String
  public var label: String
  public var isTopLevel = false

  /// The names of the property a ``ScheduleError`` reports (`tau`, `inputScale`, `family`), or
  /// nil for a name that is not one of the schedule's.
  public init?(property: String) {
    if let f = ScheduleField(rawValue: property) {
      self.init(option: f.option, configKey: f.jsonKey, label: f.label)
    } else if property == "inputScale" {
      self.init(option: "--scale", configKey: "input_scale", label: "b (input scale)")
      isTopLevel = true
    } else if property == "family" {
      self.init(option: "--family", configKey: "family", label: "family")
    } else {
      return nil
    }
  }

  public init(option: String, configKey: String, label: String) {
    self.option = option
    self.configKey = configKey
    self.label = label
  }

  /// The name for `source`; `prefix` goes before a config key (`schedule.`) that is not
  /// top-level.
  public func name(for source: FieldError.Source, prefix: String = "") -> String {
    switch source {
    case .commandLine: return option
    case .file: return (isTopLevel ? "" : prefix) + configKey
    case .explorer: return label
    }
  }
}

extension ScheduleError {
  /// The error named as the user knows the field where the value came from; `prefix` goes
  /// before a config key (`schedule.`, `inference.schedule.`).
  public func fieldError(_ source: FieldError.Source, prefix: String = "") -> FieldError {
    switch self {
    case .invalid(let property, let value, let allowed):
      let name = FieldNames(property: property)?.name(for: source, prefix: prefix)
      return FieldError(
        field: name ?? prefix + property, value: value, allowed: allowed, source: source)
    }
  }
}
