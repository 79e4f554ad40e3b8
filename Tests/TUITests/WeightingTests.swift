import Foundation
import Schedules
import Testing

@testable import TUI

/// The effective weighting p(λ)·w(λ) against a hand derivation.
///
/// For γ = 1 − t at b = 1: λ = log((1 − t)/t), so t = 1/(1 + e^λ) and p(λ) = t(1 − t) (the
/// density test in ViewTests). The weights (Objective.swift, DECISIONS.md): ε-MSE 1, x0-MSE
/// e^−λ = t/(1 − t), v-MSE 1 + e^−λ = 1/(1 − t), min-SNR-5 min(1, 5e^−λ), EDM with σ_d = 0.5
/// 1 + 4e^−λ. So p·w is t(1 − t), t², t, t(1 − t)·min(1, 5t/(1 − t)) and t(1 − t) + 4t².
/// At t = 0.5, 0.25, 0.1 (λ = 0, log 3, log 9):
@Suite struct WeightingTests {
  static let expected: [(LossWeighting, [Double])] = [
    (.epsMSE, [0.25, 0.1875, 0.09]),
    (.x0MSE, [0.25, 0.0625, 0.01]),
    (.vMSE, [0.5, 0.25, 0.1]),
    // 5e^−λ = 5, 5/3, 5/9: only the last is below 1, giving 0.09 · 5/9.
    (.minSNR, [0.25, 0.1875, 0.05]),
    (.edm, [1.25, 0.4375, 0.13]),
  ]

  @Test("p(λ)·w(λ) of 1 − t matches the hand derivation at λ = 0, log 3, log 9",
    arguments: expected.indices)
  func linear(_ i: Int) throws {
    let (weighting, values) = Self.expected[i]
    let c = try #require(Curves.sample(Setting(spec: ScheduleSpec(family: .linear)), samples: 100))
    let product = Curves.effectiveWeighting(c, Curves.plotObjective(weighting))
    for (index, (lambda, value)) in zip([50, 25, 10], zip([0, log(3.0), log(9.0)], values)) {
      #expect(abs(product[index].x - lambda) < 1e-12)
      #expect(abs(product[index].y - value) < 1e-9 * value, "\(weighting) at λ = \(lambda)")
    }
  }

  /// Cosine (0, 1, 1): γ = cos²(πt/2), λ = −2 log tan(πt/2), |dλ/dt| = 2π / sin(πt), so
  /// p(0) = 1/(2π) at t = 1/2 (Kingma & Gao's sech(λ/2)/(2π)); v-MSE doubles it there.
  @Test("cosine at λ = 0: p = 1/(2π) with ε-MSE, 1/π with v-MSE")
  func cosine() throws {
    let c = try #require(Curves.sample(Setting(spec: ScheduleSpec(family: .cosine)), samples: 100))
    let eps = Curves.effectiveWeighting(c, Curves.plotObjective(.epsMSE))[50]
    let v = Curves.effectiveWeighting(c, Curves.plotObjective(.vMSE))[50]
    #expect(abs(eps.x) < 1e-12)
    #expect(abs(eps.y - 1 / (2 * Double.pi)) < 1e-9)
    #expect(abs(v.y - 1 / Double.pi) < 1e-9)
  }

  /// b = 0.5 moves λ by 2·log 0.5: at t = 1/2, λ = −log 4, p = 1/4, and x0-MSE's e^−λ = 4.
  @Test("the weight is taken at the scaled process's λ: 1 − t at b = 0.5, t = 1/2, x0-MSE gives 1")
  func scaled() throws {
    let c = try #require(
      Curves.sample(Setting(spec: ScheduleSpec(family: .linear), inputScale: 0.5), samples: 100))
    let p = Curves.effectiveWeighting(c, Curves.plotObjective(.x0MSE))[50]
    #expect(abs(p.x + log(4.0)) < 1e-12)
    #expect(abs(p.y - 1) < 1e-9)
  }

  @Test("w shows the weighting plot, W cycles ε, x0, v, min-SNR, EDM, flow and back")
  func keys() {
    var s = explorer()
    reduce(&s, KeyMap.action(for: .char("w"), in: s)!)
    #expect(s.showWeighting && s.weighting == .epsMSE)
    var seen: [LossWeighting] = []
    for _ in 0..<6 {
      reduce(&s, KeyMap.action(for: .char("W"), in: s)!)
      seen.append(s.weighting)
    }
    #expect(seen == [.x0MSE, .vMSE, .minSNR, .edm, .flowMSE, .epsMSE])
    reduce(&s, KeyMap.action(for: .char("w"), in: s)!)
    #expect(!s.showWeighting)
  }

  @Test(
    "the weighting replaces the density plot: the product alone at 80×24, p, w and p·w at 200×60",
    arguments: [(80, 24, 1), (120, 40, 1), (160, 40, 2), (200, 60, 3)])
  func drawn(_ w: Int, _ h: Int, _ charts: Int) {
    var s = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)))
    s.document.pins = [
      Pin(name: "1−t", setting: Setting(spec: ScheduleSpec(family: .linear)), colorIndex: 0)
    ]
    s.showWeighting = true
    s.weighting = .vMSE
    let r = Renderer(theme: Theme())
    let g = r.render(s, width: w, height: h)
    let text = g.lines.joined(separator: "\n")
    #expect(r.chartLayouts.count == 2 + charts)
    #expect(!text.contains("logSNR density for t ~ U(0,1)"))
    #expect(text.contains("log10 p(λ)·w(λ)"))
    #expect(text.contains("v-MSE"))
    #expect(text.contains("log10 w(λ)") == (charts >= 2))
    #expect(text.contains("p(λ): density") == (charts == 3))
    // Side by side, never overlapping.
    let plots = r.chartLayouts.dropFirst(2).map(\.plot)
    for (a, b) in zip(plots, plots.dropFirst()) { #expect(a.maxX < b.x) }
    expectExactWidth(g, w, h)
  }

  @Test("the plot uses the setup's min-SNR γ: w(λ) = min(e^λ, γ)/e^λ, and says which γ")
  func setupGamma() {
    let o = Curves.plotObjective(.minSNR, minSNRGamma: 2)
    // By hand: at λ = 2 the SNR e² ≈ 7.39 is above γ = 2, so w = 2/e²; at λ = 0, w = 1.
    #expect(abs(o.weight(logSNR: 2) - 2 / exp(2)) < 1e-12)
    #expect(abs(o.weight(logSNR: 0) - 1) < 1e-12)
    var s = explorer()
    s.document.setup.minSNRGamma = 2
    s.weighting = .minSNR
    s.showWeighting = true
    let text = Renderer(theme: Theme(glyphs: .unicode, colorMode: .none))
      .render(s, width: 200, height: 60).lines.joined(separator: "\n")
    #expect(text.contains("(γ = 2)"))
  }
}
