import Foundation

// Temporary: the images engineer's Sources/Engine/Random.swift will provide the shared seeded
// generator; this private one is replaced by it at merge time.

/// xoshiro256** seeded through SplitMix64: fast, small state that a checkpoint can store.
struct TrainingRNG: RandomNumberGenerator, Sendable {
  var state: (UInt64, UInt64, UInt64, UInt64)

  init(seed: UInt64) {
    var s = seed
    func splitMix() -> UInt64 {
      s &+= 0x9E37_79B9_7F4A_7C15
      var z = s
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  init(words: [UInt64]) {
    precondition(words.count == 4, "xoshiro256** state is 4 words")
    state = (words[0], words[1], words[2], words[3])
  }

  var words: [UInt64] { [state.0, state.1, state.2, state.3] }

  mutating func next() -> UInt64 {
    let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = state.3 << 45 | state.3 >> 19
    return result
  }
}

extension RandomNumberGenerator {
  /// A uniform Double in (0, 1): never exactly 0, so log is finite.
  @inline(__always)
  mutating func uniformOpen() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Fills `count` values with independent N(0, 1) samples (Box–Muller, both outputs used).
  mutating func fillGaussian(_ out: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i < count {
      let r = (-2 * Foundation.log(uniformOpen())).squareRoot()
      let theta = 2 * Double.pi * uniformOpen()
      out[i] = Float(r * Foundation.cos(theta))
      if i + 1 < count { out[i + 1] = Float(r * Foundation.sin(theta)) }
      i += 2
    }
  }
}
