import CElementwise
import Dispatch

// Vectorised elementwise kernels: the non-sgemm half of a small model's step is elementwise
// work (SiLU, Adam, norms), and scalar `expf` alone costs as much as the products there.
//
// Each kernel runs 8 lanes at a time and finishes the tail with the same formula in scalar code.
// Debug builds (the test suite) skip the 8-lane loop: at -Onone the generic SIMD operations are
// not specialised and run ~50× slower than scalar code, which made the tests crawl. (SiLU's
// exponential is CElementwise's, in C, in every build.)

typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ i: Int) -> Float8 {
  UnsafeRawPointer(p + i).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
  UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Float8.self)
}

/// Σ x[0..<n]: CElementwise's 16 running lane sums (a scalar sum is one dependent add per
/// value, which left a bias gradient's row sums on one core at a fraction of memory speed).
@inline(__always)
func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float { schedtui_sum(x, n) }

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
