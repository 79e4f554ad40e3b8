import Foundation

/// Reads back JSON that was written with `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`
/// (`summary.json`). Foundation's `.convertFromSnakeCase` is not its inverse where a name holds
/// an acronym: `logSNRLow` is written `log_snr_low` and read back as `logSnrLow`, which matches
/// no property. This decoder maps each snake-case key to the property name it came from,
/// learnt from a prototype value whose encoding has every key (all optionals set), with the
/// encoder's own conversion, so the two directions agree by construction.
public enum SnakeCaseJSON {
  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
      stringValue = "\(intValue)"
      self.intValue = intValue
    }
  }

  /// One key in a keyed container: what the snake-case encoder writes for it.
  struct Probe: Encodable {
    let name: String
    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: AnyKey.self)
      try c.encode(0, forKey: AnyKey(name))
    }
  }

  /// A decoder for values encoded like `prototype` with `.convertToSnakeCase`.
  public static func decoder<T: Encodable>(prototype: T) throws -> JSONDecoder {
    let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(prototype))
    var names = Set<String>()
    func collect(_ v: Any) {
      if let d = v as? [String: Any] {
        for (k, x) in d {
          names.insert(k)
          collect(x)
        }
      } else if let a = v as? [Any] {
        a.forEach(collect)
      }
    }
    collect(plain)
    let snake = JSONEncoder()
    snake.keyEncodingStrategy = .convertToSnakeCase
    var original: [String: String] = [:]
    for name in names {
      let object = try JSONSerialization.jsonObject(with: snake.encode(Probe(name: name)))
      if let key = (object as? [String: Any])?.keys.first { original[key] = name }
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .custom { path in
      let key = path.last!
      if key.intValue != nil { return key }
      return AnyKey(original[key.stringValue] ?? key.stringValue)
    }
    return decoder
  }
}
