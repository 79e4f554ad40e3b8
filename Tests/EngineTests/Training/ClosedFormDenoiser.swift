import Engine

/// A test denoiser whose output is a closed form of each example's noised input and logSNR: no
/// weights and no gradient. `forward` applies ``output(x:logSNR:)`` to every example of the
/// batch; an oracle with a known answer, not a mock of a network.
protocol ClosedFormDenoiser: Denoiser {
  /// The last batch's outputs, which `forward` returns a pointer into.
  var out: [Float] { get set }
  /// One example's output (D values) for its noised input `x` (D values) at logSNR λ.
  func output(x: UnsafeBufferPointer<Float>, logSNR: Float) -> [Float]
}

extension ClosedFormDenoiser {
  func forward(
    params: UnsafePointer<Float>, x: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    let D = shape.pixels
    out = (0..<B).flatMap { i in
      output(x: UnsafeBufferPointer(start: x + i * D, count: D), logSNR: logSNR[i])
    }
    return out.withUnsafeBufferPointer { $0.baseAddress! }
  }

  func backward(
    params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>
  ) {}

  func initialize(params: UnsafeMutablePointer<Float>, using rng: inout some RandomNumberGenerator)
  {}
}
