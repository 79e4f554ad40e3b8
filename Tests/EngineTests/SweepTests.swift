@testable import Engine
import Foundation
import Schedules
import TestSupport
import Testing

@Suite struct SweepFamilyTests {
  @Test("the paper's families parse and take the paper's labels")
  func parsesPaperFamilies() throws {
    #expect(try SweepFamily(parsing: "linear").description == "1 - t")
    let cosine = try SweepFamily(parsing: "cosine:0.2:1:1")
    #expect(cosine.description == "cosine@0.2,1,1")
    #expect(cosine.spec == ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 1))
    #expect(try SweepFamily(parsing: "sigmoid:-3:3:1.1").description == "sigmoid@-3,3,1.1")
  }

  @Test(
    "a bad family is refused with a message naming it and what is allowed",
    arguments: [
      ("cosin", "is not a known family"), ("linear:1", "takes no parameters"),
      ("cosine:0.2:1", "three numbers"), ("cosine:0.2:x:1", "'x', which is not a number"),
      ("sigmoid:1:1:1", "not a valid schedule"), ("cosine:0:1:0", "not a valid schedule"),
    ])
  func refusesBadFamilies(text: String, reason: String) {
    #expect {
      try SweepFamily(parsing: text)
    } throws: { error in
      let m = "\(error)"
      return m.contains("'\(text)'") && m.contains(reason) && m.contains("cosine:START:END:TAU")
    }
  }
}

@Suite struct SweepTableTests {
  let grid = SweepGrid(
    resolutions: [8, 16], scales: [1.0, 0.5],
    families: [try! SweepFamily(parsing: "linear")], repeats: 2, seed: 7)

  func run(_ fd: Double, seed: UInt64 = 7) -> SweepRun {
    SweepRun(seed: seed, fd: fd, noiseFD: 100, trainSeconds: 1, finalLoss: 0.1)
  }

  @Test("mean and standard error match a hand computation")
  func summaryByHand() throws {
    // values 10, 14: mean 12, sample sd = √8, se = √8/√2 = 2.
    let s = try #require(CellSummary(runs: [run(10), run(14, seed: 8)]))
    #expect(s.mean == 12)
    #expect(abs(s.standardError! - 2) < 1e-12)
    #expect(!s.failed)
  }

  @Test("a run no better than half of noise's distance fails, and is never ranked best")
  func failedCellsAreNotRanked() {
    let results: [String: [SweepRun]] = [
      "r8-b1.0-linear": [run(60), run(70, seed: 8)],  // both ≥ 50 = half of noise: failed
      "r8-b0.5-linear": [run(30), run(34, seed: 8)],
      "r16-b1.0-linear": [run(20), run(22, seed: 8)],
      "r16-b0.5-linear": [run(25), run(27, seed: 8)],
    ]
    let t = SweepTable(grid: grid, results: results)
    #expect(t.values[0][0]!.failed)
    #expect(t.bestRow == [1, 0])
    #expect(t.bestScale == [0.5, 1.0])
    let md = t.markdown.split(separator: "\n").map(String.init)
    #expect(md[0] == "| b | 8×8 1 - t | 16×16 1 - t |")
    #expect(md[2] == "| 1.0 | failed (65.00 ± 5.00) | **21.00 ± 1.00** |")
    #expect(md[3] == "| 0.5 | **32.00 ± 2.00** | 26.00 ± 1.00 |")
    let csv = t.csv.split(separator: "\n").map(String.init)
    #expect(csv[1] == "1.0,failed,,2 of 2,21.0,1.0,2 of 2")
    #expect(csv[3] == "best,0.5,,,1.0,,")
  }

  @Test("cells not yet run show as pending; a cell with part of its runs says how many (issue 22, finding 7)")
  func pendingCells() {
    let t = SweepTable(grid: grid, results: ["r8-b1.0-linear": [run(10)]])
    #expect(t.markdown.contains("| 1.0 | **10.00 (1 of 2 runs)** | … |"))
    let csv = t.csv.split(separator: "\n").map(String.init)
    #expect(csv[0].hasSuffix("\"16×16 1 - t runs\""))
    #expect(csv[1] == "1.0,10.0,,1 of 2,,,0 of 2")
    #expect(t.isPartial(0, 0) && !t.isPartial(0, 1))
  }

  @Test("the heat map stripes a partial cell and only it, and its legend says so (issue 22, finding 7)")
  func partialHeatmap() {
    let whole: [String: [SweepRun]] = [
      "r8-b1.0-linear": [run(10), run(12, seed: 8)], "r8-b0.5-linear": [run(20), run(22, seed: 8)],
    ]
    var part = whole
    // The same mean (21), so the fill and the number are the same: only the stripes differ.
    part["r8-b0.5-linear"] = [run(21)]
    let a = SweepHeatmap(table: SweepTable(grid: grid, results: whole), grid: grid)
    let b = SweepHeatmap(table: SweepTable(grid: grid, results: part), grid: grid)
    #expect(b.height == a.height)
    // The b = 0.5 row of the 8×8 column differs; the b = 1.0 row above is unchanged.
    let x0 = SweepHeatmap.margin + SweepHeatmap.labelW
    let top = SweepHeatmap.margin + SweepHeatmap.titleH + SweepHeatmap.headerH
    func cell(_ m: SweepHeatmap, row: Int) -> [UInt8] {
      var out: [UInt8] = []
      for y in (top + row * SweepHeatmap.cellH)..<(top + (row + 1) * SweepHeatmap.cellH) {
        let start = (y * m.width + x0) * 3
        out += m.rgb[start..<(start + SweepHeatmap.cellW * 3)]
      }
      return out
    }
    #expect(cell(a, row: 0) == cell(b, row: 0))
    #expect(cell(a, row: 1) != cell(b, row: 1))
    #expect(b.width > a.width, "the legend names the stripes")
  }
}

@Suite struct SweepRunnerTests {

  let grid = SweepGrid(
    resolutions: [8, 16], scales: [1.0, 0.5],
    families: [try! SweepFamily(parsing: "linear"), try! SweepFamily(parsing: "cosine:0.2:1:1")],
    repeats: 1, seed: 3)

  /// Stands in for the trainer: a distance that depends only on the job, so a resumed sweep must
  /// end with exactly the table of an uninterrupted one.
  func fakeTrain(_ job: SweepRunner.Job) -> SweepRun {
    SweepRun(seed: job.seed, fd: Double(job.cell.resolution) * job.cell.scale, noiseFD: 1000,
             trainSeconds: 0, finalLoss: 0)
  }

  @Test("an interrupted sweep resumes without re-running finished cells")
  func resumes() throws {
    let dir = temporaryFolder("sweep")
    var first = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    var calls = 0
    let finished = try first.run(train: { calls += 1; return fakeTrain($0) },
                                 shouldStop: { calls == 3 })
    #expect(!finished)
    #expect(calls == 3)

    var second = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10"])
    #expect(second.pendingJobs.count == 8 - 3)
    var trained: [String] = []
    #expect(try second.run(train: { trained.append($0.cell.id); return fakeTrain($0) }))
    #expect(trained.count == 5)
    #expect(Set(trained).isDisjoint(with: Set(grid.cells.prefix(3).map(\.id))))
    let md = try String(contentsOfFile: dir + "/table.md", encoding: .utf8)
    #expect(md.contains("| 0.5 | **4.00** | **4.00** | **8.00** | **8.00** |"))
  }

  @Test("resuming with different settings is refused, naming every setting that differs")
  func refusesOtherExperiment() throws {
    let dir = temporaryFolder("sweep")
    var first = try SweepRunner(directory: dir, grid: grid, settings: ["steps": "10", "lr": "1"])
    _ = try first.run(train: fakeTrain, shouldStop: { false })
    var other = grid
    other.seed = 4
    #expect {
      try SweepRunner(directory: dir, grid: other, settings: ["steps": "20", "lr": "1"])
    } throws: { error in
      "\(error)".contains("steps = 10 (this run asks for 20)")
        && "\(error)".contains("seed = 3 (this run asks for 4)") && !"\(error)".contains("lr")
    }
  }

  @Test("more repeats extend a finished sweep; fewer are refused rather than dropping runs")
  func repeats() throws {
    let dir = temporaryFolder("sweep")
    var first = try SweepRunner(directory: dir, grid: grid, settings: [:])
    _ = try first.run(train: fakeTrain)
    var more = grid
    more.repeats = 2
    let extended = try SweepRunner(directory: dir, grid: more, settings: [:])
    #expect(extended.pendingJobs.count == 8)
    #expect(extended.pendingJobs.allSatisfy { $0.seed == 4 })
    var third = try SweepRunner(directory: dir, grid: more, settings: [:])
    _ = try third.run(train: fakeTrain)
    #expect(throws: SweepState.LoadError.self) {
      try SweepRunner(directory: dir, grid: grid, settings: [:])
    }
  }

  @Test("a corrupt sweep.json is an error naming the file, and is left as it was")
  func corruptStateFile() throws {
    let dir = temporaryFolder("sweep")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "{ not json".write(toFile: dir + "/sweep.json", atomically: true, encoding: .utf8)
    #expect {
      try SweepRunner(directory: dir, grid: grid, settings: [:])
    } throws: { error in
      "\(error)".contains(dir + "/sweep.json")
    }
    #expect(try String(contentsOfFile: dir + "/sweep.json", encoding: .utf8) == "{ not json")
  }
}

@Suite struct SweepHeatmapTests {
  @Test("the best cell of a column is framed in black and a failed cell is grey")
  func colours() throws {
    let linear = try SweepFamily(parsing: "linear")
    let grid = SweepGrid(resolutions: [8], scales: [1.0, 0.5, 0.3], families: [linear],
                         repeats: 1, seed: 1)
    func run(_ fd: Double) -> [SweepRun] {
      [SweepRun(seed: 1, fd: fd, noiseFD: 100, trainSeconds: 1, finalLoss: 0)]
    }
    let table = SweepTable(grid: grid, results: [
      "r8-b1.0-linear": run(20), "r8-b0.5-linear": run(10), "r8-b0.3-linear": run(90),
    ])
    let map = SweepHeatmap(table: table, families: [linear], resolutions: [8])
    func pixel(_ x: Int, _ y: Int) -> [UInt8] {
      let i = (y * map.width + x) * 3
      return Array(map.rgb[i..<(i + 3)])
    }
    // Cell (row, column 0) starts at margin + labelW, margin + titleH + headerH + row·cellH.
    let x0 = 12 + 70, y0 = 12 + 26 + 20
    #expect(pixel(x0, y0 + 30) == [0, 0, 0])  // row 1 (b = 0.5, best): framed
    #expect(pixel(x0 + 4, y0 + 30 + 4) == [253, 231, 37])  // and viridis' bright end inside
    #expect(pixel(x0 + 1, y0 + 1) != [0, 0, 0])  // row 0: not framed
    #expect(pixel(x0 + 4, y0 + 60 + 4) == [150, 150, 150])  // row 2: failed (90 ≥ 50), grey
  }
}

@Suite struct SweepTrainerTests {
  @Test("a real run of a cell is trained, scored against the noise baseline, and resumes after a stop")
  func realRunStopsAndResumes() throws {
    let dir = temporaryFolder("sweeptrainer")
    var settings = SweepSettings()
    settings.steps = 6
    settings.batch = 8
    settings.evalSamples = 20
    settings.sampleSteps = 4
    let trainer = SweepTrainer(settings: settings, seed: 1)
    let job = SweepRunner.Job(
      cell: SweepCell(resolution: 8, scale: 0.5, family: try SweepFamily(parsing: "linear")),
      repeatIndex: 0, seed: 1, directory: dir)
    var steps = 0
    #expect(throws: SweepTrainer.Interrupted.self) {
      try trainer.train(job, progress: { if case .step = $0 { steps += 1 } }, shouldStop: { steps >= 3 })
    }
    #expect(steps == 3)
    #expect(FileManager.default.fileExists(atPath: dir + "/checkpoint.bin"))
    steps = 0
    let run = try trainer.train(job, progress: { if case .step = $0 { steps += 1 } })
    #expect(steps == 3)  // only the remaining steps
    let fd = try #require(run.fd)
    #expect(fd.isFinite && fd > 0)
    // Six steps learn nothing beyond the average: the run must count as failed.
    let meanFD = try #require(run.meanFD)
    let noiseFD = try #require(run.noiseFD)
    print("6-step run: fd \(fd), noise \(noiseFD), mean digit \(meanFD)")
    #expect(meanFD < noiseFD)
    #expect(run.failed)
    // A scored run keeps its summary and samples, not its checkpoint (keepCheckpoints is off).
    #expect(!FileManager.default.fileExists(atPath: dir + "/checkpoint.bin"))
    #expect(FileManager.default.fileExists(atPath: dir + "/samples.png"))
    let summary = try String(contentsOfFile: dir + "/summary.json", encoding: .utf8)
    #expect(summary.contains("\"input_scale\" : 0.5"))
  }
}

@Suite struct SweepListsTests {
  @Test("lists parse with spaces and refuse empty, repeated and out-of-range items by name")
  func lists() throws {
    #expect(try SweepLists.resolutions(" 8, 32") == [8, 32])
    #expect(try SweepLists.scales("1, 0.5") == [1, 0.5])
    #expect(try SweepLists.families("linear,cosine:0.2:1:1").map(\.description)
      == ["1 - t", "cosine@0.2,1,1"])
    #expect(throws: SweepLists.Problem(reason: "has '12'")) { try SweepLists.resolutions("8,12") }
    #expect(throws: SweepLists.Problem(reason: "has an empty item")) { try SweepLists.scales("1,,0.5") }
    #expect(throws: SweepLists.Problem(reason: "lists a value twice")) { try SweepLists.scales("1,1.0") }
    #expect(throws: SweepLists.Problem(reason: "has '-2'")) { try SweepLists.scales("1,-2") }
    #expect(throws: SweepLists.Problem(reason: "has 'cos', which is not a known family")) {
      try SweepLists.families("linear,cos")
    }
    #expect(throws: SweepLists.Problem(reason: "has '128'")) { try SweepLists.resolutions("64,128") }
  }

  /// Table 4 starts at 64 px: the photographs and a folder sweep there with `train`'s own
  /// choice of model (MLP-S stops at 32 px); the digits' 64 is the per-cell check's to refuse.
  @Test("a sweep takes 64 px, where --model auto trains UNet-S as train does")
  func sixtyFour() throws {
    #expect(try SweepLists.resolutions("16,64") == [16, 64])
    let settings = SweepSettings()
    #expect(settings.model(resolution: 32) == .mlpS)
    #expect(settings.model(resolution: 64) == .unetS)
    var patches = settings
    patches.data = .builtIn(.patches)
    let cell = SweepCell(
      resolution: 64, scale: 1, family: try SweepLists.families("linear")[0])
    #expect(try patches.config(cell: cell, seed: 0).model == .unetS)
    #expect(throws: FieldError.self) { try settings.config(cell: cell, seed: 0) }
  }
}

@Suite struct SweepCopyingTests {
  let grid = SweepGrid(
    resolutions: [8], scales: [1.0, 0.5], families: [try! SweepFamily(parsing: "linear")],
    repeats: 2, seed: 7)

  func run(_ fd: Double, copies: Double, seed: UInt64 = 7, bins: [LossBins.Row]? = nil)
    -> SweepRun
  {
    SweepRun(
      seed: seed, fd: fd, noiseFD: 100, trainSeconds: 1, finalLoss: 0.1, copyRate: copies,
      lossByLogSNR: bins)
  }

  @Test("a cell whose runs are mostly copies is marked copying and never ranked best")
  func copyingIsNotRanked() {
    let t = SweepTable(grid: grid, results: [
      "r8-b1.0-linear": [run(5, copies: 0.8), run(6, copies: 0.6, seed: 8)],
      "r8-b0.5-linear": [run(20, copies: 0.02), run(22, copies: 0.04, seed: 8)],
    ])
    #expect(t.values[0][0]!.copying && !t.values[0][0]!.failed)
    #expect(!t.values[1][0]!.copying)
    #expect(t.bestScale == [0.5])
    #expect(t.markdown.contains("copying (5.50 ± 0.50)"))
    #expect(t.markdown.contains("**21.00 ± 1.00**"))
    #expect(t.csv.contains("1.0,copying,"))
    // Mean copy rates, in per cent: (80 + 60)/2 and (2 + 4)/2.
    #expect(t.copyMarkdown.contains("| 1.0 | 70 % |"))
    #expect(t.copyMarkdown.contains("| 0.5 | 3 % |"))
  }

  @Test("details: per logSNR bin, b = 1 against the best b, repeats pooled by example counts")
  func bins() {
    func row(_ lo: Double, _ loss: Double, _ n: Int) -> LossBins.Row {
      LossBins.Row(logSNRLow: lo, logSNRHigh: lo + 2, meanLoss: loss, examples: n)
    }
    let results: [String: [SweepRun]] = [
      "r8-b1.0-linear": [
        run(30, copies: 0, bins: [row(0, 0.5, 30), row(2, 0.9, 10)]),
        run(32, copies: 0, seed: 8, bins: [row(0, 0.3, 10), row(2, 0.7, 30)]),
      ],
      "r8-b0.5-linear": [
        run(20, copies: 0, bins: [row(-2, 0.1, 40)]),
        run(22, copies: 0, seed: 8, bins: [row(-2, 0.2, 20), row(0, 0.4, 20)]),
      ],
    ]
    let md = SweepBins(grid: grid, results: results).markdown
    #expect(md.contains("### 8×8 1 - t: b = 1.0 against the best b = 0.5"))
    // b = 1: bin 0…2 holds 40 of 80 examples, mean loss (0.5·30 + 0.3·10)/40 = 0.45;
    // b = 0.5: bin 0…2 holds 20 of 80, loss 0.4; bin −2…0 60 of 80, loss (4 + 4)/60.
    #expect(md.contains("| 0…2 | 50.0 % | 0.4500 | 25.0 % | 0.4000 |"))
    #expect(md.contains("| -2…0 | – | – | 75.0 % | 0.1333 |"))
    // bin 2…4 of b = 1: (0.9·10 + 0.7·30)/40 = 0.75.
    #expect(md.contains("| 2…4 | 50.0 % | 0.7500 | – | – |"))
  }
}

/// Issue 22, finding 10: one schedule written two ways is one sweep column, not two.
@Suite struct SweepFamilyListTests {
  @Test("cosine:0.2:1:1 and cosine:0.20:1.0:1 are refused as the same schedule, naming both")
  func sameScheduleTwice() {
    #expect {
      try SweepLists.families("linear,cosine:0.2:1:1,cosine:0.20:1.0:1")
    } throws: { error in
      let text = "\(error)"
      return text.contains("cosine:0.2:1:1") && text.contains("cosine:0.20:1.0:1")
    }
  }
}
