import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// `schedtui sweep --data`: data without a classifier ranks by bits/dim, the digits show both,
/// the folder's files are recorded and a resume on changed files is refused.
@Suite struct SweepDataTests {
  let grid = SweepGrid(
    resolutions: [8], scales: [1.0, 0.5],
    families: [try! SweepFamily(parsing: "linear")], repeats: 1, seed: 7)

  /// A run as a folder cell ends: no distance, no baselines, a bound.
  func bitsRun(_ bits: Double?, fd: Double? = nil) -> SweepRun {
    var r = SweepRun(seed: 7, fd: fd, noiseFD: nil, trainSeconds: 1, finalLoss: 0.1)
    r.bitsPerDim = bits
    return r
  }

  /// 12 flat RGB PNGs, enough for a folder run (2 held out).
  func makeFolder() -> String {
    let folder = temporaryFolder("sweep-pngs")
    for k in 0..<12 {
      var pixels = [Float](repeating: 0.2, count: 8 * 8 * 3)
      for p in 0..<64 { pixels[p * 3] = Float(k) / 20 }
      try! PNG.write(
        Image(width: 8, height: 8, channels: 3, pixels: pixels),
        to: folder + String(format: "/img%02d.png", k))
    }
    return folder
  }

  @Test("a folder or the photographs rank by bits/dim; the digits by the Fréchet distance")
  func rankingFollowsData() {
    var s = SweepSettings()
    #expect(s.ranking == .frechetDistance)
    s.data = .builtIn(.patches)
    #expect(s.ranking == .bitsPerDim)
    s.data = .folder("/tmp/x")
    #expect(s.ranking == .bitsPerDim && s.recorded(resolutions: [8])["data"] == "/tmp/x")
    #expect(SweepRanking(data: nil) == .frechetDistance)
    #expect(SweepRanking(data: "digits") == .frechetDistance)
    #expect(SweepRanking(data: "patches") == .bitsPerDim)
  }

  @Test("ranked by bits/dim: lowest marked, the caption says so, the CSV names the column")
  func bitsTable() {
    var g = grid
    g.ranking = .bitsPerDim
    let results = ["r8-b1.0-linear": [bitsRun(8.726)], "r8-b0.5-linear": [bitsRun(8.713)]]
    let t = SweepTable(grid: g, results: results)
    #expect(t.bestScale == [0.5])
    #expect(t.markdown.contains("| 0.5 | **8.713** |"))
    #expect(t.document.hasPrefix("Ranked by the held-out bound in bits per dimension"))
    #expect(!t.document.contains("Fréchet distance of each cell"))
    #expect(t.csv.hasPrefix("b,\"8×8 1 - t bits_per_dim\""))
    #expect(t.csv.contains("best,0.5,"))
    // A diverged run has no bound: failed, not ranked.
    let diverged = SweepTable(grid: g, results: ["r8-b1.0-linear": [bitsRun(nil)]])
    #expect(diverged.values[0][0]?.failed == true && diverged.bestRow == [nil])
    // The heat map's legend names what it ranks.
    _ = SweepHeatmap(table: t, families: g.families, resolutions: g.resolutions)
  }

  @Test("the digits keep the distance as the headline and show bits/dim beside it")
  func digitsShowBoth() {
    var a = SweepRun(seed: 7, fd: 10, noiseFD: 100, trainSeconds: 1, finalLoss: 0.1)
    a.bitsPerDim = 6.2
    var b = SweepRun(seed: 7, fd: 12, noiseFD: 100, trainSeconds: 1, finalLoss: 0.1)
    b.bitsPerDim = 6.1
    let t = SweepTable(grid: grid, results: ["r8-b1.0-linear": [a], "r8-b0.5-linear": [b]])
    #expect(t.bestScale == [1.0])
    let doc = t.document
    #expect(doc.hasPrefix("Fréchet distance of each cell's samples"))
    #expect(doc.contains("| 1.0 | **10.00** |"))
    #expect(doc.contains("Held-out bound in bits per dimension"))
    #expect(doc.contains("| 0.5 | **6.100** |"))
  }

  @Test("sweep.json records the folder and its files; a resume on changed files is refused")
  func recordsFilesAndRefusesChanged() throws {
    let folder = makeFolder()
    var s = SweepSettings()
    s.data = .folder(folder)
    s.dataFiles = try Dataset.folderFiles(folder)
    #expect(s.dataFiles == (try Dataset.folder(folder, resolution: 8).files))
    let recorded = s.recorded(resolutions: [8])
    #expect(recorded["data_files"] == "12 files, hash \(s.dataFiles!.hash)")
    var g = grid
    g.ranking = s.ranking
    let dir = temporaryFolder("sweep-data")
    var runner = try SweepRunner(directory: dir, grid: g, settings: recorded)
    _ = try runner.run(train: { _ in bitsRun(7) }, shouldStop: { false })
    let json = try String(contentsOfFile: dir + "/sweep.json", encoding: .utf8)
    #expect(json.contains("bits_per_dim_mean") && !json.contains("noise_fd"))
    let md = try String(contentsOfFile: dir + "/table.md", encoding: .utf8)
    #expect(md.hasPrefix("Ranked by the held-out bound in bits per dimension"))
    // The explorer's reader ranks a folder sweep by bits/dim too.
    let stored = try SweepState.open(path: dir + "/sweep.json")
    #expect(stored.grid.ranking == .bitsPerDim && stored.settings["data"] == folder)

    try PNG.write(
      Image(width: 3, height: 3, channels: 1, repeating: 0.5), to: folder + "/img99.png")
    s.dataFiles = try Dataset.folderFiles(folder)
    #expect {
      try SweepRunner(directory: dir, grid: g, settings: s.recorded(resolutions: [8]))
    } throws: { error in
      "\(error)".contains("data_files = 12 files") && "\(error)".contains("asks for 13 files")
    }
  }

  @Test("a sweep.json from before --data (no data files, no bits fields) still loads")
  func olderFileLoads() throws {
    let dir = temporaryFolder("sweep-old")
    let text = """
      {"schedtui_sweep_version": 1, "resolutions": [8], "scales": [1.0], "families": ["linear"],
       "repeats": 1, "seed": 7, "settings": {"data": "digits", "steps": "10"},
       "cells": [{"id": "r8-b1.0-linear", "resolution": 8, "scale": 1.0, "family": "linear",
         "runs": [{"seed": 7, "fd": 10, "noise_fd": 100, "train_seconds": 1, "final_loss": 0.1}],
         "fd_mean": 10, "failed": false, "best": true}]}
      """
    try text.write(toFile: dir + "/sweep.json", atomically: true, encoding: .utf8)
    let state = try SweepState.open(path: dir + "/sweep.json")
    #expect(state.grid.ranking == .frechetDistance)
    #expect(state.results["r8-b1.0-linear"]?.first?.noiseFD == 100)
  }

  @Test("a folder cell trains on the folder, skips the digits' baselines and has a bound")
  func trainsFolderCell() throws {
    var s = SweepSettings()
    s.data = .folder(makeFolder())
    s.steps = 2
    s.batch = 8
    s.evalSamples = 2
    s.sampleSteps = 2
    let cell = grid.cells[0]
    let c = try s.config(cell: cell, seed: 7)
    #expect(c.dataFolder != nil && c.resolution == 8)
    let dir = temporaryFolder("sweep-cell")
    let job = SweepRunner.Job(cell: cell, repeatIndex: 0, seed: 7, directory: dir)
    let run = try SweepTrainer(settings: s, seed: 7).train(job)
    #expect(run.fd == nil && run.noiseFD == nil && run.meanFD == nil)
    #expect(run.bitsPerDim.map(\.isFinite) == true && !run.failed(by: .bitsPerDim))
  }

  @Test("schedtui sweep --data DIR ranks by bits/dim and says so; a missing folder is refused")
  func command() throws {
    let out = temporaryFolder("sweep-cli")
    let r = try SchedtuiCommand.run([
      "sweep", "--data", makeFolder(), "--resolutions", "8", "--scales", "1,0.5",
      "--families", "linear", "--repeats", "1", "--steps", "2", "--batch", "8",
      "--eval-samples", "2", "--sample-steps", "2", "--out", out + "/s",
    ])
    #expect(r.status == 0, "\(r.error)")
    #expect(r.output.contains("Ranked by the held-out bound in bits per dimension"), "\(r.output)")
    let missing = try SchedtuiCommand.run([
      "sweep", "--data", out + "/nothing", "--resolutions", "8", "--out", out + "/t",
    ])
    #expect(missing.status != 0)
    #expect(missing.error.contains("--data") && missing.error.contains("no such folder"), "\(missing.error)")
  }
}
