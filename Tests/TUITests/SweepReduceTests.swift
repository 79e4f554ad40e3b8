import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// The sweep screen's actions: keys, the setup prompts, start/stop, reports, open, quit.
@Suite struct SweepReduceTests {
  func sweepScreen() -> AppState { explorer(on: .sweep) }

  @Test("on the sweep screen s and o mean sweep keys; elsewhere they keep their meaning")
  func keys() {
    var s = sweepScreen()
    #expect(KeyMap.action(for: .char("s"), in: s) == .toggleSweep)
    #expect(KeyMap.action(for: .char("o"), in: s) == .beginPrompt(.openSweep))
    s.screen = .schedule
    #expect(KeyMap.action(for: .char("s"), in: s) == .toggleTraining)
    #expect(KeyMap.action(for: .char("o"), in: s) == .beginPrompt(.importConfig))
    // The help lists the sweep keys too.
    #expect(KeyMap.helpBindings.contains { $0.label == "4: s" })
  }

  @Test("s starts the sweep set up (the command's defaults, folder runs/sweep); s again stops it")
  func startStop() throws {
    var s = sweepScreen()
    let effects = reduce(&s, .toggleSweep)
    #expect(effects == [.startSweep(SweepSetup())])
    #expect(SweepSetup().folder == "runs/sweep")
    #expect(try SweepSetup().grid().cells.count == 3 * 4 * 2)
    let grid = try! SweepSetup().grid()
    reduce(&s, .sweepStarted(folder: "runs/sweep", SweepState(grid: grid, settings: [:])))
    #expect(s.sweep?.phase == .running)
    #expect(s.sweep?.total == 3 * 4 * 2 * SweepSettings.defaultRepeats)
    #expect(reduce(&s, .toggleSweep) == [.stopSweep])
    #expect(s.sweep?.phase == .stopping)
    // While it stops, s does nothing more.
    #expect(reduce(&s, .toggleSweep) == [])
    #expect(s.message?.isError == true)
  }

  @Test("reports fill in the status: progress, steps, scoring, saves, the end")
  func reports() {
    var s = sweepScreen()
    let grid = SweepFixture.grid
    reduce(&s, .sweepStarted(folder: "f", SweepState(grid: grid, settings: [:])))
    let cell = SweepCell(resolution: 8, scale: 1, family: SweepFixture.linear)
    reduce(&s, .sweepProgress(done: 0, total: 24, next: cell, remaining: nil))
    reduce(&s, .sweepStep(step: 3, total: 10))
    #expect(s.sweep?.running == cell && s.sweep?.step == 3 && s.sweep?.totalSteps == 10)
    reduce(&s, .sweepEvaluating)
    #expect(s.sweep?.evaluating == true)
    reduce(&s, .sweepSaved(SweepFixture.sweep))
    #expect(s.sweep?.done == 6)
    reduce(&s, .sweepProgress(done: 6, total: 24, next: nil, remaining: 0))
    #expect(s.sweep?.evaluating == false && s.sweep?.running == nil)
    reduce(&s, .sweepEnded("sweep stopped", failed: false))
    #expect(s.sweep?.phase == .ended("sweep stopped", failed: false))
    #expect(s.sweep?.isActive == false)
    #expect(s.message == StatusMessage("sweep stopped"))
  }

  @Test("a setup the sweep cannot run is refused naming the row, and nothing starts")
  func badSetup() {
    var s = sweepScreen()
    s.sweepSetup.resolutions = "8,12"
    #expect(reduce(&s, .toggleSweep) == [])
    #expect(s.message?.text.contains("resolutions = 8,12 has '12'") == true)
    #expect(s.message?.text.contains("comma list of 8, 16, 32") == true)
    #expect(s.sweep == nil)
  }

  @Test("the data row: a folder ranks by bits/dim and records its files; a bad one is refused")
  func dataRow() throws {
    var setup = SweepSetup()
    #expect(try setup.grid().ranking == .frechetDistance)
    setup.data = "patches"
    #expect(try setup.grid().ranking == .bitsPerDim)
    #expect(try setup.settings().data == .builtIn(.patches))
    let folder = NSTemporaryDirectory() + "schedtui-sweep-pngs-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for k in 0..<12 {
      let pixels = [Float](repeating: Float(k) / 255, count: 4 * 4 * 3)
      try PNG.write(
        Image(width: 4, height: 4, channels: 3, pixels: pixels), to: folder + "/p\(k).png")
    }
    setup.data = folder
    let settings = try setup.settings()
    #expect(settings.data == .folder(folder))
    #expect(settings.dataFiles == (try Dataset.folderFiles(folder)))
    #expect(settings.dataFiles?.count == 12)
    #expect(try setup.grid().ranking == .bitsPerDim)
    // A missing folder is the data row's problem, with the loader's reason, when the sweep
    // would start (the grid alone, drawn every frame, does not read the folder).
    setup.data = folder + "/nowhere"
    #expect(try setup.grid().ranking == .bitsPerDim)
    let missing = try #require(throws: FieldError.self) { try setup.settings() }
    #expect(missing.field == "data")
    #expect(missing.description.contains("nowhere"))
    // The prompt refuses it in place, keeping the old value.
    var s = sweepScreen()
    s.selectedRow = SweepSetup.Row.allCases.firstIndex(of: .data)!
    reduce(&s, .beginEdit)
    for _ in 0..<"digits".count { reduce(&s, .backspace) }
    for c in folder + "/nowhere" { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    guard case .prompt(.sweepSetup(.data), let entry) = s.modal else {
      Issue.record("the prompt closed on a missing folder")
      return
    }
    #expect(entry.error?.hasPrefix("data = ") == true)
    #expect(s.sweepSetup.data == "digits")
  }

  @Test("the t-samplings row is the grid's densities, refused by item when one is not allowed")
  func tSamplingsRow() throws {
    var setup = SweepSetup()
    #expect(try setup.grid().tSamplings == [.uniform])
    setup.tSamplings = "uniform, logit-normal:0:1"
    let grid = try setup.grid()
    #expect(grid.tSamplings == [.uniform, try TimestepSampling(parsing: "logit-normal:0:1")])
    #expect(grid.cells.count == 3 * 4 * 2 * 2)
    setup.tSamplings = "uniform,logit-normal:0:-1"
    let negative = try #require(throws: FieldError.self) { try setup.grid() }
    #expect(negative.field == "t-samplings")
    #expect(negative.description.contains("logit-normal:0:-1"))
  }

  @Test("Enter edits the selected row; a bad value stays in the line with the reason")
  func editRows() throws {
    var s = sweepScreen()
    // Up from the top wraps to the last row; then up twice and down once to steps.
    reduce(&s, .select(-1))
    #expect(s.selectedRow == SweepSetup.Row.allCases.count - 1)
    reduce(&s, .select(-2))
    #expect(SweepSetup.Row.allCases[s.selectedRow] == .tSamplings)
    reduce(&s, .select(1))
    reduce(&s, .beginEdit)
    #expect(
      s.modal
        == .prompt(
          .sweepSetup(.steps), TextEntry(text: "\(SweepSettings().steps)", selected: true)))
    for _ in 0..<4 { reduce(&s, .backspace) }
    reduce(&s, .type("0"))
    reduce(&s, .commit)
    guard case .prompt(.sweepSetup(.steps), let entry) = s.modal else {
      Issue.record("the prompt closed on a bad value")
      return
    }
    #expect(entry.error == "steps/cell = 0 is not allowed: a whole number in 1 … 10000000")
    #expect(s.sweepSetup.steps == "\(SweepSettings().steps)")
    reduce(&s, .backspace)
    for c in "50" { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    #expect(s.modal == nil)
    #expect(try s.sweepSetup.settings().steps == 50)
  }

  @Test("o asks for a folder and hands it to the shell; an opened sweep is shown read-only")
  func open() {
    var s = sweepScreen()
    reduce(&s, .beginPrompt(.openSweep))
    #expect(s.modal == .prompt(.openSweep, TextEntry(text: "runs/sweep", selected: true)))
    for _ in 0..<10 { reduce(&s, .backspace) }
    for c in "old" { reduce(&s, .type(c)) }
    #expect(reduce(&s, .commit) == [.openSweep(path: "old")])
    s.screen = .schedule
    reduce(&s, .sweepOpened(SweepFixture.sweep, folder: "old"))
    #expect(s.screen == .sweep)
    #expect(s.sweep?.phase == .opened && s.sweep?.isActive == false)
    #expect(s.message == StatusMessage("opened old: 6 of 24 runs done"))
    // A failed open (the shell's message) leaves the view as it was.
    let before = s.sweep
    reduce(&s, .failed("cannot open the sweep: old/sweep.json: cannot read it; nothing changed"))
    #expect(s.sweep == before)
  }

  @Test("quitting while a sweep runs asks first; a sweep and a training run never run together")
  func quitAndExclusion() {
    var s = sweepScreen()
    reduce(&s, .sweepStarted(folder: "f", SweepFixture.sweep))
    reduce(&s, .requestQuit)
    #expect(s.modal == .confirmQuit && !s.shouldQuit)
    reduce(&s, .confirm(false))
    // Opening another folder would hide the running sweep: refused until it is stopped.
    reduce(&s, .beginPrompt(.openSweep))
    #expect(s.modal == nil && s.message?.isError == true)
    #expect(reduce(&s, .toggleTraining) == [])
    #expect(s.message?.text.contains("a sweep is running") == true)
    reduce(&s, .sweepEnded("done", failed: false))
    reduce(&s, .requestQuit)
    #expect(s.shouldQuit)

    var t = sweepScreen()
    t.screen = .schedule
    _ = reduce(&t, .toggleTraining)
    reduce(&t, .trainingStarted(label: "x", details: "y", totalSteps: 5))
    t.screen = .sweep
    #expect(reduce(&t, .toggleSweep) == [])
    #expect(t.message?.text.contains("a training run is going") == true)
  }
}
