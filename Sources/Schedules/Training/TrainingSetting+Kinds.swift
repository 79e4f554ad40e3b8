// MARK: - Kinds of setting

extension TrainingSetting {

  static func whole(
    _ key: String, label: String, _ path: WritableKeyPath<TrainingSection, Int>,
    in range: ClosedRange<Int>, modelDefault: ((ModelKind) -> Int)? = nil
  ) -> TrainingSetting {
    whole(
      key, label: label, path, Bounds(range), allowed: "a whole number in \(range.text)",
      modelDefault: modelDefault)
  }

  /// A whole number within `bounds`, refused in `allowed`'s words (the bounds' own by default:
  /// `a whole number ≥ 0`).
  static func whole(
    _ key: String, label: String, _ path: WritableKeyPath<TrainingSection, Int>,
    _ bounds: Bounds, allowed: String? = nil, modelDefault: ((ModelKind) -> Int)? = nil
  ) -> TrainingSetting {
    let allowed = allowed ?? bounds.wording(whole: true)
    let ok = { (v: Int) in bounds.contains(Double(v)) }
    return TrainingSetting(
      key: key, option: optionName(key), label: label, allowed: allowed,
      refusal: { ok($0[keyPath: path]) ? nil : "\($0[keyPath: path])" },
      write: { .int($0[keyPath: path]) },
      read: { (r, v, s) throws(ConfigError) in s[keyPath: path] = try r.integer(v, allowed: allowed) },
      modelDefault: modelDefault.map { value in { $0[keyPath: path] = value($0.model) } },
      edit: .number(
        whole: true, get: { Double($0[keyPath: path]) },
        set: { $0[keyPath: path] = clampedWhole($1) })
    ).withSchema(bounds.schema(type: "integer")).read(as: "Int", unconditional: true) {
      $0[keyPath: path] = $1 as! Int
    }
  }

  /// A number within `bounds`, refused in `allowed`'s words (the bounds' own by default:
  /// `a number in [0, 1)`).
  static func number(
    _ key: String, label: String, _ path: WritableKeyPath<TrainingSection, Double>,
    _ bounds: Bounds, allowed: String? = nil, modelDefault: ((ModelKind) -> Double)? = nil
  ) -> TrainingSetting {
    let allowed = allowed ?? bounds.wording()
    return TrainingSetting(
      key: key, option: optionName(key), label: label, allowed: allowed,
      refusal: { let v = $0[keyPath: path]; return bounds.contains(v) ? nil : "\(v)" },
      write: { .double($0[keyPath: path]) },
      read: { (r, v, s) throws(ConfigError) in s[keyPath: path] = try r.double(v, allowed: allowed) },
      modelDefault: modelDefault.map { value in { $0[keyPath: path] = value($0.model) } },
      edit: .number(whole: false, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    ).withSchema(bounds.schema(type: "number")).read(as: "Double", unconditional: true) {
      $0[keyPath: path] = $1 as! Double
    }
  }

  /// A vocabulary: its option and key are the vocabulary's own (`--model`, `training.model`);
  /// every case is allowed, so only the reader refuses (an unknown name).
  static func choice<V: Vocabulary>(
    _ path: WritableKeyPath<TrainingSection, V>, label: String
  ) -> TrainingSetting {
    precondition(V.configKey.hasPrefix("training."), "\(V.configKey) is not a training key")
    return TrainingSetting(
      key: String(V.configKey.dropFirst("training.".count)), option: V.option, label: label,
      allowed: "one of " + V.names.map(JSONValue.quote).joined(separator: ", "),
      refusal: { _ in nil }, write: { .string($0[keyPath: path].name) },
      read: { (r, v, s) throws(ConfigError) in s[keyPath: path] = try r.choice(v) },
      modelDefault: nil,
      edit: .choice(
        names: V.allCases.map { ($0.name, $0.displayName) }, get: { $0[keyPath: path].name },
        set: { s, raw in s[keyPath: path] = V(name: raw)! })
    ).withSchema([("enum", .array(V.names.map(JSONValue.string)))])
      .read(as: String(describing: V.self)) { $0[keyPath: path] = $1 as! V }
  }

  /// The same setting, its option read as `type` and set by `assign` (nil: the command reads
  /// the value itself); `unconditional` reads a value starting with a dash as the value.
  func read(
    as type: String, unconditional: Bool = false,
    assign: ((inout TrainingSection, Any) -> Void)? = nil
  ) -> TrainingSetting {
    var out = self
    out.commandLine.type = type
    out.commandLine.unconditional = unconditional
    out.commandLine.assign = assign
    return out
  }

  /// A whole number from a Double, clamped into what an Int holds.
  public static func clampedWhole(_ v: Double) -> Int { Int(max(min(v.rounded(), 1e15), -1e15)) }

  /// `label_dropout` → `--label-dropout`.
  static func optionName(_ key: String) -> String {
    "--" + String(key.map { $0 == "_" ? "-" : $0 })
  }
}
