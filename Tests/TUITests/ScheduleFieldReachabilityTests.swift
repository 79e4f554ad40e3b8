import Foundation
import Schedules
import TestSupport
import Testing

@testable import TUI

/// Every field every family declares (Schedules/Families) reaches the user everywhere a user sets
/// it: a command-line option, a config key (written, read back, and in the JSON Schema) and a row
/// of the explorer that edits it. A field whose option, key or row is forgotten fails here, named,
/// rather than being silently missing for users (issue 17).
@Suite struct ScheduleFieldReachabilityTests {
  /// Every (family, field) pair, the common fields included.
  static let pairs: [(family: ScheduleFamily, field: ScheduleField)] =
    ScheduleFamily.allCases.flatMap { f in ScheduleSpec.allFields(of: f).map { (f, $0) } }

  /// A value other than the family's default that the family accepts: a flag on, a whole number
  /// one more, a number 0.5 (for a default of 0) or 0.9 times the default (inside every declared
  /// range: cosine's end ≤ 1, β < 1, σmax > σmin, …).
  static func probe(_ field: ScheduleField, of family: ScheduleFamily) -> Double {
    let d = ScheduleSpec(family: family)[field]
    if field == .imageSide { return 512 }
    switch field.kind {
    case .flag: return 1
    case .choice: return d == 0 ? 1 : 0
    case .whole: return d + 1
    case .number: return d == 0 ? 0.5 : d * 0.9
    }
  }

  /// The other fields a probe needs to be valid: the linear time shift needs a μ, Flux's
  /// calculate_shift constants an image side.
  static func companions(_ field: ScheduleField) -> [(ScheduleField, Double)] {
    if field == .timeShift { return [(.fluxMu, 0.5)] }
    if ScheduleField.fluxSequenceFields.contains(field) { return [(.imageSide, 512)] }
    return []
  }

  /// `value` as a user types it: `1001` for a whole number, `on` for a flag, a choice's name.
  static func typed(_ value: Double, _ field: ScheduleField) -> String {
    switch field.kind {
    case .flag: return value != 0 ? "on" : "off"
    case .choice(let names): return names[Int(value)]
    case .whole: return String(Int(value))
    case .number: return "\(value)"
    }
  }

  /// A new folder for the files a test's runs of schedtui write (built first, or the test fails).
  static func scratchFolder() throws -> URL {
    try #require(Binary.exists, "build schedtui first: \(Binary.path)")
    return URL(fileURLWithPath: temporaryFolder("reach"))
  }

  @Test("the list of pairs covers every family and both common fields")
  func pairsCoverEveryFamily() {
    #expect(Set(Self.pairs.map(\.family)) == Set(ScheduleFamily.allCases))
    #expect(Self.pairs.filter { $0.field == .clipMin }.count == ScheduleFamily.allCases.count)
    #expect(Self.pairs.contains { $0.family == .laplace && $0.field == .laplaceMu })
  }

  @Test("every declared field is a command-line option whose value lands in the config's key")
  func commandLineAndConfigKey() throws {
    let folder = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (family, field) in Self.pairs {
      let value = Self.probe(field, of: family)
      let file = folder.appendingPathComponent("\(family)-\(field).json").path
      let given =
        (field.kind == .flag ? [field.option] : [field.option, Self.typed(value, field)])
        + Self.companions(field).flatMap { [$0.0.option, Self.typed($0.1, $0.0)] }
      let (status, _, error) = try Binary.run(
        Binary.path, ["export", "--family", family.rawValue] + given + ["--output", file])
      #expect(status == 0, "\(family) \(field.option): \(error)")
      guard status == 0 else { continue }
      let text = try String(contentsOfFile: file, encoding: .utf8)
      let written = try JSONValue.parse(text)["schedule"]?[field.jsonKey]
      #expect(written != nil, "\(family): no key \(field.jsonKey) in \(text)")
      let read = try Config.decode(text, file: file).schedule
      #expect(read[field] == value, "\(family) \(field.option) \(value) read back as \(read[field])")
    }
  }

  @Test("a field's word (--flux-mu auto) needs its other field, and a preset refuses it")
  func words() throws {
    let folder = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fields = ScheduleField.allCases.filter { $0.word != nil }
    #expect(fields.map(\.option) == ["--flux-mu"])
    for field in fields {
      let word = try #require(field.word)
      let needs = try #require(ScheduleField(rawValue: word.needs), "\(field): \(word.needs)")
      let family = try #require(Self.pairs.first { $0.field == field }?.family)
      let file = folder.appendingPathComponent("\(field).json").path
      let given = ["export", "--family", family.rawValue, field.option, word.word]
      var (status, _, error) = try Binary.run(Binary.path, given + ["--output", file])
      #expect(status != 0)
      #expect(error.contains("\(field.option) \(word.word) needs \(needs.option)"), "\(error)")
      let side = Self.probe(needs, of: family)
      (status, _, error) = try Binary.run(
        Binary.path, given + [needs.option, Self.typed(side, needs), "--output", file])
      #expect(status == 0, "\(error)")
      let read = try Config.decode(String(contentsOfFile: file, encoding: .utf8), file: file)
      #expect(read.schedule[needs] == side && read.schedule[field] == field.defaultValue)
      (status, _, error) = try Binary.run(
        Binary.path, ["export", "--preset", Preset.all[0].name, field.option, word.word, "--output", file])
      #expect(status != 0)
      #expect(error.contains("\(field.option) cannot be combined with --preset"), "\(error)")
    }
  }

  @Test("every declared field's config key is in the JSON Schema's branch for its family")
  func schemaKeys() throws {
    let url = Binary.root.appendingPathComponent("assets/config.schema.json")
    let schema = try JSONValue.parse(String(contentsOf: url, encoding: .utf8))
    let branches = schema["$defs"]?["schedule"]?["oneOf"]?.arrayValue ?? []
    for (family, field) in Self.pairs {
      let branch = branches.first {
        $0["properties"]?["family"]?["const"]?.stringValue == family.rawValue
      }
      #expect(branch?["properties"]?[field.jsonKey] != nil, "\(family): \(field.jsonKey)")
      #expect(schema["$defs"]?["fields"]?[field.jsonKey] != nil, "$defs/fields/\(field.jsonKey)")
    }
  }

  @Test("every declared field is a row of the explorer, labelled as declared, that edits it")
  func explorerRow() {
    for (family, field) in Self.pairs {
      var spec = ScheduleSpec(family: family)
      for (other, value) in Self.companions(field) { spec[other] = value }
      var s = AppState(current: Setting(spec: spec))
      let row = Field.parameter(field)
      #expect(s.fields.contains(row), "\(family): no explorer row for \(field.label)")
      guard s.fields.contains(row) else { continue }
      #expect(row.label == field.label)
      selectField(row, &s)
      reduce(&s, .beginEdit)
      for _ in 0..<30 { reduce(&s, .backspace) }
      let value = Self.probe(field, of: family)
      for c in Self.typed(value, field) { reduce(&s, .type(c)) }
      reduce(&s, .commit)
      #expect(s.modal == nil, "\(family) \(field.label): the edit was refused")
      #expect(s.document.current.spec[field] == value, "\(family) \(field.label)")
    }
  }
}
