/// The sweep's results laid out like the paper's Table 4: a row per input scale b, a column per
/// resolution × schedule family, the best (lowest) Fréchet distance of each column marked.
public struct SweepTable: Sendable {
  public struct Column: Equatable, Sendable {
    public let resolution: Int
    public let family: SweepFamily
    public var title: String { "\(resolution)×\(resolution) \(family)" }
  }

  public let scales: [Double]
  public let columns: [Column]
  /// `values[row][column]`: nil while the cell has not run yet.
  public let values: [[CellSummary?]]

  public init(grid: SweepGrid, results: [String: [SweepRun]]) {
    scales = grid.scales
    var cols: [Column] = []
    for r in grid.resolutions {
      for f in grid.families { cols.append(Column(resolution: r, family: f)) }
    }
    columns = cols
    values = grid.scales.map { b in
      cols.map { c in
        let cell = SweepCell(resolution: c.resolution, scale: b, family: c.family)
        return results[cell.id].flatMap { CellSummary(runs: $0) }
      }
    }
  }

  /// The row index of the best (lowest mean) cell that did not fail, per column; nil when none.
  public var bestRow: [Int?] {
    columns.indices.map { c in
      var best: Int? = nil
      for r in scales.indices {
        guard let v = values[r][c], !v.failed else { continue }
        if best == nil || v.mean < values[best!][c]!.mean { best = r }
      }
      return best
    }
  }

  /// The best input scale per column, for the explorer and the README reading.
  public var bestScale: [Double?] { bestRow.map { $0.map { scales[$0] } } }

  static func format(_ v: CellSummary?) -> String {
    guard let v else { return "…" }
    if v.failed && v.mean.isNaN { return "failed" }
    let m = fixed(v.mean, 2)
    let value = v.standardError.map { "\(m) ± \(fixed($0, 2))" } ?? m
    // A failed cell keeps its number in brackets, so a reader sees how far off it was.
    return v.failed ? "failed (\(value))" : value
  }

  /// `x` with exactly `digits` decimals (no Foundation formatting, so it is locale-free).
  static func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let scaled = (abs(x) * p).rounded()
    let whole = Int(scaled / p)
    var frac = String(Int(scaled.truncatingRemainder(dividingBy: p)))
    while frac.count < digits { frac = "0" + frac }
    let sign = x < 0 && scaled != 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
  }

  /// Markdown: best per column in bold; failed cells say so, with their distance in brackets.
  public var markdown: String {
    let best = bestRow
    var lines = ["| b | " + columns.map(\.title).joined(separator: " | ") + " |"]
    lines.append("|---|" + columns.map { _ in "---:" }.joined(separator: "|") + "|")
    for (r, b) in scales.enumerated() {
      let cells = columns.indices.map { c -> String in
        let s = Self.format(values[r][c])
        return best[c] == r ? "**\(s)**" : s
      }
      lines.append("| \(b) | " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// CSV in the same layout: a mean and a standard-error column per table column, empty where
  /// not run, `failed` where failed, and a last row `best` naming each column's best b.
  public var csv: String {
    func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    var header = ["b"]
    for c in columns { header += [quote("\(c.title) fd"), quote("\(c.title) se")] }
    var lines = [header.joined(separator: ",")]
    for (r, b) in scales.enumerated() {
      var row = ["\(b)"]
      for c in columns.indices {
        guard let v = values[r][c] else { row += ["", ""]; continue }
        if v.failed { row += ["failed", ""]; continue }
        row += ["\(v.mean)", v.standardError.map { "\($0)" } ?? ""]
      }
      lines.append(row.joined(separator: ","))
    }
    var bestLine = ["best"]
    for b in bestScale { bestLine += [b.map { "\($0)" } ?? "", ""] }
    lines.append(bestLine.joined(separator: ","))
    return lines.joined(separator: "\n") + "\n"
  }
}
