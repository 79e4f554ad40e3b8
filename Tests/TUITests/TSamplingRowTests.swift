import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// Screen 3's t-sampling row (typed like every row, ←/→ through the defaults) and the schedule
/// screen's density, which follows it.
@Suite struct TSamplingRowTests {
  @Test("typed: a sampling is kept by its canonical name and undone; a bad one is refused by name")
  func typed() {
    var s = explorer(on: .training)
    typeEntry("logit-normal:0.50:1.0", into: .runTSampling, &s)
    #expect(s.modal == nil)
    #expect(s.document.current.sampling == .logitNormal(mean: 0.5, std: 1))
    #expect(Field.runTSampling.text(in: s) == "logit-normal:0.5:1")
    reduce(&s, .undo)
    #expect(s.document.current.sampling == .uniform)
    typeEntry("mode:3", into: .runTSampling, &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("edit line closed"); return }
    // The row's label, the text as typed, and the allowed forms with mode's range.
    #expect(entry.error?.hasPrefix("t-sampling = \"mode:3\" is not allowed: uniform, ") == true)
    #expect(entry.error?.contains("mode:S (−1 < S < 1.75") == true)
    #expect(s.document.current.sampling == .uniform)
  }

  @Test("screen 3 has the t-sampling's numbers and, on rectified flow, the shift rows, which edit the current setting")
  func trainingScreenRows() {
    var s = explorer(on: .training)
    s.document.current.sampling = .logitNormal(mean: 0, std: 1)
    #expect(!s.fields.contains(.parameter(.shift)), "no shift in play on 1 − t")
    s.document.current.spec = ScheduleSpec(family: .rectifiedFlow)
    #expect(s.fields.suffix(4) == [
      .tSamplingParameter(s.document.current.sampling.parameters[0]),
      .tSamplingParameter(s.document.current.sampling.parameters[1]),
      .parameter(.shift), .parameter(.fluxMu),
    ])
    typeEntry("3", into: .parameter(.shift), &s)
    #expect(s.modal == nil && s.document.current.spec[.shift] == 3)
    #expect(s.trainingConfig.schedule[.shift] == 3)
    typeEntry("0", into: .parameter(.shift), &s)
    guard case .edit(_, let entry) = s.modal else { Issue.record("0 was taken"); return }
    #expect(entry.error?.hasPrefix("shift s = 0") == true)
    #expect(s.document.current.spec[.shift] == 3)
  }

  @Test("←/→ cycle uniform → logit-normal → mode → lognormal and wrap")
  func cycles() {
    var s = explorer(on: .training)
    selectField(.runTSampling, &s)
    var seen: [String] = []
    for _ in 0..<4 {
      reduce(&s, .adjust(steps: 1, coarse: false))
      seen.append(s.document.current.sampling.name)
    }
    #expect(seen == ["logit-normal:0:1", "mode:1.29", "lognormal:-1.2:1.2", "uniform"])
    reduce(&s, .adjust(steps: -1, coarse: false))
    #expect(s.document.current.sampling.name == "lognormal:-1.2:1.2")
  }

  @Test("on rectified flow with shift 3, logit-normal 0:1 makes λ Gaussian: N(−2·ln 3, 2²)")
  func densityIsGaussian() throws {
    // λ = −2·(logit t + ln 3) with logit t ~ N(0, 1) (README, Training densities): the density
    // is known in closed form, independently of the schedule's inverse and dλ/dt.
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.shift] = 3
    let curves = try #require(
      Curves.sample(Setting(spec: spec), samples: 400, sampling: .logitNormal(mean: 0, std: 1)))
    var checked = 0
    for p in curves.density where p.x.isFinite && abs(p.x) < 15 {
      let z = (p.x + 2 * Foundation.log(3.0)) / 2
      let expected = Foundation.exp(-z * z / 2) / (2 * (2 * Double.pi).squareRoot())
      #expect(abs(p.y - expected) < 1e-9 + 1e-6 * expected, "λ = \(p.x)")
      checked += 1
    }
    #expect(checked > 100)
    // Uniform is today's 1/|dλ/dt|.
    let uniform = try #require(Curves.sample(Setting(spec: spec), samples: 400))
    let schedule = try Schedule(spec)
    for (i, p) in uniform.density.enumerated() {
      #expect(p.y == schedule.logSNRDensity(atT: Double(i) / 400) || (p.y == 0 && i == 0))
    }
  }

  @Test("the schedule screen's density and p(λ) panel name the current setting's t-sampling")
  func screenTitle() {
    var s = explorer(.rectifiedFlow)
    s.document.current.sampling = .logitNormal(mean: 0, std: 1)
    let text = Renderer(theme: Theme()).render(s, width: 160, height: 48).lines.joined()
    #expect(text.contains("logSNR density for t ~ logit-normal:0:1"))
    #expect(!text.contains("t ~ U(0,1)"))
    // A pin under another t-sampling: the title no longer names one density for all curves.
    s.document.pins.append(
      Pin(name: "uniform", setting: Setting(spec: ScheduleSpec(family: .linear)), colorIndex: 0))
    let mixed = Renderer(theme: Theme()).render(s, width: 160, height: 48).lines.joined()
    #expect(mixed.contains("logSNR density, each under its own t-sampling"))
    #expect(!mixed.contains("logSNR density for t ~"))
  }
}
