import COpenBLAS
import Foundation

/// The engine's one door to OpenBLAS: `cblas_sgemm` (row-major) and the thread count.
///
/// Every matrix product in training goes through
/// ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``;
/// ``naiveMatmul(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` beside it computes the same
/// thing with three loops in `Double` and is the reference the tests compare against.
public enum BLAS {
  /// When true, ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` adds its wall time
  /// and floating-point operations to ``profile``. Off by default: only the benchmark turns it on.
  nonisolated(unsafe) public static var profiling = false
  /// Time spent in sgemm and the operations it did (2·m·n·k per call) while ``profiling``.
  ///
  /// `seconds` is thread-seconds: each call's wall time times the OpenBLAS threads it ran on,
  /// so calls made concurrently from several workers (the convolutions) add up honestly.
  /// Divide by the thread count for the share of a step; `flops / seconds` is the rate per
  /// thread.
  nonisolated(unsafe) public static var profile = (seconds: 0.0, flops: 0.0, calls: 0)
  static let profileLock = NSLock()

  /// The threads the engine may use (`--threads`): OpenBLAS's count for one product, except
  /// inside ``onCallingThread(_:)``, where the engine's own workers use them instead.
  public static var threads: Int {
    get { requestedThreads }
    set {
      requestedThreads = Swift.max(1, newValue)
      openBLASThreads = requestedThreads
    }
  }
  nonisolated(unsafe) static var requestedThreads = Int(openblas_get_num_threads())

  /// The threads OpenBLAS uses for the next product.
  static var openBLASThreads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(Swift.max(1, newValue))) }
  }

  /// Runs `body` with OpenBLAS on the calling thread only: the convolutional denoisers' passes,
  /// which spread their work over ``Layers/convWorkers(B:_:)`` and give OpenBLAS threads only
  /// inside them.
  ///
  /// After a threaded product, OpenBLAS's helper threads spin (`sched_yield`) for about 0.1 s
  /// waiting for the next one. A U-Net step interleaves small threaded products (1×1
  /// convolutions, the conditioning) with worker-parallel convolutions, so those helpers
  /// spun on the cores the workers needed: 17% of a 64×64 UNet-S step was kernel time in
  /// `sched_yield` (perf, DECISIONS.md 2026-12-04). With no threaded product, they sleep.
  public static func onCallingThread<T>(_ body: () throws -> T) rethrows -> T {
    let saved = openBLASThreads
    if saved != 1 { openBLASThreads = 1 }
    defer { if saved != 1 { openBLASThreads = saved } }
    return try body()
  }

  /// C = α · op(A) · op(B) + β · C, all row-major.
  ///
  /// op(A) is (m, k): A is stored (m, k) with row stride `lda`, or (k, m) when `transA`.
  /// op(B) is (k, n): B is stored (k, n) with row stride `ldb`, or (n, k) when `transB`.
  /// C is (m, n) with row stride `ldc`. β = 0 overwrites C (its old contents are ignored, even
  /// NaN); β = 1 accumulates, which is how backward passes add into gradients.
  @inline(__always)
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    let start = profiling ? DispatchTime.now().uptimeNanoseconds : 0
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    if profiling {
      let seconds =
        Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 * Double(openBLASThreads)
      profileLock.lock()
      profile.seconds += seconds
      profile.flops += 2 * Double(m) * Double(n) * Double(k)
      profile.calls += 1
      profileLock.unlock()
    }
  }

  /// The same contract as ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``, with
  /// three loops accumulating in `Double`: slow, obviously right, the tests' reference.
  public static func naiveMatmul(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for p in 0..<k {
          let aip = transA ? a[p * lda + i] : a[i * lda + p]
          let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
          sum += Double(aip) * Double(bpj)
        }
        let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
        c[i * ldc + j] = Float(Double(alpha) * sum + old)
      }
    }
  }
}
