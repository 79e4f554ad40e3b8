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

  /// `--t-sampling`'s text read (train, export, curve, plot), refused in the sampling's own
  /// words of what is allowed (`logit-normal:0:-1`: S > 0).
  static func tSampling(_ text: String) throws -> TimestepSampling {
    do { return try TimestepSampling(parsing: text) } catch {
      throw refuse("--t-sampling", text, error.allowedText)
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

extension ArgumentHelp {
  /// The help a training setting declares for `command` (``CommandLineOption``).
  static func setting(_ key: String, _ command: SettingCommand) -> ArgumentHelp {
    let help = TrainingSetting.help(key, in: command)
    return ArgumentHelp(help.text, valueName: help.valueName)
  }
}

/// The objective options `train`, `sweep` and `export --python` share (generated from the
/// settings table): what the network outputs, how the loss weights noise levels, min-SNR's γ and
/// the x0 output's skip.
extension ObjectiveOptions {
  func validate() throws {
    if let minSnrGamma, !TrainingLimits.allowsMinSNRGamma(minSnrGamma) {
      throw CommandLineCheck.refuse("--min-snr-gamma", minSnrGamma, TrainingLimits.minSNRGammaText)
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

  /// Overrides an objective with the options given: a --prediction alone brings its own
  /// weighting (``Parameterization/ownWeighting``) unless --weighting is given too, and its own
  /// skip: `skip` becomes nil, the default, which depends on the model and data as well
  /// (``TrainingSection/defaultX0Skip``) and is resolved by the caller; --x0-skip sets it.
  func apply(
    prediction p: inout Parameterization, weighting w: inout LossWeighting,
    minSNRGamma g: inout Double, x0Skip skip: inout Double??
  ) {
    if let prediction {
      p = prediction
      w = prediction.ownWeighting
      skip = nil
    }
    if let weighting { w = weighting }
    if let minSnrGamma { g = minSnrGamma }
    if let value = try? x0SkipValue() { skip = value }
  }

  /// An --x0-skip given beside an output that has none is refused, even at the x0 output's
  /// default, which the settings table lets a config or the explorer keep unused.
  func checkSkip(for prediction: Parameterization) throws {
    if let x0Skip, x0Skip != "none", prediction != .x0 {
      throw CommandLineCheck.refuse(
        "--x0-skip", x0Skip,
        "none with prediction \(prediction.name): only the x0 output has a skip path")
    }
  }

  /// The options over a training section, a skip left to its default taking the default of
  /// the section's prediction, model and data.
  func apply(to s: inout TrainingSection) {
    var skip: Double?? = s.x0Skip
    apply(
      prediction: &s.prediction, weighting: &s.weighting, minSNRGamma: &s.minSNRGamma,
      x0Skip: &skip)
    s.x0Skip = skip ?? s.defaultX0Skip
  }
}

/// `--eval-grid`, for the commands that score the held-out error by logSNR (`train`, and
/// `sample --score`): one parser and one refusal for both.
struct EvalGridOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "logSNR grid of the held-out error and bits/dim, MIN:MAX:STEP (default -12:12:1; write "
        + "--eval-grid=-10:10:1 for a negative MIN).", valueName: "grid"))
  var evalGrid: String?

  func validate() throws { _ = try grid() }

  /// The grid given, or the standard −12…12 step 1.
  func grid() throws -> LogSNRGrid {
    guard let evalGrid else { return .standard }
    do { return try LogSNRGrid.parse(evalGrid) } catch { throw CommandLineCheck.error(error) }
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
