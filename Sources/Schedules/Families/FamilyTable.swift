extension ScheduleFamily {
  /// The README's Schedules table, generated from the registry: each family's formula and its
  /// own fields with their option, config key, default and range (the family's narrower range
  /// where it has one). A test holds the README to it, so a new family or field reaches the
  /// README without a hand edit.
  public static var markdownTable: String {
    var lines = [
      "| family | γ(t) or logSNR(t) | parameters (option / config key, default, range) |",
      "|---|---|---|",
    ]
    for d in registry {
      let fields = d.fields.map { f -> String in
        let range = (d.bounds[f] ?? f.bounds).text
        return "`\(f.option)` / `\(f.jsonKey)` \(shortNumber(f.defaultValue))"
          + (range.isEmpty ? "" : ", \(range)")
      }
      let cell = fields.isEmpty ? "—" : fields.joined(separator: "; ")
      lines.append("| `\(d.family.rawValue)` | \(d.formula) | \(cell) |")
    }
    return lines.joined(separator: "\n")
  }
}
