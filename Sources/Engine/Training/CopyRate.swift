import Foundation

/// How many samples are copies of a training digit: the check the Fréchet distance cannot make
/// (a model that reproduces its training set scores almost like real held-out digits).
///
/// A sample is a copy when its nearest training digit (Euclidean distance on the 8×8 grey image,
/// values in [−1, 1], after the metric's area-average) is closer than `threshold`. The threshold
/// is calibrated on real data: the 5th percentile (NumPy's default linear interpolation) of the
/// held-out digits' own nearest-training-digit distances. So held-out digits score a copy rate
/// of 5 % by construction, the training digits 100 % (distance 0), and a model whose samples
/// are as novel as real unseen digits about 5 %.
public struct CopyDetector: Sendable {
  /// The share of held-out digits allowed under the threshold.
  public static let calibrationQuantile = 0.05
  /// A run whose copy rate is above this is "mostly copies" and is not ranked.
  public static let copyingRate = 0.5

  /// The training digits, (trainCount, 64).
  let train: [Float]
  let trainCount: Int
  public let threshold: Double

  /// Calibrates on `digits` (8×8): nearest-neighbour distances of its held-out split to its
  /// training split.
  public init(digits: Dataset) {
    precondition(digits.pixels == 64, "the copy check reads 8×8 greyscale digits")
    train = digits.train
    trainCount = digits.trainCount
    let held = Self.nearest(digits.heldOut, count: digits.heldOutCount, train, digits.trainCount)
    threshold = Self.percentile(held, Self.calibrationQuantile)
  }

  /// The detector for the bundled digits (calibrated once per process).
  public static func shared() throws -> CopyDetector {
    lock.lock()
    defer { lock.unlock() }
    if let cached { return cached }
    let made = CopyDetector(digits: try Dataset.digits(resolution: 8))
    cached = made
    return made
  }
  nonisolated(unsafe) private static var cached: CopyDetector?
  private static let lock = NSLock()

  /// The Euclidean distance from each of `count` 8×8 images to its nearest training digit.
  public func nearestDistances(_ images: [Float], count: Int) -> [Double] {
    Self.nearest(images, count: count, train, trainCount)
  }

  static func nearest(_ images: [Float], count: Int, _ train: [Float], _ trainCount: Int)
    -> [Double]
  {
    precondition(images.count == count * 64, "nearest distances need (count, 64) images")
    return train.withUnsafeBufferPointer { t in
      images.withUnsafeBufferPointer { x in
        (0..<count).map { i in
          var best = Double.infinity
          let xi = x.baseAddress! + i * 64
          for k in 0..<trainCount {
            let tk = t.baseAddress! + k * 64
            var sum: Float = 0
            for j in 0..<64 {
              let d = xi[j] - tk[j]
              sum += d * d
            }
            best = Swift.min(best, Double(sum))
          }
          return best.squareRoot()
        }
      }
    }
  }

  /// The share of `count` images (count, C·size·size, in [−1, 1]) closer to a training digit
  /// than `threshold`, after the metric's area-average to 8×8 grey.
  public func copyRate(_ images: [Float], count: Int, channels: Int = 1, size: Int) -> Double {
    let small = DigitsClassifier.greyDigits(images, count: count, channels: channels, size: size)
    let copies = nearestDistances(small, count: count).filter { $0 < threshold }.count
    return Double(copies) / Double(Swift.max(count, 1))
  }

  /// NumPy's `percentile(values, 100·q)` with the default linear method: the value at rank
  /// q·(n − 1) of the sorted values, interpolated between the two neighbours.
  static func percentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    let rank = q * Double(sorted.count - 1)
    let lo = Int(rank.rounded(.down))
    let hi = Swift.min(lo + 1, sorted.count - 1)
    return sorted[lo] + (rank - Double(lo)) * (sorted[hi] - sorted[lo])
  }
}
