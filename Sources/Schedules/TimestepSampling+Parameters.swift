/// The t-sampling's kinds and numbers as separate values, for the explorer's rows: a kind
/// (uniform, logit-normal, mode, lognormal) and each number it takes, each with its label, what
/// it allows and how it steps. The typed form `logit-normal:0:1` (``TimestepSampling/name``)
/// stays the one text a file or an option holds.
extension TimestepSampling {
  /// Which density, without its numbers.
  public enum Kind: String, CaseIterable, Sendable {
    case uniform
    case logitNormal = "logit-normal"
    case mode
    case logNormal = "lognormal"

    /// The kind with its default numbers (SD3's 0:1, diffusers' 1.29, EDM's −1.2:1.2).
    public var defaultSampling: TimestepSampling {
      switch self {
      case .uniform: return .uniform
      case .logitNormal: return TimestepSampling.defaultLogitNormal
      case .mode: return TimestepSampling.defaultMode
      case .logNormal: return TimestepSampling.defaultLogNormal
      }
    }
  }

  public var kind: Kind {
    switch self {
    case .uniform: return .uniform
    case .logitNormal: return .logitNormal
    case .mode: return .mode
    case .logNormal: return .logNormal
    }
  }

  /// One number of a sampling.
  public enum Parameter: String, CaseIterable, Sendable {
    case logitMean, logitStd, modeScale, logMean, logStd

    /// The row's label, in the words of the sampling's source (SD3, diffusers, EDM).
    public var label: String {
      switch self {
      case .logitMean: return "logit mean M"
      case .logitStd: return "logit std S"
      case .modeScale: return "mode scale S"
      case .logMean: return "ln σ mean P_mean"
      case .logStd: return "ln σ std P_std"
      }
    }

    /// What may be typed (``TimestepSampling/validate()`` checks the same).
    public var allowed: String {
      switch self {
      case .logitMean: return "a finite number (SD3: 0)"
      case .logitStd: return "a number > 0 (SD3: 1)"
      case .modeScale:
        return
          "a number S with −1 < S < 1/(π/2 − 1) = \(short(TimestepSampling.modeScaleUpper)), "
          + "where t(u) stays decreasing (diffusers: 1.29)"
      case .logMean: return "a finite number (EDM: −1.2; EDM2: −0.4 or −0.8)"
      case .logStd: return "a number > 0 (EDM: 1.2; EDM2: 1.0 or 1.6)"
      }
    }

    /// How ←/→ move it: standard deviations multiply (they span decades), the rest add.
    public var step: ScheduleField.Step {
      switch self {
      case .logitStd, .logStd: return .multiply(fine: 1.1, coarse: 2)
      case .logitMean, .logMean, .modeScale: return .add(fine: 0.1, coarse: 0.5)
      }
    }
  }

  /// The numbers this sampling takes, in the order its typed form writes them.
  public var parameters: [Parameter] {
    switch self {
    case .uniform: return []
    case .logitNormal: return [.logitMean, .logitStd]
    case .mode: return [.modeScale]
    case .logNormal: return [.logMean, .logStd]
    }
  }

  /// A number of this sampling; NaN for one it does not take. Setting one it does not take does
  /// nothing; the result is checked by ``validate()``.
  public subscript(_ p: Parameter) -> Double {
    get {
      switch (self, p) {
      case (.logitNormal(let m, _), .logitMean), (.logNormal(let m, _), .logMean): return m
      case (.logitNormal(_, let s), .logitStd), (.logNormal(_, let s), .logStd): return s
      case (.mode(let s), .modeScale): return s
      default: return .nan
      }
    }
    set {
      switch (self, p) {
      case (.logitNormal(_, let s), .logitMean): self = .logitNormal(mean: newValue, std: s)
      case (.logitNormal(let m, _), .logitStd): self = .logitNormal(mean: m, std: newValue)
      case (.logNormal(_, let s), .logMean): self = .logNormal(mean: newValue, std: s)
      case (.logNormal(let m, _), .logStd): self = .logNormal(mean: m, std: newValue)
      case (.mode, .modeScale): self = .mode(scale: newValue)
      default: break
      }
    }
  }
}
