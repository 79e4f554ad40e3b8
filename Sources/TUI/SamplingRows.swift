import Foundation
import Schedules

/// The schedule screen's rows after the schedule's own: how training draws its noise levels
/// (the t-sampling row screen 3 shares, and the numbers of the chosen density) and the sampler
/// whose levels the plots tick (`schedtui sigmas`' settings, labelled by ``SamplerField``).
/// All edit the current ``Setting``, so undo, pins and the training run (`s`) follow them.
extension Field {
  /// The t-sampling and its numbers; the sampler's steps, and on a ddpm-* table its scheduler,
  /// spacing and steps offset; its σ conversion, and Karras' ρ when that is the conversion.
  public static func samplingFields(for s: Setting) -> [Field] {
    var rows: [Field] = [.runTSampling] + s.sampling.parameters.map(Field.tSamplingParameter)
    rows.append(.sampler(.steps))
    if s.spec.family.isDiscrete {
      rows += [.sampler(.scheduler), .sampler(.spacing), .sampler(.stepsOffset)]
    }
    rows.append(.sampler(.sigmas))
    if s.sampler.conversion == .karras { rows.append(.sampler(.karrasRho)) }
    return rows
  }

  /// The names a sampler choice row takes, in the order ←/→ cycle them; nil for a number row.
  static func samplerChoices(_ f: SamplerField) -> [String]? {
    switch f {
    case .scheduler: return DiffusersScheduler.allCases.map(\.rawValue)
    case .spacing: return TimestepSpacing.allCases.map(\.rawValue)
    case .sigmas: return SigmaConversion.allCases.map(\.rawValue)
    default: return nil
    }
  }

  /// What a sampler row allows (the checks are ``SamplerSteps``', run when the row changes).
  static func samplerAllowed(_ f: SamplerField) -> String {
    switch f {
    case .steps:
      return "a whole number in [1, \(SamplerMarks.maxSteps)], at most the table's T on ddpm-*"
    case .scheduler: return "euler, ddim or dpm-solver (the diffusers scheduler reproduced)"
    case .spacing:
      return "linspace, leading or trailing (diffusers' timestep_spacing; Lin et al. 2023)"
    case .stepsOffset: return "a whole number (diffusers' steps_offset; SD 1.x uses 1)"
    case .sigmas:
      return "schedule, karras, exponential or beta (diffusers' use_*_sigmas; ddim takes none)"
    case .karrasRho: return "a number > 0 (diffusers uses 7)"
    default: return "a value of \(f.option)"
    }
  }

  /// A sampler row's value as the list shows it; the spacing is the scheduler's own when none
  /// was chosen.
  static func samplerText(_ f: SamplerField, _ s: Schedules.SamplerSettings) -> String {
    switch f {
    case .steps: return String(s.steps)
    case .scheduler: return s.scheduler.rawValue
    case .spacing: return s.effectiveSpacing.rawValue
    case .stepsOffset: return String(s.stepsOffset)
    case .sigmas: return s.conversion.rawValue
    case .karrasRho: return short(s.karrasRho)
    default: return ""
    }
  }

  /// A sampler number row's value; NaN for a choice row.
  static func samplerNumber(_ f: SamplerField, _ s: Schedules.SamplerSettings) -> Double {
    switch f {
    case .steps: return Double(s.steps)
    case .stepsOffset: return Double(s.stepsOffset)
    case .karrasRho: return s.karrasRho
    default: return .nan
    }
  }

  /// Stores a sampler number, whole ones clamped to what an Int holds (``SamplerSteps`` then
  /// refuses what is out of range, naming the row).
  static func setSamplerNumber(_ f: SamplerField, _ v: Double, _ s: inout Schedules.SamplerSettings) {
    switch f {
    case .steps: s.steps = Int(max(min(v.rounded(), 1e15), -1e15))
    case .stepsOffset: s.stepsOffset = Int(max(min(v.rounded(), 1e15), -1e15))
    case .karrasRho: s.karrasRho = v
    default: break
    }
  }

  /// Sets a sampler choice row to `name`; false when it is not one of its names.
  static func setSamplerChoice(_ f: SamplerField, _ name: String, _ s: inout Schedules.SamplerSettings)
    -> Bool
  {
    let n = name.lowercased()
    switch f {
    case .scheduler:
      guard let v = DiffusersScheduler(rawValue: n) else { return false }
      s.scheduler = v
    case .spacing:
      guard let v = TimestepSpacing(rawValue: n) else { return false }
      s.spacing = v
    case .sigmas:
      guard let v = SigmaConversion(rawValue: n) else { return false }
      s.conversion = v
    default: return false
    }
    return true
  }

  /// A sampler choice row moved `steps` places (wrapping), past the choices this setting's
  /// sampler refuses (DDIM with a σ conversion), so ←/→ reach every allowed one.
  func cycleSampler(_ f: SamplerField, _ setting: inout Setting, by steps: Int) {
    guard let names = Field.samplerChoices(f) else { return }
    let now = Field.samplerText(f, setting.sampler)
    let i = names.firstIndex(of: now) ?? 0
    let n = names.count
    var first: Setting?
    for k in 1..<n {
      var candidate = setting
      _ = Field.setSamplerChoice(f, names[((i + k * steps.signum()) % n + n) % n], &candidate.sampler)
      if first == nil { first = candidate }
      if (try? candidate.samplerSteps()) != nil {
        setting = candidate
        return
      }
    }
    // None is allowed: the next one, whose refusal the commit reports.
    if let first { setting = first }
  }

  /// Typed text into a t-sampling number or a sampler row of `setting`.
  func parseSampling(_ t: String, _ setting: inout Setting) throws(EntryError) {
    switch self {
    case .tSamplingParameter(let p):
      guard let v = Double(t), v.isFinite else { throw EntryError(field: self, text: t) }
      setting.sampling[p] = v
      guard (try? setting.sampling.validate()) != nil else {
        throw EntryError(field: self, text: t)
      }
    case .sampler(let f):
      if Field.samplerChoices(f) != nil {
        guard Field.setSamplerChoice(f, t, &setting.sampler) else {
          throw EntryError(field: self, text: t)
        }
        return
      }
      guard let v = Double(t), v.isFinite else { throw EntryError(field: self, text: t) }
      if f == .steps || f == .stepsOffset {
        guard v == v.rounded(), abs(v) <= 1e15 else { throw EntryError(field: self, text: t) }
      }
      if f == .steps, !(1...Double(SamplerMarks.maxSteps)).contains(v) {
        throw EntryError(field: self, text: t)
      }
      if f == .karrasRho, !(v > 0) { throw EntryError(field: self, text: t) }
      Field.setSamplerNumber(f, v, &setting.sampler)
    default:
      return
    }
  }
}

/// The checks an edit of the t-sampling or the sampler passes before it enters the document:
/// the sampling's numbers, and the sampler's list on the new setting. A refusal names the row
/// that changed.
func samplingProblem(_ old: Setting, _ new: Setting) -> FieldError? {
  if new.sampling != old.sampling {
    do throws(ScheduleError) { try new.sampling.validate() } catch {
      // The number that moved, when the kind stayed; else the t-sampling row.
      if new.sampling.kind == old.sampling.kind,
        let p = new.sampling.parameters.first(where: { new.sampling[$0] != old.sampling[$0] })
      {
        return FieldError(
          field: p.label, value: short(new.sampling[p]), allowed: p.allowed, source: .explorer)
      }
      return FieldError(
        field: Field.runTSampling.label, value: new.sampling.name, allowed: error.allowedText,
        source: .explorer)
    }
  }
  // A sampler edit is refused when it breaks a list the old setting had; when there was none
  // (b ≠ 1 on a diffusers table) the edit is kept and the notes line says why there is none.
  if new.sampler != old.sampler, (try? old.samplerSteps()) != nil {
    if new.sampler.steps > SamplerMarks.maxSteps || new.sampler.steps < 1 {
      return FieldError(
        field: SamplerField.steps.label, value: "\(new.sampler.steps)",
        allowed: Field.samplerAllowed(.steps), source: .explorer)
    }
    do { _ = try new.samplerSteps() } catch let error as SamplerError {
      return error.fieldError(.explorer)
    } catch {
      // A schedule problem is the schedule rows' to report (commitDocument checks it first).
    }
  }
  return nil
}
