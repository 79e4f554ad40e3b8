/// The diffusers scheduler whose `set_timesteps` a discrete (ddpm-*) list reproduces.
public enum DiffusersScheduler: String, CaseIterable, Sendable {
  case euler
  case ddim
  case dpmSolver = "dpm-solver"

  /// The class in diffusers.
  public var className: String {
    switch self {
    case .euler: return "EulerDiscreteScheduler"
    case .ddim: return "DDIMScheduler"
    case .dpmSolver: return "DPMSolverMultistepScheduler"
    }
  }

  /// The class's own default `timestep_spacing` (DDIM's is leading, the others' linspace).
  public var defaultSpacing: TimestepSpacing { self == .ddim ? .leading : .linspace }
}

/// diffusers' `timestep_spacing` (Lin et al. 2023, Table 2).
public enum TimestepSpacing: String, CaseIterable, Sendable {
  case linspace, leading, trailing
}

/// The σ conversion diffusers applies after the spacing (`use_karras_sigmas`, …), or none.
public enum SigmaConversion: String, CaseIterable, Sendable {
  case schedule, karras, exponential, beta

  /// diffusers' flag for it.
  public var diffusersFlag: String? {
    switch self {
    case .schedule: return nil
    case .karras: return "use_karras_sigmas"
    case .exponential: return "use_exponential_sigmas"
    case .beta: return "use_beta_sigmas"
    }
  }
}

/// FlowMatchEulerDiscreteScheduler's `time_shift_type` for its dynamic shift μ (the schedule's
/// `timeShift` field, ``LogSNRShift``).
public enum FlowTimeShift: String, CaseIterable, Sendable {
  case exponential, linear
}

/// A sampler setting, declared once: its option, label and what it allows.
public enum SamplerField: String, CaseIterable, Sendable {
  case steps, scheduler, spacing, stepsOffset, sigmas, karrasRho, format

  public var option: String {
    switch self {
    case .steps: return "--steps"
    case .scheduler: return "--scheduler"
    case .spacing: return "--spacing"
    case .stepsOffset: return "--steps-offset"
    case .sigmas: return "--sigmas"
    case .karrasRho: return "--karras-rho"
    case .format: return "--format"
    }
  }

  public var label: String {
    switch self {
    case .steps: return "sampler steps"
    case .scheduler: return "scheduler"
    case .spacing: return "spacing"
    case .stepsOffset: return "steps offset"
    case .sigmas: return "σ conversion"
    case .karrasRho: return "Karras ρ"
    case .format: return "format"
    }
  }
}

/// What a user can get wrong about a sampler list; `field` is a ``SamplerField`` raw value or a
/// schedule property (`inputScale`), named as the user wrote it by ``fieldError(_:)``.
public struct SamplerError: Error, Equatable, Sendable, CustomStringConvertible {
  public let field: String
  public let value: String
  public let allowed: String

  public init(_ field: SamplerField, _ value: Any, _ allowed: String) {
    self.init(property: field.rawValue, value, allowed)
  }

  public init(property: String, _ value: Any, _ allowed: String) {
    self.field = property
    self.value = "\(value)"
    self.allowed = allowed
  }

  public func fieldError(_ source: FieldError.Source) -> FieldError {
    let name: String
    if let f = SamplerField(rawValue: field) {
      name = source == .explorer ? f.label : f.option
    } else {
      name = FieldNames(property: field)?.name(for: source) ?? field
    }
    return FieldError(field: name, value: value, allowed: allowed, source: source)
  }

  public var description: String { fieldError(.commandLine).description }
}

/// How a sampler walks a schedule: the number of steps and, for the lists diffusers makes, its
/// scheduler's settings. Which ones apply depends on the family (see ``SamplerSteps``).
public struct SamplerSettings: Sendable, Equatable {
  public var steps: Int
  /// ddpm-*: the diffusers scheduler reproduced.
  public var scheduler: DiffusersScheduler
  /// ddpm-*: nil is the scheduler's own default.
  public var spacing: TimestepSpacing?
  /// ddpm-*: added to leading's timesteps (SD 1.x's config has 1).
  public var stepsOffset: Int
  public var conversion: SigmaConversion
  /// Karras' ρ; diffusers fixes 7.
  public var karrasRho: Double

  public static let diffusersRho = 7.0
  /// The largest list for the continuous families (as `export --sigmas`).
  public static let maxContinuousSteps = 100_000

  public init(
    steps: Int = 28, scheduler: DiffusersScheduler = .euler, spacing: TimestepSpacing? = nil,
    stepsOffset: Int = 0, conversion: SigmaConversion = .schedule, karrasRho: Double = 7
  ) {
    self.steps = steps
    self.scheduler = scheduler
    self.spacing = spacing
    self.stepsOffset = stepsOffset
    self.conversion = conversion
    self.karrasRho = karrasRho
  }

  /// The spacing used: the given one or the scheduler's default.
  public var effectiveSpacing: TimestepSpacing { spacing ?? scheduler.defaultSpacing }
}
