import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// The schedule screen's training-density and sampler rows (issue 18 part 6, issue 19 part 3):
/// derived per family, typed and stepped like every row, refused by name, undone, and kept by
/// pins.
@Suite struct SamplerRowsTests {
  @Test("the rows follow the family, the t-sampling's kind and the σ conversion")
  func rows() {
    var s = explorer(.ddpmScaledLinear)
    let tail = { (s: AppState) in Array(s.fields.drop { $0 != .runTSampling }) }
    #expect(
      tail(s) == [
        .runTSampling, .sampler(.steps), .sampler(.scheduler), .sampler(.spacing),
        .sampler(.stepsOffset), .sampler(.sigmas),
      ])
    s.document.current.sampling = .logitNormal(mean: 0, std: 1)
    s.document.current.sampler.conversion = .karras
    #expect(
      tail(s) == [
        .runTSampling, .tSamplingParameter(.logitMean), .tSamplingParameter(.logitStd),
        .sampler(.steps), .sampler(.scheduler), .sampler(.spacing), .sampler(.stepsOffset),
        .sampler(.sigmas), .sampler(.karrasRho),
      ])
    // A continuous family has no table: no scheduler, spacing or offset.
    s = explorer(.cosine)
    s.document.current.sampling = .mode(scale: 1.29)
    #expect(
      tail(s) == [.runTSampling, .tSamplingParameter(.modeScale), .sampler(.steps), .sampler(.sigmas)])
    // Every row has its label and what it allows (the edit line's help).
    for f in tail(s) { #expect(!f.label.isEmpty && !f.allowed.isEmpty) }
  }

  @Test("typed sampler values are kept and undone; bad ones are refused naming row, value, range")
  func typedSampler() {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("10", into: .sampler(.steps), &s)
    #expect(s.modal == nil && s.document.current.sampler.steps == 10)
    typeEntry("Leading", into: .sampler(.spacing), &s)
    #expect(s.document.current.sampler.spacing == .leading)
    #expect(Field.sampler(.spacing).text(in: s) == "leading")
    reduce(&s, .undo)
    #expect(s.document.current.sampler.spacing == nil)
    reduce(&s, .undo)
    #expect(s.document.current.sampler.steps == 28)
    let refusals: [(Field, String, String)] = [
      (.sampler(.steps), "2000", "sampler steps = \"2000\" is not allowed: a whole number in [1, 1000]"),
      (.sampler(.steps), "2.5", "sampler steps = \"2.5\" is not allowed: a whole number"),
      (.sampler(.spacing), "sideways", "spacing = \"sideways\" is not allowed: linspace, leading or trailing"),
      (.sampler(.sigmas), "karas", "σ conversion = \"karas\" is not allowed: schedule, karras, exponential or beta"),
      (.sampler(.scheduler), "heun", "scheduler = \"heun\" is not allowed: euler, ddim or dpm-solver"),
      (.sampler(.stepsOffset), "0.5", "steps offset = \"0.5\" is not allowed: a whole number"),
    ]
    for (field, text, message) in refusals {
      var t = s
      typeEntry(text, into: field, &t)
      guard case .edit(_, let entry) = t.modal else {
        Issue.record("\(text) accepted")
        continue
      }
      #expect(entry.error?.hasPrefix(message) == true, "\(entry.error ?? "")")
      #expect(t.document == s.document)
    }
  }

  @Test("Karras ρ appears with Karras; ρ ≤ 0 is refused, 5 is kept and drawn")
  func karrasRho() {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("karras", into: .sampler(.sigmas), &s)
    typeEntry("-1", into: .sampler(.karrasRho), &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("-1 accepted"); return }
    #expect(entry.error == "Karras ρ = \"-1\" is not allowed: a number > 0 (diffusers uses 7)")
    reduce(&s, .cancel)
    typeEntry("5", into: .sampler(.karrasRho), &s)
    #expect(s.document.current.sampler.karrasRho == 5)
    #expect(s.document.current.samplerLabel == "karras ρ=5")
  }

  @Test("a sampler value the list refuses is refused with SamplerSteps' words, the row named")
  func refusedByTheList() {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("50", into: .parameter(.trainSteps), &s)
    #expect(s.document.current.spec.trainSteps == 50)
    typeEntry("60", into: .sampler(.steps), &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("60 accepted"); return }
    #expect(
      entry.error?.hasPrefix(
        "sampler steps = 60 is not allowed: a whole number in [1, 50] (the table has T = 50") == true,
      "\(entry.error ?? "")")
    #expect(s.document.current.sampler.steps == 28)
    // DDIM has no σ conversion in diffusers: with Karras chosen, typing ddim is refused …
    s = explorer(.ddpmScaledLinear)
    typeEntry("karras", into: .sampler(.sigmas), &s)
    typeEntry("ddim", into: .sampler(.scheduler), &s)
    guard case .edit(_, let ddim) = s.modal else { Issue.record("ddim accepted"); return }
    #expect(ddim.error?.hasPrefix("σ conversion = karras is not allowed: schedule with") == true)
    reduce(&s, .cancel)
    // … and → steps past it, from euler to dpm-solver.
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.current.sampler.scheduler == .dpmSolver)
  }

  @Test("t-sampling numbers: typed, stepped, refused by name with the allowed range, undone")
  func samplingNumbers() {
    var s = explorer(.rectifiedFlow)
    typeEntry("logit-normal", into: .runTSampling, &s)
    #expect(s.document.current.sampling == .logitNormal(mean: 0, std: 1))
    typeEntry("0.5", into: .tSamplingParameter(.logitMean), &s)
    #expect(s.document.current.sampling == .logitNormal(mean: 0.5, std: 1))
    typeEntry("0", into: .tSamplingParameter(.logitStd), &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("0 accepted"); return }
    #expect(entry.error == "logit std S = \"0\" is not allowed: a number > 0 (SD3: 1)")
    reduce(&s, .cancel)
    #expect(s.document.current.sampling == .logitNormal(mean: 0.5, std: 1))
    // Mode's scale steps by 0.1 up to its bound 1/(π/2 − 1) = 1.7519, and the step past it is
    // refused naming the row.
    typeEntry("mode:1.7", into: .runTSampling, &s)
    selectField(.tSamplingParameter(.modeScale), &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.current.sampling == .mode(scale: 1.7))
    #expect(
      s.message?.text.hasPrefix(
        "mode scale S = 1.8 is not allowed: a number S with −1 < S < 1/(π/2 − 1) = 1.75") == true,
      "\(s.message?.text ?? "")")
    reduce(&s, .undo)
    #expect(s.document.current.sampling == .logitNormal(mean: 0.5, std: 1))
  }

  @Test("screens 1 and 3 edit one t-sampling, which `s` trains; pins keep theirs and their sampler")
  func pinsKeepTheirs() {
    var s = explorer(.ddpmScaledLinear)
    typeEntry("10", into: .sampler(.steps), &s)
    typeEntry("leading", into: .sampler(.spacing), &s)
    typeEntry("logit-normal:0:1", into: .runTSampling, &s)
    reduce(&s, .pin)
    typeEntry("trailing", into: .sampler(.spacing), &s)
    typeEntry("uniform", into: .runTSampling, &s)
    let pin = s.document.pins[0]
    #expect(pin.setting.sampler.spacing == .leading && pin.setting.sampling == .defaultLogitNormal)
    #expect(pin.name == "ddpm-scaled-linear logit-normal:0:1 · 10 steps leading")
    #expect(s.document.current.sampler.spacing == .trailing)
    // Screen 3 shows and edits the same value; a queued pin trains with its own.
    reduce(&s, .show(.training))
    #expect(Field.runTSampling.text(in: s) == "uniform")
    typeEntry("mode", into: .runTSampling, &s)
    #expect(s.document.current.sampling == .defaultMode)
    #expect(s.trainingConfig.tSampling == .defaultMode)
    #expect(s.document.trainingConfig(for: pin.setting).tSampling == .defaultLogitNormal)
    // A preset brings its schedule and its (the paper's uniform) t-sampling, not a sampler.
    s.presets = PresetItem.paper
    reduce(&s, .openPresets)
    reduce(&s, .commit)
    #expect(s.document.current.spec == PresetItem.paper[0].setting.spec)
    #expect(s.document.current.sampling == .uniform)
    #expect(s.document.current.sampler.steps == 10 && s.document.current.sampler.spacing == .trailing)
  }

  @Test("ticks sit on the curve at each level, marks at p(λ): 1 − t on 4 grid levels (by hand)")
  func marksOnLinear() {
    // γ = 1 − t: the uniform grid's levels are t = 1, 3/4, 1/2, 1/4; λ = log((1 − t)/t) and
    // p(λ) = t(1 − t) (CurvesTests' hand derivation): 3/16, 1/4, 3/16 at the last three.
    var setting = Setting(spec: ScheduleSpec(family: .linear))
    setting.sampler.steps = 4
    let marks = SamplerMarks(setting)
    #expect(marks.problem == nil)
    #expect(marks.ticks.count == 4)
    for (tick, t) in zip(marks.ticks, [1.0, 0.75, 0.5, 0.25]) {
      #expect(abs(tick.x - t) < 1e-9, "t \(tick.x)")
      if t < 1 { #expect(abs(tick.y - Foundation.log((1 - t) / t)) < 1e-9) }
    }
    let densities = marks.densityMarks.suffix(3).map(\.y)
    for (p, want) in zip(densities, [0.1875, 0.25, 0.1875]) { #expect(abs(p - want) < 1e-9) }
    // b ≠ 1 on a diffusers table: no list, and the reason, naming b.
    var table = Setting(spec: ScheduleSpec(family: .ddpmLinear), inputScale: 0.5)
    table.sampler.steps = 10
    let none = SamplerMarks(table)
    #expect(none.ticks.isEmpty)
    #expect(none.problem?.description.contains("0.5 is not allowed: 1 for a diffusers list") == true)
  }
}
