import Foundation

/// The small digits classifier whose penultimate features the sample-quality metric uses.
///
/// An MLP 64 → 128 → 64 → 10 with SiLU, trained on the training split of the 8×8 digits with
/// AdamW (lr 2e-3, batch 64, 40 epochs, seed 1234) the first time a process asks for it. It
/// takes about a second in a release build, so it is retrained rather than cached on disk:
/// no file to go stale or be tampered with, and the weights are a pure function of the bundled
/// data and this code. The features are the 64 SiLU outputs before the last layer.
public final class DigitsClassifier: @unchecked Sendable {
  public static let featureCount = 64
  static let hidden = 128

  let layout: ParameterLayout
  let params: Tensor
  let w1: Int, b1: Int, w2: Int, b2: Int, w3: Int, b3: Int
  /// Fraction of held-out digits classified correctly (a sanity figure for the README).
  public private(set) var heldOutAccuracy = 0.0
  /// Mean and covariance of the held-out digits' features: the metric's reference. Held-out,
  /// not training, digits: a model that copies its training set must not score like a perfect
  /// one (the training digits themselves score ``trainingDigitsDistance`` against it).
  public private(set) var referenceMean: [Double] = []
  public private(set) var referenceCovariance: [Double] = []
  /// The Fréchet distance of the training digits to the held-out reference: what a model that
  /// reproduces its training set exactly would score.
  public private(set) var trainingDigitsDistance = 0.0

  nonisolated(unsafe) private static var cached: DigitsClassifier?
  private static let lock = NSLock()

  /// The process-wide classifier, trained on first use (thread-safe).
  public static func shared() throws -> DigitsClassifier {
    lock.lock()
    defer { lock.unlock() }
    if let cached { return cached }
    let made = try DigitsClassifier(digits: Dataset.digits(resolution: 8))
    cached = made
    return made
  }

  /// Trains a classifier on `digits` (8×8) deterministically.
  public init(digits: Dataset, epochs: Int = 40, seed: UInt64 = 1234) {
    precondition(digits.pixels == 64, "the classifier reads 8×8 greyscale digits")
    let H = Self.hidden
    let F = Self.featureCount
    var l = ParameterLayout()
    w1 = l.add("fc1.w", [H, 64])
    b1 = l.add("fc1.b", [H])
    w2 = l.add("fc2.w", [F, H])
    b2 = l.add("fc2.b", [F])
    w3 = l.add("fc3.w", [10, F])
    b3 = l.add("fc3.b", [10])
    layout = l
    params = Tensor([l.count])
    var rng = Xoshiro256(seed: seed)
    for e in l.entries {
      let fanIn = l.entry(String(e.name.dropLast(2)) + ".w")!.shape[1]
      let bound = 1 / Float(fanIn).squareRoot()
      for i in 0..<e.count { params[e.offset + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
    }
    train(digits, epochs: epochs, rng: &rng)
    heldOutAccuracy = accuracy(digits.heldOut, labels: digits.heldOutLabels)
    let ref = features(digits.heldOut, count: digits.heldOutCount)
    (referenceMean, referenceCovariance) = Frechet.statistics(
      ref, count: digits.heldOutCount, dim: F)
    trainingDigitsDistance = frechetDistance(digits.train, count: digits.trainCount, size: 8)
  }

  /// Forward for `B` images: fills h1pre, h1, h2pre, h2 (features) and logits.
  func forward(
    _ x: UnsafePointer<Float>, B: Int, h1pre: UnsafeMutablePointer<Float>,
    h1: UnsafeMutablePointer<Float>, h2pre: UnsafeMutablePointer<Float>,
    h2: UnsafeMutablePointer<Float>, logits: UnsafeMutablePointer<Float>?
  ) {
    let P = params.data
    let H = Self.hidden
    let F = Self.featureCount
    Layers.linearForward(out: h1pre, inp: x, weight: P + w1, bias: P + b1, B: B, C: 64, OC: H)
    Layers.siluForward(out: h1, inp: h1pre, N: B * H)
    Layers.linearForward(out: h2pre, inp: h1, weight: P + w2, bias: P + b2, B: B, C: H, OC: F)
    Layers.siluForward(out: h2, inp: h2pre, N: B * F)
    if let logits {
      Layers.linearForward(out: logits, inp: h2, weight: P + w3, bias: P + b3, B: B, C: F, OC: 10)
    }
  }

  func train(_ digits: Dataset, epochs: Int, rng: inout Xoshiro256) {
    let B = 64
    let H = Self.hidden
    let F = Self.featureCount
    let n = digits.trainCount
    let x = Tensor([B, 64])
    let h1pre = Tensor([B, H])
    let h1 = Tensor([B, H])
    let h2pre = Tensor([B, F])
    let h2 = Tensor([B, F])
    let logits = Tensor([B, 10])
    let dlogits = Tensor([B, 10])
    let dh2 = Tensor([B, F])
    let dh2pre = Tensor([B, F])
    let dh1 = Tensor([B, H])
    let dh1pre = Tensor([B, H])
    let grads = Tensor([layout.count])
    let state = OptimizerState(count: layout.count)
    var settings = OptimizerSettings()
    settings.learningRate = 2e-3
    settings.warmupSteps = 0
    let total = epochs * (n / B)
    var order = Array(0..<n)
    var step = 0
    for _ in 0..<epochs {
      for i in stride(from: n - 1, to: 0, by: -1) {
        order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
      }
      for start in stride(from: 0, to: n - B + 1, by: B) {
        var labels = [Int](repeating: 0, count: B)
        for i in 0..<B {
          let k = order[start + i]
          for j in 0..<64 { x[i * 64 + j] = digits.train[k * 64 + j] }
          labels[i] = Int(digits.trainLabels[k])
        }
        forward(
          x.data, B: B, h1pre: h1pre.data, h1: h1.data, h2pre: h2pre.data, h2: h2.data,
          logits: logits.data)
        // Softmax cross-entropy: dlogits = (softmax − onehot) / B.
        for i in 0..<B {
          let row = logits.data + i * 10
          var m = row[0]
          for c in 1..<10 { m = Swift.max(m, row[c]) }
          var sum: Float = 0
          for c in 0..<10 { sum += expf(row[c] - m) }
          for c in 0..<10 {
            dlogits[i * 10 + c] = (expf(row[c] - m) / sum - (c == labels[i] ? 1 : 0)) / Float(B)
          }
        }
        grads.zero()
        dh2.zero()
        dh2pre.zero()
        dh1.zero()
        dh1pre.zero()
        let P = params.data
        let G = grads.data
        Layers.linearBackward(
          dinp: dh2.data, dweight: G + w3, dbias: G + b3, dout: dlogits.data, inp: h2.data,
          weight: P + w3, B: B, C: F, OC: 10)
        Layers.siluBackward(dinp: dh2pre.data, inp: h2pre.data, dout: dh2.data, N: B * F)
        Layers.linearBackward(
          dinp: dh1.data, dweight: G + w2, dbias: G + b2, dout: dh2pre.data, inp: h1.data,
          weight: P + w2, B: B, C: H, OC: F)
        Layers.siluBackward(dinp: dh1pre.data, inp: h1pre.data, dout: dh1.data, N: B * H)
        Layers.linearBackward(
          dinp: nil, dweight: G + w1, dbias: G + b1, dout: dh1pre.data, inp: x.data,
          weight: P + w1, B: B, C: 64, OC: H)
        state.update(
          params: params, grads: grads, layout: layout, settings: settings,
          lr: settings.learningRate(step: step, total: total))
        step += 1
      }
    }
  }

  /// Penultimate features (count, 64) of `count` 8×8 images in [−1, 1].
  public func features(_ images: [Float], count: Int) -> [Float] {
    precondition(images.count == count * 64, "features need (count, 64) images")
    let H = Self.hidden
    let F = Self.featureCount
    let h1pre = Tensor([count, H])
    let h1 = Tensor([count, H])
    let h2pre = Tensor([count, F])
    var out = [Float](repeating: 0, count: count * F)
    images.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        forward(
          x.baseAddress!, B: count, h1pre: h1pre.data, h1: h1.data, h2pre: h2pre.data,
          h2: o.baseAddress!, logits: nil)
      }
    }
    return out
  }

  /// Fraction of `images` (count, 64) whose arg-max class equals the label.
  public func accuracy(_ images: [Float], labels: [Int32]) -> Double {
    let count = labels.count
    let H = Self.hidden
    let F = Self.featureCount
    let h1pre = Tensor([count, H])
    let h1 = Tensor([count, H])
    let h2pre = Tensor([count, F])
    let h2 = Tensor([count, F])
    let logits = Tensor([count, 10])
    images.withUnsafeBufferPointer { x in
      forward(
        x.baseAddress!, B: count, h1pre: h1pre.data, h1: h1.data, h2pre: h2pre.data,
        h2: h2.data, logits: logits.data)
    }
    var right = 0
    for i in 0..<count {
      var best = 0
      for c in 1..<10 where logits[i * 10 + c] > logits[i * 10 + best] { best = c }
      if best == Int(labels[i]) { right += 1 }
    }
    return Double(right) / Double(max(count, 1))
  }

  /// The sample-quality number: Fréchet distance between `count` images (count, C·size·size,
  /// values in [−1, 1]) and the held-out digits, in this classifier's features. Images larger
  /// than 8×8 are area-averaged to 8×8 first; colour images are averaged to grey.
  public func frechetDistance(_ images: [Float], count: Int, channels: Int = 1, size: Int) -> Double
  {
    let small = Self.greyDigits(images, count: count, channels: channels, size: size)
    let f = features(small, count: count)
    let s = Frechet.statistics(f, count: count, dim: Self.featureCount)
    return Frechet.distance(
      mu1: s.mean, sigma1: s.covariance, mu2: referenceMean, sigma2: referenceCovariance,
      dim: Self.featureCount)
  }

  /// (count, C·size·size) images as (count, 64) grey 8×8 ones: area-averaged, channels averaged.
  public static func greyDigits(_ images: [Float], count: Int, channels: Int = 1, size: Int)
    -> [Float]
  {
    var small = Dataset.areaAverage(images, count: count, channels: channels, size: size)
    if channels > 1 {
      var grey = [Float](repeating: 0, count: count * 64)
      for n in 0..<count {
        for c in 0..<channels {
          for j in 0..<64 {
            grey[n * 64 + j] += small[(n * channels + c) * 64 + j] / Float(channels)
          }
        }
      }
      small = grey
    }
    return small
  }
}
