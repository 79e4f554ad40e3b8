import Foundation
import Testing

@testable import Engine

@Suite struct RandomTests {
  @Test("SplitMix64 matches the reference implementation's first outputs for seed 0")
  func splitMixReference() {
    // From Vigna's splitmix64.c with x = 0 (also the first outputs listed in many ports).
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(g.next() == 0x06C4_5D18_8009_454F)
  }

  @Test("xoshiro256** matches a Python transcription of the reference C code")
  func xoshiroReference() {
    // scripts/xoshiro_reference.py: state from SplitMix64(42), first three outputs.
    var g = Xoshiro256(seed: 42)
    let got = (0..<3).map { _ in g.next() }
    #expect(got == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
  }

  @Test("the same seed gives the same Gaussian samples; another seed differs")
  func reproducible() {
    var a = Xoshiro256(seed: 5), b = Xoshiro256(seed: 5), c = Xoshiro256(seed: 6)
    var x = [Float](repeating: 0, count: 1000), y = x, z = x
    fillGaussian(&x, using: &a)
    fillGaussian(&y, using: &b)
    fillGaussian(&z, using: &c)
    #expect(x == y)
    #expect(x != z)
  }

  /// `n` draws of the ziggurat from xoshiro256** seeded with `seed`.
  static func gaussians(_ n: Int, seed: UInt64) -> [Float] {
    var rng = Xoshiro256(seed: seed)
    var x = [Float](repeating: 0, count: n)
    fillGaussian(&x, using: &rng)
    return x
  }

  @Test("Gaussian samples have the moments and the CDF of N(0, 1)")
  func moments() {
    let n = 1 << 20
    let x = Self.gaussians(n, seed: 2026)
    var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
    for v in x {
      let d = Double(v)
      s1 += d
      s2 += d * d
      s3 += d * d * d
      s4 += d * d * d * d
    }
    let nd = Double(n)
    let mean = s1 / nd, m2 = s2 / nd, m3 = s3 / nd, m4 = s4 / nd
    // Standard errors for N(0, 1): mean 1/√n, E[x²] √(2/n), E[x³] √(15/n), E[x⁴] √(96/n).
    // Bounds at 5 standard errors: a correct sampler fails with probability ≈ 6e-7 each.
    #expect(abs(mean) < 5 / nd.squareRoot(), "mean \(mean)")
    #expect(abs(m2 - 1) < 5 * (2 / nd).squareRoot(), "E[x²] \(m2)")
    #expect(abs(m3) < 5 * (15 / nd).squareRoot(), "E[x³] \(m3)")
    #expect(abs(m4 - 3) < 5 * (96 / nd).squareRoot(), "E[x⁴] \(m4)")
    // The CDF at several points, including beyond the ziggurat's base layer edge r ≈ 3.44 (the
    // exactly sampled tail); binomial standard error √(p(1−p)/n).
    for point in [-3.8, -3.44, -2.0, -1.0, -0.3, 0.0, 0.5, 1.5, 2.5, 3.6] {
      let p = 0.5 * erfc(-point / 2.0.squareRoot())
      let empirical = Double(x.lazy.filter { Double($0) <= point }.count) / nd
      let se = (p * (1 - p) / nd).squareRoot()
      #expect(abs(empirical - p) < 5 * se + 1e-7, "P(x ≤ \(point)) = \(empirical), want \(p)")
    }
  }

  @Test("the histogram in 80 bins of width 0.1 over [−4, 4] matches the normal density")
  func histogram() {
    // The ziggurat's 128 layers meet at points x_i in (0, 3.44]; a wrong table or wedge test
    // shows up as a bump or dip in one narrow bin, which a few CDF points could miss.
    let n = 1 << 21
    let x = Self.gaussians(n, seed: 77)
    var counts = [Int](repeating: 0, count: 80)
    for v in x where v >= -4 && v < 4 { counts[min(79, Int((Double(v) + 4) * 10))] += 1 }
    let cdf = { (z: Double) in 0.5 * erfc(-z / 2.0.squareRoot()) }
    for (i, observed) in counts.enumerated() {
      let lo = -4 + Double(i) / 10
      let expected = Double(n) * (cdf(lo + 0.1) - cdf(lo))
      // Poisson standard deviation √expected; 5 of them (a correct sampler trips one of the 80
      // bins with probability ≈ 5e-5).
      #expect(
        abs(Double(observed) - expected) < 5 * expected.squareRoot() + 1,
        "bin [\(lo), \(lo + 0.1)): \(observed), expected \(expected)")
    }
  }
}
