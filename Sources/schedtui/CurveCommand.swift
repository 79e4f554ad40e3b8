import ArgumentParser
import Schedules

extension OutputFormat: ExpressibleByArgument {}

/// `schedtui curve`: t, γ and logSNR of a schedule on a uniform grid, at full precision.
struct Curve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "curve",
    abstract: "Print t, γ(t), logSNR(t) and the training density p(λ) on a uniform grid of t.",
    discussion: """
      t runs over --points values uniformly in [0, 1], both ends included. γ is the schedule's \
      signal variance; logSNR is that of the scaled process, log(γ b² / (1 − γ)), so --scale b \
      shifts it by exactly 2·log b. Numbers are printed at full precision (the shortest text \
      that reads back to the same Double); logSNR = +∞ at γ = 1 prints as inf (null in JSON). \
      The last column is p(λ), the density per unit logSNR of the noise levels training draws \
      under --t-sampling (uniform: 1/|dλ/dt|); 0 where γ is clipped (a point mass), none where \
      logSNR is infinite.

      Examples:
        schedtui curve --family cosine --start 0.2 --end 1 --tau 2 --points 5
        schedtui curve --family sigmoid --start 0 --end 3 --tau 0.5 --format csv
        schedtui curve --preset table1-256 --format json
        schedtui curve --config my-schedule.json --points 1001 --format json
        schedtui curve --family rectified-flow --shift 3 --t-sampling logit-normal:0:1
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(parsing: .unconditional, help: "Number of t values, ≥ 2 (t = i/(N−1), i = 0 … N−1).")
  var points = 11

  @Option(help: "Output format: table, csv or json.")
  var format: OutputFormat = .table

  // --t-sampling, declared with its setting (``TrainingSetting/all``).
  @OptionGroup var settings: CurveSettingOptions

  func sampling() throws -> TimestepSampling {
    guard let text = settings.tSampling else {
      return try schedule.config().training?.tSampling ?? .uniform
    }
    return try CommandLineCheck.tSampling(text)
  }

  func validate() throws {
    _ = try sampling()
    guard (2...10_000_000).contains(points) else {
      throw ValidationError("--points \(points) is not allowed: a whole number in [2, 10000000].")
    }
  }

  func run() throws {
    print(
      CurveOutput.render(
        try schedule.noiseProcess(), points: points, format: format, sampling: try sampling()),
      terminator: "")
  }
}
