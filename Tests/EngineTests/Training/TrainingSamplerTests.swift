import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// The exact denoiser for a data set of one image x*: given z_t it returns the true output of
/// each parameterisation, written from its definition (z_t = α·x* + σ·ε with α = √γ·b,
/// σ = √(1−γ), γ recovered from the logSNR λ as e^λ/(b² + e^λ)): ε; x*; v = (α·ε − σ·x*)/n with
/// n = √(α² + σ²); EDM's −F = (s·ε − σ·x*/σ_d)/√(s² + σ²) with s = α·σ_d; the flow velocity
/// ε − b·x* (rectified flow's dx/dt of the process on b·x*). A sampler driven by
/// it must land on x* exactly: an oracle with a known answer, not a mock.
final class OneImageOracle: ClosedFormDenoiser {
  let shape: ModelShape
  let layout = ParameterLayout()
  let target: [Float], b: Double, prediction: Parameterization
  static let rms = 0.7
  var out: [Float] = []

  init(target: [Float], b: Double, prediction: Parameterization) {
    shape = ModelShape(kind: .mlpS, channels: 1, height: 2, width: 2, classes: 3)
    self.target = target
    self.b = b
    self.prediction = prediction
  }

  func output(x: UnsafeBufferPointer<Float>, logSNR: Float) -> [Float] {
    let e = Foundation.exp(Double(logSNR))
    let gamma = e / (b * b + e)
    let alpha = gamma.squareRoot() * b
    let sn = (1 - gamma).squareRoot()
    let n = (alpha * alpha + sn * sn).squareRoot()
    let s = alpha * Self.rms
    return zip(x, target).map { xj, targetj in
      let x0 = Double(targetj)
      let eps = (Double(xj) - alpha * x0) / sn
      switch prediction {
      case .eps: return Float(eps)
      case .x0: return Float(x0)
      case .v: return Float((alpha * eps - sn * x0) / n)
      case .edm: return Float((s * eps - sn * x0 / Self.rms) / (s * s + sn * sn).squareRoot())
      case .flow: return Float(eps - b * x0)
      }
    }
  }
}

@Suite struct TrainingSamplerTests {
  static let target: [Float] = [0.5, -0.25, 1, -1]

  @Test(
    "DDIM, DDIM(η=1) and DDPM driven by the exact denoiser return the one training image",
    arguments: [SamplerKind.ddim, .ddpm])
  func recoversImage(kind: SamplerKind) throws {
    for prediction in Parameterization.allCases {
      for eta in kind == .ddim ? [0.0, 1.0] : [0.0] {
        let oracle = OneImageOracle(target: Self.target, b: 0.5, prediction: prediction)
        var s = SamplerSettings()
        s.kind = kind
        s.steps = 20
        s.eta = eta
        s.guidance = 2  // the oracle ignores labels, so guidance must not change the answer
        s.schedule = ScheduleSpec(family: .cosine)
        var rng = Xoshiro256(seed: 5)
        let params = [Float](repeating: 0, count: 1)
        let out = try Sampler.sample(
          model: oracle, params: params,
          objective: Objective(prediction: prediction, dataRMS: OneImageOracle.rms), inputScale: 0.5,
          normalize: false, conditioningFloor: -Trainer.logSNRLimit, settings: s, labels: [0, 1, 3],
          using: &rng)
        var worst = 0.0
        for k in 0..<3 {
          for j in 0..<4 { worst = max(worst, abs(Double(out[k * 4 + j] - Self.target[j]))) }
        }
        #expect(worst < 1e-3, "\(kind) η \(eta) \(prediction): largest difference \(worst)")
      }
    }
  }
}
