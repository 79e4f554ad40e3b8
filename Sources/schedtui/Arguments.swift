import ArgumentParser
import Engine
import Schedules

// Every vocabulary is parsed by its names (ArgumentParser's `RawRepresentable` and
// `CaseIterable` defaults: `allValueStrings` are the raw values), so `--help`, completion and
// the error for a bad value list exactly the names a config file takes.
extension ScheduleFamily: ExpressibleByArgument {}
extension ModelKind: ExpressibleByArgument {}
extension DataKind: ExpressibleByArgument {}
extension Parameterization: ExpressibleByArgument {}
extension LossWeighting: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}

/// Option help from the vocabularies' own lines.
enum VocabularyHelp {
  static let prediction =
    "What the network outputs: \(Parameterization.helpList)"
  static let weighting =
    "How the loss weights noise levels, as w(λ) on the ε-MSE: \(LossWeighting.helpList)"
  static let objectiveDefaults =
    "Default: \(Objective.defaultPrediction.name) with \(Objective.defaultWeighting.name) "
    + "(see README \"Training\"); --prediction alone trains with that output's own MSE"
  static let model = "Denoiser: \(ModelKind.helpList)"
  static let data = "Training data: \(DataKind.helpList)"
  static let optimizer = "Optimiser: \(OptimizerKind.helpList) (default adamw)"
  static let sampler = "Sampler: \(SamplerKind.helpList)"

  /// `256 for mlp-s, 32 for convres-s`: a model default as --help states it.
  static func perModel<T>(_ value: (ModelKind) -> T) -> String {
    ModelKind.allCases.map { "\(value($0)) for \($0.name)" }.joined(separator: ", ")
  }
}

/// The checks several commands make on their options, and the one way a value the engine
/// refuses is told on the command line (a ``FieldError`` named by the option).
enum CommandLineCheck {
  /// `--option value is not allowed: allowed.`
  static func refuse(_ option: String, _ value: Any, _ allowed: String) -> ValidationError {
    ValidationError(
      FieldError(field: option, value: "\(value)", allowed: allowed, source: .commandLine)
        .description)
  }

  /// Refuses `value` unless it is in `range`: `a whole number in 1 … 64`.
  static func whole(_ option: String, _ value: Int?, _ range: ClosedRange<Int>) throws {
    if let value, !range.contains(value) {
      throw refuse(option, value, "a whole number in \(range.text)")
    }
  }

  /// The engine's refusal of a training setting, named by its option (`--lr`); `context` goes
  /// after the value (` with --resume`, ` in this sweep`).
  static func error(_ error: FieldError, context: String = "") -> ValidationError {
    var e = error
    e.value = e.value.map { $0 + context }
    return ValidationError(e.description)
  }
}

/// The objective options `train`, `sweep` and `export --python` share: what the network outputs,
/// how the loss weights noise levels, and min-SNR's γ.
struct ObjectiveOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      VocabularyHelp.prediction + ". " + VocabularyHelp.objectiveDefaults, valueName: "output"))
  var prediction: Parameterization?

  @Option(help: ArgumentHelp(VocabularyHelp.weighting + ".", valueName: "weighting"))
  var weighting: LossWeighting?

  @Option(
    name: .customLong("min-snr-gamma"), parsing: .unconditional,
    help: "γ of --weighting min-snr, \(TrainingLimits.minSNRGammaText) (default 5).")
  var minSNRGamma: Double?

  @Option(
    name: .customLong("x0-skip"), parsing: .unconditional,
    help: ArgumentHelp(
      "The x0 output's skip path: none, or the logSNR λ_s where x̂0 = c·z/α + (1 − c)·F is half "
        + "the input's z/α, c = sigmoid(λ − λ_s) (default \(String(format: "%g", Objective.defaultX0Skip)) "
        + "for the x0 output, none for the others).", valueName: "none|λ"))
  var x0Skip: String?

  func validate() throws {
    if let minSNRGamma,
      !TrainingLimits.allowsMinSNRGamma(minSNRGamma)
    {
      throw CommandLineCheck.refuse("--min-snr-gamma", minSNRGamma, TrainingLimits.minSNRGammaText)
    }
    _ = try x0SkipValue()
  }

  /// `--x0-skip` read: nil when not given, `.some(nil)` for none.
  func x0SkipValue() throws -> Double?? {
    guard let x0Skip else { return nil }
    let setting = TrainingSetting[key: "x0_skip"]
    guard let value = TrainingSetting.x0Skip(parsing: x0Skip),
      value.map(TrainingLimits.x0Skip.contains) ?? true
    else { throw CommandLineCheck.refuse(setting.option, x0Skip, setting.allowed) }
    return value
  }

  /// The options that were given, by name (for commands that take them only sometimes).
  var given: [String] {
    [("--prediction", prediction != nil), ("--weighting", weighting != nil),
      ("--min-snr-gamma", minSNRGamma != nil), ("--x0-skip", x0Skip != nil),
    ].filter(\.1).map(\.0)
  }

  /// Overrides an objective with the options given: a --prediction alone brings its own
  /// weighting (``Parameterization/ownWeighting``) unless --weighting is given too.
  func apply(
    prediction p: inout Parameterization, weighting w: inout LossWeighting,
    minSNRGamma g: inout Double, x0Skip skip: inout Double?
  ) {
    if let prediction {
      p = prediction
      w = prediction.ownWeighting
      skip = prediction == .x0 ? Objective.defaultX0Skip : nil
    }
    if let weighting { w = weighting }
    if let minSNRGamma { g = minSNRGamma }
    if let value = try? x0SkipValue() { skip = value }
  }
}

/// `--threads`, for the commands that train or sample: OpenBLAS's thread count.
struct ThreadsOption: ParsableArguments {
  /// Measured on this machine (see README "Benchmarks"): 2 is the fastest here.
  static let defaultCount = 2

  @Option(
    name: .customLong("threads"), parsing: .unconditional,
    help: ArgumentHelp(
      "OpenBLAS threads, \(TrainingLimits.threads.text) (default \(ThreadsOption.defaultCount), the "
        + "fastest measured here).", valueName: "threads"))
  var count: Int?

  func validate() throws { try CommandLineCheck.whole("--threads", count, TrainingLimits.threads) }

  /// Sets OpenBLAS's threads to the option's count, or the default.
  func apply() { BLAS.threads = count ?? ThreadsOption.defaultCount }
}
