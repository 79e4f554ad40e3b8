import Schedules
import Foundation

/// The sweep's held-out score for `details.md`: each cell's bits/dim in Table 4's layout, and,
/// per column, the held-out error per logSNR of the largest b beside the best b, so a reader
/// sees where on the λ axis the best b's network denoises better. The Fréchet distance stays
/// the digits' headline (`table.md`); the best b is the table's, or the lowest bits/dim where
/// the table has none or its best is the largest b itself, and when that is the largest b too,
/// the largest b is set against the best of the others.
public struct SweepScore: Sendable {
  public let grid: SweepGrid
  public let results: [String: [SweepRun]]

  /// Mean bits/dim over the cell's runs that have one.
  func bits(_ cell: SweepCell) -> Double? {
    let values = (results[cell.id] ?? []).compactMap(\.bitsPerDim).filter(\.isFinite)
    return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// The cell's error curve, averaged point by point over the runs that have one.
  func curve(_ cell: SweepCell) -> [HeldOutScore.Point]? {
    let curves = (results[cell.id] ?? []).compactMap(\.errorByLogSNR).filter { !$0.isEmpty }
    guard let first = curves.first, curves.allSatisfy({ $0.count == first.count }) else {
      return nil
    }
    return first.indices.map { i in
      HeldOutScore.Point(
        logSNR: first[i].logSNR,
        error: curves.map { $0[i].error }.reduce(0, +) / Double(curves.count))
    }
  }

  public var markdown: String {
    let table = SweepTable(grid: grid, results: results)
    var lines = [
      "Held-out bound in bits per dimension (lower is better; comparable across b, schedules "
        + "and losses, README \"Training\"), mean over repeats, lowest per column in bold.", "",
      "| b | " + table.columns.map(\.title).joined(separator: " | ") + " |",
      "|---|" + String(repeating: "---:|", count: table.columns.count),
    ]
    let cells = grid.scales.map { b in
      table.columns.map { bits($0.cell(scale: b)) }
    }
    let lowest = table.columns.indices.map { c -> Int? in
      grid.scales.indices.filter { cells[$0][c] != nil }.min { cells[$0][c]! < cells[$1][c]! }
    }
    for (r, b) in grid.scales.enumerated() {
      let row = table.columns.indices.map { c -> String in
        guard let v = cells[r][c] else { return "–" }
        let s = SweepTable.fixed(v, 3)
        return lowest[c] == r ? "**\(s)**" : s
      }
      lines.append("| \(b) | " + row.joined(separator: " | ") + " |")
    }
    guard let reference = grid.scales.max() else { return lines.joined(separator: "\n") + "\n" }
    for (c, column) in table.columns.enumerated() {
      // The table's best b (the Fréchet distance's, for digits), else the lowest bits/dim.
      // When the largest b is itself the best, it is set against the best of the others.
      let others = grid.scales.indices.filter { grid.scales[$0] != reference && cells[$0][c] != nil }
      let runnerUp = others.min { cells[$0][c]! < cells[$1][c]! }.map { grid.scales[$0] }
      let candidates = [table.bestScale[c], lowest[c].map { grid.scales[$0] }, runnerUp]
      let best = candidates.compactMap { $0 }.first { $0 != reference }
      let label = best == table.bestScale[c] || best == lowest[c].map({ grid.scales[$0] })
        ? "the best b" : "the best other b"
      guard let best,
        let a = curve(column.cell(scale: reference)),
        let bb = curve(column.cell(scale: best)),
        a.count == bb.count
      else { continue }
      let wins = zip(a, bb).filter { $1.error < $0.error }.map(\.0.logSNR)
      let step = a.count > 1 ? a[1].logSNR - a[0].logSNR : 1
      lines += [
        "", "### \(column.title): held-out error, b = \(reference) against \(label) = \(best)",
        "", "b = \(best) has the lower error at λ = " + SweepScore.ranges(wins, step: step) + ".", "",
        "| λ | error b = \(reference) | error b = \(best) | ratio |", "|---:|---:|---:|---:|",
      ]
      for (p, q) in zip(a, bb) {
        lines.append(
          "| \(SweepTable.fixed(p.logSNR, 1)) | \(SweepScore.short(p.error)) | "
            + "\(SweepScore.short(q.error)) | "
            + (p.error > 0 ? SweepTable.fixed(q.error / p.error, 2) : "–") + " |")
      }
    }
    lines += ["", "### Where a run's held-out error rises with λ", ""] + riseLines(table)
    return lines.joined(separator: "\n") + "\n"
  }

  /// Each run's rises of the held-out error (``HeldOutScore/riseNotes``), named by kind as
  /// `train` names them: a bits/dim that ranks a cell is only as good as the curve under it.
  func riseLines(_ table: SweepTable) -> [String] {
    var lines: [String] = []
    for column in table.columns {
      for b in grid.scales {
        let cell = column.cell(scale: b)
        // The λ range the cell's schedule trains, as the run's own note has it.
        var config = TrainingConfig()
        config.schedule = cell.family.spec
        config.inputScale = b
        let trained = HeldOutScore.trainedRange(config)
        for run in results[cell.id] ?? [] {
          guard let curve = run.errorByLogSNR, !curve.isEmpty else { continue }
          for note in HeldOutScore.riseNotes(
            curve: curve, training: run.trainingErrorByLogSNR, trained: trained)
          {
            lines.append("- \(column.title), b = \(b), seed \(run.seed): \(note)")
          }
        }
      }
    }
    return lines.isEmpty
      ? ["None: every scored run's held-out error falls as λ grows (by less than "
        + "\(Int(HeldOutScore.riseThreshold * 100)) % per grid step where it does not)."]
      : lines
  }

  /// Rising grid values (`step` apart where neighbours) as runs: `-12…-3, 5, 8…12`.
  static func ranges(_ values: [Double], step: Double) -> String {
    guard !values.isEmpty else { return "nowhere on the grid" }
    var parts: [String] = []
    var start = values[0]
    var last = values[0]
    for v in values.dropFirst() + [Double.infinity] {
      if v - last <= step * 1.5 {
        last = v
        continue
      }
      let text = { (x: Double) in x == x.rounded() ? SweepTable.fixed(x, 0) : "\(x)" }
      parts.append(start == last ? text(start) : text(start) + "…" + text(last))
      start = v
      last = v
    }
    return parts.joined(separator: ", ")
  }

  /// Four significant digits, locale-free.
  static func short(_ x: Double) -> String { String(format: "%.4g", x) }
}
