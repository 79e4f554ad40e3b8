import Dispatch

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
/// r⁷/5040 < 1.2e-7 there); 2^n built in the exponent bits. n is rounded by adding
/// 1.5·2²³ (the float's last mantissa bits then hold n), which keeps every lane in vector
/// registers: Swift's Float → Int32 SIMD conversion is element by element.
@inline(__always)
func exp8(_ input: Float8) -> Float8 {
  // Clamp with masks: `clamped` calls an unspecialised pointwiseMin/Max here.
  let lo = Float8(repeating: -87)
  let hi = Float8(repeating: 88)
  let x = input.replacing(with: lo, where: input .< lo).replacing(with: hi, where: input .> hi)
  let magic = Float8(repeating: 12_582_912)  // 1.5·2²³
  let shifted = x * 1.442_695_04 + magic
  let n = shifted - magic
  let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
  var p = Float8(repeating: 1.0 / 720)
  p = p * r + 1.0 / 120
  p = p * r + 1.0 / 24
  p = p * r + 1.0 / 6
  p = p * r + 0.5
  p = p * r + 1
  p = p * r + 1
  // shifted's bit pattern is magic's plus n in the low bits.
  let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
  let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: Float8.self)
  return p * scale
}

/// Σ x[0..<n]: 8 running lane sums in release builds (a scalar sum is one dependent add per
/// value, which left a bias gradient's row sums on one core at a fraction of memory speed), then
/// the lanes and the tail.
@inline(__always)
func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  var i = 0
  var total: Float = 0
  #if !DEBUG
    var lanes = Float8(repeating: 0)
    while i + 8 <= n {
      lanes += load8(x, i)
      i += 8
    }
    total = lanes.sum()
  #endif
  while i < n {
    total += x[i]
    i += 1
  }
  return total
}

/// Runs `body(lo, hi)` over 0..<n split in two halves on two threads when n ≥ `minimum` (the
/// machine this was tuned on has 2 cores), else once on the caller's thread. The split point
/// is a multiple of 8 when n ≥ 16, so the vector loops see whole lanes.
func parallelRanges(_ n: Int, minimum: Int = 1 << 16, _ body: (Int, Int) -> Void) {
  guard n >= minimum else {
    body(0, n)
    return
  }
  let half = n >= 16 ? (n / 2) & ~7 : n / 2
  withoutActuallyEscaping(body) { body in
    // The halves write disjoint ranges; the closure only lives for this call.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      if k == 0 { body(0, half) } else { body(half, n) }
    }
  }
}
