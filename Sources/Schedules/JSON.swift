/// A parsed JSON value, with objects kept in file order and numbers kept as written.
///
/// A small strict parser (RFC 8259: no comments, no trailing commas, no NaN/Infinity, duplicate
/// keys rejected) so that configs are read without Foundation and every error can say where it is.
/// Numbers convert to `Double` with Swift's correctly rounded parser, so a `Double` printed with
/// its shortest round-trip representation (`"\(x)"`) reads back bit for bit.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number as written (for integer checks and messages) and as a `Double`.
  case number(String, Double)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(_, let x), .number(_, let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  /// "a number", "a string", … for error messages.
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// A short rendering of the value for error messages.
  public var shortText: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return "\(b)"
    case .number(let text, _): return text
    case .string(let s): return JSONValue.quoteForMessage(s)
    case .array: return "[…]"
    case .object: return "{…}"
    }
  }

  /// A string from a file as a message shows it: quoted as JSON, and when longer than `limit`
  /// characters cut to a prefix with its length (`"xxx…" (20000000 characters)`).
  public static func quoteForMessage(_ s: String, limit: Int = 80) -> String {
    guard s.count > limit else { return quote(s) }
    return quote(String(s.prefix(limit)) + "…") + " (\(s.count) characters)"
  }

  // MARK: - Writing

  /// A JSON string literal for `s`.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A finite `Double` at full precision (shortest text that reads back to the same bits);
  /// `null` for ±∞ and NaN, which JSON cannot write.
  public static func number(_ x: Double) -> String {
    x.isFinite ? "\(x)" : "null"
  }

  // MARK: - Parsing

  /// Where and why text is not JSON.
  public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }

    public init(line: Int, column: Int, reason: String) {
      self.line = line
      self.column = column
      self.reason = reason
    }
  }

  /// Parses one JSON document (surrounding whitespace allowed, nothing else).
  public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
    try parseLocated(text).value
  }

  /// Parses one JSON document and remembers where each object member's value starts, so that
  /// a reader can say `line 7, column 14` of a value it refuses.
  public static func parseLocated(_ text: String) throws(SyntaxError)
    -> (value: JSONValue, locations: JSONLocations)
  {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.index == parser.bytes.count else {
      throw parser.error("unexpected text after the JSON value")
    }
    return (value, JSONLocations(bytes: parser.bytes, offsets: parser.offsets))
  }

  struct Parser {
    let bytes: [UInt8]
    var index = 0
    /// The keys leading to the object being read, and where each member's value starts
    /// (byte offsets, by dotted path: `training.batch`).
    var path: [String] = []
    var offsets: [String: Int] = [:]

    func error(_ reason: String) -> SyntaxError {
      let (line, column) = JSONLocations.lineColumn(bytes, index)
      return SyntaxError(line: line, column: column, reason: reason)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
      while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
    }

    mutating func expect(_ literal: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
      let start = index
      for b in literal.utf8 {
        guard current == b else {
          index = start
          throw error("unexpected text, expected a JSON value (did you mean \(literal)?)")
        }
        index += 1
      }
      return value
    }

    mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
      guard depth < 64 else { throw error("nested more than 64 levels deep") }
      guard let b = current else { throw error("unexpected end of file, expected a value") }
      switch b {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try expect("true", .bool(true))
      case UInt8(ascii: "f"): return try expect("false", .bool(false))
      case UInt8(ascii: "n"): return try expect("null", .null)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
      default:
        throw error("unexpected character '\(Character(Unicode.Scalar(b)))', expected a value")
      }
    }

    /// Reads the comma-separated elements of an object or array after its opening bracket,
    /// up to and including `closer`; `element` reads one (after leading space).
    mutating func elements(
      closer: Character, in what: String, _ element: (inout Parser) throws(SyntaxError) -> Void
    ) throws(SyntaxError) {
      let close = closer.asciiValue!
      index += 1
      skipSpace()
      if current == close {
        index += 1
        return
      }
      while true {
        skipSpace()
        try element(&self)
        skipSpace()
        if current == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if current == close {
          index += 1
          return
        }
        throw error("expected ',' or '\(closer)' in \(what)")
      }
    }

    mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
      var members: [(key: String, value: JSONValue)] = []
      try elements(closer: "}", in: "an object") { (p: inout Parser) throws(SyntaxError) in
        guard p.current == UInt8(ascii: "\"") else { throw p.error("expected a key in double quotes") }
        let keyStart = p.index
        let key = try p.string()
        if members.contains(where: { $0.key == key }) {
          p.index = keyStart
          throw p.error("duplicate key \(JSONValue.quoteForMessage(key))")
        }
        p.skipSpace()
        guard p.current == UInt8(ascii: ":") else { throw p.error("expected ':' after the key") }
        p.index += 1
        p.skipSpace()
        p.path.append(key)
        p.offsets[p.path.joined(separator: ".")] = p.index
        members.append((key, try p.value(depth: depth + 1)))
        p.path.removeLast()
      }
      return .object(members)
    }

    mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
      var items: [JSONValue] = []
      try elements(closer: "]", in: "an array") { (p: inout Parser) throws(SyntaxError) in
        items.append(try p.value(depth: depth + 1))
      }
      return .array(items)
    }

    mutating func string() throws(SyntaxError) -> String {
      index += 1
      var scalars = String.UnicodeScalarView()
      var raw: [UInt8] = []
      func flush() {
        scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
      }
      while true {
        guard let b = current else { throw error("unterminated string") }
        index += 1
        switch b {
        case UInt8(ascii: "\""):
          flush()
          return String(scalars)
        case UInt8(ascii: "\\"):
          flush()
          raw = []
          guard let e = current else { throw error("unterminated string") }
          index += 1
          switch e {
          case UInt8(ascii: "\""): scalars.append("\"")
          case UInt8(ascii: "\\"): scalars.append("\\")
          case UInt8(ascii: "/"): scalars.append("/")
          case UInt8(ascii: "b"): scalars.append("\u{08}")
          case UInt8(ascii: "f"): scalars.append("\u{0C}")
          case UInt8(ascii: "n"): scalars.append("\n")
          case UInt8(ascii: "r"): scalars.append("\r")
          case UInt8(ascii: "t"): scalars.append("\t")
          case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
              guard current == UInt8(ascii: "\\"), index + 1 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "u")
              else { throw error("unpaired surrogate in \\u escape") }
              index += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
            scalars.append(scalar)
          default: throw error("unknown escape \\\(Character(Unicode.Scalar(e)))")
          }
        case 0..<0x20:
          throw error("control character in a string (write it as an escape)")
        default:
          raw.append(b)
        }
      }
    }

    mutating func hex4() throws(SyntaxError) -> UInt32 {
      var code: UInt32 = 0
      for _ in 0..<4 {
        guard let b = current, let digit = hexDigit(b) else { throw error("bad \\u escape") }
        code = code * 16 + digit
        index += 1
      }
      return code
    }

    func hexDigit(_ b: UInt8) -> UInt32? {
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
      default: return nil
      }
    }

    mutating func number() throws(SyntaxError) -> JSONValue {
      let start = index
      func digits() -> Int {
        var n = 0
        while let b = current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
          index += 1
          n += 1
        }
        return n
      }
      if current == UInt8(ascii: "-") { index += 1 }
      if current == UInt8(ascii: "0") {
        index += 1
        if let b = current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
          throw error("a number cannot have a leading zero")
        }
      } else if digits() == 0 {
        throw error("expected digits in a number")
      }
      if current == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw error("expected digits after '.'") }
      }
      if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
        index += 1
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw error("expected digits in the exponent") }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let x = Double(text), x.isFinite else {
        index = start
        throw error("number \(text) is out of Double's range")
      }
      return .number(text, x)
    }
  }
}

extension JSONValue {
  /// Pretty-printed JSON: two-space indent, objects one member per line, arrays of scalars on one
  /// line, numbers exactly as stored. Ends without a newline.
  public func rendered(indent: String = "") -> String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let text, _): return text
    case .string(let s): return JSONValue.quote(s)
    case .array(let items):
      if items.allSatisfy({ !$0.isContainer }) {
        return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
      }
      let inner = indent + "  "
      return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n")
        + "\n" + indent + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let inner = indent + "  "
      return "{\n"
        + members.map { inner + JSONValue.quote($0.key) + ": " + $0.value.rendered(indent: inner) }
        .joined(separator: ",\n") + "\n" + indent + "}"
    }
  }

  var isContainer: Bool {
    switch self {
    case .array, .object: return true
    default: return false
    }
  }

  /// A number value holding `x` at full precision (`null` if not finite).
  public static func double(_ x: Double) -> JSONValue {
    x.isFinite ? .number(JSONValue.number(x), x) : .null
  }

  /// A number value holding the integer `n`.
  public static func int(_ n: Int) -> JSONValue {
    .number("\(n)", Double(n))
  }
}

extension JSONValue {
  /// The member called `key` of an object; nil for other values or a missing key.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  public var doubleValue: Double? {
    if case .number(_, let x) = self { return x }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The keys of an object, in file order; empty for other values.
  public var keys: [String] {
    if case .object(let members) = self { return members.map(\.key) }
    return []
  }
}

/// Where the members of a parsed document stand in its text (see ``JSONValue/parseLocated(_:)``).
public struct JSONLocations: Sendable {
  let bytes: [UInt8]
  let offsets: [String: Int]

  /// No text: every position unknown (for values built in code).
  public static let none = JSONLocations(bytes: [], offsets: [:])

  /// Line and column (from 1, in characters) where the value at dotted `path` starts, if known.
  public func position(_ path: String) -> (line: Int, column: Int)? {
    offsets[path].map { JSONLocations.lineColumn(bytes, $0) }
  }

  static func lineColumn(_ bytes: [UInt8], _ index: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    for b in bytes[0..<Swift.min(index, bytes.count)] {
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }
}
