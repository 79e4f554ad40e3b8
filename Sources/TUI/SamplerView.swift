import Foundation
import Schedules

extension Setting {
  /// The sampler settings that apply to this family (``SamplerSteps`` refuses the others): the
  /// scheduler, spacing and steps offset only on a ddpm-* table. The rest stay stored, so a
  /// family switched away and back gets them again.
  public var appliedSampler: Schedules.SamplerSettings {
    var s = sampler
    if !spec.family.isDiscrete {
      s.scheduler = .euler
      s.spacing = nil
      s.stepsOffset = 0
    }
    return s
  }

  /// The list the sampler visits on this setting's process, as `schedtui sigmas` makes it.
  public func samplerSteps() throws -> SamplerSteps {
    try SamplerSteps(process: process(), settings: appliedSampler)
  }

  /// This setting with `other`'s sampler: a loaded preset, config or run changes the schedule
  /// (and its t-sampling), not the sampler the user is comparing with.
  public func keepingSampler(of other: Setting) -> Setting {
    var s = self
    s.sampler = other.sampler
    return s
  }

  /// The sampler in a few words, the settings that differ from the defaults only
  /// ("10 steps leading karras"); empty for the defaults.
  public var samplerLabel: String {
    let s = appliedSampler
    let d = Schedules.SamplerSettings()
    var parts: [String] = []
    if s.steps != d.steps { parts.append("\(s.steps) steps") }
    if s.scheduler != d.scheduler { parts.append(s.scheduler.rawValue) }
    if let spacing = s.spacing { parts.append(spacing.rawValue) }
    if s.stepsOffset != 0 { parts.append("offset \(s.stepsOffset)") }
    if s.conversion != .schedule { parts.append(s.conversion.rawValue) }
    if s.conversion == .karras, s.karrasRho != Schedules.SamplerSettings.diffusersRho {
      parts.append("ρ=\(short(s.karrasRho))")
    }
    return parts.joined(separator: " ")
  }

  /// A pin's legend name: the setting's label and, when not the defaults, its sampler.
  public var pinName: String {
    samplerLabel.isEmpty ? label : label + " · " + samplerLabel
  }
}

/// What the schedule screen draws of one setting's sampler: a tick per level on the logSNR(t)
/// curve, a mark per level on the density curve, and the notes (or why there is no list).
public struct SamplerMarks: Sendable {
  /// (t, λ) of each level the network is evaluated at (the final σ = 0 is not one): on the
  /// curve by construction, t being where the setting's own λ(t) reaches the level's λ.
  public var ticks: [(x: Double, y: Double)] = []
  /// (λ, p(λ)) of the same levels under the setting's t-sampling.
  public var densityMarks: [(x: Double, y: Double)] = []
  public var notes: [SamplerNote] = []
  /// Why the setting has no list (b ≠ 1 on a diffusers table, too many steps, …).
  public var problem: FieldError?

  /// The explorer draws at most this many levels: beyond it the ticks merge into a band, and
  /// every frame would invert the schedule for each.
  public static let maxSteps = 1000

  public init(_ setting: Setting) {
    guard setting.sampler.steps <= SamplerMarks.maxSteps else {
      problem = FieldError(
        field: SamplerField.steps.label, value: "\(setting.sampler.steps)",
        allowed: "at most \(SamplerMarks.maxSteps) to draw (schedtui sigmas lists more)",
        source: .explorer)
      return
    }
    let list: SamplerSteps
    let process: NoiseProcess
    do {
      process = try setting.process()
      list = try setting.samplerSteps()
    } catch let error as SamplerError {
      problem = error.fieldError(.explorer)
      return
    } catch let error as ScheduleError {
      problem = error.fieldError(.explorer)
      return
    } catch {
      problem = FieldError(
        field: SamplerField.steps.label, value: "\(setting.sampler.steps)", allowed: "\(error)",
        source: .explorer)
      return
    }
    for lambda in list.logSNR.prefix(list.timesteps.count) {
      if lambda == .infinity { continue }
      // σ = ∞ (DDIM's zero-SNR start) sits at t = 1, below every plotted λ.
      let t = lambda == -.infinity ? 1 : process.t(forLogSNR: lambda)
      ticks.append((t, lambda))
      if lambda.isFinite {
        // At the tick's t: p(λ) without a second inversion, and a level a float32 rounding
        // past the table's end gets the end's density, as the notes read it.
        densityMarks.append((lambda, process.logSNRDensity(atT: t, sampling: setting.sampling)))
      }
    }
    notes = list.notes(training: process, sampling: setting.sampling)
  }
}

extension Renderer {
  /// The sampler's ticks, marks and notes for `setting`, kept while the setting is unchanged
  /// (the notes search the training density's peak over 4000 levels).
  func samplerMarks(_ setting: Setting) -> SamplerMarks {
    if let m = samplerCache[setting] { return m }
    let m = SamplerMarks(setting)
    if samplerCache.count > 64 { samplerCache.removeAll() }
    samplerCache[setting] = m
    return m
  }

  /// The sampler notes of the current setting in one line: the full sentences when they fit,
  /// else each note's short form, serious ones first and in the error colour; what does not fit
  /// is counted ("+2").
  func samplerNotesLine(_ setting: Setting, _ marks: SamplerMarks, _ grid: inout Grid, _ r: Rect) {
    let g = theme.glyphs
    // The sampler's settings when there is room for them beside the notes (the rows show them).
    let named = "sampler" + (setting.samplerLabel.isEmpty ? "" : " " + setting.samplerLabel) + ": "
    let head = r.width >= 100 ? named : "sampler: "
    var x = grid.write(g.text(head), x: r.x, y: r.y, theme.dim, maxWidth: r.width)
    if let problem = marks.problem {
      grid.write(
        g.text("no list: " + problem.description), x: x, y: r.y, theme.error,
        maxWidth: r.maxX - x)
      return
    }
    let notes = marks.notes.filter(\.serious) + marks.notes.filter { !$0.serious }
    if notes.isEmpty {
      grid.write(g.text("no notes"), x: x, y: r.y, theme.dim, maxWidth: r.maxX - x)
      return
    }
    let room = r.maxX - x
    // Measured as drawn (an ASCII terminal spells λ and → out).
    let separator = g.text(" · ")
    let sentences = notes.map { g.text($0.text) }
    let fits = sentences.joined(separator: separator).count <= room
    let texts = fits ? sentences : notes.map { g.text($0.short) }
    for (i, (note, text)) in zip(notes, texts).enumerated() {
      let rest = notes.count - i - 1
      let more = rest > 0 ? " +\(rest)" : ""
      let piece = (i > 0 ? separator : "") + text
      // The last piece that fits whole, leaving room to say how many follow.
      if x + piece.count + (rest > 0 ? more.count : 0) > r.maxX {
        if i == 0 {
          // Not even the first fits whole: cut it, keeping its start.
          let ellipsis = g.text("…")
          let cut = max(0, room - ellipsis.count - more.count)
          x = grid.write(
            String(text.prefix(cut)) + ellipsis, x: x, y: r.y,
            note.serious ? theme.error : theme.text, maxWidth: r.maxX - x)
        }
        grid.write(
          i == 0 ? more : " +\(notes.count - i)", x: x, y: r.y, theme.dim,
          maxWidth: r.maxX - x)
        return
      }
      x = grid.write(
        piece, x: x, y: r.y, note.serious ? theme.error : theme.text, maxWidth: r.maxX - x)
    }
  }
}
