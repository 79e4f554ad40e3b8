import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// A finished run as a folder would hold it, without training: `fd` as its distance and a
/// 2 × 2 grid of 8-pixel samples (``SampleGrid``'s layout: 33-pixel cells, 1-pixel gaps) whose
/// first tile is white and the rest black.
func record(
  _ folder: String, inputScale: Double = 1, fd: Double = 10, finished: Double = 0
) -> RunRecord {
  var c = TrainingConfig()
  c.schedule = ScheduleSpec(family: .linear)
  c.inputScale = inputScale
  c.steps = 100
  let summary = RunSummary(
    config: c, steps: 100, trainSeconds: 4, finalLoss: 0.125,
    lossByLogSNR: [
      LossBins.Row(logSNRLow: -4, logSNRHigh: -2, meanLoss: 0.5, examples: 10),
      LossBins.Row(logSNRLow: 2, logSNRHigh: 4, meanLoss: 0.05, examples: 10),
    ],
    frechetDistance: fd, copyRate: 0.25)
  var pixels = [Float](repeating: 0, count: 67 * 67)
  for y in 1..<33 { for x in 1..<33 { pixels[y * 67 + x] = 1 } }
  return RunRecord(
    folder: folder, summary: summary,
    losses: (1...10).map { RunRecord.LossPoint(step: 10 * $0, loss: 1 / Double($0)) },
    samples: Image(width: 67, height: 67, channels: 1, pixels: pixels),
    finished: Date(timeIntervalSince1970: finished))
}

/// An explorer with the current setting at b = 0.5 and two pins (b = 1 and b = 0.7).
func pinnedExplorer() -> AppState {
  var s = explorer()
  s.document.current.inputScale = 1
  reduce(&s, .pin)
  s.document.current.inputScale = 0.7
  reduce(&s, .pin)
  s.document.current.inputScale = 0.5
  return s
}

@Suite struct QueueTests {
  @Test("S queues the pins, then the current schedule, each with the setup; the first starts")
  func queuesPinsThenCurrent() {
    var s = pinnedExplorer()
    s.document.setup.steps = 500
    s.document.setup.resolution = 32
    let effects = reduce(&s, .queuePinned)
    let q = try! #require(s.queue)
    #expect(q.items.map(\.setting.inputScale) == [1, 0.7, 0.5])
    #expect(q.items.map(\.colorIndex) == [0, 1, nil])
    #expect(q.items[2].name == s.document.current.label)
    var first = s.document.setup
    first.schedule = ScheduleSpec(family: .linear)
    first.inputScale = 1
    #expect(effects == [.startTraining(q.items[0].setting, first)])
    #expect(first.steps == 500 && first.resolution == 32)
    #expect(s.screen == .training)
  }

  @Test("a pin equal to the current schedule is trained once, under the pin's name")
  func noDuplicate() {
    var s = explorer()
    reduce(&s, .pin)
    reduce(&s, .queuePinned)
    #expect(s.queue?.items.count == 1)
    #expect(s.queue?.items.first?.colorIndex == 0)
  }

  @Test("S without pins says what to do; S while a run goes is refused")
  func refusals() {
    var s = explorer()
    #expect(reduce(&s, .queuePinned).isEmpty)
    #expect(s.message?.isError == true)
    #expect(s.message?.text.contains("p pins") == true)
    s = pinnedExplorer()
    reduce(&s, .queuePinned)
    reduce(&s, .trainingStarted(label: "1−t", details: "", totalSteps: 10))
    #expect(reduce(&s, .queuePinned).isEmpty)
    #expect(s.message?.text.contains("s stops it") == true)
  }

  @Test("each finished run is listed under its pin and the next run starts; the last ends it")
  func advances() {
    var s = pinnedExplorer()
    reduce(&s, .queuePinned)
    let q = s.queue!
    for (i, item) in q.items.enumerated() {
      reduce(&s, .trainingStarted(label: item.setting.label, details: "", totalSteps: 10))
      reduce(&s, .runSaved(record("/runs/\(i)", inputScale: item.setting.inputScale), as: s.queue?.current))
      let next = reduce(&s, .trainingEnded("training finished", failed: false))
      if i + 1 < q.items.count {
        let c = s.document.trainingConfig(for: q.items[i + 1].setting)
        #expect(next == [.startTraining(q.items[i + 1].setting, c)])
      } else {
        #expect(next.isEmpty)
      }
    }
    #expect(s.runs.entries.map(\.name) == q.items.map(\.name))
    #expect(s.runs.entries.map(\.colorIndex) == [0, 1, nil])
    // Marked as they land, so the comparison shows the whole queue.
    #expect(s.runs.compared.count == 3)
    #expect(s.queue?.finished == 3)
  }

  @Test("a failed run counts as failed and the queue goes on")
  func failureGoesOn() {
    var s = pinnedExplorer()
    reduce(&s, .queuePinned)
    reduce(&s, .trainingStarted(label: "a", details: "", totalSteps: 10))
    let next = reduce(&s, .trainingEnded("training failed: diverged", failed: true))
    #expect(next.count == 1)
    #expect(s.queue?.failed == 1 && s.queue?.position == 1)
  }

  @Test("s stops the run and drops the waiting runs; what finished stays; nothing else starts")
  func cancel() {
    var s = pinnedExplorer()
    reduce(&s, .queuePinned)
    reduce(&s, .trainingStarted(label: "a", details: "", totalSteps: 10))
    reduce(&s, .runSaved(record("/runs/a"), as: s.queue?.current))
    reduce(&s, .trainingEnded("training finished", failed: false))
    reduce(&s, .trainingStarted(label: "b", details: "", totalSteps: 10))
    #expect(reduce(&s, .toggleTraining) == [.stopTraining])
    #expect(s.message?.text.contains("1 queued run cancelled") == true)
    #expect(s.queue?.items.count == 2)
    #expect(reduce(&s, .trainingStopped("training stopped at step 3")).isEmpty)
    #expect(s.runs.entries.count == 1)
    #expect(s.training?.isActive != true)
  }

  @Test("the status line's progress: place in the queue, name, step; nothing when idle")
  func progressText() {
    var s = pinnedExplorer()
    #expect(s.queueStatus == nil)
    reduce(&s, .queuePinned)
    reduce(&s, .trainingStarted(label: "1−t", details: "", totalSteps: 500))
    reduce(&s, .trainingStep(step: 120, loss: 0.5, examplesPerSecond: 1))
    #expect(s.queueStatus == "training 1/3 1−t: step 120/500")
    #expect(s.queueStatus(named: false) == "training 1/3: step 120/500")
    reduce(&s, .trainingEvaluating)
    #expect(s.queueStatus == "training 1/3 1−t: sampling, measuring")
  }

  @Test("the queue's progress is on every screen's status line, beside a message")
  func progressOnEveryScreen() {
    var s = pinnedExplorer()
    reduce(&s, .queuePinned)
    reduce(&s, .trainingStarted(label: "1−t", details: "", totalSteps: 500))
    reduce(&s, .trainingStep(step: 7, loss: 0.5, examplesPerSecond: 1))
    let renderer = Renderer(theme: Theme(glyphs: .unicode, colorMode: .none))
    for screen in Screen.allCases {
      s.screen = screen
      s.message = StatusMessage("a message")
      for (w, h) in [(80, 24), (200, 60)] {
        let grid = renderer.render(s, width: w, height: h)
        let line = grid.line(h - 1)
        #expect(line.contains("training 1/3") && line.contains("step 7/500"), "\(screen) \(w)")
        #expect(line.contains("a message"), "\(screen) \(w)")
      }
    }
  }
}

@Suite struct RunsListTests {
  @Test("showing screen 5 asks for the runs folder; a scan adds found runs and keeps names")
  func scanMerges() {
    var s = explorer()
    #expect(reduce(&s, .show(.runs)) == [RunsScan(folder: "runs", known: []).effect])
    #expect(s.screen == .runs)
    #expect(s.runs.reading)
    reduce(&s, .queuePinned)  // no pins: refused, nothing queued
    s.queue = TrainingQueue(items: [.init(name: "mine", setting: s.document.current, colorIndex: 3)])
    reduce(&s, .runSaved(record("/runs/b", finished: 2), as: s.queue?.current))
    reduce(&s, .runsScanned([record("/runs/a", finished: 1), record("/runs/b", finished: 2)], problems: [RunProblem(.damaged, "x", "why")]))
    #expect(s.runs.entries.map(\.record.folder) == ["/runs/a", "/runs/b"])
    #expect(s.runs.entries[1].name == "mine" && s.runs.entries[1].colorIndex == 3)
    #expect(s.runs.entries[0].name == "1−t · 8² · 100 steps")
    #expect(s.runs.problems == [RunProblem(.damaged, "x", "why")])
    // A folder that went away drops out (and out of the marks).
    reduce(&s, .runsScanned([record("/runs/a", finished: 1)], problems: []))
    #expect(s.runs.entries.map(\.record.folder) == ["/runs/a", "/runs/b"])  // b is this session's
    #expect(s.runs.marked == ["/runs/b"])
  }

  @Test("↑↓ choose, Space marks, a marks all then none; without marks the chosen run compares")
  func marking() {
    var s = explorer(on: .runs)
    reduce(&s, .runsScanned([record("/r/a"), record("/r/b"), record("/r/c")], problems: []))
    #expect(s.runs.compared.map(\.record.folder) == ["/r/a"])
    press([.down, .down, .char(" "), .up, .char(" ")], &s)
    #expect(s.runs.marked == ["/r/c", "/r/b"])
    #expect(s.runs.compared.map(\.record.folder) == ["/r/c", "/r/b"])
    press([.char("a")], &s)
    #expect(s.runs.marked.count == 3)
    press([.char("a")], &s)
    #expect(s.runs.marked.isEmpty)
    press([.down, .down, .down], &s)
    #expect(s.runs.selected == 2)
  }

  @Test("Enter loads the run's schedule and setup as one undo step")
  func load() {
    var s = explorer(on: .runs)
    reduce(&s, .runsScanned([record("/r/a", inputScale: 0.35)], problems: []))
    press([.enter], &s)
    #expect(s.document.current.inputScale == 0.35)
    #expect(s.document.setup.steps == 100)
    press([.char("u")], &s)
    #expect(s.document.current.inputScale == 1)
  }

  @Test("e exports the chosen run (not the current schedule), suggesting <run>.json")
  func export() {
    var s = explorer(on: .runs)
    reduce(&s, .runsScanned([record("/r/b05", inputScale: 0.5)], problems: []))
    press([.char("e")], &s)
    guard case .prompt(.exportRun, let entry)? = s.modal else {
      Issue.record("no export prompt: \(String(describing: s.modal))")
      return
    }
    #expect(entry.text == "b05.json")
    let effects = reduce(&s, .commit)
    let run = s.runs.entries[0]
    #expect(effects == [.exportRun(run.setting, setup: run.record.summary.config, path: "b05.json", replace: false)])
    #expect(run.setting.inputScale == 0.5)
    // The file exists: asked again under the same prompt, so Enter still writes the run.
    reduce(&s, .exists(.exportRun, path: "b05.json"))
    #expect(
      reduce(&s, .commit)
        == [.exportRun(run.setting, setup: run.record.summary.config, path: "b05.json", replace: true)])
  }

  @Test("e and Enter with no run say so; no prompt opens, nothing changes")
  func emptyList() {
    var s = explorer(on: .runs)
    press([.char("e")], &s)
    #expect(s.modal == nil)
    #expect(s.message?.isError == true && s.message?.text.contains("no run to export") == true)
    let before = s.document
    press([.enter], &s)
    #expect(s.document == before && s.message?.text.contains("no run to load") == true)
  }

  @Test("the training screen names the run's folder")
  func folderRow() {
    var s = explorer(on: .training)
    reduce(&s, .trainingStarted(label: "1−t", details: "mlp-s", totalSteps: 10, folder: "runs/x, y"))
    let text = Renderer(theme: Theme(glyphs: .unicode, colorMode: .none))
      .render(s, width: 120, height: 40).lines.joined(separator: "\n")
    #expect(text.contains("folder     runs/x, y"))
  }

  @Test("folder names: time and schedule in one shell-safe component, numbered when taken")
  func folderNames() {
    let date = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30 00:53:20 UTC
    #expect(runFolderName("1−t b=0.5", at: date, existing: { _ in false }) == "20261130-005320-1-t_b0.5")
    let taken: Set = ["20261130-005320-cosine_s0.2", "20261130-005320-cosine_s0.2-2"]
    #expect(
      runFolderName("cosine s=0.2", at: date, existing: taken.contains)
        == "20261130-005320-cosine_s0.2-3")
    #expect(runFolderName("∞ / ..", at: date, existing: { _ in false }) == "20261130-005320-..")
  }
}

@Suite struct RunsViewTests {
  /// The runs screen with two runs compared: b = 1 (distance 12.5) and b = 0.5 (7.25).
  func compared() -> AppState {
    var s = explorer(on: .runs)
    reduce(
      &s,
      .runsScanned(
        [record("/r/b1", fd: 12.5), record("/r/b05", inputScale: 0.5, fd: 7.25)], problems: []))
    press([.char("a")], &s)
    return s
  }

  func render(_ s: AppState, _ w: Int, _ h: Int) -> [String] {
    Renderer(theme: Theme(glyphs: .unicode, colorMode: .none)).render(s, width: w, height: h).lines
  }

  @Test("the folders left out are listed whole below the runs, wrapped; [ ] scroll them (issue 22, finding 10)")
  func problemsListed() {
    var s = explorer(on: .runs)
    let problems = (1...30).map {
      RunProblem(.damaged, "bad\($0)", "summary.json is damaged (not valid JSON); not listed")
    }
    reduce(&s, .runsScanned([record("/r/b1", fd: 12.5)], problems: problems))
    var text = render(s, 120, 40).joined(separator: "\n")
    #expect(text.contains("! bad1: summary.json is damaged (not"))
    #expect(text.contains("  valid JSON); not listed"), "the reason is wrapped, not cut")
    #expect(text.contains("30 left out in all: ] [ scroll"))
    #expect(!text.contains("bad30:"))
    press([.char("]")], &s)
    #expect(s.runs.problemsShown == 1)
    text = render(s, 120, 40).joined(separator: "\n")
    #expect(!text.contains("! bad1:") && text.contains("! bad2:"))
    for _ in 0..<40 { press([.char("]")], &s) }
    #expect(s.runs.problemsShown == 29)
    #expect(render(s, 120, 40).joined(separator: "\n").contains("! bad30:"))
  }

  @Test("the run training now is not listed as a folder left out; an unfinished other run is")
  func trainingRunNotAProblem() {
    var s = explorer(on: .runs)
    reduce(
      &s,
      .trainingStarted(label: "1−t", details: "", totalSteps: 100, folder: "runs/20261204-now-1-t_b1"))
    let why = "no summary.json (not finished, or not a run); not listed"
    // The run's own folder with another kind of problem is still named.
    let problems = [
      RunProblem(.noSummary, "20261204-now-1-t_b1", why), RunProblem(.noSummary, "20261203-old", why),
      RunProblem(.unreadable, "20261204-now-1-t_b1", "cannot be read (Permission denied)"),
    ]
    reduce(&s, .runsScanned([], problems: problems))
    #expect(s.runs.problems == [problems[1], problems[2]])
    // Once it has ended, a folder without a summary is named again.
    reduce(&s, .trainingEnded("stopped", failed: false))
    reduce(&s, .runsScanned([], problems: problems))
    #expect(s.runs.problems == problems)
  }

  @Test("both runs' names and distances are in the list and the table at every size", arguments: [
    (80, 24), (120, 40), (200, 60),
  ])
  func namesAndDistances(w: Int, h: Int) {
    let text = render(compared(), w, h).joined(separator: "\n")
    #expect(text.contains("12.50") && text.contains("7.25"))
    #expect(text.contains("1−t b=0.5"))
    #expect(text.contains("Runs (2, 2 marked)"))
  }

  @Test("80×24 shows the table and the loss curves; the per-bin panel and samples need room")
  func degradesByHiding() {
    let small = render(compared(), 80, 24).joined(separator: "\n")
    #expect(small.contains("log10 loss (smoothed)"))
    #expect(!small.contains("p(λ) of each schedule"))
    let large = render(compared(), 120, 40).joined(separator: "\n")
    #expect(large.contains("log10 loss per logSNR bin") && large.contains("p(λ) of each schedule"))
    #expect(large.contains("copies") && large.contains("25%"))
    // The two sample boxes, side by side on one row, titled by the runs.
    let boxes = render(compared(), 120, 40).filter { $0.contains("┌ 1−t") }
    #expect(boxes.contains { $0.contains("┌ 1−t · 8²") && $0.contains("┌ 1−t b=0.5") })
  }

  @Test("with held-out scores: a bits/dim column and the error curves below p(λ)")
  func heldOutScore() {
    var s = explorer(on: .runs)
    var a = record("/r/b1", fd: 12.5)
    var b = record("/r/b05", inputScale: 0.5, fd: 7.25)
    for (r, bits) in [(0, 1.25), (1, 987.6)] {
      var summary = r == 0 ? a.summary : b.summary
      summary.heldOutBitsPerDim = bits
      summary.heldOutErrorByLogSNR = (-12...12).map {
        HeldOutScore.Point(logSNR: Double($0), error: 0.5 / (1 + exp(Double($0))))
      }
      if r == 0 { a.summary = summary } else { b.summary = summary }
    }
    reduce(&s, .runsScanned([a, b], problems: []))
    press([.char("a")], &s)
    let large = render(s, 160, 50).joined(separator: "\n")
    #expect(large.contains("bits/dim") && large.contains("1.250") && large.contains("988"))
    #expect(large.contains("p(λ) of each schedule") && large.contains("log10 held-out denoising error"))
    // Runs without a score keep the old layout.
    #expect(!render(compared(), 160, 50).joined().contains("held-out"))
  }

  @Test("an empty runs folder says how to fill it")
  func empty() {
    let text = render(explorer(on: .runs), 80, 24).joined(separator: "\n")
    #expect(text.contains("No finished run in runs yet."))
  }

  @Test("every frame fits its width exactly (no double-width glyph, nothing off the edge)")
  func widths() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
      let grid = Renderer(theme: Theme(glyphs: .unicode, colorMode: .none)).render(
        compared(), width: w, height: h)
      expectExactWidth(grid, w, h)
    }
  }

  @Test("the sample crop keeps whole tiles: the white first tile of a 2 × 2 grid, alone")
  func crop() throws {
    let image = try #require(record("/r/a").samples)
    // Room for one 9-cell tile across and one down (4.5 rows): exactly the first tile.
    let one = try #require(Renderer.sampleCrop(image, resolution: 8, width: 9, height: 4))
    #expect(one.width == 9 && one.height == 8)
    let mean = one.rgb.reduce(0, +) / Float(one.rgb.count)
    // The tile is 32 of its 34 × 34 pixels white (a 1-pixel gap each side): ≈ 0.886 by area,
    // hand-counted; the crop's average keeps that.
    #expect(abs(mean - Float(32 * 32) / Float(34 * 34)) < 0.02)
    // Room for both columns: the black second column halves the brightness.
    let two = try #require(Renderer.sampleCrop(image, resolution: 8, width: 18, height: 4))
    let mean2 = two.rgb.reduce(0, +) / Float(two.rgb.count)
    #expect(abs(mean2 - Float(32 * 32) / Float(67 * 34)) < 0.02)
  }

  @Test("smoothing: a moving average over 1/25 of the points, shorter at the ends")
  func smoothing() {
    let points = (0..<100).map { (x: Double($0), y: Double($0 % 2)) }
    let s = Renderer.smoothed(points)
    // Window 2·2 + 1 = 5: the alternating 0, 1 averages to 2/5 or 3/5 inside.
    #expect(abs(s[50].y - 0.4) < 1e-12 && abs(s[51].y - 0.6) < 1e-12)
    // At the start the window is 0…2: (0 + 1 + 0) / 3.
    #expect(abs(s[0].y - 1.0 / 3) < 1e-12)
    #expect(Renderer.smoothed(Array(points.prefix(10))).map(\.y) == (0..<10).map { Double($0 % 2) })
  }
}

@Suite struct RunsPointerTests {
  @Test("a click on a run's row chooses it; the wheel over the list moves the choice")
  func clickAndWheel() throws {
    var s = explorer(on: .runs)
    reduce(&s, .runsScanned([record("/r/a"), record("/r/b", inputScale: 0.5)], problems: []))
    let renderer = Renderer(theme: Theme(glyphs: .unicode, colorMode: .none))
    let lines = renderer.render(s, width: 120, height: 40).lines
    let y = try #require(lines.firstIndex { $0.hasPrefix("│□ 1−t b=0.5") })
    let click = try #require(renderer.action(for: .click(x: 5, y: y), in: s))
    #expect(click == .selectRun(1))
    reduce(&s, click)
    #expect(s.runs.selected == 1)
    // Wheel up (away from the user) goes to the previous run, as ↑ does.
    let wheel = try #require(renderer.action(for: .wheel(up: true, x: 5, y: y), in: s))
    reduce(&s, wheel)
    #expect(s.runs.selected == 0)
  }
}
