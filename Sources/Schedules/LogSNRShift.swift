import RealModule

extension ScheduleField {
  /// SD3's static shift S, on every family: λ → λ − 2·ln S (for rectified flow exactly
  /// σ' = Sσ/(1 + (S−1)σ), FlowMatchEulerDiscreteScheduler's `shift`).
  public static let shift = ScheduleField(
    "shift", label: "shift s", default: 1, allowed: "a finite number > 0",
    bounds: Bounds(exclusiveMin: 0),
    step: .add(fine: 0.25, coarse: 1),
    help: "SD3's static shift S > 0 on any family: logSNR − 2·ln S (default 1; SD3 uses 3).")

  /// Flux's μ given as a number (diffusers' `set_timesteps(mu=…)`).
  public static let fluxMu = ScheduleField(
    "fluxMu", label: "Flux μ", default: 0,
    allowed: "a finite number (> 0 with the linear time shift), or auto with --image-side",
    step: .add(fine: 0.05, coarse: 0.25),
    help: "Flux's dynamic shift μ on any family: logSNR − 2·μ (exponential time shift) or "
      + "− 2·ln μ (linear); `auto` takes μ from --image-side (default 0: none).",
    word: Word(
      word: "auto", needs: "imageSide",
      needsWhy: "PX: Flux's calculate_shift chooses μ from the image side, "
        + "\(LogSNRShift.imageSides.text) pixels."))

  /// FlowMatchEulerDiscreteScheduler's `time_shift_type`.
  public static let timeShift = ScheduleField(
    "timeShift", label: "time shift", default: 0, allowed: "exponential or linear",
    kind: .choice(FlowTimeShift.allCases.map(\.rawValue)), step: .add(fine: 1, coarse: 1),
    help: "How μ shifts: exponential (default, σ' = e^μ/(e^μ + 1/σ − 1)) or linear "
      + "(σ' = μ/(μ + 1/σ − 1)).")

  /// The square image side from which Flux's `calculate_shift` chooses μ; 0 is none.
  public static let imageSide = ScheduleField(
    "imageSide", label: "image side", default: 0,
    allowed: "0 (none) or a whole number of pixels in \(LogSNRShift.imageSides.text)",
    bounds: Bounds(LogSNRShift.imageSides, alsoZero: true), kind: .whole,
    step: .add(fine: 16, coarse: 256),
    help: "Image side in pixels for Flux's μ = calculate_shift((side/16)² tokens) "
      + "(--flux-mu auto); \(LogSNRShift.imageSides.text).")

  public static let fluxBaseShift = ScheduleField(
    "fluxBaseShift", jsonKey: "base_shift", label: "base shift", default: FluxShift().baseShift,
    allowed: "a finite number < max shift", step: .add(fine: 0.05, coarse: 0.25),
    help: "With --image-side: Flux's base_shift, μ at the base sequence length (default \(FluxShift().baseShift)).")
  public static let fluxMaxShift = ScheduleField(
    "fluxMaxShift", jsonKey: "max_shift", label: "max shift", default: FluxShift().maxShift,
    allowed: "a finite number > base shift", step: .add(fine: 0.05, coarse: 0.25),
    help: "With --image-side: Flux's max_shift, μ at the max sequence length (default \(FluxShift().maxShift)).")
  public static let fluxBaseSeqLen = ScheduleField(
    "fluxBaseSeqLen", jsonKey: "base_image_seq_len", option: "--base-seq-len",
    label: "base seq len", default: FluxShift().baseSequence, allowed: "a whole number ≥ 1",
    bounds: Bounds(min: 1), kind: .whole,
    step: .multiply(fine: 2, coarse: 4),
    help: "With --image-side: Flux's base_image_seq_len in tokens (default \(Int(FluxShift().baseSequence)), a 256-px image).")
  public static let fluxMaxSeqLen = ScheduleField(
    "fluxMaxSeqLen", jsonKey: "max_image_seq_len", option: "--max-seq-len",
    label: "max seq len", default: FluxShift().maxSequence, allowed: "a whole number > base seq len",
    // > base seq len ≥ 1: the cross-field rule is FluxShift's; on its own it is at least 2.
    bounds: Bounds(min: 2), kind: .whole,
    step: .multiply(fine: 2, coarse: 4),
    help: "With --image-side: Flux's max_image_seq_len in tokens (default \(Int(FluxShift().maxSequence)), 1024 px).")

  /// The shift fields, which every family reads after its own; a config writes one only when
  /// it is not at its default (a cosine config need not spell out that nothing is shifted).
  public static let shiftGroup: [ScheduleField] = [
    .shift, .fluxMu, .timeShift, .imageSide, .fluxBaseShift, .fluxMaxShift, .fluxBaseSeqLen,
    .fluxMaxSeqLen,
  ]

  /// Flux's `calculate_shift` constants: rows and keys that mean something only with an image side.
  public static let fluxSequenceFields: [ScheduleField] = [
    .fluxBaseShift, .fluxMaxShift, .fluxBaseSeqLen, .fluxMaxSeqLen,
  ]
}

/// The shift of the logSNR axis a schedule's shift fields ask for, on any family.
///
/// SD3's static shift and Flux's μ were written for rectified flow's σ (x = (1−σ)x0 + σε,
/// λ = 2·ln((1−σ)/σ)); on that σ each of them is a constant move of logSNR:
///
/// ```
/// static shift S        σ' = Sσ/(1 + (S−1)σ)       (1−σ')/σ' = (1−σ)/(Sσ)   λ' = λ − 2·ln S
/// exponential, μ        σ' = e^μ/(e^μ + 1/σ − 1)    (1−σ')/σ' = e^−μ(1−σ)/σ  λ' = λ − 2·μ
/// linear, μ > 0         σ' = μ/(μ + 1/σ − 1)        (1−σ')/σ' = (1−σ)/(μσ)   λ' = λ − 2·ln μ
/// ```
///
/// so every family takes them the same way: its logSNR moved by ``offset`` (γ' = sigmoid(λ')),
/// after its zero-terminal-SNR rescale and before the clip. The linear time shift is the static
/// shift S = μ, the exponential one S = e^μ. The static shift and μ are not combined: diffusers'
/// FlowMatchEulerDiscreteScheduler ignores `shift` under `use_dynamic_shifting`, so a config with
/// both would mean different things here and there.
public struct LogSNRShift: Equatable, Sendable {
  /// S.
  public let staticShift: Double
  /// μ and how it was chosen, if the schedule has one.
  public let mu: Double?
  public let timeShift: FlowTimeShift
  /// The image side μ was calculated for (`--flux-mu auto`), with the constants used.
  public let imageSide: Int?
  public let flux: FluxShift

  public static let imageSides = 16...16384

  /// Reads and checks the shift fields of `spec`; errors name the field, value and range.
  public init(_ spec: ScheduleSpec) throws(ScheduleError) {
    let s = spec[.shift]
    try Schedule.check(s, "shift", ScheduleField.shift.allowed, ScheduleField.shift.bounds.contains)
    let choice = Int(spec[.timeShift])
    guard spec[.timeShift] == Double(choice), FlowTimeShift.allCases.indices.contains(choice) else {
      throw .invalid(
        field: "timeShift", value: shortNumber(spec[.timeShift]),
        allowed: ScheduleField.timeShift.allowed)
    }
    let timeShift = FlowTimeShift.allCases[choice]
    let flux = FluxShift(
      baseShift: spec[.fluxBaseShift], maxShift: spec[.fluxMaxShift],
      baseSequence: spec[.fluxBaseSeqLen], maxSequence: spec[.fluxMaxSeqLen])
    let side = spec[.imageSide]
    let givenMu = spec[.fluxMu]
    try Schedule.check(givenMu, "fluxMu", "a finite number") { _ in true }
    var mu: Double? = givenMu != 0 ? givenMu : nil
    var imageSide: Int? = nil
    if side != 0 {
      guard side == side.rounded(), ScheduleField.imageSide.bounds.contains(side) else {
        throw .invalid(
          field: "imageSide", value: shortNumber(side), allowed: ScheduleField.imageSide.allowed)
      }
      if let mu {
        throw .invalid(
          field: "fluxMu", value: shortNumber(mu),
          allowed: "auto (0 in a config) with an image side (here \(Int(side))), which chooses μ")
      }
      do {
        try flux.validate()
      } catch {
        let names = [
          "baseShift": "fluxBaseShift", "maxShift": "fluxMaxShift",
          "baseSequence": "fluxBaseSeqLen", "maxSequence": "fluxMaxSeqLen",
        ]
        throw error.renamingField { names[$0] ?? $0 }
      }
      imageSide = Int(side)
      mu = flux.mu(imageSide: Int(side))
    } else {
      for field in ScheduleField.fluxSequenceFields where spec[field] != field.defaultValue {
        throw .invalid(
          field: field.rawValue, value: shortNumber(spec[field]),
          allowed: "its default \(shortNumber(field.defaultValue)) without an image side "
            + "(it is a constant of Flux's calculate_shift)")
      }
    }
    if timeShift == .linear {
      guard let m = mu else {
        throw .invalid(
          field: "timeShift", value: "linear",
          allowed: "exponential without Flux's μ: the time shift applies to a μ (give a Flux μ "
            + "> 0 or an image side)")
      }
      guard m > 0 else {
        throw .invalid(
          field: "fluxMu", value: shortNumber(m),
          allowed: "a number > 0 with the linear time shift (σ' = μ/(μ + 1/σ − 1))")
      }
    }
    if mu != nil, s != 1 {
      throw .invalid(
        field: "shift", value: shortNumber(s),
        allowed: "1 with Flux's μ (\(shortNumber(mu!))): diffusers ignores shift under "
          + "use_dynamic_shifting; give one of them (S = e^μ is the same move)")
    }
    staticShift = s
    self.mu = mu
    self.timeShift = timeShift
    self.imageSide = imageSide
    self.flux = flux
  }

  /// How far logSNR moves: λ' = λ + offset.
  public var offset: Double {
    guard let mu else { return -2 * Double.log(staticShift) }
    switch timeShift {
    case .exponential: return -2 * mu
    case .linear: return -2 * Double.log(mu)
    }
  }

  /// The static shift that moves logSNR as far (S, e^μ or μ; S and μ themselves exactly).
  public var equivalentStaticShift: Double {
    guard let mu else { return staticShift }
    return timeShift == .exponential ? Double.exp(mu) : mu
  }

  /// Whether diffusers would need `use_dynamic_shifting` (a μ rather than a static shift).
  public var isDynamic: Bool { mu != nil }

  /// One phrase for notes and headers: `shift 3`, `Flux μ 1.15 (1024 px, exponential)`.
  public var summary: String {
    guard let mu else { return "shift \(shortNumber(staticShift))" }
    let from = imageSide.map { "\($0) px, " } ?? ""
    return "Flux μ \(shortNumber(mu)) (\(from)\(timeShift.rawValue) time shift)"
  }
}
