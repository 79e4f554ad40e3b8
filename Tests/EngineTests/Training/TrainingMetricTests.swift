import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite struct TrainingFrechetTests {
  @Test("diagonal covariances: d² = ‖Δμ‖² + Σ(√σ1 − √σ2)² (hand derivation)")
  func diagonal() {
    let d = Frechet.distance(
      mu1: [1, 2], sigma1: [4, 0, 0, 9], mu2: [0, 0], sigma2: [1, 0, 0, 1], dim: 2)
    // ‖Δμ‖² = 5; (2−1)² + (3−1)² = 5.
    #expect(isClose(d, 10, rtol: 1e-10))
  }

  @Test("non-commuting pair: Σ1 = a·I, Σ2 = [[2,1],[1,2]] gives tr Σ1 + tr Σ2 − 2√a(√3+1)")
  func nonDiagonal() {
    // (Σ1^½ Σ2 Σ1^½)^½ = √a·Σ2^½ and Σ2's eigenvalues are 3 and 1.
    let a = 2.5
    let d = Frechet.distance(
      mu1: [0, 0], sigma1: [a, 0, 0, a], mu2: [0, 0], sigma2: [2, 1, 1, 2], dim: 2)
    let want = 2 * a + 4 - 2 * a.squareRoot() * (3.0.squareRoot() + 1)
    #expect(isClose(d, want, rtol: 1e-10))
  }

  @Test("the distance of a set to itself is 0, and Jacobi recovers known eigenvalues")
  func selfDistance() {
    var rng = SplitMixForTests(seed: 21)
    let f = rng.values(50 * 4)
    #expect(Frechet.distance(f, countA: 50, f, countB: 50, dim: 4) < 1e-9)
    // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 1, 3, 5.
    let values = Frechet.symmetricEigenvalues([2, 1, 0, 1, 2, 0, 0, 0, 5], dim: 3).sorted()
    #expect(
      isClose(values[0], 1, rtol: 1e-12) && isClose(values[1], 3, rtol: 1e-12)
        && isClose(values[2], 5, rtol: 1e-12))
  }
}

@Suite struct TrainingMetricTests {
  @Test("against the held-out digits the metric ranks real digits < blurred digits < uniform noise")
  func ranking() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let classifier = try DigitsClassifier.shared()
    let data = try Dataset.digits(resolution: 8)
    let n = data.heldOutCount
    // The reference is the held-out split itself, so the "real" set here is the training
    // digits (the first n of them): a model that copies its data scores about this.
    let real = classifier.frechetDistance(Array(data.train.prefix(n * 64)), count: n, size: 8)
    // 3×3 box blur (zero outside) of each held-out digit.
    var blurred = [Float](repeating: 0, count: n * 64)
    for k in 0..<n {
      for y in 0..<8 {
        for x in 0..<8 {
          var sum: Float = 0
          for dy in -1...1 {
            for dx in -1...1 where (0..<8).contains(y + dy) && (0..<8).contains(x + dx) {
              sum += data.heldOut[k * 64 + (y + dy) * 8 + x + dx]
            }
          }
          blurred[k * 64 + y * 8 + x] = sum / 9
        }
      }
    }
    var rng = SplitMixForTests(seed: 5)
    let noise = rng.values(n * 64)
    let blur = classifier.frechetDistance(blurred, count: n, size: 8)
    let random = classifier.frechetDistance(noise, count: n, size: 8)
    print(
      "Fréchet distances: training digits \(real), blurred \(blur), noise \(random); classifier "
        + "held-out accuracy \(classifier.heldOutAccuracy), \(clock.now - start)")
    #expect(real < blur && blur < random)
    #expect(classifier.heldOutAccuracy > 0.9)
    // The held-out set against itself: 0 up to the eigen-solver's rounding.
    #expect(classifier.frechetDistance(data.heldOut, count: n, size: 8) < 1e-6)
    // All 1,498 training digits sit closer still (fewer samples, more bias: 299 give ~11).
    #expect(classifier.trainingDigitsDistance < real)
  }

  @Test("the metric is deterministic: a second classifier with the same seed gives the same number")
  func deterministic() throws {
    let data = try Dataset.digits(resolution: 8)
    let a = DigitsClassifier(digits: data, epochs: 2)
    let b = DigitsClassifier(digits: data, epochs: 2)
    let fa = a.frechetDistance(data.heldOut, count: data.heldOutCount, size: 8)
    let fb = b.frechetDistance(data.heldOut, count: data.heldOutCount, size: 8)
    #expect(fa == fb)  // bitwise: same seed, same arithmetic
  }

  @Test(
    "up-sampled digits area-average back to the 8×8 originals, so every resolution is judged alike"
  )
  func upsampling() throws {
    let small = try Dataset.digits(resolution: 8)
    let big = try Dataset.digits(resolution: 32)
    #expect(small.trainCount + small.heldOutCount == 1797)
    #expect(small.heldOutCount == 299)
    #expect(big.pixels == 1024)
    let back = Dataset.areaAverage(big.heldOut, count: big.heldOutCount, channels: 1, size: 32)
    let worst = zip(back, small.heldOut).map { abs($0 - $1) }.max()!
    #expect(worst < 1e-6)
    #expect(small.train.allSatisfy { $0 >= -1 && $0 <= 1 })
  }
}

/// The copy rate against NumPy (scripts/golden_copy_rate.py): its threshold, and the rates of
/// the training digits (all copies), the held-out digits (5 % by calibration), uniform noise
/// (none) and training digits nudged by 0.02 per pixel (still copies).
@Suite struct CopyRateTests {
  struct Golden: Decodable {
    let threshold: Double
    let train_rate: Double, heldout_rate: Double, noise_rate: Double, nudged_rate: Double
    let noise: [Float]
    let heldout_nearest_first5: [Double]
  }

  static func golden() throws -> Golden {
    let url = URL(fileURLWithPath: PNGFixtures.folder + "/../copy_rate.json")
    return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
  }

  @Test("threshold and nearest distances match NumPy")
  func threshold() throws {
    let g = try Self.golden()
    let detector = try CopyDetector.shared()
    #expect(isClose(detector.threshold, g.threshold, rtol: 1e-6))
    let data = try Dataset.digits(resolution: 8)
    let near = detector.nearestDistances(Array(data.heldOut.prefix(5 * 64)), count: 5)
    for (a, b) in zip(near, g.heldout_nearest_first5) { #expect(isClose(a, b, rtol: 1e-6)) }
  }

  @Test("training digits score ~100 %, held-out 5 %, noise 0 %, nudged copies ~100 %, as NumPy")
  func rates() throws {
    let g = try Self.golden()
    let detector = try CopyDetector.shared()
    let data = try Dataset.digits(resolution: 8)
    let train = detector.copyRate(data.train, count: data.trainCount, size: 8)
    let held = detector.copyRate(data.heldOut, count: data.heldOutCount, size: 8)
    let noise = detector.copyRate(g.noise, count: g.noise.count / 64, size: 8)
    let nudged = detector.copyRate(
      data.train.prefix(40 * 64).map { $0 + 0.02 }, count: 40, size: 8)
    #expect(train == g.train_rate && train == 1)
    #expect(held == g.heldout_rate && held < 0.1)
    #expect(noise == g.noise_rate && noise == 0)
    #expect(nudged == g.nudged_rate)
    // Up-sampled copies are still copies: the check reads the area-average.
    let big = try Dataset.digits(resolution: 32)
    #expect(detector.copyRate(big.train, count: big.trainCount, size: 32) == 1)
  }
}
