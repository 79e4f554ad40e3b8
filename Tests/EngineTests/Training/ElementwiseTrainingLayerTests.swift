import CElementwise
@testable import Engine
import Foundation
import TestSupport
import Testing

/// CElementwise's SiLU and GroupNorm loops against Double references written here from the
/// formulas (x·σ(x), σ(x)·(1 + x·(1 − σ(x)))), on 53 values: three whole 16-lane blocks and a
/// scalar tail of 5, so both parts of every loop are checked. The suite's name keeps it in
/// scripts/test's release step (filter "TrainingLayerTests"), where the vector builds run.
@Suite struct ElementwiseTrainingLayerTests {
  static let n = 53

  /// Inputs across [−12, 12], with the clamp's edges and beyond (±87, ±90) at both ends.
  static func inputs(seed: UInt64) -> [Float] {
    var rng = SplitMixForTests(seed: seed)
    var x = rng.values(n, scale: 12)
    (x[0], x[1], x[2], x[n - 1]) = (-90, 90, -87.5, 88.5)
    return x
  }

  /// ``inputs(seed:)`` and two more arrays of n values, spread ±3 and ±5.
  static func operands(seed: UInt64) -> (x: [Float], a: [Float], b: [Float]) {
    var rng = SplitMixForTests(seed: seed + 1)
    return (inputs(seed: seed), rng.values(n, scale: 3), rng.values(n, scale: 5))
  }

  static func sigmoid(_ x: Float) -> Double { 1 / (1 + Foundation.exp(-Double(x))) }
  static func silu(_ x: Float) -> Double { Double(x) * sigmoid(x) }
  static func siluGrad(_ x: Float) -> Double {
    let s = sigmoid(x)
    return s * (1 + Double(x) * (1 - s))
  }

  /// The largest |got − want| / max(1, |want|) over all values.
  static func worst(_ got: [Float], _ want: [Double]) -> Double {
    zip(got, want).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
  }

  @Test("the C exp matches Double exp to 3e-7 relative across the used range")
  func exp() {
    var worst = 0.0
    var x: Float = -80
    while x < 80 {
      let want = Foundation.exp(Double(x))
      worst = max(worst, abs(Double(schedtui_exp(x)) - want) / want)
      x += 0.0137
    }
    #expect(worst < 3e-7, "largest relative error \(worst)")
  }

  @Test("SiLU forward and backward (overwriting and accumulating) match Double")
  func silu() {
    let (x, dout, start) = Self.operands(seed: 11)
    var out = [Float](repeating: 9, count: Self.n)
    schedtui_silu_forward(&out, x, Self.n)
    let e1 = Self.worst(out, x.map(Self.silu))
    var d = start
    schedtui_silu_backward(&d, x, dout, Self.n, 0)
    let e2 = Self.worst(d, (0..<Self.n).map { Double(dout[$0]) * Self.siluGrad(x[$0]) })
    d = start
    schedtui_silu_backward(&d, x, dout, Self.n, 1)
    let e3 = Self.worst(
      d, (0..<Self.n).map { Double(start[$0]) + Double(dout[$0]) * Self.siluGrad(x[$0]) })
    #expect(e1 < 1e-6 && e2 < 1e-6 && e3 < 1e-6, "forward \(e1), = \(e2), += \(e3)")
  }

  @Test("the fused affine + SiLU and residual + SiLU write both outputs (in place too)")
  func fusedForward() {
    let x = Self.inputs(seed: 21).map { $0 / 3 }
    var rng = SplitMixForTests(seed: 22)
    let prev = rng.values(Self.n, scale: 4)
    let (scale, shift): (Float, Float) = (2.75, -0.625)
    let y = x.map { Double($0) * Double(scale) + Double(shift) }
    var norm = [Float](repeating: 9, count: Self.n)
    var act = norm
    schedtui_affine_silu(&norm, &act, x, Self.n, scale, shift)
    var worst = max(Self.worst(norm, y), Self.worst(act, y.map { Self.silu(Float($0)) }))
    // In place: norm is x (how ConvRes-S adds its conditioning into u).
    var u = x
    u.withUnsafeMutableBufferPointer { u in
      schedtui_affine_silu(u.baseAddress!, &act, u.baseAddress!, Self.n, 1, shift)
    }
    let shifted = x.map { Double($0) + Double(shift) }
    worst = max(
      worst, Self.worst(u, shifted), Self.worst(act, shifted.map { Self.silu(Float($0)) }))
    var h = x
    schedtui_add_silu(&h, &act, prev, Self.n)
    let sum = (0..<Self.n).map { Double(x[$0]) + Double(prev[$0]) }
    worst = max(worst, Self.worst(h, sum), Self.worst(act, sum.map { Self.silu(Float($0)) }))
    #expect(worst < 1e-6, "largest relative difference \(worst)")
  }

  @Test("SiLU's backward fused with GroupNorm's sums: dnorm, Σ dnorm·x and Σ dnorm")
  func backwardSums() {
    let (y, dact, x) = Self.operands(seed: 31)
    var dnorm = [Float](repeating: 9, count: Self.n)
    var sums: [Float] = [7, 7]
    schedtui_silu_backward_sums(&dnorm, y, dact, x, Self.n, &sums)
    let want = (0..<Self.n).map { Double(dact[$0]) * Self.siluGrad(y[$0]) }
    let wantDX = (0..<Self.n).reduce(0.0) { $0 + want[$1] * Double(x[$1]) }
    let wantD = want.reduce(0, +)
    let e1 = Self.worst(dnorm, want)
    let e2 = Self.worst([sums[0], sums[1]], [wantDX, wantD])
    #expect(e1 < 1e-6 && e2 < 1e-5, "dnorm \(e1), sums \(e2) (\(sums) against \(wantDX), \(wantD))")
  }

  @Test("GroupNorm's loops: Σ x, Σ (x − m)², and k1·dy + k2·x + k3 (overwriting, accumulating)")
  func groupNormLoops() {
    let (values, dy, start) = Self.operands(seed: 51)
    // Off zero: a sign flipped in (x − m) then changes the sum by 4m·Σ x, far from 0.
    let x = values.map { $0 + 3 }
    let m: Float = 1.375
    let squares = x.reduce(0.0) { $0 + (Double($1) - Double(m)) * (Double($1) - Double(m)) }
    let e1 = Self.worst(
      [schedtui_sum(x, Self.n), schedtui_centred_squares(x, Self.n, m)],
      [x.reduce(0.0) { $0 + Double($1) }, squares])
    let (k1, k2, k3): (Float, Float, Float) = (0.75, -1.25, 0.5)
    let want = (0..<Self.n).map {
      Double(k1) * Double(dy[$0]) + Double(k2) * Double(x[$0]) + Double(k3)
    }
    var out = start
    schedtui_affine2(&out, dy, x, Self.n, k1, k2, k3, 0)
    let e2 = Self.worst(out, want)
    out = start
    schedtui_affine2(&out, dy, x, Self.n, k1, k2, k3, 1)
    let e3 = Self.worst(out, (0..<Self.n).map { Double(start[$0]) + want[$0] })
    #expect(e1 < 1e-6 && e2 < 1e-6 && e3 < 1e-6, "sums \(e1), = \(e2), += \(e3)")
  }

  @Test("GroupNorm with its SiLU fused gives what the two layers give one after the other")
  func fusedGroupNorm() {
    // Three images (the workers' shares 1 and 2), 37 pixels (two 16-lane blocks and a tail).
    let (C, G, B, P) = (4, 2, 3, 37)
    let count = C * B * P
    var rng = SplitMixForTests(seed: 41)
    let x = rng.values(count, scale: 3).map { $0 + 0.5 }
    let gamma = rng.values(C, scale: 1.5)
    let beta = rng.values(C, scale: 0.5)
    let dact = rng.values(count, scale: 1)
    var stats = [Float](repeating: 0, count: B * G * 2)
    // Apart: the norm, then the SiLU; the SiLU's backward, then the norm's.
    var yApart = [Float](repeating: 0, count: count)
    var aApart = yApart
    Layers.groupNormForward(
      out: &yApart, stats: &stats, inp: x, gamma: gamma, beta: beta, C: C, G: G, B: B, P: P)
    Layers.siluForward(out: &aApart, inp: yApart, N: count)
    var dy = yApart
    Layers.siluBackward(dinp: &dy, inp: yApart, dout: dact, N: count, accumulate: false)
    var sums = [Float](repeating: 0, count: B * C * 2)
    var (dxApart, dgApart, dbApart) = (
      [Float](repeating: 0, count: count), [Float](repeating: 0, count: C),
      [Float](repeating: 0, count: C)
    )
    Layers.groupNormBackward(
      dinp: &dxApart, dgamma: &dgApart, dbeta: &dbApart, dout: dy, inp: x, stats: stats,
      gamma: gamma, sums: &sums, C: C, G: G, B: B, P: P)
    // Fused.
    var yFused = [Float](repeating: 0, count: count)
    var aFused = yFused
    var work = yFused
    Layers.groupNormForward(
      out: &yFused, stats: &stats, inp: x, gamma: gamma, beta: beta, C: C, G: G, B: B, P: P,
      silu: &aFused)
    var dxFused = [Float](repeating: 0, count: count)
    var (dgFused, dbFused) = ([Float](repeating: 0, count: C), [Float](repeating: 0, count: C))
    yFused.withUnsafeBufferPointer { y in
      dact.withUnsafeBufferPointer { d in
        work.withUnsafeMutableBufferPointer { w in
          Layers.groupNormBackward(
            dinp: &dxFused, dgamma: &dgFused, dbeta: &dbFused,
            dout: .throughSiLU(dact: d.baseAddress!, out: y.baseAddress!, into: w.baseAddress!),
            inp: x, stats: stats, gamma: gamma, sums: &sums, C: C, G: G, B: B, P: P)
        }
      }
    }
    func difference(_ a: [Float], _ b: [Float]) -> Double {
      zip(a, b).map { Double(abs($0 - $1)) / max(1, Double(abs($1))) }.max() ?? 0
    }
    // Forward: the same operations, so the same floats. Backward: the sums' order differs.
    #expect(yFused == yApart && aFused == aApart, "forward differs")
    #expect(work == dy, "out's gradient differs")
    let worst = max(
      difference(dxFused, dxApart), difference(dgFused, dgApart), difference(dbFused, dbApart))
    #expect(worst < 1e-5, "backward: largest relative difference \(worst)")
  }
}
