import Schedules
import Testing

@testable import TUI

@Suite struct ReduceTests {
  func cosineState() -> AppState { explorer(.cosine) }

  func select(_ field: Field, _ s: inout AppState) { selectField(field, &s) }

  @Test("+ on τ adds 0.1; undo restores 1; redo brings 1.1 back")
  func undoRedo() {
    var s = cosineState()
    select(.parameter(.tau), &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.current.spec.tau == 1.1)
    reduce(&s, .adjust(steps: 1, coarse: true))
    #expect(s.document.current.spec.tau == 2.1)
    reduce(&s, .undo)
    #expect(s.document.current.spec.tau == 1.1)
    reduce(&s, .undo)
    #expect(s.document.current.spec.tau == 1)
    reduce(&s, .undo)
    #expect(s.message?.isError == true)
    reduce(&s, .redo)
    #expect(s.document.current.spec.tau == 1.1)
  }

  @Test("a new edit after undo drops the redo history")
  func redoCleared() {
    var s = cosineState()
    select(.parameter(.tau), &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    reduce(&s, .undo)
    reduce(&s, .adjust(steps: -1, coarse: false))
    #expect(s.document.current.spec.tau == 0.9)
    reduce(&s, .redo)
    #expect(s.document.current.spec.tau == 0.9)
    #expect(s.message?.text == "nothing to redo")
  }

  @Test("repeated steps land on round values")
  func roundSteps() {
    var s = cosineState()
    select(.inputScale, &s)
    for _ in 0..<7 { reduce(&s, .adjust(steps: -1, coarse: false)) }
    #expect(s.document.current.inputScale == 0.65)
  }

  @Test("typing an exact value replaces it; Enter commits, and undo reverts it")
  func typedEntry() {
    var s = cosineState()
    select(.parameter(.start), &s)
    reduce(&s, .beginEdit)
    #expect(s.modal == .edit(.parameter(.start), TextEntry(text: "0", selected: true)))
    reduce(&s, .backspace)
    for c in "0.2" { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    #expect(s.modal == nil)
    #expect(s.document.current.spec.start == 0.2)
    reduce(&s, .undo)
    #expect(s.document.current.spec.start == 0)
  }

  /// τ = "abc" is not a number; τ = 0 is a number the schedule refuses.
  @Test(
    "a typed τ that is not a number, or that the schedule refuses (0), stays in the edit line with why; nothing changes",
    arguments: [("abc", "τ = \"abc\" is not allowed: a number"), ("0", nil)])
  func typedRefused(text: String, exactly: String?) {
    var s = cosineState()
    select(.parameter(.tau), &s)
    let before = s.document
    reduce(&s, .beginEdit)
    reduce(&s, .backspace)
    for c in text { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    guard case .edit(.parameter(.tau), let entry) = s.modal else {
      Issue.record("the edit line closed on τ = \(text)")
      return
    }
    #expect(entry.error?.contains("τ") == true)
    if let exactly { #expect(entry.error == exactly) }
    #expect(s.document == before)
    #expect(s.undoStack.isEmpty)
    reduce(&s, .cancel)
    #expect(s.modal == nil)
    #expect(s.document == before)
  }

  @Test("a step that would break the schedule is refused with the reason in the status line")
  func steppedInvalid() {
    var s = cosineState()
    select(.inputScale, &s)
    for _ in 0..<30 { reduce(&s, .adjust(steps: -1, coarse: false)) }
    // b steps by 0.05 and must stay > 0: the last allowed value is 0.05.
    #expect(s.document.current.inputScale == 0.05)
    #expect(s.message?.isError == true)
    #expect(s.message?.text.contains("b (input scale)") == true)
  }

  @Test("the t-cursor stays in [0, 1] and is not part of undo")
  func cursor() {
    var s = cosineState()
    for _ in 0..<80 { reduce(&s, .moveCursor(steps: 1, coarse: false)) }
    #expect(s.cursorT == 1)
    #expect(s.undoStack.isEmpty)
    reduce(&s, .focusNext)
    reduce(&s, .adjust(steps: -3, coarse: true))
    #expect(abs(s.cursorT - 0.7) < 1e-12)
  }

  @Test("pins get distinct colours; clear and undo bring them all back")
  func pins() {
    var s = cosineState()
    reduce(&s, .pin)
    select(.parameter(.tau), &s)
    reduce(&s, .adjust(steps: 1, coarse: true))
    reduce(&s, .pin)
    #expect(s.document.pins.map(\.colorIndex) == [0, 1])
    #expect(s.document.pins[1].setting.spec.tau == 2)
    reduce(&s, .clearPins)
    #expect(s.document.pins.isEmpty)
    reduce(&s, .undo)
    #expect(s.document.pins.count == 2)
    reduce(&s, .removeLastPin)
    reduce(&s, .pin)
    // The freed colour 1 is reused.
    #expect(s.document.pins.map(\.colorIndex) == [0, 1])
  }

  @Test("presets: Enter loads one, a pins its whole group, Esc closes")
  func presets() {
    let sigmoid = Setting(spec: ScheduleSpec(family: .sigmoid, start: 0, end: 3, tau: 0.5))
    let items = [
      PresetItem(group: "G1", name: "one", setting: Setting(spec: ScheduleSpec(family: .linear))),
      PresetItem(group: "G2", name: "two", setting: sigmoid),
      PresetItem(
        group: "G2", name: "three",
        setting: Setting(
          spec: ScheduleSpec(
            family: .cosine,
            start: 0.2, end: 1, tau: 2))),
    ]
    var s = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)), presets: items)
    reduce(&s, .openPresets)
    reduce(&s, .select(1))
    reduce(&s, .pinPresetGroup)
    #expect(s.document.pins.map(\.name) == ["two", "three"])
    reduce(&s, .commit)
    #expect(s.modal == nil)
    #expect(s.document.current == sigmoid)
    reduce(&s, .undo)
    #expect(s.document.current.spec.family == .cosine)
    #expect(s.document.pins.count == 2)
  }

  @Test("loading a trainer's preset (sd3) sets the schedule, its t-sampling and the setup's output and weighting")
  func trainerPresetLoadsTraining() throws {
    var s = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)), presets: PresetItem.paper)
    let i = try #require(s.presets.firstIndex { $0.name.hasPrefix("rectified flow, shift 3, logit-normal") })
    reduce(&s, .openPresets)
    reduce(&s, .select(i))
    reduce(&s, .commit)
    #expect(s.modal == nil)
    #expect(s.document.current.spec[.shift] == 3)
    // The t-sampling is the setting's (what `s` trains with), the output and weighting the setup's.
    #expect(s.document.current.sampling == .logitNormal(mean: 0, std: 1))
    #expect(s.trainingConfig.tSampling == .logitNormal(mean: 0, std: 1))
    #expect(s.document.setup.section.prediction == .flow)
    #expect(s.document.setup.section.weighting == .flowMSE)
    // A pin of the preset keeps its t-sampling, so its density is SD3's on the plot.
    reduce(&s, .pin)
    #expect(s.document.pins.last?.setting.sampling == .logitNormal(mean: 0, std: 1))
  }

  @Test("the shift rows: Flux μ shows auto with an image side; auto without one, and shift with μ, are refused by name")
  func shiftRows() {
    var s = AppState(current: Setting(spec: ScheduleSpec(family: .rectifiedFlow)))
    #expect(s.fields.contains(.parameter(.shift)) && !s.fields.contains(.parameter(.fluxMaxShift)))
    typeEntry("auto", into: .parameter(.fluxMu), &s)
    #expect(s.modal != nil || s.message?.isError == true, "auto without an image side was taken")
    s.modal = nil
    typeEntry("1024", into: .parameter(.imageSide), &s)
    #expect(s.document.current.spec[.imageSide] == 1024)
    // The Flux constants appear with the image side; μ reads auto 1.15.
    #expect(s.fields.contains(.parameter(.fluxMaxShift)))
    #expect(Field.parameter(.fluxMu).text(in: s) == "auto 1.15")
    typeEntry("linear", into: .parameter(.timeShift), &s)
    #expect(s.document.current.spec[.timeShift] == 1)
    // A static shift with the image side's μ: refused, the document keeps μ's schedule.
    typeEntry("3", into: .parameter(.shift), &s)
    #expect(s.document.current.spec[.shift] == 1)
  }

  @Test("an export prompt offers a default path and hands the file work to the shell")
  func exportPrompt() {
    var s = cosineState()
    reduce(&s, .beginPrompt(.exportConfig))
    #expect(s.modal == .prompt(.exportConfig, TextEntry(text: "schedule.json", selected: true)))
    let effects = reduce(&s, .commit)
    #expect(
      effects == [
        .exportConfig(
          s.document.current, setup: s.document.setup, path: "schedule.json", replace: false)
      ])
    #expect(s.modal == nil)
  }

  @Test("an existing export target is replaced only after a second Enter on the same path")
  func replaceConfirmation() {
    var s = cosineState()
    reduce(&s, .beginPrompt(.exportConfig))
    reduce(&s, .commit)
    reduce(&s, .exists(.exportConfig, path: "schedule.json"))
    guard case .prompt(.exportConfig, let entry) = s.modal else {
      Issue.record("no prompt after 'exists'")
      return
    }
    #expect(entry.error?.contains("schedule.json exists") == true)
    #expect(
      reduce(&s, .commit) == [
        .exportConfig(
          s.document.current, setup: s.document.setup, path: "schedule.json", replace: true)
      ])
    // Editing the path withdraws the confirmation.
    reduce(&s, .beginPrompt(.exportConfig))
    reduce(&s, .commit)
    reduce(&s, .exists(.exportConfig, path: "schedule.json"))
    reduce(&s, .type("x"))
    #expect(
      reduce(&s, .commit) == [
        .exportConfig(
          s.document.current, setup: s.document.setup, path: "schedule.jsonx", replace: false)
      ])
  }

  @Test("an import result that fails validation changes nothing and says why")
  func badImport() {
    var s = cosineState()
    let before = s.document
    var bad = ScheduleSpec(family: .cosine)
    bad.tau = -1
    reduce(&s, .imported(Setting(spec: bad), path: "x.json"))
    #expect(s.document == before)
    #expect(s.message?.isError == true)
    #expect(s.message?.text.hasPrefix("x.json: ") == true)
    reduce(&s, .failed("x.json: line 1, column 1: bad"))
    #expect(s.document == before)
  }

  @Test("quit is immediate, unless a training run is active: then it asks")
  func quit() {
    var s = cosineState()
    reduce(&s, .requestQuit)
    #expect(s.shouldQuit)
    var t = cosineState()
    reduce(&t, .trainingStarted(label: "run", details: "", totalSteps: 10))
    reduce(&t, .requestQuit)
    #expect(!t.shouldQuit)
    #expect(t.modal == .confirmQuit)
    reduce(&t, .confirm(false))
    #expect(t.modal == nil && !t.shouldQuit)
    reduce(&t, .cancel)
    reduce(&t, .confirm(true))
    #expect(t.shouldQuit)
  }

  @Test("Esc closes the help before it would quit")
  func escapeClosesFirst() {
    var s = cosineState()
    reduce(&s, KeyMap.action(for: .char("?"), in: s)!)
    #expect(s.modal == .help(page: 0))
    reduce(&s, KeyMap.action(for: .escape, in: s)!)
    #expect(s.modal == nil && !s.shouldQuit)
    reduce(&s, KeyMap.action(for: .escape, in: s)!)
    #expect(s.shouldQuit)
  }

  @Test("switching family takes the new family's start/end/τ defaults")
  func familySwitch() {
    var s = cosineState()
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.current.spec.family == .sigmoid)
    #expect(s.document.current.spec.start == -3)
    #expect(s.document.current.spec.end == 3)
  }

  @Test("every key in the key table maps to its action, and none is bound twice")
  func keyTable() {
    var seen = Set<Key>()
    let s = cosineState()
    for b in KeyMap.bindings {
      for k in b.keys {
        #expect(!seen.contains(k), "\(k) bound twice")
        seen.insert(k)
        #expect(KeyMap.action(for: k, in: s) == b.action)
      }
    }
  }
}

/// The explorer refuses a b or a parameter whose schedule would not be finite (issue 13, 5).
@Suite struct ProductRefusalTests {
  func typed(_ text: String, into field: Field, of family: ScheduleFamily) -> AppState {
    var s = AppState(current: Setting(spec: ScheduleSpec(family: family)))
    for _ in 0..<s.fields.count where s.selectedField != field { reduce(&s, .select(1)) }
    reduce(&s, .beginEdit)
    for _ in 0..<20 { reduce(&s, .backspace) }
    for c in text { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    return s
  }

  @Test("b = 1e308 and b = 1e-300 are refused in the edit line with the range", arguments: [
    "1e308", "1e-300",
  ])
  func extremeB(text: String) {
    let s = typed(text, into: .inputScale, of: .linear)
    guard case .edit(_, let entry) = s.modal else {
      Issue.record("b = \(text) was accepted")
      return
    }
    #expect(entry.error?.contains("1e-12") == true && entry.error?.contains("1e12") == true)
    #expect(s.document.current.inputScale == 1)
  }

  @Test("a Laplace μ of 800 (γ rounds to 1) is refused in the edit line, naming the field")
  func laplaceMu() {
    let s = typed("800", into: .parameter(.laplaceMu), of: .laplace)
    guard case .edit(_, let entry) = s.modal else {
      Issue.record("μ = 800 was accepted")
      return
    }
    #expect(entry.error?.contains("μ") == true, "\(entry.error ?? "")")
    #expect(s.document.current.spec[.laplaceMu] == 0)
  }
}
