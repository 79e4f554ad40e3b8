import Foundation
import TestSupport
import Testing

@testable import Engine

/// Population mean and variance in Double, the plain way (the reference the kernels must match).
func meanAndVariance(_ x: ArraySlice<Float>) -> (mean: Double, variance: Double) {
  let n = Double(x.count)
  let mean = x.reduce(0.0) { $0 + Double($1) } / n
  let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
  return (mean, variance)
}

@Suite struct NoisingTests {
  struct Reference {
    let shape: [Int], gamma: [Double], inputScale: Double
    let x0: [Float], eps: [Float]
    let outputs: [Normalization: [Double]]
  }

  static let reference: Reference = {
    let url = URL(fileURLWithPath: PNGFixtures.folder + "/../noising.json")
    let json = try! JSONSerialization.jsonObject(with: try! Data(contentsOf: url)) as! [String: Any]
    let doubles = { (key: String) in (json[key] as! [NSNumber]).map(\.doubleValue) }
    return Reference(
      shape: (json["shape"] as! [NSNumber]).map(\.intValue), gamma: doubles("gamma"),
      inputScale: (json["inputScale"] as! NSNumber).doubleValue,
      x0: doubles("x0").map(Float.init), eps: doubles("eps").map(Float.init),
      outputs: [
        .none: doubles("none"), .empirical: doubles("empirical"), .analytic: doubles("analytic"),
      ])
  }()

  @Test(
    "matches NumPy running Algorithm 2's lines (scripts/noising_reference.py)",
    arguments: Normalization.allCases)
  func matchesNumPy(normalization: Normalization) throws {
    let ref = Self.reference
    let size = ref.shape.dropFirst().reduce(1, *)
    var batch = NoisingBatch(batch: ref.shape[0], exampleSize: size)
    batch.setNoise(ref.eps)
    batch.run(x0: ref.x0, gamma: ref.gamma, inputScale: ref.inputScale, normalization: normalization)
    let want = try #require(ref.outputs[normalization])
    let worst = zip(batch.noised, want).map { abs(Double($0) - $1) }.max() ?? .infinity
    // Inputs were rounded to Float (relative 6e-8) and the kernels compute in Float.
    #expect(worst < 2e-6, "largest difference \(worst)")
  }

  @Test(
    "the analytic factor 1/√((b²−1)γ+1) gives unit variance for unit-variance x0; without the root it does not",
    arguments: [(0.5, 0.7), (0.2, 0.95), (2.0, 0.3), (1.0, 0.5)])
  func analyticUnitVariance(inputScale b: Double, gamma g: Double) {
    let n = 1 << 20
    var rng = Xoshiro256(seed: 11)
    var x0 = [Float](repeating: 0, count: n)
    fillGaussian(&x0, using: &rng)  // unit variance, like ε
    var batch = NoisingBatch(batch: 1, exampleSize: n)
    batch.run(x0: x0, gamma: [g], inputScale: b, normalization: .analytic, using: &rng)
    let (mean, variance) = meanAndVariance(batch.noised[...])
    // x_t·s is N(0, 1) here, so the sample variance has standard error √(2/n) (≈ 0.0014) and
    // the mean 1/√n; 5 standard errors.
    #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot(), "variance \(variance)")
    #expect(abs(mean) < 5 / Double(n).squareRoot())
    // The factor as printed, 1/((b²−1)γ+1), would give Var(x_t)/d² = d/d² = 1/d instead; our
    // measured variance is Var(x_t)/d, so the printed one is that divided by d.
    let d = (b * b - 1) * g + 1
    let printed = variance / d
    if b != 1 { #expect(abs(printed - 1) > 0.1, "the printed factor would give \(printed)") }
  }

  @Test("empirical normalisation gives each example population std 1, whatever γ and b")
  func empiricalUnitStd() {
    let size = 32 * 32 * 3
    var rng = Xoshiro256(seed: 3)
    let x0 = (0..<(4 * size)).map { _ in Float.random(in: 0...1, using: &rng) }
    var batch = NoisingBatch(batch: 4, exampleSize: size)
    batch.run(
      x0: x0, gamma: [0.0, 0.3, 0.9, 1.0], inputScale: 0.3, normalization: .empirical, using: &rng)
    for i in 0..<4 {
      let (_, variance) = meanAndVariance(batch.noised[(i * size)..<((i + 1) * size)])
      #expect(abs(variance - 1) < 1e-5, "example \(i): variance \(variance)")
    }
  }

  @Test("the std is exact even when the mean is large compared with the spread")
  func noCancellation() {
    // γ = 1 leaves x_t = b·x0: mean 0.9, std ≈ 3e-4. A one-pass Σx² − n·mean² in Float would
    // lose every digit here.
    let size = 100_000
    let x0 = (0..<size).map { Float(0.9) + Float($0 % 1000) * 1e-6 }
    var batch = NoisingBatch(batch: 1, exampleSize: size)
    batch.setNoise([Float](repeating: 0, count: size))
    batch.run(x0: x0, gamma: [1], inputScale: 1, normalization: .empirical)
    let want = 1 / meanAndVariance(x0[...]).variance.squareRoot()
    #expect(isClose(batch.scales[0], want, rtol: 1e-4), "scale \(batch.scales[0]) vs \(want)")
  }

  @Test("an example with zero variance keeps scale 1 instead of becoming NaN")
  func zeroVariance() {
    var batch = NoisingBatch(batch: 2, exampleSize: 10)
    batch.setNoise([Float](repeating: 1, count: 20))
    batch.run(
      x0: [Float](repeating: 0.5, count: 20), gamma: [1, 0.5], inputScale: 1,
      normalization: .empirical)
    #expect(batch.scales[0] == 1)
    #expect(batch.noised.allSatisfy { $0.isFinite })
  }

  @Test("the same seed draws the same ε; the next run draws a new one into the same buffer")
  func seededNoise() {
    let x0 = [Float](repeating: 0.1, count: 2 * 50)
    var a = NoisingBatch(batch: 2, exampleSize: 50), b = a
    var ra = Xoshiro256(seed: 9), rb = Xoshiro256(seed: 9)
    a.run(x0: x0, gamma: [0.5, 0.5], inputScale: 1, normalization: .none, using: &ra)
    b.run(x0: x0, gamma: [0.5, 0.5], inputScale: 1, normalization: .none, using: &rb)
    #expect(a.noised == b.noised)
    let first = a.noise
    a.run(x0: x0, gamma: [0.5, 0.5], inputScale: 1, normalization: .none, using: &ra)
    #expect(a.noise != first)
  }
}
