/// How the listing commands print: an aligned table for people, CSV and JSON for programs.
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, csv, json
}

/// The text `schedtui curve` prints: t, γ and logSNR on a uniform grid, at full precision.
public enum CurveOutput {
  /// The grid t_i = i/(N−1), i = 0 … N−1: exactly 0 and 1 at the ends.
  public static func grid(_ points: Int) -> [Double] {
    precondition(points >= 2, "a grid needs at least 2 points, got \(points)")
    return (0..<points).map { Double($0) / Double(points - 1) }
  }

  /// The curve of `process` as text in `format`, ending with a newline.
  ///
  /// Columns: t, the schedule's γ(t), the scaled process's logSNR (so b shifts it by 2·log b)
  /// and the training density p(λ) per unit λ at that λ under `sampling` (for uniform t,
  /// 1/|dλ/dt|; 0 where γ is clipped, a point mass the density does not show; none where λ is
  /// infinite: empty in CSV, `-` in the table). Numbers are the shortest text that reads back to the same `Double`; logSNR = +∞
  /// (at γ = 1) prints `inf` in table and CSV and `null` in JSON, which has no infinity, and so
  /// does its density. JSON is `{"t": [...], "gamma": [...], "logsnr": [...], "density": [...]}`.
  public static func render(
    _ process: NoiseProcess, points: Int, format: OutputFormat,
    sampling: TimestepSampling = .uniform
  ) -> String {
    let ts = grid(points)
    let gammas = ts.map { process.schedule.gamma($0) }
    let logSNRs = ts.map { process.logSNR($0) }
    let densities = ts.indices.map {
      logSNRs[$0].isFinite ? process.logSNRDensity(atT: ts[$0], sampling: sampling) : .nan
    }
    switch format {
    case .json:
      return JSONValue.object([
        ("t", .array(ts.map(JSONValue.double))),
        ("gamma", .array(gammas.map(JSONValue.double))),
        ("logsnr", .array(logSNRs.map(JSONValue.double))),
        ("density", .array(densities.map(JSONValue.double))),
      ]).rendered() + "\n"
    case .csv:
      return "t,gamma,logsnr,density\n"
        + ts.indices.map {
          "\(text(ts[$0])),\(text(gammas[$0])),\(text(logSNRs[$0])),\(density(densities[$0], missing: ""))\n"
        }.joined()
    case .table:
      let rows =
        [["t", "γ", "logSNR", "p(λ)"]]
        + ts.indices.map {
          [text(ts[$0]), text(gammas[$0]), text(logSNRs[$0]), density(densities[$0], missing: "-")]
        }
      return TextTable.render(rows, rightAligned: true)
    }
  }

  /// A density, or `missing` where λ is infinite and there is none (NaN stands for that here).
  static func density(_ p: Double, missing: String) -> String { p.isNaN ? missing : text(p) }

  /// Full precision; `inf`, `-inf`, `nan` for the non-finite.
  public static func text(_ x: Double) -> String {
    x.isFinite ? "\(x)" : x.isNaN ? "nan" : x > 0 ? "inf" : "-inf"
  }
}

/// The text `schedtui presets` prints.
public enum PresetOutput {
  /// `presets` as text in `format`, ending with a newline. FIDs are the paper's (64, 128, 256).
  public static func render(_ presets: [Preset], format: OutputFormat) -> String {
    let resolutions = [64, 128, 256]
    func fid(_ p: Preset, _ r: Int) -> Double? { p.fid.first { $0.resolution == r }?.value }
    switch format {
    case .json:
      return JSONValue.array(
        presets.map { p in
          var members: [(key: String, value: JSONValue)] = [
            ("name", .string(p.name)), ("source", .string(p.source)),
            ("summary", .string(p.summary)),
            ("schedule", Config.json(p.spec)), ("input_scale", .double(p.inputScale)),
          ]
          if let r = p.resolution { members.append(("resolution", .int(r))) }
          members.append(("fid", .object(p.fid.map { ("\($0.resolution)", .double($0.value)) })))
          if let t = p.training {
            members.append((
              "training",
              .object([
                ("t_sampling", .string(t.tSampling.name)),
                ("prediction", .string(t.prediction.rawValue)),
                ("weighting", .string(t.weighting.rawValue)),
              ])
            ))
          }
          if let c = p.citation { members.append(("citation", .string(c))) }
          return .object(members)
        }
      ).rendered() + "\n"
    case .csv:
      var out = "name,source,family,input_scale,fid64,fid128,fid256,summary,training,citation\n"
      for p in presets {
        let fids = resolutions.map { fid(p, $0).map { "\($0)" } ?? "" }
        out +=
          ([p.name, p.source, p.spec.family.rawValue, "\(p.inputScale)"] + fids
            + [p.summary, p.training?.summary ?? "", p.citation ?? ""])
          .map(csvField).joined(separator: ",") + "\n"
      }
      return out
    case .table:
      let rows =
        [["name", "b", "FID 64", "128", "256", "schedule", "source"]]
        + presets.map { p in
          [p.name, shortNumber(p.inputScale)]
            + resolutions.map { fid(p, $0).map { "\($0)" } ?? "–" } + [p.summary, p.source]
        }
      // The trainers' presets cite a section or a file each: one indented line under the table.
      let cited = presets.filter { $0.citation != nil }
      let notes = cited.isEmpty ? "" : "\nSources:\n" + cited.map {
        "  \($0.name): \($0.citation!)\n"
      }.joined()
      return TextTable.render(rows, rightAligned: false) + notes
    }
  }

  /// A CSV field, quoted (with doubled quotes) when it holds a comma, quote or newline.
  public static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
    return "\""
      + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
      + "\""
  }
}

/// Columns separated by two spaces, padded to the widest cell (counted in characters).
enum TextTable {
  static func render(_ rows: [[String]], rightAligned: Bool) -> String {
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        if rightAligned { return pad + cell }
        return c == row.count - 1 ? cell : cell + pad
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}
