import Foundation

/// Seeded random numbers: a seed expander, a fast generator, and Gaussian samples.
///
/// Everything random in schedtui takes `inout some RandomNumberGenerator` seeded from `--seed`,
/// so a run is reproducible: the same seed gives the same numbers on every machine (the
/// generators use only integer arithmetic; the Gaussian uses `log`/`exp` only on its rare slow
/// path, where libm could in principle differ in the last bit).

/// SplitMix64 (Steele, Lea & Flood 2014): one 64-bit state, used to expand a seed into the
/// state of ``Xoshiro256``. Passes BigCrush on its own; slower than xoshiro per number.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// xoshiro256** (Blackman & Vigna 2018): 256 bits of state, period 2^256 − 1, a few cycles per
/// number. The state comes from ``SplitMix64`` as the authors recommend, so it is never all zero.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
  public var state: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var mix = SplitMix64(seed: seed)
    state = (mix.next(), mix.next(), mix.next(), mix.next())
  }

  @inlinable
  public mutating func next() -> UInt64 {
    let result = rotl(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotl(state.3, 45)
    return result
  }

  @inlinable
  func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

// MARK: - Gaussian samples

/// Fills `buffer` with independent N(0, 1) samples from `rng`.
///
/// Marsaglia & Tsang's ziggurat (2000) with 128 layers: one 64-bit number per sample on the fast
/// path (≈ 98.8% of samples), which draws the layer from 7 low bits and the value from the top 32
/// bits, so the two are independent (the original reuses the same bits for both). The tail beyond
/// r = 3.4426 is sampled exactly by Marsaglia's exponential method.
@inlinable
public func fillGaussian(
  _ buffer: UnsafeMutableBufferPointer<Float>, using rng: inout some RandomNumberGenerator
) {
  let z = Ziggurat.shared
  z.k.withUnsafeBufferPointer { k in
    z.w.withUnsafeBufferPointer { w in
      for i in buffer.indices {
        let bits = rng.next()
        let layer = Int(bits & 127)
        let hz = Int32(truncatingIfNeeded: bits >> 32)
        if UInt32(hz.magnitude) < k[layer] {
          buffer[i] = Float(hz) * w[layer]
        } else {
          buffer[i] = z.slowPath(hz: hz, layer: layer, rng: &rng)
        }
      }
    }
  }
}

/// Fills `array` with independent N(0, 1) samples; see the buffer version.
@inlinable
public func fillGaussian(_ array: inout [Float], using rng: inout some RandomNumberGenerator) {
  array.withUnsafeMutableBufferPointer { fillGaussian($0, using: &rng) }
}

/// The ziggurat's tables, computed once in `Double` (Marsaglia & Tsang's `zigset`).
@usableFromInline
final class Ziggurat: Sendable {
  @usableFromInline static let shared = Ziggurat()
  /// Right edge of the base layer, and the area of each layer.
  static let r = 3.442619855899
  static let area = 9.91256303526217e-3
  /// |hz| < k[i] accepts at once; x = hz · w[i]; f[i] = exp(−x_i²/2).
  @usableFromInline let k: [UInt32]
  @usableFromInline let w: [Float]
  let f: [Double]
  let wd: [Double]

  init() {
    let m1 = 2147483648.0
    var k = [UInt32](repeating: 0, count: 128)
    var wd = [Double](repeating: 0, count: 128)
    var f = [Double](repeating: 0, count: 128)
    var dn = Ziggurat.r, tn = dn
    let q = Ziggurat.area / exp(-0.5 * dn * dn)
    k[0] = UInt32((dn / q) * m1)
    k[1] = 0
    wd[0] = q / m1
    wd[127] = dn / m1
    f[0] = 1
    f[127] = exp(-0.5 * dn * dn)
    for i in stride(from: 126, through: 1, by: -1) {
      dn = (-2 * log(Ziggurat.area / dn + exp(-0.5 * dn * dn))).squareRoot()
      k[i + 1] = UInt32((dn / tn) * m1)
      tn = dn
      f[i] = exp(-0.5 * dn * dn)
      wd[i] = dn / m1
    }
    self.k = k
    self.wd = wd
    self.w = wd.map { Float($0) }
    self.f = f
  }

  /// Rejection outside the fast rectangle: the wedge test against the density, or the tail.
  @usableFromInline
  func slowPath(hz: Int32, layer: Int, rng: inout some RandomNumberGenerator) -> Float {
    var hz = hz, layer = layer
    while true {
      let x = Double(hz) * wd[layer]
      if layer == 0 {
        // Tail: x = r + E1/r with acceptance 2·E2 > E1²/r² (Marsaglia 1964).
        var a = 0.0, b = 0.0
        repeat {
          a = -log(uniform(&rng)) / Ziggurat.r
          b = -log(uniform(&rng))
        } while b + b < a * a
        return Float(hz > 0 ? Ziggurat.r + a : -Ziggurat.r - a)
      }
      if f[layer] + uniform(&rng) * (f[layer - 1] - f[layer]) < exp(-0.5 * x * x) {
        return Float(x)
      }
      let bits = rng.next()
      layer = Int(bits & 127)
      hz = Int32(truncatingIfNeeded: bits >> 32)
      if UInt32(hz.magnitude) < k[layer] { return Float(Double(hz) * wd[layer]) }
    }
  }

  /// Uniform in (0, 1): 53 random bits, never exactly 0 (log is taken).
  func uniform(_ rng: inout some RandomNumberGenerator) -> Double {
    (Double(rng.next() >> 11) + 0.5) / 9007199254740992.0
  }
}
