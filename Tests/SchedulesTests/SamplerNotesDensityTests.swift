import Foundation
import Schedules
import Testing

/// The rare-level note reads the training density under the chosen t-sampling (its exact p(λ)),
/// and a level a float32 rounding past the schedule's end reads the end's density.
@Suite struct SamplerNotesDensityTests {
  func rare(_ notes: [SamplerNote]) -> SamplerNote? { notes.first { $0.kind == .rareInTraining } }

  @Test("rectified flow, logit-normal 0:0.5: rare exactly where |λ| > √(2 ln 100) (closed form)")
  func logitNormalRareLevels() throws {
    // Shift 1: λ = −2·logit(σ) with σ the flow's t, and logit t ~ N(0, 0.5²), so λ ~ N(0, 1):
    // under 1% of the peak 1/√(2π) exactly where |λ| > √(2 ln 100) = 3.0349 (hand derivation,
    // independent of the schedule's inverse and dλ/dt).
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .rectifiedFlow)))
    let list = try SamplerSteps(process: process, settings: SamplerSettings(steps: 10))
    let levels = list.sigmas.dropLast()
    let bound = (2 * Foundation.log(100.0)).squareRoot()
    let expected = levels.filter {
      let lambda = -2 * Foundation.log($0 / (1 - $0))
      return lambda.isFinite && abs(lambda) > bound
    }.count
    #expect(expected >= 2)  // the list's ends (σ = 1 is λ = −∞ and is no level the note counts)
    let note = try #require(
      rare(list.notes(training: process, sampling: .logitNormal(mean: 0, std: 0.5))))
    let finite = levels.filter { $0 > 0 && $0 < 1 }.count
    #expect(note.text.hasPrefix("\(expected) of \(finite) levels lie where the training density"))
    #expect(note.text.contains("(logit-normal:0:0.5)"))
    // Under uniform t the same list has fewer rare levels: the note follows the sampling.
    let uniform = rare(list.notes(training: process))
    #expect((uniform.map { Int($0.text.prefix { $0 != " " })! } ?? 0) < expected)
  }

  @Test("trailing's first level, the table's t = 1, is not called rarely trained (it was 0 there)")
  func tableEndIsTrained() throws {
    // SD's scaled_linear table at 10 steps, trailing: timesteps 999, 899, …, 99 (Lin et al.
    // 2023, Table 2). Level 999 is drawn as often as any other in training; its density per unit
    // λ is 1/|dλ/dt| at t = 1, 0.0824 here (`schedtui curve`'s density column), over half the
    // peak 0.153, not under 1% of it.
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .ddpmScaledLinear)))
    let list = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 10, spacing: .trailing))
    #expect(list.timesteps.first == 999)
    #expect(rare(list.notes(training: process)) == nil)
    #expect(process.schedule.logSNRDensity(atT: 1) > 0.01 * 0.1528)
  }

  @Test("every note has a short form no longer than its sentence")
  func shortForms() throws {
    var spec = ScheduleSpec(family: .ddpmScaledLinear)
    spec.zeroTerminalSNR = true
    let process = try NoiseProcess(schedule: Schedule(spec))
    let list = try SamplerSteps(
      process: process, settings: SamplerSettings(steps: 10, spacing: .leading))
    let notes = list.notes(training: process)
    #expect(notes.contains { $0.kind == .start && $0.serious })
    for n in notes { #expect(n.short.count <= n.text.count && !n.short.isEmpty) }
    let start = try #require(notes.first { $0.kind == .start })
    #expect(start.short.hasPrefix("starts at λ ") && start.short.hasSuffix("(zero SNR: trailing)"))
  }
}
