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

/// A 3×3 convolution's forward, as ``Layers/conv3x3Forward(out:inp:weight:bias:scratch:B:C:H:W:OC:)``.
typealias ConvForward = (
  UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
  UnsafeMutablePointer<Float>, Int, Int, Int, Int, Int
) -> Void
/// Its backward, as ``Layers/conv3x3Backward(dinp:dweight:dbias:dout:inp:weight:scratch:B:C:H:W:OC:accumulateInput:)``.
typealias ConvBackward = (
  UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
  UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
  Int, Int, Int, Int, Int, Bool
) -> Void

/// The gradient check of a 3×3 convolution's input, weight and bias: parameters are
/// [input; weight; bias]; backward starts from ones, so it must add.
func convGradientCheck(
  B: Int, C: Int, H: Int, W: Int, OC: Int, seed: UInt64, forward: ConvForward,
  backward: ConvBackward
) -> GradientCheck {
  let nIn = C * B * H * W
  let nW = OC * C * 9
  var rng = SplitMixForTests(seed: seed)
  let p = rng.values(nIn + nW + OC)
  let scratch = Tensor([2 * Layers.convScratchCount(C: max(C, OC), H: H, W: W)])
  return GradientCheck(
    parameters: p,
    forward: { p in
      var out = [Float](repeating: 0, count: OC * B * H * W)
      p.withUnsafeBufferPointer { P in
        forward(
          &out, P.baseAddress!, P.baseAddress! + nIn, P.baseAddress! + nIn + nW,
          scratch.data, B, C, H, W, OC)
      }
      return out
    },
    backward: { p, r in
      [Float](repeating: 1, count: p.count).withCopy { G in
        p.withUnsafeBufferPointer { P in
          backward(
            G, G + nIn, G + nIn + nW, r, P.baseAddress!, P.baseAddress! + nIn,
            scratch.data, B, C, H, W, OC, true)
        }
      }.map { $0 - 1 }
    })
}

/// A 3×3 convolution (padding 1) summed directly in Double over the window, out (OC, B, H, W)
/// from inp (C, B, H, W): each output's sum and the sum of its terms' magnitudes (the scale of
/// its rounding error in Float).
func directConv3x3(
  inp: [Float], weight w: [Float], bias: [Float], B: Int, C: Int, H: Int, W: Int, OC: Int
) -> (sums: [Double], magnitudes: [Double]) {
  var sums = [Double](repeating: 0, count: OC * B * H * W)
  var magnitudes = sums
  for o in 0..<OC {
    for b in 0..<B {
      for y in 0..<H {
        for x in 0..<W {
          var sum = Double(bias[o])
          var magnitude = abs(sum)
          for c in 0..<C {
            for ky in 0..<3 {
              for kx in 0..<3 {
                let (sy, sx) = (y + ky - 1, x + kx - 1)
                guard sy >= 0, sy < H, sx >= 0, sx < W else { continue }
                let term =
                  Double(w[(o * C + c) * 9 + ky * 3 + kx])
                  * Double(inp[((c * B + b) * H + sy) * W + sx])
                sum += term
                magnitude += abs(term)
              }
            }
          }
          sums[((o * B + b) * H + y) * W + x] = sum
          magnitudes[((o * B + b) * H + y) * W + x] = magnitude
        }
      }
    }
  }
  return (sums, magnitudes)
}
