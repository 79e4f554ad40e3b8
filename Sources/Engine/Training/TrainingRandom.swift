import Foundation

// Small helpers over the shared generators in Sources/Engine/Random.swift.

extension RandomNumberGenerator {
  /// A uniform Double in (0, 1): never exactly 0 or 1, so t ~ U(0, 1) never hits a clip edge
  /// exactly and a log stays finite.
  @inline(__always)
  mutating func uniformOpen() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Fills `count` values at `out` with independent N(0, 1) samples (the shared ziggurat).
  mutating func fillGaussian(_ out: UnsafeMutablePointer<Float>, count: Int) {
    Engine.fillGaussian(UnsafeMutableBufferPointer(start: out, count: count), using: &self)
  }
}

extension Xoshiro256 {
  /// The state as four words, for checkpoints.
  var words: [UInt64] { [state.0, state.1, state.2, state.3] }

  /// A generator continuing from a saved state.
  init(words: [UInt64]) {
    precondition(words.count == 4, "xoshiro256** state is 4 words")
    self.init(seed: 0)
    state = (words[0], words[1], words[2], words[3])
  }
}
