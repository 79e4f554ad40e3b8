import Engine
import Foundation
import TestSupport
import Testing

@Suite struct SweepShardTests {
  @Test(
    "shards deal every run to exactly one of them, counts within one",
    arguments: [1, 2, 3, 7, 16])
  func balanced(count: Int) {
    for total in [1, 5, 16, 64, 100] {
      var owners = [Int](repeating: 0, count: total)
      var sizes: [Int] = []
      for k in 1...count {
        let shard = SweepShard(index: k, count: count)
        let mine = (0..<total).filter { shard.owns(jobNumber: $0) }
        for j in mine { owners[j] += 1 }
        #expect(mine.count == shard.jobCount(of: total))
        sizes.append(mine.count)
      }
      #expect(owners.allSatisfy { $0 == 1 }, "\(total) runs over \(count) shards")
      #expect(sizes.max()! - sizes.min()! <= 1)
    }
  }

  @Test(
    "a bad --shard names what was given and what is allowed",
    arguments: [
      ("3/2", "K = 3 is outside 1…2"), ("0/4", "K = 0 is outside 1…4"),
      ("x", "it is not of the form K/N"),
      ("1/x", "K and N must be whole numbers"), ("1/0", "N = 0 is outside 1…10000"),
      ("1/2/3", "it is not of the form K/N"),
    ])
  func refuses(text: String, reason: String) {
    #expect(throws: SweepShard.ParseError.self) { try SweepShard(parsing: text) }
    do {
      _ = try SweepShard(parsing: text)
    } catch {
      #expect(error.description.hasPrefix("--shard \(text) is not allowed: \(reason)"))
      #expect(error.description.contains("1 ≤ K ≤ N ≤ 10000"))
    }
  }
}

/// Two shards run as two processes on one folder, then merged, against one unsharded run.
@Suite(.serialized) struct SweepShardCommandTests {
  static let grid = [
    "--resolutions", "8", "--scales", "1,0.5", "--families", "linear,cosine:0.2:1:1",
    "--repeats", "2", "--steps", "3", "--eval-samples", "2", "--sample-steps", "2",
    "--batch", "4", "--threads", "1",
  ]

  static func start(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: NoiseCommandTests.executable)
    process.arguments = ["sweep"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    return (process, pipe)
  }

  static func finish(_ p: (Process, Pipe)) -> (Int32, String) {
    let data = p.1.fileHandleForReading.readDataToEndOfFile()
    p.0.waitUntilExit()
    return (p.0.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  static func run(_ arguments: [String]) throws -> (Int32, String) {
    finish(try start(arguments))
  }

  /// A JSON file without its wall-clock fields, which differ between any two runs, and the
  /// checksums computed over them (sweep.json's per-cell CRC-32 covers each run's seconds).
  static func timeless(_ path: String) throws -> String {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let clock = ["train_seconds", "examples_per_second", "seconds", "crc32"]
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var l = String(line)
      for key in clock {
        while let r = l.range(of: "\"\(key)\"") {
          // Drop `"key" : number` (pretty) or `"key":number` (compact) up to the next , or }.
          let rest = l[r.upperBound...]
          let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
          l.replaceSubrange(r.lowerBound..<end, with: "")
        }
      }
      return l
    }.joined(separator: "\n")
  }

  @Test("two shards in two processes, merged, equal the unsharded sweep number for number")
  func shardsMergeToUnsharded() throws {
    let dir = temporaryFolder("sweep-shards")
    let full = dir + "/full"
    let sharded = dir + "/sharded"
    let (status, log) = try Self.run(Self.grid + ["--out", full])
    #expect(status == 0, "\(log)")
    let one = try Self.start(Self.grid + ["--out", sharded, "--shard", "1/2"])
    let two = try Self.start(Self.grid + ["--out", sharded, "--shard", "2/2"])
    let (s1, log1) = Self.finish(one)
    let (s2, log2) = Self.finish(two)
    #expect(s1 == 0 && s2 == 0, "\(log1)\n\(log2)")
    #expect(log1.contains("shard 1/2: 4 of them") && log2.contains("shard 2/2: 4 of them"))
    let fm = FileManager.default
    // Shards write no sweep-level file: only the merge does.
    for name in ["sweep.json", "table.md", "table.csv", "details.md", "heatmap.png"] {
      #expect(!fm.fileExists(atPath: sharded + "/" + name), "\(name) before the merge")
    }
    #expect(
      try fm.contentsOfDirectory(atPath: sharded + "/shards").sorted()
        == ["shard-1-of-2.json", "shard-2-of-2.json"])
    let (ms, merged) = try Self.run(["--merge", sharded])
    #expect(ms == 0, "\(merged)")
    #expect(merged.contains("8 of 8 runs finished") && !merged.contains("missing"))

    #expect(try Self.timeless(full + "/sweep.json") == Self.timeless(sharded + "/sweep.json"))
    // The shared setup: the shards wrote the same config.json as the single process.
    #expect(fm.contents(atPath: sharded + "/config.json") != nil)
    #expect(fm.contents(atPath: full + "/config.json") == fm.contents(atPath: sharded + "/config.json"))
    for name in ["table.md", "table.csv", "details.md", "heatmap.png"] {
      #expect(fm.contents(atPath: full + "/" + name) == fm.contents(atPath: sharded + "/" + name),
              "\(name)")
    }
    // Each run's results; its manifest.json records when the folder was made, so it differs.
    func results(_ path: String) throws -> [String] {
      try fm.subpathsOfDirectory(atPath: path).filter {
        ($0.hasSuffix(".json") || $0.hasSuffix(".jsonl") || $0.hasSuffix(".png"))
          && !$0.hasSuffix(FolderManifest.fileName)
      }.sorted()
    }
    let runFiles = try results(full + "/cells")
    // summary.json, metrics.jsonl, samples.png and config.json per run.
    #expect(runFiles.count == 8 * 4)
    #expect(try results(sharded + "/cells") == runFiles)
    for f in runFiles {
      if f.hasSuffix(".png") {
        #expect(fm.contents(atPath: full + "/cells/" + f)
                == fm.contents(atPath: sharded + "/cells/" + f), "\(f)")
      } else {
        #expect(try Self.timeless(full + "/cells/" + f)
                == Self.timeless(sharded + "/cells/" + f), "\(f)")
      }
    }
  }

  @Test("a merge of one shard of three names the runs still missing")
  func partialMerge() throws {
    let dir = temporaryFolder("sweep-partial")
    let (status, log) = try Self.run(Self.grid + ["--out", dir, "--shard", "2/3"])
    #expect(status == 0, "\(log)")
    // --partial: a merge of part of the runs is accepted (without it the merge fails).
    let (ms, merged) = try Self.run(["--merge", dir, "--partial"])
    #expect(ms == 0, "\(merged)")
    // Runs (cell-major, repeats inside) 1, 4, 7 of 0…7 are shard 2's: linear b = 1 seed 1,
    // cosine b = 1 seed 0 and cosine b = 0.5 seed 1.
    #expect(merged.contains("3 of 8 runs finished"), "\(merged)")
    #expect(merged.contains("missing 5 run(s)"))
    #expect(merged.contains("  r8-b1.0-linear seed 0\n"))
    #expect(!merged.contains("r8-b1.0-linear seed 1"))
    #expect(!merged.contains("r8-b1.0-cosine_0.2_1_1 seed 0"))
  }

  @Test("a folder that is not a sweep, a missing one and --shard with --merge are refused")
  func refusesMerge() throws {
    let dir = temporaryFolder("sweep-not")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var (status, out) = try Self.run(["--merge", dir])
    #expect(status != 0 && out.contains("not a sweep folder: it holds neither"), "\(out)")
    (status, out) = try Self.run(["--merge", dir + "/nothing"])
    #expect(status != 0 && out.contains("no such folder"), "\(out)")
    (status, out) = try Self.run(["--merge", dir, "--shard", "1/2"])
    #expect(status != 0 && out.contains("--merge DIR and --shard K/N do not go"), "\(out)")
    (status, out) = try Self.run(["--shard", "3/2", "--out", dir])
    #expect(status != 0 && out.contains("--shard 3/2 is not allowed: K = 3 is outside 1…2"))
  }

  @Test("a shard of another sweep is refused when it starts (64), naming the file and what differs (issue 22, finding 7)")
  func refusesOtherSweepShard() throws {
    let dir = temporaryFolder("sweep-other-shard")
    var (status, out) = try Self.run(Self.grid + ["--out", dir, "--shard", "1/4"])
    #expect(status == 0, "\(out)")
    let config = FileManager.default.contents(atPath: dir + "/config.json")
    let other = Self.grid.map { $0 == "1,0.5" ? "1,0.25" : $0 }  // other --scales
    (status, out) = try Self.run(other + ["--out", dir, "--shard", "2/4"])
    #expect(status == 64, "\(out)")
    #expect(out.contains("shards/shard-1-of-4.json") && out.contains("scales"), "\(out)")
    #expect(out.contains("different sweep"), "\(out)")
    #expect(FileManager.default.contents(atPath: dir + "/config.json") == config)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/shards") == ["shard-1-of-4.json"])
    // The same shard with the sweep's own options goes ahead.
    (status, out) = try Self.run(Self.grid + ["--out", dir, "--shard", "2/4"])
    #expect(status == 0, "\(out)")
  }

  @Test("a shard whose config.json differs from the folder's is refused, naming the key")
  func refusesOtherSetup() throws {
    let dir = temporaryFolder("sweep-other-setup")
    var (status, out) = try Self.run(Self.grid + ["--out", dir, "--shard", "1/4"])
    #expect(status == 0, "\(out)")
    // Only config.json is left to tell (as when another shard wrote it and has not yet written
    // its own file).
    try FileManager.default.removeItem(atPath: dir + "/shards")
    let other = Self.grid.map { $0 == "3" ? "2" : $0 }  // --steps 2 instead of 3
    (status, out) = try Self.run(other + ["--out", dir, "--shard", "2/4"])
    #expect(status == 64, "\(out)")
    #expect(out.contains("config.json") && out.contains("training.steps 3 (this shard's: 2)"), "\(out)")
  }

  @Test("shards of two different sweeps in one folder are not merged; the file and field are named")
  func refusesMixedShards() throws {
    let dir = temporaryFolder("sweep-mixed")
    var (status, out) = try Self.run(Self.grid + ["--out", dir, "--shard", "1/4"])
    #expect(status == 0, "\(out)")
    // A shard of another sweep, run elsewhere and copied in (a shard started here is refused).
    let elsewhere = temporaryFolder("sweep-mixed-elsewhere")
    let other = Self.grid.map { $0 == "3" ? "2" : $0 }  // --steps 2 instead of 3
    (status, out) = try Self.run(other + ["--out", elsewhere, "--shard", "2/4"])
    #expect(status == 0, "\(out)")
    try FileManager.default.copyItem(
      atPath: elsewhere + "/shards/shard-2-of-4.json", toPath: dir + "/shards/shard-2-of-4.json")
    (status, out) = try Self.run(["--merge", dir])
    #expect(status != 0)
    #expect(out.contains("shards/shard-2-of-4.json holds a different sweep: steps = 2"), "\(out)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/sweep.json"))
  }
}

/// Issue 22, finding 7: a merge of shards that finished only part of the runs says so in its
/// output and its table, and fails unless --partial accepts it.
@Suite(.serialized) struct PartialMergeTests {
  @Test("one of two shards merged: k of n runs in output and table.md, exit 1; --partial exits 0")
  func partialMerge() throws {
    let dir = temporaryFolder("sweep-partial") + "/s"
    let grid = SweepShardCommandTests.grid
    let (shard, log) = try SweepShardCommandTests.run(grid + ["--out", dir, "--shard", "1/2"])
    #expect(shard == 0, "\(log)")
    let (status, out) = try SweepShardCommandTests.run(["--merge", dir])
    #expect(status == 1, "\(out)")
    #expect(out.contains("4 of 8 runs") && out.contains("--partial"), "\(out)")
    let table = try String(contentsOfFile: dir + "/table.md", encoding: .utf8)
    #expect(table.contains("Incomplete: 4 of 8 runs"), "\(table)")
    // Shard 1 of 2 ran every cell's first seed: each cell is partial, in both tables.
    #expect(table.contains("(1 of 2 runs)"), "\(table)")
    let csv = try String(contentsOfFile: dir + "/table.csv", encoding: .utf8)
    #expect(csv.split(separator: "\n")[1].hasSuffix(",1 of 2"), "\(csv)")
    let (accepted, out2) = try SweepShardCommandTests.run(["--merge", dir, "--partial"])
    #expect(accepted == 0, "\(out2)")
  }
}
