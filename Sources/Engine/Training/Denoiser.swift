import Schedules

/// The sizes of a denoiser. The defaults are the reference models'; tests shrink them.
public struct ModelShape: Codable, Sendable, Equatable {
  public var kind: ModelKind
  /// Image channels, height and width: the data the model denoises is (B, C·H·W).
  public var channels: Int
  public var height: Int
  public var width: Int
  /// Number of classes; the class embedding has one more row, the "no class" row used for
  /// label dropout and the unconditional half of classifier-free guidance.
  public var classes: Int
  /// Width of the sinusoidal noise-level embedding (both models: 64).
  public var embedding: Int = 64
  /// MLP-S hidden width (512).
  public var hidden: Int = 512
  /// ConvRes-S feature channels (64), conditioning width (128) and residual blocks (4).
  public var convChannels: Int = 64
  public var conditioning: Int = 128
  public var blocks: Int = 4
  /// UNet-S channels at its three levels, H/2, H/4 and H/8 (32, 64, 128); it shares
  /// `conditioning` and `embedding` with ConvRes-S.
  public var unetChannels: [Int] = [32, 64, 128]
  /// UNet-S's normalisation before each SiLU of its blocks (``BlockNorm``, ``GroupNorm``).
  public var norm: BlockNorm = .none

  public init(kind: ModelKind, channels: Int, height: Int, width: Int, classes: Int) {
    self.kind = kind
    self.channels = channels
    self.height = height
    self.width = width
    self.classes = classes
  }

  /// Values per example: C·H·W.
  public var pixels: Int { channels * height * width }
  /// The class-embedding row that means "no class".
  public var noClass: Int32 { Int32(classes) }
}

/// A network that predicts ε (or x0, or v) from a noised batch, its noise levels and labels.
///
/// Parameters live outside the model, in one flat buffer laid out by ``layout``, so the same
/// model runs with the training weights or their EMA. `forward` keeps what `backward` needs;
/// `backward` uses the inputs of the last `forward` and ACCUMULATES into `grads` (zero them first).
public protocol Denoiser: AnyObject {
  var shape: ModelShape { get }
  var layout: ParameterLayout { get }

  /// x is (B, C·H·W), logSNR is (B), labels is (B) in 0...classes; returns out (B, C·H·W),
  /// valid until the next call.
  func forward(
    params: UnsafePointer<Float>, x: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float>

  /// dout is (B, C·H·W) for the last forward; grads += ∂loss/∂params.
  func backward(
    params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>)

  /// Fills `params` with the initial weights (PyTorch's defaults: U(±1/√fan_in) for linear and
  /// conv weights and biases, N(0, 1) for embeddings).
  func initialize(params: UnsafeMutablePointer<Float>, using rng: inout some RandomNumberGenerator)
}

/// A denoiser made of 3×3 convolutions (ConvRes-S, UNet-S): its passes spread their work over
/// the convolutions' workers (``Layers/convWorkers(B:_:)``) and keep OpenBLAS on the calling
/// thread otherwise (``BLAS/onCallingThread(_:)``), so OpenBLAS's own threads never spin on
/// the cores the workers need. `forward` and `backward` are the passes run that way.
public protocol ConvolutionalDenoiser: Denoiser {
  func forwardPass(
    params: UnsafePointer<Float>, x: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float>
  func backwardPass(
    params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>)
}

extension ConvolutionalDenoiser {
  public func forward(
    params: UnsafePointer<Float>, x: UnsafePointer<Float>, logSNR: UnsafePointer<Float>,
    labels: UnsafePointer<Int32>, B: Int
  ) -> UnsafePointer<Float> {
    BLAS.onCallingThread { forwardPass(params: params, x: x, logSNR: logSNR, labels: labels, B: B) }
  }

  public func backward(
    params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>
  ) {
    BLAS.onCallingThread { backwardPass(params: params, grads: grads, dout: dout) }
  }
}

/// Builds the denoiser `shape.kind` names.
public func makeDenoiser(_ shape: ModelShape) -> any Denoiser {
  switch shape.kind {
  case .mlpS: return MLPS(shape)
  case .convResS: return ConvResS(shape)
  case .unetS: return UNetS(shape)
  }
}

extension Denoiser {
  /// Default initialisation from the layout: names ending in `.w` or `.b` are U(±1/√fan_in)
  /// with fan_in the weight's second dimension (times 9 for a conv, already folded in),
  /// `emb` tables are N(0, 1), a normalisation's `.gamma` is 1 and `.beta` 0 (PyTorch's, and
  /// no draw, so the other tensors get the same numbers with or without a norm).
  public func initialize(
    params: UnsafeMutablePointer<Float>, using rng: inout some RandomNumberGenerator
  ) {
    for entry in layout.entries {
      let p = params + entry.offset
      if entry.name.hasSuffix(".gamma") || entry.name.hasSuffix(".beta") {
        p.update(repeating: entry.name.hasSuffix(".gamma") ? 1 : 0, count: entry.count)
        continue
      }
      if entry.name.hasSuffix("emb") {
        rng.fillGaussian(p, count: entry.count)
        continue
      }
      let weightName = String(entry.name.dropLast(2)) + ".w"
      let fanIn = layout.entry(weightName)!.shape.dropFirst().reduce(1, *)
      let bound = 1 / Float(fanIn).squareRoot()
      for i in 0..<entry.count {
        p[i] = Float(rng.uniformOpen() * 2 - 1) * bound
      }
    }
  }
}

/// Activation storage that grows with the batch: `grow(B)` reallocates only for a larger batch.
final class Scratch {
  private(set) var batch = 0
  private var tensors: [Tensor] = []
  private var sizes: [(Int) -> Int] = []

  /// Registers a buffer of `size(B)` floats; returns its index.
  func add(_ size: @escaping (Int) -> Int) -> Int {
    sizes.append(size)
    tensors.append(Tensor([0]))
    return sizes.count - 1
  }

  func grow(_ B: Int) {
    guard B > batch else { return }
    tensors = sizes.map { Tensor([$0(B)]) }
    batch = B
  }

  /// The batch size and labels of the last forward pass, which backward works on.
  private(set) var last: (B: Int, labels: [Int32]) = (0, [])

  /// Starts a forward pass of B examples: grows the buffers and keeps B and the labels for
  /// backward. Returns self, the pass's activations.
  func start(B: Int, labels: UnsafePointer<Int32>) -> Scratch {
    grow(B)
    last = (B, Array(UnsafeBufferPointer(start: labels, count: B)))
    return self
  }

  subscript(i: Int) -> UnsafeMutablePointer<Float> { tensors[i].data }
}
