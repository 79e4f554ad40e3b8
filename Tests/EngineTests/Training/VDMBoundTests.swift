import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// The bound's terms against values derived by hand and integrated with SciPy in
/// `scripts/golden_vdm_bound.py` (the derivation is in its docstring): Gaussian data
/// x0 ~ N(0, s²), whose optimal denoiser's error per dimension is s²/(1 + s²e^λ).
@Suite struct VDMBoundTests {
  let s = 0.5
  func gaussianError(_ lambda: Double) -> Double { s * s / (1 + s * s * exp(lambda)) }
  /// −log N(x; 0, s²) per dimension in bits: ½·ln(2πs²) + ½ over ln 2.
  var gaussianBits: Double { (0.5 * log(2 * Double.pi * s * s) + 0.5) / log(2.0) }

  struct Case: Sendable, CustomStringConvertible {
    var grid: LogSNRGrid
    var diffusion, prior, reconstruction: Double
    var description: String { "\(grid.min)…\(grid.max)" }
  }
  // From scripts/golden_vdm_bound.py, nats per dimension.
  static let cases = [
    Case(
      grid: LogSNRGrid(min: -4, max: 4, step: 1), diffusion: 1.339920153578906,
      prior: 0.0023301352231205625, reconstruction: -0.5810614667953273),
    Case(
      grid: LogSNRGrid(min: -8, max: 8, step: 1), diffusion: 3.307481363887213,
      prior: 4.1946887522969594e-05, reconstruction: -2.5810614667953273),
    Case(
      grid: LogSNRGrid(min: -12, max: 12, step: 1), diffusion: 5.306864339687804,
      prior: 7.680312630627102e-07, reconstruction: -4.581061466795327),
  ]

  @Test("Gaussian data: each term of the bound matches its closed form", arguments: cases)
  func gaussianTerms(_ c: Case) {
    let fine = c.grid.fine
    let diffusion = VDMBound.diffusionNats(lambdas: fine, errors: fine.map(gaussianError))
    // Simpson at step 1/4 on a sigmoid-shaped integrand: well under 1e-5 nats.
    #expect(abs(diffusion - c.diffusion) < 1e-5, "diffusion \(diffusion) vs \(c.diffusion)")
    let prior = VDMBound.priorNats(logSNRMin: c.grid.min, meanSquare: s * s)
    #expect(isClose(prior, c.prior, rtol: 1e-9), "prior \(prior) vs \(c.prior)")
    let rec = VDMBound.continuousReconstructionNats(logSNRMax: c.grid.max)
    #expect(isClose(rec, c.reconstruction, rtol: 1e-12))
  }

  @Test("Gaussian data: the bound approaches −log density (1.0471 bits/dim) as λ widens")
  func gaussianBoundConverges() {
    var gaps: [Double] = []
    for c in VDMBoundTests.cases {
      let fine = c.grid.fine
      let nats =
        VDMBound.diffusionNats(lambdas: fine, errors: fine.map(gaussianError))
        + VDMBound.priorNats(logSNRMin: c.grid.min, meanSquare: s * s)
        + VDMBound.continuousReconstructionNats(logSNRMax: c.grid.max)
      gaps.append(nats / log(2.0) - gaussianBits)
    }
    // A bound: never below the true value (up to quadrature error); −4…4 is 0.051 bits above,
    // −8…8 0.001, −12…12 0.00002 (SciPy).
    #expect(gaps.allSatisfy { $0 > -1e-5 }, "\(gaps)")
    #expect(gaps[0] > 0.01 && gaps[1] < gaps[0] && gaps[2] < gaps[1], "\(gaps)")
    #expect(gaps[2] < 0.01, "\(gaps)")
    #expect(abs(gaussianBits - 1.0470955851806412) < 1e-12)
  }

  @Test("the discretised Gaussian's reconstruction term matches SciPy's quadrature")
  func discreteReconstruction() {
    // (λmax, inner bin, outer bin) in nats, scripts/golden_vdm_bound.py.
    for (lambda, inner, outer) in [
      (12.0, 0.35168882370028476, 0.1746364901813421), (8.0, 2.2671121155408187, 0.819936593305932),
    ] {
      let i = VDMBound.reconstructionNats(logSNRMax: lambda, edgeFraction: 0)
      let o = VDMBound.reconstructionNats(logSNRMax: lambda, edgeFraction: 1)
      let mix = VDMBound.reconstructionNats(logSNRMax: lambda, edgeFraction: 0.25)
      #expect(isClose(i, inner, rtol: 1e-6), "inner at \(lambda): \(i) vs \(inner)")
      #expect(isClose(o, outer, rtol: 1e-6), "outer at \(lambda): \(o) vs \(outer)")
      #expect(isClose(mix, 0.75 * inner + 0.25 * outer, rtol: 1e-6))
    }
  }

  /// The optimal denoiser of continuous Gaussian data keeps e^λ·e(λ) → 1 (it cannot snap to
  /// the 8-bit levels, which do not exist in its data), while the 8-bit reconstruction term stops
  /// falling once e^{−λ/2} is well below the bin: the bound has an interior minimum. SciPy
  /// (closed-form diffusion ½·ln((1 + s²e^L)/(1 + s²e^{−12})), quad for the reconstruction) puts
  /// it at L = 8.5 on the 0.5 steps, 8.04226 bits/dim, against 8.16357 at 12
  /// (`scripts/golden_vdm_bound.py`).
  @Test("the optimal Gaussian denoiser: λmax and the bound at SciPy's minimum")
  func optimalGaussianMinimum() {
    let grid = LogSNRGrid.standard
    let e = grid.fine.map(gaussianError)
    let plain = VDMBound.terms(
      grid: grid, fineErrors: e, meanSquare: s * s, edgeFraction: 0, images: 1)
    let chosen = VDMBound.terms(
      grid: grid, fineErrors: e, meanSquare: s * s, edgeFraction: 0, images: 1,
      choosingLogSNRMax: true)
    #expect(plain.logSNRMax == 12 && plain.gridMax == nil && plain.fullRange == plain.total)
    #expect(isClose(plain.total, 8.163567695461447, rtol: 1e-5), "\(plain.total)")
    #expect(chosen.logSNRMax == 8.5 && chosen.gridMax == 12)
    #expect(isClose(chosen.total, 8.042257421769408, rtol: 1e-5), "\(chosen.total)")
    #expect(chosen.fullRange == plain.total)
  }

  /// A denoiser with an error floor c on top of the optimal one, e(λ) = s²/(1 + s²e^λ) + c: with
  /// the continuous reconstruction the bound's derivative in λmax is ½(e^λ·e(λ) − 1) (diffusion
  /// ½e^λ·e, reconstruction −½), zero where 1/(1 + s²u) = c·u, u = e^λ: for s = 0.5, c = e^{−4}
  /// u = 2(√(1 + e⁴) − 1) = 12.92, λ* = 2.559 (by hand). The discretised reconstruction differs
  /// from the continuous one by a constant there (σ/α = 0.28 ≫ the bin), so λ* is the same.
  @Test("a floored denoiser stops where its error crosses z/α's: λmax at the analytic λ*")
  func flooredStopsAtCrossing() {
    let c = exp(-4.0)
    let grid = LogSNRGrid.standard
    let floored = grid.fine.map { gaussianError($0) + c }
    let star = log(2 * ((1 + exp(4.0)).squareRoot() - 1))
    #expect(abs(star - 2.559) < 0.001)
    let k = VDMBound.bestLogSNRMaxIndex(lambdas: grid.fine, errors: floored, edgeFraction: 0)
    // Candidates are every second fine point (step 0.5): the nearest to λ* is 2.5.
    #expect(grid.fine[k] == 2.5, "λmax \(grid.fine[k])")
    // The terms are the denoiser's own up to λmax.
    let t = VDMBound.terms(
      grid: grid, fineErrors: floored, meanSquare: s * s, edgeFraction: 0, images: 1,
      choosingLogSNRMax: true)
    #expect(t.logSNRMax == 2.5 && t.gridMax == 12)
    let upTo = Array(grid.fine.prefix(k + 1))
    let want = VDMBound.diffusionNats(lambdas: upTo, errors: Array(floored.prefix(k + 1)))
    #expect(isClose(t.diffusion, want / log(2.0), rtol: 1e-12))
    #expect(
      isClose(
        t.reconstruction,
        VDMBound.reconstructionNats(logSNRMax: 2.5, edgeFraction: 0) / log(2.0), rtol: 1e-12))
    // Up to the grid's top the floor is charged e^12·c: thousands of bits/dim.
    let plain = VDMBound.terms(
      grid: grid, fineErrors: floored, meanSquare: s * s, edgeFraction: 0, images: 1)
    #expect(t.fullRange == plain.total)
    #expect(t.total < 10 && plain.total > 1000, "\(t.total) vs \(plain.total)")
  }

  @Test("values are quantised to the nearest of 256 levels in [−1, 1]")
  func quantize() {
    #expect(VDMBound.quantize(-1) == -1 && VDMBound.quantize(1) == 1)
    #expect(VDMBound.quantize(1.5) == 1)
    // −0.875 (a digits value, 15.94 levels up) rounds to level 16: 32/255 − 1.
    #expect(abs(Double(VDMBound.quantize(-0.875)) - (32.0 / 255 - 1)) < 1e-6)
  }

  @Test("grids: the standard one and refusals naming the value and what is allowed")
  func grids() throws {
    #expect(LogSNRGrid.standard.points == (-12...12).map(Double.init))
    #expect(LogSNRGrid.standard.fine.count == 97)
    #expect(try LogSNRGrid.parse("-6:6:0.5") == LogSNRGrid(min: -6, max: 6, step: 0.5))
    for bad in ["-12:12:0.7", "12:-12:1", "a:b:c", "-40:0:1", "-12:12", "0:1:1"] {
      #expect(throws: FieldError.self) { try LogSNRGrid.parse(bad) }
    }
    do {
      _ = try LogSNRGrid.parse("-12:12:0.7")
    } catch {
      #expect(error.description.contains("eval-grid") && error.description.contains("0.7"))
    }
  }
}

/// A denoiser that outputs the exact posterior mean E[x0 | z] for x0 ~ N(0, s²) as x0-prediction,
/// working out its own α, σ from the λ it is told and the b it was built for: it is right only
/// if the score builds z the way training does.
final class GaussianPosteriorMean: ClosedFormDenoiser {
  let shape: ModelShape
  let layout = ParameterLayout()
  let s: Double, b: Double
  var seen: [Float] = []
  var out: [Float] = []
  init(pixels: Int, s: Double, b: Double) {
    shape = ModelShape(kind: .mlpS, channels: 1, height: 1, width: pixels, classes: 0)
    self.s = s
    self.b = b
  }
  func output(x: UnsafeBufferPointer<Float>, logSNR: Float) -> [Float] {
    seen.append(logSNR)
    let gamma = 1 / (1 + b * b * exp(-Double(logSNR)))  // γb²/(1−γ) = e^λ
    let alpha = b * gamma.squareRoot()
    let sigma2 = 1 - gamma
    let k = Float(alpha * s * s / (alpha * alpha * s * s + sigma2))
    return x.map { k * $0 }
  }
}

@Suite struct HeldOutScoreTests {
  @Test("the error per λ of the optimal Gaussian denoiser is s²/(1 + s²e^λ) for b = 1 and 0.5",
    arguments: [1.0, 0.5])
  func gaussianCurve(b: Double) {
    let s = 0.25
    let count = 4000
    let D = 16
    var rng = Xoshiro256(seed: 7)
    var images = [Float](repeating: 0, count: count * D)
    fillGaussian(&images, using: &rng)
    images = images.map { $0 * Float(s) }
    let model = GaussianPosteriorMean(pixels: D, s: s, b: b)
    var params: [Float] = [0]
    let lambdas = [-4.0, 0, 4, 8]
    let errors = HeldOutScore.errors(
      model: model, params: &params, objective: Objective(prediction: .x0), inputScale: b,
      normalize: false, conditioning: -20...20, images: images, count: count, lambdas: lambdas,
      batch: 500)
    for (l, e) in zip(lambdas, errors) {
      let want = s * s / (1 + s * s * exp(l))
      // 64,000 squared Gaussian errors: a relative standard error of √(2/64000) ≈ 0.6 %.
      #expect(isClose(e, want, rtol: 0.03), "λ = \(l): \(e) vs \(want)")
    }
  }

  @Test("outside the trained range the network is told the nearest λ it was trained on")
  func clampedConditioning() {
    let model = GaussianPosteriorMean(pixels: 4, s: 0.25, b: 1)
    var params: [Float] = [0]
    _ = HeldOutScore.errors(
      model: model, params: &params, objective: Objective(prediction: .x0), inputScale: 1,
      normalize: false, conditioning: -3...5, images: [Float](repeating: 0.1, count: 8), count: 2,
      lambdas: [-6, 0, 9], batch: 2)
    #expect(model.seen == [-3, -3, 0, 0, 5, 5])
  }
}
