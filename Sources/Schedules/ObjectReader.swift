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
