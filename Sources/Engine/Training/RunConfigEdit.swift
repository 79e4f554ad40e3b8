import Foundation
import Schedules

/// A run folder's `config.json` compared with the setup its checkpoint holds, on resume.
///
/// A resumed run trains with the checkpoint's setup (weights and optimiser state belong to it);
/// a `config.json` edited since is not used. Rather than overwrite the edit silently, the
/// differences are named and the edited file is kept as `config.json.edited`.
enum RunConfigEdit {
  static let keptName = TrainingRun.configFileName + ".edited"

  /// Notes for the user (none when config.json is missing or as the run wrote it); keeps an
  /// edited file as `config.json.edited`.
  static func check(directory: String, saved: TrainingConfig) throws -> [String] {
    let path = (directory as NSString).appendingPathComponent(TrainingRun.configFileName)
    guard let data = try? BoundedFile.read(path, limit: 4 << 20) else { return [] }
    let expected = Data(Config(saved).encoded().utf8)
    guard data != expected else { return [] }
    let differences = differ(data, expected)
    guard !differences.isEmpty else { return [] }
    let kept = (directory as NSString).appendingPathComponent(keptName)
    try AtomicFile.write(data, to: kept)
    let shown = differences.prefix(6).joined(separator: "; ")
      + (differences.count > 6 ? "; and \(differences.count - 6) more" : "")
    return [
      "\(path) was edited since the run wrote it (\(shown)); a resumed run keeps the setup its "
        + "checkpoint was trained with, so the edit is not used. It is kept as \(kept); to "
        + "train with it, start a new run: schedtui train --config \(kept) --out NEW_FOLDER"
    ]
  }

  /// `training.lr 0.5 (the checkpoint's: 0.001)` for each value the file sets differently (`whose`
  /// names the expected side); keys the file lacks (files from before a field existed) are not
  /// differences.
  static func differ(_ file: Data, _ expected: Data, whose: String = "the checkpoint's")
    -> [String]
  {
    guard
      let a = try? JSONSerialization.jsonObject(with: file, options: [.fragmentsAllowed]),
      let b = try? JSONSerialization.jsonObject(with: expected)
    else { return ["it is not a JSON config any more"] }
    var out: [String] = []
    func walk(_ x: Any, _ y: Any?, _ key: String) {
      if let x = x as? [String: Any] {
        let y = y as? [String: Any]
        for k in x.keys.sorted() { walk(x[k]!, y?[k], key.isEmpty ? k : key + "." + k) }
        return
      }
      guard let y else {
        out.append("\(key) \(text(x)) (not a field \(whose) setup has)")
        return
      }
      if (x as? NSObject)?.isEqual(y) != true {
        out.append("\(key) \(text(x)) (\(whose): \(text(y)))")
      }
    }
    walk(a, b, "")
    return out
  }

  static func text(_ value: Any) -> String {
    let raw =
      (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
      .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    return FieldError.readable(raw, limit: 60)
  }
}
