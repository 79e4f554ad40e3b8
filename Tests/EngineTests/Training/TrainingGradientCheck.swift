import Engine
import TestSupport

/// Central finite differences of a scalar loss, differenced in Double.
///
/// The loss is L = Σ_i out_i · r_i for a fixed random r, so ∂L/∂out = r is the `dout` fed to
/// backward. `forward(p)` runs the layer with parameters/inputs `p` (Float, as the kernels take)
/// and returns its output; `backward(p, r)` returns the analytic gradient ∂L/∂p.
struct GradientCheck {
  /// Largest |analytic − numeric| / max(|analytic|, |numeric|, floor), with floor a small
  /// fraction of the largest gradient so that entries that are zero up to rounding don't count
  /// as relative failures.
  var worstRelative = 0.0
  var checked = 0

  init(
    parameters p0: [Float], step h: Float = 1e-2,
    forward: ([Float]) -> [Float], backward: ([Float], [Float]) -> [Float]
  ) {
    var rng = SplitMixForTests(seed: 7)
    let out0 = forward(p0)
    let r = out0.map { _ in Float(rng.nextUnit() * 2 - 1) }
    let analytic = backward(p0, r).map(Double.init)
    precondition(analytic.count == p0.count)
    func loss(_ p: [Float]) -> Double {
      zip(forward(p), r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    var numeric = [Double](repeating: 0, count: p0.count)
    for i in 0..<p0.count {
      var plus = p0
      var minus = p0
      plus[i] += h
      minus[i] -= h
      // The step actually taken in Float, so rounding of p ± h does not bias the slope.
      let span = Double(plus[i]) - Double(minus[i])
      numeric[i] = (loss(plus) - loss(minus)) / span
    }
    let scale = max(analytic.map(abs).max() ?? 0, numeric.map(abs).max() ?? 0)
    let floor = 1e-3 * scale
    for (a, n) in zip(analytic, numeric) {
      worstRelative = max(worstRelative, abs(a - n) / max(abs(a), abs(n), floor))
    }
    checked = p0.count
  }
}

extension Array where Element == Float {
  /// Runs `body` with a mutable pointer to a copy, returning the copy.
  func withCopy(_ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var c = self
    c.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return c
  }
}
