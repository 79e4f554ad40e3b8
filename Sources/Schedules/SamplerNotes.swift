import RealModule

/// One thing a user should know about a sampler's list, as a sentence with its numbers.
///
/// Serious notes are the ones `schedtui sigmas --check` fails on: a list that does not start
/// from the noise the model was trained to start from (zero terminal SNR, or a first level with
/// more signal than noise), one that does not end at σ = 0, one that is not monotone, and
/// levels noisier than anything training drew.
public struct SamplerNote: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case start, end, monotone, repeated, largestStep, rareInTraining, outsideTraining, quirk
  }

  public let kind: Kind
  public let serious: Bool
  public let text: String
  /// The same in a few words with its main number, for a line that has no room for the
  /// sentence (the explorer at 80 columns).
  public let short: String

  public init(_ kind: Kind, serious: Bool = false, _ text: String, short: String? = nil) {
    self.kind = kind
    self.serious = serious
    self.text = text
    self.short = short ?? text
  }
}

extension SamplerSteps {
  /// The share of the training density's peak under which a level counts as rarely trained.
  public static let rareDensityShare = 0.01

  /// The notes on this list against `training`, the process the network was trained on, drawing
  /// its noise levels by `sampling` (the density the rare-level note reads).
  public func notes(training: NoiseProcess, sampling: TimestepSampling = .uniform)
    -> [SamplerNote]
  {
    var notes: [SamplerNote] = []
    let n = sigmas.count - 1
    let trainingNoisiest = training.logSNR(1)
    let trainingToNoise =
      training.schedule.spec.zeroTerminalSNR
      || training.schedule.gamma(1) <= training.schedule.spec.clipMin * (1 + 1e-12)

    // The first level against the noisiest the table has.
    let first = logSNR[0]
    let startsBelowTop =
      noisiestLogSNR == -.infinity
      ? first > -.infinity : first > noisiestLogSNR + 1e-9 * Swift.max(1, abs(noisiestLogSNR))
    if startsBelowTop {
      let serious = trainingToNoise || first > 0
      var text =
        "starts at timestep \(fmt(timesteps[0])) (σ \(fmt(sigmas[0])), logSNR \(fmt(first))), "
        + "not at the noisiest level, timestep \(fmt(noisiestTimestep)) (logSNR "
        + "\(fmt(noisiestLogSNR)))"
      if trainingToNoise {
        text +=
          ": the model was trained to zero terminal SNR, so sampling must start from pure "
          + "noise; use --spacing trailing (Lin et al. 2023)"
        if noisiestLogSNR > -10 {
          // Trailing alone reaches only this table's noisiest level.
          text +=
            " on a table with --zero-terminal-snr (this one's noisiest logSNR is "
            + "\(fmt(noisiestLogSNR)))"
        }
      } else if first > 0 {
        text += ": the first level has more signal than noise (SNR \(fmt(Double.exp(first))))"
      }
      notes.append(
        SamplerNote(
          .start, serious: serious, text,
          short: "starts at λ \(fmt(first)), not \(fmt(noisiestLogSNR))"
            + (trainingToNoise ? " (zero SNR: trailing)" : "")))
    }
    if first == -.infinity, trainingNoisiest > -.infinity, !trainingToNoise {
      notes.append(
        SamplerNote(
          .start, serious: true,
          "starts from pure noise (σ = ∞), which training never drew: its noisiest logSNR is "
            + "\(fmt(trainingNoisiest))",
          short: "starts at σ = ∞, untrained (noisiest λ \(fmt(trainingNoisiest)))"))
    }
    if let last = sigmas.last, last != 0 {
      notes.append(
        SamplerNote(
          .end, serious: true,
          "ends at σ = \(fmt(last)), not 0: the output keeps noise of that standard deviation",
          short: "ends at σ \(fmt(last)), not 0"))
    }
    if let i = (0..<n).first(where: { sigmas[$0 + 1] > sigmas[$0] }) {
      notes.append(
        SamplerNote(
          .monotone, serious: true,
          "is not monotone: σ rises from \(fmt(sigmas[i])) at step \(i) to "
            + "\(fmt(sigmas[i + 1])) at step \(i + 1)",
          short: "not monotone at step \(i + 1)"))
    }
    let repeats = (0..<Swift.max(timesteps.count - 1, 0)).filter { (i: Int) -> Bool in
      sigmas[i] == sigmas[i + 1] || timesteps[i] == timesteps[i + 1]
    }
    if let i = repeats.first {
      let count =
        repeats.count == 1
        ? "1 pair of neighbouring levels is" : "\(repeats.count) pairs of neighbouring levels are"
      let place =
        "first steps \(i) and \(i + 1) (timestep \(fmt(timesteps[i])), σ \(fmt(sigmas[i])))"
      notes.append(
        SamplerNote(
          .repeated,
          "\(count) equal, \(place): a step spent without moving, or one that reuses the same "
            + "network input",
          short: "\(repeats.count) equal neighbour pair\(repeats.count == 1 ? "" : "s")"))
    }
    let steps = (0..<Swift.max(n - 1, 0)).filter { (i: Int) -> Bool in
      logSNR[i].isFinite && logSNR[i + 1].isFinite
    }
    let gap = { (i: Int) -> Double in self.logSNR[i + 1] - self.logSNR[i] }
    if let i = steps.max(by: { gap($0) < gap($1) }) {
      notes.append(
        SamplerNote(
          .largestStep,
          "the largest logSNR step is \(fmt(logSNR[i + 1] - logSNR[i])), from step \(i) to "
            + "\(i + 1) (logSNR \(fmt(logSNR[i])) → \(fmt(logSNR[i + 1])), σ "
            + "\(fmt(sigmas[i])) → \(fmt(sigmas[i + 1])))",
          short: "max Δλ \(fmt(logSNR[i + 1] - logSNR[i])) at \(i)→\(i + 1)"))
    }
    notes += trainingNotes(training, sampling: sampling, trainingNoisiest: trainingNoisiest)
    // A quirk's short form is its first clause, which names it; the numbers follow the colon.
    notes += quirks.map {
      SamplerNote(.quirk, $0, short: String($0.prefix { $0 != ":" && $0 != ";" }))
    }
    return notes
  }

  /// Levels outside the training's logSNR range, and where its density under `sampling` (the
  /// exact p(λ), ``NoiseProcess/logSNRDensity(atLogSNR:sampling:)``) is under 1% of its peak.
  func trainingNotes(
    _ training: NoiseProcess, sampling: TimestepSampling, trainingNoisiest: Double
  ) -> [SamplerNote] {
    var notes: [SamplerNote] = []
    let levels = (0..<(sigmas.count - 1)).filter { logSNR[$0].isFinite }
    // diffusers' float32 table and schedtui's Double one differ by ~1e-5 in logSNR: a level is
    // outside only if it is clearly so.
    let margin = 1e-3
    let noisier = levels.filter { logSNR[$0] < trainingNoisiest - margin }
    if let i = noisier.first {
      notes.append(
        SamplerNote(
          .outsideTraining, serious: true,
          "\(noisier.count) level\(noisier.count == 1 ? " is" : "s are") noisier than anything "
            + "training drew (its noisiest logSNR is \(fmt(trainingNoisiest))), first step \(i) "
            + "at logSNR \(fmt(logSNR[i]))",
          short: "\(noisier.count) level\(noisier.count == 1 ? "" : "s") noisier than training"))
    }
    let trainingCleanest = training.logSNR(0)
    let cleaner = levels.filter { logSNR[$0] > trainingCleanest + margin }
    if let i = cleaner.first {
      notes.append(
        SamplerNote(
          .outsideTraining,
          "\(cleaner.count) level\(cleaner.count == 1 ? " is" : "s are") cleaner than anything "
            + "training drew (its cleanest logSNR is \(fmt(trainingCleanest))), first step \(i) "
            + "at logSNR \(fmt(logSNR[i]))",
          short: "\(cleaner.count) level\(cleaner.count == 1 ? "" : "s") cleaner than training"))
    }
    // The density's peak over a fine t grid (its ends excluded: the density may be infinite
    // or undefined exactly there).
    let grid = 4000
    var peak = 0.0
    var peakLogSNR = 0.0
    for k in 1..<grid {
      let t = Double(k) / Double(grid)
      let lambda = training.logSNR(t)
      // At the grid's t directly: the same p(λ) as at λ(t), without inverting the schedule
      // 4000 times (the explorer asks for these notes on every frame).
      let p = training.logSNRDensity(atT: t, sampling: sampling)
      if p.isFinite, p > peak {
        peak = p
        peakLogSNR = lambda
      }
    }
    guard peak > 0 else { return notes }
    // p(λ) at a level, which may sit a float32 rounding beyond the schedule's ends (trailing's
    // first level is the table's t = 1): there the end's own density, not the 0 that
    // `logSNRDensity(atLogSNR:)` gives outside the range.
    let density = { (lambda: Double) -> Double in
      let inside = Swift.min(Swift.max(lambda, trainingNoisiest), trainingCleanest)
      return training.logSNRDensity(atT: training.t(forLogSNR: inside), sampling: sampling)
    }
    let rare = levels.filter {
      logSNR[$0] >= trainingNoisiest - margin && logSNR[$0] <= trainingCleanest + margin
        && density(logSNR[$0]) < SamplerSteps.rareDensityShare * peak
    }
    if !rare.isEmpty {
      let shown = rare.prefix(4).map { "\($0) (logSNR \(fmt(logSNR[$0])))" }
      notes.append(
        SamplerNote(
          .rareInTraining,
          "\(rare.count) of \(levels.count) levels lie where the training density of logSNR"
            + (sampling == .uniform ? "" : " (\(sampling.name))") + " is under 1% of its peak (\(fmt(peak)) at logSNR \(fmt(peakLogSNR))): step"
            + "\(rare.count == 1 ? "" : "s") \(shown.joined(separator: ", "))"
            + "\(rare.count > 4 ? ", …" : ""); the network saw almost no training there",
          short: "\(rare.count)/\(levels.count) levels rarely trained"))
    }
    return notes
  }
}
