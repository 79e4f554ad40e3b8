/// Every range a training setting must lie in, stated once.
///
/// The settings table (``TrainingSetting/all``, which the config reader, the engine's
/// `TrainingConfig.validate(source:)` and the explorer check with), the commands' `--help` and
/// the README quote these constants; a test compares the README's numbers with them.
public enum TrainingLimits {
  /// Optimiser steps per run.
  public static let steps = 1...10_000_000
  /// Examples per step. 4,096, the engine's ceiling, is what it can hold for MLP-S at every side
  /// (8 hidden activations of 512 plus 3 images per example: about 25 KB at 32 px, 100 MB per
  /// batch). Far above it nothing fits: ConvRes-S keeps 21 feature maps of 64 channels per
  /// example for its backward pass, 21·64·H·W·4 B, which is 5.5 MB at 32 px and 22 MB at 64 px,
  /// so 4,096 of them at 64 px would need 90 GB; batches of tens are what it trains with here.
  public static let batch = 1...4096
  /// The peak learning rate: a number in (0, `learningRateMax`].
  public static let learningRateMax = 1.0
  public static let learningRate = Bounds(exclusiveMin: 0, max: learningRateMax)
  /// Seeds are whole numbers a JSON config holds exactly (JSON numbers are doubles), and only
  /// one text reads as each: 0 … 2^53 − 1 (2^53 + 1 reads as 2^53).
  public static let seedMax: UInt64 = 1 << 53 - 1
  /// γ of min-SNR-γ: a number in [`minSNRGammaMin`, `minSNRGammaMax`]. Below 1e-6 nothing is
  /// gained and 1e-320 (subnormal; 0 as the engine's Float) made every weight 0: a run that
  /// learned nothing and reported "final loss 0.0000".
  public static let minSNRGammaMin = 1e-6
  public static let minSNRGammaMax = 1e6
  public static let minSNRGamma = Bounds(min: minSNRGammaMin, max: minSNRGammaMax)
  /// Whether `gamma` is an allowed γ of min-SNR-γ (every reader of the value asks this).
  public static func allowsMinSNRGamma(_ gamma: Double) -> Bool { minSNRGamma.contains(gamma) }
  /// λ_s of the x0 output's skip path: far enough either way to put the skip anywhere a
  /// schedule trains (the conditioning is clamped to ±40).
  public static let x0Skip = Bounds(min: -20, max: 40)
  /// Classifier-free guidance weight w.
  public static let guidance: ClosedRange<Double> = 0...20
  /// Sampler steps for a run's samples and `schedtui sample`.
  public static let sampleSteps = 1...10_000
  /// Samples for the Fréchet distance (a covariance needs two); 0 skips the metric.
  public static let evalSamples = 2...100_000
  /// OpenBLAS threads.
  public static let threads = 1...64
}

extension ClosedRange where Bound: BinaryInteger {
  /// `1 … 4096`, as the engine's messages and the explorer write a whole-number range.
  public var text: String { "\(lowerBound) … \(upperBound)" }
  /// `[1, 4096]`, as the config reader writes it.
  public var interval: String { "[\(lowerBound), \(upperBound)]" }
}

extension ClosedRange where Bound == Double {
  /// `0 … 20` (whole bounds without a decimal point).
  public var text: String { "\(TrainingLimits.short(lowerBound)) … \(TrainingLimits.short(upperBound))" }
  /// `[0, 20]`.
  public var interval: String {
    "[\(TrainingLimits.short(lowerBound)), \(TrainingLimits.short(upperBound))]"
  }
}

extension TrainingLimits {
  /// `20` for 20.0, `0.5` for 0.5.
  static func short(_ x: Double) -> String { shortNumber(x) }
  /// `(0, 1]`: the learning rate's range.
  public static var learningRateInterval: String { learningRate.text }
  /// `a number in (0, 1]`, as every message states it.
  public static var learningRateText: String { "a number in \(learningRateInterval)" }
  /// `a whole number in 0 … 2^53 − 1`: every seed a JSON number holds exactly.
  public static let seedText = "a whole number in 0 … 2^53 − 1"
  /// `a number in [1e-6, 1e6]`.
  public static let minSNRGammaText = "a number in [1e-6, 1e6]"
}

extension TrainingLimits {
  /// One row per limit: the setting, its option, its config key and the allowed range.
  public static let rows: [(setting: String, option: String, configKey: String, allowed: String)] =
    [
      ("optimiser steps", "--steps", "training.steps", steps.text),
      ("examples per step", "--batch", "training.batch", batch.text),
      ("peak learning rate", "--lr", "training.lr", learningRateInterval),
      ("seed", "--seed", "training.seed", "0 … 2^53 − 1"),
      ("γ of min-SNR-γ", "--min-snr-gamma", "training.min_snr_gamma", "[1e-6, 1e6]"),
      ("λ_s of the x0 output's skip", "--x0-skip", "training.x0_skip", "none or " + x0Skip.text),
      ("guidance weight w", "--guidance", "training.guidance", guidance.text),
      ("sampling steps of a run", "sweep --sample-steps", "inference.steps", sampleSteps.text),
      (
        "samples for the Fréchet distance", "--eval-samples", "training.eval_samples",
        "0 (none) or \(evalSamples.text)"
      ),
      ("OpenBLAS threads", "--threads", "—", threads.text),
    ]

  /// The README's "Limits" table, exactly as the README holds it.
  public static var markdownTable: String {
    var lines = ["| setting | option | config key | allowed |", "|---|---|---|---|"]
    for r in rows {
      let key = r.configKey == "—" ? "—" : "`\(r.configKey)`"
      lines.append("| \(r.setting) | `\(r.option)` | \(key) | \(r.allowed) |")
    }
    return lines.joined(separator: "\n")
  }
}

/// What a sweep trains every cell with unless told otherwise (Engine's `SweepSettings` starts
/// from these; `schedtui sweep --help` states them).
public enum SweepDefaults {
  public static let steps = 1500
  /// MLP-S's batch in a sweep (half its `train` default, so the default grid fits in 20
  /// minutes); see ``batch(model:)``.
  public static let batch = 128
  /// A cell's batch unless `--batch` is given: MLP-S's ``batch``, the others their own
  /// `train` default (ConvRes-S 32, UNet-S 16), with which a run at their sides is a few
  /// minutes; at 128 a 32 px UNet-S cell, which `--model auto` trains on a folder of images,
  /// cost eight times its default run.
  public static func batch(model: ModelKind) -> Int {
    model == .mlpS ? batch : model.defaultBatch
  }
  /// 0 as the paper's Table 4: no guidance.
  public static let guidance = 0.0
  public static let evalSamples = 500
}
