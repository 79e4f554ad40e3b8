import Foundation
import Schedules

/// Foundation's `DecodingError` in a user's words: the field path and what was wrong, without
/// Swift's type names and debug descriptions (which mean nothing to someone fixing a file).
public enum JSONProblem {
  /// The error as a ``FieldError`` about `file`: the key path as the file spells it
  /// (`cells[2].fd`, empty for the whole file) and what was expected there.
  public static func fieldError(_ error: Error, file: String) -> FieldError {
    func problem(_ path: [CodingKey], _ what: String, whole: Bool = false) -> FieldError {
      let field = keyPath(path)
      return FieldError(
        field: field.isEmpty && !whole ? "the top level" : field, value: nil, allowed: what,
        source: .file(file))
    }
    guard let error = error as? DecodingError else {
      return problem([], "\(error)", whole: true)
    }
    switch error {
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return problem([], "not valid JSON", whole: true) }
      return problem(context.codingPath, "a value that cannot be read")
    case .keyNotFound(let key, let context):
      return problem(context.codingPath + [key], "missing")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return problem(context.codingPath, "expected \(kind(type))")
    @unknown default:
      return problem([], "cannot be read", whole: true)
    }
  }

  /// `cells[2].fd: expected a number`, `not valid JSON`, or the error's own description.
  public static func describe(_ error: Error) -> String {
    let e = fieldError(error, file: "")
    return e.field.isEmpty ? e.message : "\(e.field): \(e.message)"
  }

  /// `cells[2].fd`: keys joined by dots, array indices in brackets.
  static func keyPath(_ keys: [CodingKey]) -> String {
    var text = ""
    for key in keys {
      if let i = key.intValue {
        text += "[\(i)]"
      } else {
        text += (text.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return text
  }

  static func kind(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is UInt64.Type, is Double.Type, is Float.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default:
      let name = "\(type)"
      if name.hasPrefix("Array") { return "a list" }
      return "an object"
    }
  }
}
