import ArgumentParser
import Engine
import Foundation

/// `schedtui sweep --shard K/N` and `--merge DIR`: one sweep over many machines that share its
/// folder (issue 11). Each shard writes only its own runs' folders and `shards/shard-K-of-N.json`;
/// the merge alone writes the sweep-level files.
extension Sweep {
  func validateShardOptions() throws {
    if merge != nil {
      guard shard == nil else {
        throw ValidationError(
          "--merge DIR and --shard K/N do not go together: run the shards, then merge once.")
      }
      return
    }
    if partial { throw ValidationError("--partial goes with --merge DIR only.") }
    _ = try shardValue()
  }

  func shardValue() throws -> SweepShard? {
    guard let shard else { return nil }
    do {
      return try SweepShard(parsing: shard)
    } catch {
      let text = error.description
      throw ValidationError(text.hasSuffix(".") ? text : text + ".")
    }
  }

  /// Rebuilds the sweep in `dir` from what its shards finished, and says what is missing.
  func runMerge(_ dir: String) throws {
    let report: SweepRunner.MergeReport
    do {
      report = try SweepRunner.merge(directory: dir) { state in
        let table = SweepTable(grid: state.grid, results: state.results)
        let map = SweepHeatmap(table: table, grid: state.grid)
        try PNG.write(map.image, to: (dir as NSString).appendingPathComponent("heatmap.png"))
      }
    } catch let error as SweepState.LoadError {
      // Not a usage error: the options were fine, the folder is not a sweep (no usage text).
      throw MergeFailed(reason: "\(error)")
    }
    let grid = report.state.grid
    let total = grid.cells.count * grid.repeats
    print("merged \(report.sources.joined(separator: ", ")): \(total - report.missing.count) "
      + "of \(total) runs finished")
    let table = SweepTable(grid: grid, results: report.state.results)
    print("\n" + table.markdown)
    if !report.missing.isEmpty {
      print("missing \(report.missing.count) run(s) (rerun their shards to finish them):")
      for (cell, seed) in report.missing.prefix(20) {
        print("  \(cell.id) seed \(seed)")
      }
      if report.missing.count > 20 { print("  … and \(report.missing.count - 20) more") }
    }
    print("wrote \(dir)/table.md, table.csv, heatmap.png, sweep.json")
    if !report.missing.isEmpty && !partial {
      throw MergeFailed(
        reason: "incomplete: \(total - report.missing.count) of \(total) runs finished, so the "
          + "tables (written, marked incomplete) may name the wrong best; finish the missing "
          + "runs' shards, or pass --partial to accept a partial merge")
    }
  }

  func printShardDone(_ shard: SweepShard, runner: SweepRunner) {
    print(
      "shard \(shard) done: \(runner.state.results.values.map(\.count).reduce(0, +)) runs in "
        + "\(runner.statePath). When every shard is done: schedtui sweep --merge \(out)")
  }
}

/// A folder `--merge` cannot rebuild, named with why.
struct MergeFailed: Error, CustomStringConvertible {
  let reason: String
  var description: String { "--merge: \(reason)" }
}
