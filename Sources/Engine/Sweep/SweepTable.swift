import Schedules
/// The sweep's results laid out like the paper's Table 4: a row per input scale b, a column per
/// resolution × schedule family, the best (lowest) number of each column marked: the Fréchet
/// distance for the digits, bits/dim for data without a classifier (``SweepRanking``).
public struct SweepTable: Sendable {
  public struct Column: Equatable, Sendable {
    public let resolution: Int
    public let family: SweepFamily
    public var tSampling: TimestepSampling = .uniform
    /// Whether the title names the t-sampling (``SweepGrid/showsSampling``).
    public var showsSampling = false
    public var title: String {
      "\(resolution)×\(resolution) \(family)" + (showsSampling ? " \(tSampling.name)" : "")
    }

    public init(resolution: Int, family: SweepFamily) {
      self.resolution = resolution
      self.family = family
    }

    /// The column's cell at input scale `b`.
    public func cell(scale b: Double) -> SweepCell {
      SweepCell(resolution: resolution, scale: b, family: family, tSampling: tSampling)
    }
  }

  public let scales: [Double]
  public let columns: [Column]
  /// `values[row][column]`: nil while the cell has not run yet.
  public let values: [[CellSummary?]]
  public let ranking: SweepRanking
  /// `runCounts[row][column]`: the cell's finished runs, of ``repeats``; a cell with fewer is
  /// partial (a merge of part of the shards, a sweep under way) and marked as such.
  public let runCounts: [[Int]]
  public let repeats: Int
  let results: [String: [SweepRun]]
  let grid: SweepGrid

  /// The table `grid.ranking` ranks by, or by `ranking` when given (the digits' second table).
  public init(grid: SweepGrid, results: [String: [SweepRun]], ranking: SweepRanking? = nil) {
    let ranking = ranking ?? grid.ranking
    self.ranking = ranking
    self.results = results
    self.grid = grid
    scales = grid.scales
    var cols: [Column] = []
    for r in grid.resolutions {
      for f in grid.families {
        for s in grid.tSamplings {
          var column = Column(resolution: r, family: f)
          column.tSampling = s
          column.showsSampling = grid.showsSampling
          cols.append(column)
        }
      }
    }
    columns = cols
    repeats = grid.repeats
    runCounts = grid.scales.map { b in cols.map { results[$0.cell(scale: b).id]?.count ?? 0 } }
    values = grid.scales.map { b in
      cols.map { c in
        return results[c.cell(scale: b).id].flatMap { CellSummary(runs: $0, ranking: ranking) }
      }
    }
  }

  /// The row index of the best (lowest mean) cell that neither failed nor copies, per column;
  /// nil when none.
  public var bestRow: [Int?] {
    columns.indices.map { c in
      var best: Int? = nil
      for r in scales.indices {
        guard let v = values[r][c], !v.failed, !v.copying else { continue }
        if best == nil || v.mean < values[best!][c]!.mean { best = r }
      }
      return best
    }
  }

  /// The best input scale per column, for the explorer and the README reading.
  public var bestScale: [Double?] { bestRow.map { $0.map { scales[$0] } } }

  /// Bits/dim take three decimals: two runs' bounds differ in the second.
  var digits: Int { ranking == .bitsPerDim ? 3 : 2 }

  func format(_ v: CellSummary?) -> String {
    guard let v else { return "…" }
    if v.failed && v.mean.isNaN { return "failed" }
    let m = Self.fixed(v.mean, digits)
    let value = v.standardError.map { "\(m) ± \(Self.fixed($0, digits))" } ?? m
    // A failed or copying cell keeps its number in brackets, so a reader sees how far off it was.
    if v.failed { return "failed (\(value))" }
    if v.copying { return "copying (\(value))" }
    return value
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

  /// Whether the cell has some runs but not all of them.
  public func isPartial(_ row: Int, _ column: Int) -> Bool {
    (1..<repeats).contains(runCounts[row][column])
  }

  /// " (1 of 3 runs)" after a partial cell's number; "" otherwise (a cell with none shows "…").
  func partialNote(_ r: Int, _ c: Int) -> String {
    isPartial(r, c) ? " (\(runCounts[r][c]) of \(repeats) runs)" : ""
  }

  /// Markdown: best per column in bold; a partial cell says how many of its runs it averages; failed cells say so, with their distance in brackets.
  public var markdown: String {
    let best = bestRow
    var lines = ["| b | " + columns.map(\.title).joined(separator: " | ") + " |"]
    lines.append("|---|" + columns.map { _ in "---:" }.joined(separator: "|") + "|")
    for (r, b) in scales.enumerated() {
      let cells = columns.indices.map { c -> String in
        let s = format(values[r][c]) + partialNote(r, c)
        return best[c] == r ? "**\(s)**" : s
      }
      lines.append("| \(b) | " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// CSV in the same layout: a mean, a standard-error and a runs column per table column (the
  /// mean empty where not run, `failed` where failed; runs "k of n", so a partial cell is told
  /// from a whole one), and a last row `best` naming each column's best b.
  public var csv: String {
    func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    var header = ["b"]
    for c in columns {
      header += [
        quote("\(c.title) \(ranking.column)"), quote("\(c.title) se"), quote("\(c.title) runs"),
      ]
    }
    var lines = [header.joined(separator: ",")]
    for (r, b) in scales.enumerated() {
      var row = ["\(b)"]
      for c in columns.indices {
        let runs = "\(runCounts[r][c]) of \(repeats)"
        guard let v = values[r][c] else { row += ["", "", runs]; continue }
        if v.failed { row += ["failed", "", runs]; continue }
        if v.copying { row += ["copying", "", runs]; continue }
        row += ["\(v.mean)", v.standardError.map { "\($0)" } ?? "", runs]
      }
      lines.append(row.joined(separator: ","))
    }
    var bestLine = ["best"]
    for b in bestScale { bestLine += [b.map { "\($0)" } ?? "", "", ""] }
    lines.append(bestLine.joined(separator: ","))
    return lines.joined(separator: "\n") + "\n"
  }
}

extension SweepTable {
  /// `table.md`: the caption saying what ranks, the table; for the digits, the held-out
  /// bits/dim in the same layout below it (shown, not ranked by: the Fréchet distance stays
  /// the digits' headline).
  public var document: String {
    var text = ranking.caption + "\n\n" + markdown
    if ranking == .frechetDistance {
      let bits = SweepTable(grid: grid, results: results, ranking: .bitsPerDim)
      text += "\nHeld-out bound in bits per dimension (lower is better; comparable across b, "
        + "schedules and losses; details.md has the error per logSNR):\n\n" + bits.markdown
    }
    return text
  }

  /// The copy rate of every cell in the table's layout (mean over repeats, in %), so a reader
  /// sees how close each cell's samples sit to the training digits (held-out digits: 5 %).
  public var copyMarkdown: String {
    var lines = ["| b | " + columns.map(\.title).joined(separator: " | ") + " |"]
    lines.append("|---|" + columns.map { _ in "---:" }.joined(separator: "|") + "|")
    for (r, b) in scales.enumerated() {
      let cells = columns.indices.map { c -> String in
        guard let rate = values[r][c]?.copyRate else { return "…" }
        return Self.fixed(100 * rate, 0) + " %"
      }
      lines.append("| \(b) | " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Where the loss is spent: per column, the loss per logSNR bin of the largest b (b = 1 in the
/// default grid) beside the best b, with each bin's share of the training examples, so a reader
/// sees which noise levels a smaller b trains on (its λ = log(γb²/(1−γ)) moves by 2·log b).
public struct SweepBins: Sendable {
  public let grid: SweepGrid
  public let results: [String: [SweepRun]]

  /// Repeats pooled: loss sum and examples per bin (by the bin's lower edge).
  func pooled(_ cell: SweepCell) -> [Double: (loss: Double, examples: Int)]? {
    guard let runs = results[cell.id] else { return nil }
    var out: [Double: (loss: Double, examples: Int)] = [:]
    for run in runs {
      for row in run.lossByLogSNR ?? [] {
        let old = out[row.logSNRLow] ?? (0, 0)
        out[row.logSNRLow] = (old.loss + row.meanLoss * Double(row.examples), old.examples + row.examples)
      }
    }
    return out.isEmpty ? nil : out
  }

  public var markdown: String {
    let table = SweepTable(grid: grid, results: results)
    guard let reference = grid.scales.max() else { return "" }
    var sections: [String] = []
    for (c, column) in table.columns.enumerated() {
      guard let best = table.bestScale[c], best != reference else { continue }
      let cellA = column.cell(scale: reference)
      let cellB = column.cell(scale: best)
      guard let a = pooled(cellA), let bb = pooled(cellB) else { continue }
      let totalA = Double(a.values.reduce(0) { $0 + $1.examples })
      let totalB = Double(bb.values.reduce(0) { $0 + $1.examples })
      var lines = [
        "### \(column.title): b = \(reference) against the best b = \(best)", "",
        "| logSNR | examples b = \(reference) | loss b = \(reference) | examples b = \(best) "
          + "| loss b = \(best) |",
        "|---|---:|---:|---:|---:|",
      ]
      for low in Set(a.keys).union(bb.keys).sorted() {
        func cells(_ p: (loss: Double, examples: Int)?, _ total: Double) -> String {
          guard let p, p.examples > 0 else { return "– | –" }
          return SweepTable.fixed(100 * Double(p.examples) / total, 1) + " % | "
            + SweepTable.fixed(p.loss / Double(p.examples), 4)
        }
        lines.append(
          "| \(SweepTable.fixed(low, 0))…\(SweepTable.fixed(low + LossBins.width, 0)) | "
            + cells(a[low], totalA) + " | " + cells(bb[low], totalB) + " |")
      }
      sections.append(lines.joined(separator: "\n"))
    }
    return sections.joined(separator: "\n\n") + (sections.isEmpty ? "" : "\n")
  }
}
