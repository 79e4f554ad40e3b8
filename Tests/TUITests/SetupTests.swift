import Foundation
import Engine
import Schedules
import Testing

@testable import TUI

/// The training screen's setup: the run's settings edited like the schedule's fields.
@Suite struct SetupTests {
  func state() -> AppState { explorer(on: .training) }

  /// Enter on `field`, the text typed over the selected value, Enter.
  func type(_ text: String, into field: Field, _ s: inout AppState) {
    typeEntry(text, into: field, &s)
  }

  @Test("typed steps: 0 is refused naming the field and the range, 60 is kept, u undoes it")
  func editRefuseCommit() {
    var s = state()
    type("0", into: .runSteps, &s)
    guard case .edit(.runSteps, let entry) = s.modal else {
      Issue.record("the edit line closed on a refused value: \(String(describing: s.modal))")
      return
    }
    // The engine's range for steps, as `schedtui train --help` states it (1 … 10000000), in
    // the one wording the command line and the config use too.
    #expect(entry.error == "steps = 0 is not allowed: a whole number in 1 … 10000000")
    #expect(s.document.setup.steps == TrainingConfig().steps)
    reduce(&s, .cancel)
    type("60", into: .runSteps, &s)
    #expect(s.modal == nil)
    #expect(s.document.setup.steps == 60)
    #expect(Field.runSteps.text(in: s) == "60")
    reduce(&s, .undo)
    #expect(s.document.setup.steps == TrainingConfig().steps)
  }

  @Test("a value the row cannot hold is refused before the engine sees it")
  func parseErrors() {
    var s = state()
    type("2.5", into: .runBatch, &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("edit line closed"); return }
    #expect(entry.error == "batch = \"2.5\" is not allowed: a whole number in 1 … 4096")
    reduce(&s, .cancel)
    type("unet", into: .runModel, &s)
    guard case .edit(_, let entry2) = s.modal else { Issue.record("edit line closed"); return }
    #expect(entry2.error == "model = \"unet\" is not allowed: mlp-s, convres-s, unet-s")
    reduce(&s, .cancel)
    type("-1", into: .runSeed, &s)
    #expect(s.modal != nil && s.document.setup.seed == 0)
  }

  @Test("the objective is typed by its config name or its display name")
  func objectiveNames() {
    var s = state()
    type("eps", into: .runPrediction, &s)
    #expect(s.document.setup.prediction == .eps)
    type("v-prediction", into: .runPrediction, &s)
    #expect(s.document.setup.prediction == .v)
    #expect(Field.runPrediction.text(in: s) == "v-prediction")
    type("x0-mse", into: .runWeighting, &s)
    #expect(s.document.setup.weighting == .x0MSE)
    type("EDM", into: .runWeighting, &s)
    #expect(s.document.setup.weighting == .edm)
  }

  @Test("→ on data moves to patches at its smallest side; MLP-S at 64 px is refused with why")
  func choicesAndCrossChecks() {
    var s = state()
    selectField(.runData, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    // Patches come at 16, 32 or 64 px (README "Training"); digits' 8 is not one of them.
    #expect(s.document.setup.data == .patches && s.document.setup.resolution == 16)
    type("64", into: .runResolution, &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("edit line closed"); return }
    #expect(entry.error?.hasPrefix("model = mlp-s at 64×64 is not allowed") == true)
    reduce(&s, .cancel)
    selectField(.runModel, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.model == .convResS)
    type("64", into: .runResolution, &s)
    #expect(s.document.setup.resolution == 64 && s.modal == nil)
    // ← on the sampler wraps from ddpm to ddim; the guidance steps by a quarter.
    selectField(.runSampler, &s)
    reduce(&s, .adjust(steps: -1, coarse: false))
    #expect(s.document.setup.sampler == .ddim)
    selectField(.runGuidance, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.guidance == 1.25)
    type("21", into: .runGuidance, &s)
    guard case .edit(_, let g) = s.modal else { Issue.record("edit line closed"); return }
    // Named by the row's label, as the list shows it; the range as `--help` states it.
    #expect(g.error == "guidance w = 21.0 is not allowed: a number in [0, 20]")
  }

  @Test("halving odd steps stays a whole number; learning rate steps by ×2")
  func steps() {
    var s = state()
    type("25", into: .runSteps, &s)
    reduce(&s, .adjust(steps: -1, coarse: false))
    #expect(s.document.setup.steps == 13)
    selectField(.runLearningRate, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.optimizer.learningRate == 0.002)
  }

  @Test("s trains the setup on the current schedule; export and import carry the setup")
  func startExportImport() {
    var s = state()
    type("60", into: .runSteps, &s)
    let effects = reduce(&s, .toggleTraining)
    guard case .startTraining(let setting, let config)? = effects.first else {
      Issue.record("no training started: \(effects)")
      return
    }
    #expect(setting == s.document.current)
    #expect(config.steps == 60 && config.schedule.family == .linear)
    reduce(&s, .beginPrompt(.exportConfig))
    guard case .exportConfig(_, let setup, _, _)? = reduce(&s, .commit).first else {
      Issue.record("no export")
      return
    }
    #expect(setup.steps == 60)
    var opened = TrainingConfig()
    opened.batch = 9
    reduce(&s, .imported(Setting(spec: ScheduleSpec(family: .cosine)), setup: opened, path: "c"))
    #expect(s.document.setup.batch == 9 && s.document.setup.steps == TrainingConfig().steps)
    // An import without a setup (nil) keeps the one on screen.
    reduce(&s, .imported(Setting(spec: ScheduleSpec(family: .linear)), path: "d"))
    #expect(s.document.setup.batch == 9)
  }

  @Test("at 80×24 the setup list stands at the left, the notice beside it, nothing overlapping")
  func gridBeforeRun() {
    let g = Renderer(theme: Theme()).render(state(), width: 80, height: 24)
    let left = g.lines.map { String($0.prefix(34)) }
    // The engine's defaults (TrainingConfig): MLP-S on 8×8 digits, x0 with min-SNR-5, 5000 steps
    // of 256 at 1e-3, seed 0, DDPM with 100 steps and w = 1 (DECISIONS.md), t ~ U(0, 1).
    #expect(
      Array(left[1...15]) == [
        "┌ Run setup (s trains) ──────────┐",
        "│ data                    digits │",
        "│ image side                   8 │",
        "│ model                    mlp-s │",
        "│ outputs          x0-prediction │",
        "│ weighting            min-SNR-γ │",
        "│ steps                     5000 │",
        "│ batch                      256 │",
        "│ learning rate            0.001 │",
        "│ seed                         0 │",
        "│ sampler                   ddpm │",
        "│ sample steps               100 │",
        "│ guidance w                   1 │",
        "│ t-sampling             uniform │",
        "└────────────────────────────────┘",
      ])
    #expect(g.lines.contains { $0.contains("s trains the setup at the left") })
    #expect(g.lines[23].contains("s:train"))
  }

  @Test("at 80×24 with a run: setup, samples under it, run box and chart at the right")
  func gridWithRun() {
    var s = state()
    feedRun(&s, steps: 60, of: 60)
    reduce(&s, .trainingEnded("training finished: loss 0.01667, 1000 examples/s", failed: false))
    let g = Renderer(theme: Theme()).render(s, width: 80, height: 24)
    let lines = g.lines
    #expect(lines[7].hasPrefix("│ steps                     5000 │"))
    #expect(lines[15].hasPrefix("└────────────────────────────────┘"))
    // The run box starts in column 34, right of the setup; its rows are the run's.
    #expect(lines[1].dropFirst(34).hasPrefix("┌ Run (s stops)"))
    #expect(lines[7].dropFirst(34).hasPrefix("│ step       60 / 60"))
    #expect(lines[16].hasPrefix("┌ samples"))
    #expect(lines.contains { $0.contains("training finished: loss 0.01667") })
    #expect(lines.contains { $0.contains("log10 loss per step") })
    // Nothing of the right column spills into the left one below the setup box.
    for y in 16..<23 { #expect(!lines[y].prefix(34).contains("log10")) }
  }

  @Test("the help names what s does on the training screen")
  func help() {
    #expect(KeyMap.helpBindings.contains { $0.label == "s" && $0.help.contains("screen 3") })
  }

  @Test("the data row takes a typed folder path; a folder without enough PNGs is refused, named")
  func dataFolder() throws {
    let folder = NSTemporaryDirectory() + "schedtui-setup-of-a-long-folder-name-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var s = state()
    type(folder, into: .runData, &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("edit line closed"); return }
    #expect(entry.error == "data = \"\(folder)\" is not allowed: a folder holding PNG images; it has none")
    #expect(s.document.setup.dataFolder == nil)
    reduce(&s, .cancel)
    for k in 0..<12 {
      try PNG.write(
        Image(width: 4, height: 4, channels: 1, repeating: 0.5),
        to: folder + String(format: "/img%02d.png", k))
    }
    type(folder, into: .runData, &s)
    #expect(s.modal == nil)
    #expect(s.document.setup.dataFolder == folder && s.document.setup.resolution == 8)
    #expect(Field.runData.text(in: s) == folder)
    // At 80×24 the long path does not fit its row: it ends in …, so no other path is shown.
    s.screen = .training
    let lines = Renderer(theme: Theme()).render(s, width: 80, height: 24).lines
    let row = try #require(lines.first { $0.hasPrefix("│ data") })
    let shown = row.split(separator: "│")[0].trimmingCharacters(in: .whitespaces)
    #expect(shown.hasSuffix("…") && !shown.hasSuffix(String(folder.suffix(4))), "\(row)")
    // ←/→ leave the folder for the built-in data.
    Field.runData.cycle(&s.document.setup, by: 1)
    #expect(s.document.setup.dataFolder == nil && s.document.setup.data == .patches)
  }
}
