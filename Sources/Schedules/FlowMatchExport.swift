import RealModule

/// A rectified-flow schedule as diffusers' `FlowMatchEulerDiscreteScheduler` config, which SD3,
/// Flux and their descendants load: the schedule's shift as `shift`, or its Flux μ as
/// `use_dynamic_shifting` with `base_shift`/`max_shift`/`base_image_seq_len`/`max_image_seq_len`
/// and `time_shift_type`.
///
/// The σ diffusers then makes are the schedule's (`scripts/check_diffusers_export.py` loads the
/// folder in the real diffusers and compares):
/// - static shift S: `__init__` holds σ'(i/T) = S·t/(1 + (S−1)t), the schedule's σ at t = i/T;
/// - μ from an image side: the pipeline's `calculate_shift` at that side gives the schedule's μ
///   (the same four constants), and `set_timesteps(mu=μ)` applies it with the same time shift;
/// - μ given as a number: `base_shift = max_shift = μ`, so `calculate_shift` returns μ at every
///   image size (a pipeline that computes μ itself must be given μ).
///
/// An input scale b ≠ 1 with normalisation is folded in, exactly (it moves logSNR by 2·ln b, as a
/// static shift 1/b does): S/b, μ − ln b (exponential; base and max shift alike), μ/b (linear).
/// What has no FlowMatch equivalent is refused, named: zero terminal SNR (the flow already ends at
/// σ = 1, and the scheduler has no rescale), b ≠ 1 without normalisation.
public struct FlowMatchExport: Sendable {
  public let json: JSONValue
  /// Things the user should know, one sentence each.
  public let warnings: [String]

  /// `scheduler_config.json`'s text.
  public var schedulerConfig: String { json.rendered() + "\n" }

  /// The diffusers version whose FlowMatchEulerDiscreteScheduler keys this writes.
  public static let diffusersVersion = "0.42.1"

  /// The export of `process` (a rectified-flow schedule) with `trainSteps` levels; `prediction`
  /// is the training's output, if a training section says (FlowMatch samplers step with a
  /// velocity).
  public init(process: NoiseProcess, trainSteps: Int = 1000, prediction: Parameterization? = nil)
    throws(ScheduleError)
  {
    let schedule = process.schedule
    let spec = schedule.spec
    guard spec.family == .rectifiedFlow else {
      throw .invalid(
        field: "family", value: spec.family.rawValue,
        allowed: "rectified-flow for a FlowMatchEulerDiscreteScheduler export")
    }
    try Schedule.checkInt(trainSteps, "steps", 2...1_000_000)
    guard !spec.zeroTerminalSNR else {
      throw .invalid(
        field: "zeroTerminalSNR", value: "true",
        allowed: "false for a FlowMatchEulerDiscreteScheduler export: rectified flow already "
          + "ends at σ = 1 (zero SNR), and the scheduler has no rescale")
    }
    let b = process.inputScale
    guard b == 1 || process.normalize else {
      throw .invalid(
        field: "inputScale", value: shortNumber(b),
        allowed: "1 without normalisation: FlowMatchEulerDiscreteScheduler has no input scale, "
          + "and b ≠ 1 equals a shift only when x_t is normalised")
    }
    var warnings: [String] = []
    let shift = schedule.shift
    var members: [(key: String, value: JSONValue)] = [
      ("_class_name", .string("FlowMatchEulerDiscreteScheduler")),
      ("_diffusers_version", .string(Self.diffusersVersion)),
      ("num_train_timesteps", .int(trainSteps)),
    ]
    let lnB = Double.log(b)
    if let mu = shift.mu {
      // μ' with b folded in: exponential μ − ln b, linear μ/b; calculate_shift is affine in
      // base/max shift, so moving both moves μ at every image size the same way.
      func folded(_ m: Double) -> Double {
        shift.timeShift == .exponential ? m - lnB : m / b
      }
      let (base, max): (Double, Double)
      if shift.imageSide != nil {
        (base, max) = (folded(shift.flux.baseShift), folded(shift.flux.maxShift))
      } else {
        (base, max) = (folded(mu), folded(mu))
        warnings.append(
          "Flux μ \(shortNumber(folded(mu))) is given as a number: base_shift = max_shift = μ, "
            + "so calculate_shift returns it at every image size; a pipeline that passes mu "
            + "itself must pass \(shortNumber(folded(mu)))")
      }
      members += [
        ("shift", .double(1)), ("use_dynamic_shifting", .bool(true)),
        ("base_shift", .double(base)), ("max_shift", .double(max)),
        ("base_image_seq_len", .int(Int(shift.flux.baseSequence))),
        ("max_image_seq_len", .int(Int(shift.flux.maxSequence))),
        ("time_shift_type", .string(shift.timeShift.rawValue)),
      ]
      if let side = shift.imageSide {
        warnings.append(
          "use_dynamic_shifting: the pipeline chooses μ from the image it makes; at \(side)×\(side) "
            + "px it is \(shortNumber(folded(mu))), this schedule's μ")
      }
    } else {
      let s = shift.staticShift / b
      members += [
        ("shift", .double(s)), ("use_dynamic_shifting", .bool(false)),
        ("base_shift", .double(FluxShift().baseShift)),
        ("max_shift", .double(FluxShift().maxShift)),
        ("base_image_seq_len", .int(Int(FluxShift().baseSequence))),
        ("max_image_seq_len", .int(Int(FluxShift().maxSequence))),
        ("time_shift_type", .string(FlowTimeShift.exponential.rawValue)),
      ]
    }
    if b != 1 {
      warnings.append(
        "input scale b = \(shortNumber(b)) (normalised) is folded into the shift: it moves "
          + "logSNR by 2·ln b, as a static shift 1/b does")
    }
    members += [
      ("invert_sigmas", .bool(false)), ("shift_terminal", .null),
      ("use_karras_sigmas", .bool(false)), ("use_exponential_sigmas", .bool(false)),
      ("use_beta_sigmas", .bool(false)), ("stochastic_sampling", .bool(false)),
    ]
    if let prediction, prediction != .flow {
      warnings.append(
        "training.prediction is \(prediction.rawValue): FlowMatchEulerDiscreteScheduler steps "
          + "with a velocity ε − x0 (prediction flow); a pipeline must turn this network's "
          + "output into one")
    }
    self.json = .object(members)
    self.warnings = warnings
  }
}
