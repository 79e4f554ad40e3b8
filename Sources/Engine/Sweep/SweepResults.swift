import Foundation
import Schedules

/// The outcome of one training run of one cell, as the sweep stores it.
public struct SweepRun: Codable, Equatable, Sendable {
  public var seed: UInt64
  /// Fréchet distance of the run's samples to the held-out digits (lower is better); nil when the run
  /// produced no samples (it diverged: `note` says how).
  public var fd: Double?
  /// Fréchet distance of pure Gaussian noise, mapped like samples, for the same evaluator; nil
  /// where there is no classifier to say it (data other than the digits: ``SweepRanking``).
  public var noiseFD: Double?
  /// Fréchet distance of the mean training digit repeated: what a model that learned only the
  /// average would score. nil in sweeps written before it was recorded.
  public var meanFD: Double?
  public var trainSeconds: Double
  public var finalLoss: Double
  /// Why the run has no distance, when it has none.
  public var note: String?
  /// Share of samples that are copies of a training digit (``CopyDetector``); nil in sweeps
  /// written before it was recorded.
  public var copyRate: Double?
  /// The run's loss per logSNR bin over its last 20 % of steps (nil in older sweeps).
  public var lossByLogSNR: [LossBins.Row]?
  /// The run's held-out bound in bits/dim and error per logSNR (``HeldOutScore``); nil in
  /// older sweeps and for a diverged run.
  public var bitsPerDim: Double? = nil
  public var errorByLogSNR: [HeldOutScore.Point]? = nil
  /// The same error on as many training images (``HeldOutScore/trainingCurve``), so
  /// `details.md` can tell memorisation from a weak network where a run's error rises; nil in
  /// older sweeps.
  public var trainingErrorByLogSNR: [HeldOutScore.Point]? = nil
  /// Where the run's bound ended (``VDMBound/Terms/logSNRMax``). nil beside a `bitsPerDim`
  /// marks a run scored before each bound took its own λmax: its number is the bound to λ = 12
  /// and does not compare with today's (``SweepRunner/notes`` says so on resume).
  public var bitsPerDimLogSNRMax: Double? = nil

  public init(
    seed: UInt64, fd: Double?, noiseFD: Double?, meanFD: Double? = nil, trainSeconds: Double,
    finalLoss: Double, note: String? = nil, copyRate: Double? = nil,
    lossByLogSNR: [LossBins.Row]? = nil
  ) {
    self.seed = seed
    self.fd = fd
    self.noiseFD = noiseFD
    self.meanFD = meanFD
    self.trainSeconds = trainSeconds
    self.finalLoss = finalLoss
    self.note = note
    self.copyRate = copyRate
    self.lossByLogSNR = lossByLogSNR
  }

  /// A run failed when its samples are no better than a model that learned nothing: its
  /// distance is not below half of the better of two trivial baselines, pure noise and the mean
  /// digit. Half, not just "below", because a network that learned little more than the mean
  /// image already beats both by a little; that is not learning digits.
  public static let failFraction = 0.5
  public var baselineFD: Double { min(noiseFD ?? .infinity, meanFD ?? .infinity) }
  public var failed: Bool { failed(by: .frechetDistance) }

  /// Failed as `ranking` judges: by the distance against its baselines, or, by bits/dim, when
  /// the run has no finite bound (it diverged). Bits/dim has no "learned nothing" bar of its
  /// own: an untrained ε network already scores a sane bound (DECISIONS 2026-12-04), so the
  /// table ranks every bound and the reader compares.
  public func failed(by ranking: SweepRanking) -> Bool {
    switch ranking {
    case .frechetDistance:
      guard let fd else { return true }
      return !(fd.isFinite && fd < Self.failFraction * baselineFD)
    case .bitsPerDim:
      return !(bitsPerDim?.isFinite ?? false)
    }
  }

  /// The number `ranking` ranks by.
  public func value(by ranking: SweepRanking) -> Double? {
    switch ranking {
    case .frechetDistance: return fd
    case .bitsPerDim: return bitsPerDim
    }
  }
  /// Most of the run's samples are copies of training digits: it is not ranked either.
  public var copying: Bool { (copyRate ?? 0) > CopyDetector.copyingRate }

  enum CodingKeys: String, CodingKey {
    case seed, fd, note, noiseFD = "noise_fd", meanFD = "mean_fd"
    case trainSeconds = "train_seconds", finalLoss = "final_loss", copyRate = "copy_rate"
    case lossByLogSNR = "loss_by_log_snr"
    case bitsPerDim = "bits_per_dim", errorByLogSNR = "error_by_log_snr"
    case trainingErrorByLogSNR = "training_error_by_log_snr"
    case bitsPerDimLogSNRMax = "bits_per_dim_log_snr_max"
  }
}

/// What a sweep's table ranks by. The digits have a classifier, so their headline is the
/// Fréchet distance of samples in its features; any other data (the bundled photographs, a
/// folder) has none, and the held-out bound in bits/dim, which compares across b, schedules and
/// losses for any data, ranks instead.
public enum SweepRanking: String, Equatable, Sendable {
  case frechetDistance
  case bitsPerDim

  /// The ranking for the data `sweep.json` records under `data` (nil or `digits`: from before
  /// other data could be swept, or the digits).
  public init(data: String?) {
    self = data == nil || data == DataKind.digits.rawValue ? .frechetDistance : .bitsPerDim
  }

  /// The table's caption: what its numbers are and why they rank.
  public var caption: String {
    switch self {
    case .frechetDistance:
      return "Fréchet distance of each cell's samples to the held-out digits in the digits "
        + "classifier's features (lower is better), mean ± standard error over repeats, best b "
        + "per column in bold; failed: no better than half the noise or mean-digit baseline."
    case .bitsPerDim:
      return "Ranked by the held-out bound in bits per dimension (VDM's, each run to its own "
        + "λmax; lower is better; this data has no classifier, so there is no Fréchet "
        + "distance), mean ± standard error over "
        + "repeats, best b per column in bold; failed: the run diverged."
    }
  }

  /// The number's name as a panel title (the explorer's sweep table).
  public var title: String { self == .frechetDistance ? "Fréchet distance" : "held-out bits/dim" }

  /// The table's short name for the number (CSV header).
  public var column: String { self == .frechetDistance ? "fd" : "bits_per_dim" }
}

/// Mean and standard error of a cell's repeats; failed when most of its runs failed, copying
/// when most of the runs that did not fail are mostly copies of training digits.
public struct CellSummary: Equatable, Sendable {
  public let mean: Double
  /// Standard error of the mean, s/√n with the sample standard deviation (n − 1); nil for n = 1.
  public let standardError: Double?
  public let count: Int
  public let failed: Bool
  public let copying: Bool
  /// Mean copy rate over the runs that recorded one.
  public let copyRate: Double?

  public init?(runs: [SweepRun], ranking: SweepRanking = .frechetDistance) {
    guard !runs.isEmpty else { return nil }
    let good = runs.filter { !$0.failed(by: ranking) }
    failed = good.count * 2 <= runs.count
    copying = !failed && good.filter(\.copying).count * 2 > good.count
    let rates = runs.compactMap(\.copyRate)
    copyRate = rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
    let values = (failed ? runs : good).compactMap { $0.value(by: ranking) }
    let n = Double(values.count)
    let m = values.isEmpty ? .nan : values.reduce(0, +) / n
    mean = m
    if values.count > 1 {
      let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      standardError = (ss / (n - 1)).squareRoot() / n.squareRoot()
    } else {
      standardError = nil
    }
    count = values.count
  }
}
