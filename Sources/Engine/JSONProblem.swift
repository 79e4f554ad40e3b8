import Foundation

/// Foundation's `DecodingError` in a user's words: the field path and what was wrong, without
/// Swift's type names and debug descriptions (which mean nothing to someone fixing a file).
public enum JSONProblem {
  /// `field cells[2].fd: expected a number`, `not JSON (…)`, or the error's own description.
  public static func describe(_ error: Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ keys: [CodingKey]) -> String {
      var text = ""
      for key in keys {
        if let i = key.intValue {
          text += "[\(i)]"
        } else {
          text += (text.isEmpty ? "" : ".") + key.stringValue
        }
      }
      return text.isEmpty ? "the top level" : text
    }
    switch error {
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        return "not valid JSON"
      }
      return "\(path(context.codingPath)): a value that cannot be read"
    case .keyNotFound(let key, let context):
      return "\(path(context.codingPath + [key])): missing"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return "\(path(context.codingPath)): expected \(kind(type))"
    @unknown default:
      return "cannot be read"
    }
  }

  static func kind(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is UInt64.Type, is Double.Type, is Float.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default:
      let name = "\(type)"
      if name.hasPrefix("Array") { return "a list" }
      if name.hasPrefix("Dictionary") { return "an object" }
      return "an object"
    }
  }
}
