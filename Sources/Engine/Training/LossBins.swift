/// Training loss averaged per logSNR bin: which noise levels a schedule trains, and which it
/// starves (few examples) or finds hard (high loss).
///
/// Bins are 2 wide from −20 to 20 (20 bins); an example outside falls into the nearest edge bin.
public struct LossBins: Codable, Sendable, Equatable {
  public static let lower = -20.0, upper = 20.0, width = 2.0
  public static var count: Int { Int((upper - lower) / width) }

  public var lossSum = [Double](repeating: 0, count: LossBins.count)
  public var examples = [Int](repeating: 0, count: LossBins.count)

  public init() {}

  public static func bin(of logSNR: Double) -> Int {
    Swift.min(Swift.max(Int(((logSNR - lower) / width).rounded(.down)), 0), count - 1)
  }

  /// The lower and upper logSNR of bin `i`.
  public static func range(_ i: Int) -> (lo: Double, hi: Double) {
    (lower + Double(i) * width, lower + Double(i + 1) * width)
  }

  public mutating func add(_ report: StepReport) {
    for (l, loss) in zip(report.logSNR, report.exampleLoss) {
      let b = Self.bin(of: Double(l))
      lossSum[b] += Double(loss)
      examples[b] += 1
    }
  }

  /// Mean loss per bin, nil where no example fell.
  public var meanLoss: [Double?] {
    zip(lossSum, examples).map { $1 > 0 ? $0 / Double($1) : nil }
  }

  /// One entry per non-empty bin, for summary.json.
  public struct Row: Codable, Sendable, Equatable {
    public var logSNRLow: Double
    public var logSNRHigh: Double
    public var meanLoss: Double
    public var examples: Int

    public init(logSNRLow: Double, logSNRHigh: Double, meanLoss: Double, examples: Int) {
      self.logSNRLow = logSNRLow
      self.logSNRHigh = logSNRHigh
      self.meanLoss = meanLoss
      self.examples = examples
    }
  }

  public var rows: [Row] {
    (0..<Self.count).compactMap { i in
      guard examples[i] > 0 else { return nil }
      let r = Self.range(i)
      return Row(
        logSNRLow: r.lo, logSNRHigh: r.hi, meanLoss: lossSum[i] / Double(examples[i]),
        examples: examples[i])
    }
  }
}
