import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// `--t-samplings` is a grid axis like `--scales`: its cells train with their sampling, show
/// in the table and heat map, resume, and a sweep from before the axis still loads.
@Suite struct SweepTSamplingTests {
  let linear = try! SweepFamily(parsing: "linear")
  let samplings: [TimestepSampling] = [.uniform, .logitNormal(mean: 0, std: 1)]

  var grid: SweepGrid {
    SweepGrid(
      resolutions: [8, 16], scales: [1.0, 0.5], families: [linear], tSamplings: samplings,
      repeats: 1, seed: 3)
  }

  /// A distance that depends on the whole cell, the sampling included, so a cell trained with
  /// the wrong sampling (or its result filed under another cell) changes the table.
  func fakeTrain(_ job: SweepRunner.Job) -> SweepRun {
    let extra = job.cell.tSampling == .uniform ? 0.0 : 100
    return SweepRun(
      seed: job.seed, fd: Double(job.cell.resolution) * job.cell.scale + extra, noiseFD: 1000,
      trainSeconds: 0, finalLoss: 0)
  }

  @Test("the list parses by canonical name and refuses repeats and bad values, saying what is allowed")
  func lists() throws {
    #expect(
      try SweepLists.tSamplings(" uniform , logit-normal,mode:0.5") == [
        .uniform, .logitNormal(mean: 0, std: 1), .mode(scale: 0.5),
      ])
    #expect(throws: SweepLists.Problem(reason: "lists a value twice")) {
      try SweepLists.tSamplings("logit-normal,logit-normal:0:1")
    }
    #expect {
      try SweepLists.tSamplings("uniform,mode:3")
    } throws: { error in
      let text = "\(error)"
      return text.contains("'mode:3'") && text.contains("−1 < S <")
    }
  }

  @Test("cells cover every sampling; uniform cells keep their old ids, others name the sampling")
  func cells() {
    #expect(grid.cells.count == 2 * 2 * 2)
    let ids = grid.cells.map(\.id)
    #expect(ids.contains("r8-b1.0-linear"))
    #expect(ids.contains("r8-b1.0-linear-ts_logit-normal_0_1"))
    #expect(Set(ids).count == ids.count)
  }

  @Test("the sweep trains each cell with its sampling, tables it in its own column, and resumes")
  func runsAndResumes() throws {
    let dir = temporaryFolder("sweep-tsampling")
    var seen: [TimestepSampling] = []
    var first = try SweepRunner(directory: dir, grid: grid, settings: [:])
    #expect(!(try first.run(train: { seen.append($0.cell.tSampling); return fakeTrain($0) },
                            shouldStop: { seen.count == 3 })))
    var second = try SweepRunner(directory: dir, grid: grid, settings: [:])
    #expect(second.pendingJobs.count == 8 - 3)
    #expect(try second.run(train: { seen.append($0.cell.tSampling); return fakeTrain($0) }))
    #expect(seen.filter { $0 == .uniform }.count == 4)
    // The config each cell trains with carries its sampling.
    let cell = try #require(grid.cells.first { $0.tSampling != .uniform })
    #expect(try SweepSettings().config(cell: cell, seed: 0).tSampling == cell.tSampling)
    let md = try String(contentsOfFile: dir + "/table.md", encoding: .utf8)
    #expect(md.contains("8×8 1 - t uniform"))
    #expect(md.contains("8×8 1 - t logit-normal:0:1"))
    // 8 × 0.5 = 4 for uniform, 104 with logit-normal: the cells did not trade places.
    #expect(md.contains("| 0.5 | **4.00** | **104.00** | **8.00** | **108.00** |"))
    let json = try String(contentsOfFile: dir + "/sweep.json", encoding: .utf8)
    #expect(json.contains("\"t_samplings\""))
    // Another list is another experiment: refused, naming the axis.
    var other = grid
    other.tSamplings = [.uniform]
    #expect {
      try SweepRunner(directory: dir, grid: other, settings: [:])
    } throws: { error in
      "\(error)".contains("t_samplings = [\"uniform\", \"logit-normal:0:1\"]")
    }
  }

  @Test("a sweep.json from before the axis (no t_samplings) opens as uniform and resumes")
  func olderFileLoads() throws {
    let dir = temporaryFolder("sweep-old")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // Written by hand as schedtui wrote sweeps before t-sampling (no checksums: read unchecked).
    let old = """
      {"schedtui_sweep_version": 1, "resolutions": [8], "scales": [1.0], "families": ["linear"],
       "repeats": 1, "seed": 3, "settings": {},
       "cells": [{"id": "r8-b1.0-linear", "resolution": 8, "scale": 1.0, "family": "linear",
                  "runs": [{"seed": 3, "fd": 12.5, "noise_fd": 1000, "train_seconds": 1,
                            "final_loss": 0.1}]}]}
      """
    try old.write(toFile: dir + "/sweep.json", atomically: true, encoding: .utf8)
    let state = try SweepState.open(path: dir + "/sweep.json")
    #expect(state.grid.tSamplings == [.uniform])
    #expect(state.results["r8-b1.0-linear"]?.first?.fd == 12.5)
    let runner = try SweepRunner(directory: dir, grid: state.grid, settings: [:])
    #expect(runner.pendingJobs.isEmpty)
    // A uniform-only grid still writes the older format: no t_samplings key.
    let text = String(decoding: state.json(), as: UTF8.self)
    #expect(!text.contains("t_sampling"))
  }

  @Test("the heat map has a panel per family and sampling, wider than one panel's legend")
  func heatmapPanels() {
    var four = grid
    four.resolutions = [8, 16, 32]
    four.tSamplings = [.uniform, .defaultLogitNormal, .defaultMode, .defaultLogNormal]
    let table = SweepTable(grid: four, results: [:])
    #expect(table.columns.count == 3 * 4)
    let one = SweepHeatmap(table: table, families: [linear], resolutions: four.resolutions)
    let panels = SweepHeatmap(table: table, grid: four)
    // Four panels of three 72-pixel columns each outgrow the legend line that sets one's width.
    #expect(panels.width > one.width)
    #expect(panels.width >= 4 * (70 + 3 * 72))
  }
}
