// Vectorised elementwise kernels: the non-sgemm half of a small model's step is elementwise
// work (SiLU, Adam, norms), and scalar `expf` alone costs as much as the products there.
//
// Each kernel runs 8 lanes at a time and finishes the tail with the same formula in scalar code
// (libm's expf for the exponential). Debug builds (the test suite) skip the 8-lane loop: at
// -Onone the generic SIMD operations are not specialised and run ~50× slower than scalar code,
// which made the tests crawl. exp8 itself is tested against Double exp.

typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ i: Int) -> Float8 {
  UnsafeRawPointer(p + i).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
  UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Float8.self)
}

/// e^x for 8 lanes, relative error below 3e-7 on [−87, 88] (inputs are clamped there, so
/// e^x never overflows to ∞ or flushes to a denormal).
///
/// x = n·ln2 + r with |r| ≤ ln2/2; e^r by its Taylor polynomial to r⁶ (truncation
/// r⁷/5040 < 1.2e-7 there); 2^n built in the exponent bits.
@inline(__always)
func exp8(_ input: Float8) -> Float8 {
  let x = input.clamped(lowerBound: Float8(repeating: -87), upperBound: Float8(repeating: 88))
  let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
  let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
  var p = Float8(repeating: 1.0 / 720)
  p = p * r + 1.0 / 120
  p = p * r + 1.0 / 24
  p = p * r + 1.0 / 6
  p = p * r + 0.5
  p = p * r + 1
  p = p * r + 1
  let bits = (SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int32>(n)) &+ 127) &<< 23
  return p * unsafeBitCast(bits, to: Float8.self)
}

