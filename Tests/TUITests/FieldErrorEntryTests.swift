import Engine
import Schedules
import Testing

@testable import TUI

/// The explorer's refusals are field errors named as the explorer names the row (issue 12,
/// part 3): the label, the value, what is allowed; no Swift-internal names.
@Suite struct FieldErrorEntryTests {
  static let internalWords = ["DecodingError", "Debug description", "inputScale", "CodingKeys"]

  func clean(_ text: String) -> Bool { !Self.internalWords.contains { text.contains($0) } }

  @Test("text that is not a number for b names the row b (input scale) and what it takes")
  func entryInputScale() {
    var d = Document(current: Setting(spec: ScheduleSpec(family: .linear)))
    var t = 0.5
    do {
      try Field.inputScale.parse("abc", into: &d, cursorT: &t)
      Issue.record("accepted abc")
    } catch {
      #expect(error.description == "b (input scale) = \"abc\" is not allowed: a number")
      #expect(error.fieldError.source == .explorer)
      #expect(clean(error.description))
    }
  }

  @Test("a setup choice that is not a name lists the vocabulary's names")
  func entryChoice() {
    var c = TrainingConfig()
    do {
      try Field.runSampler.parseSetup("euler", &c)
      Issue.record("accepted euler")
    } catch {
      #expect(error.description == "sampler = \"euler\" is not allowed: ddpm, ddim")
    }
    do {
      try Field.runWeighting.parseSetup("l1", &c)
      Issue.record("accepted l1")
    } catch {
      // The names files hold, with the names the explorer shows in brackets.
      #expect(error.description.hasPrefix("weighting = \"l1\" is not allowed: eps-mse (ε-MSE), "))
    }
    // A display name is accepted when typed, as the README says.
    #expect(throws: Never.self) { try Field.runPrediction.parseSetup("v-prediction", &c) }
    #expect(c.prediction == .v)
  }

  @Test("a schedule the engine refuses names the explorer's label, never the property")
  func scheduleErrorInExplorer() {
    // What the explorer's status line shows for b = −1 (commitDocument uses the description).
    do {
      _ = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)), inputScale: -1)
      Issue.record("accepted b = -1")
    } catch {
      #expect(error.description.hasPrefix("b (input scale) = -1.0 is not allowed: a number > 0"))
      #expect(clean(error.description))
    }
  }

  @Test("the setup rows quote the training limits")
  func setupAllowed() {
    #expect(Field.runBatch.allowed == "a whole number in 1 … 4096")
    #expect(Field.runSteps.allowed == "a whole number in 1 … 10000000")
    #expect(Field.runResolution.allowed == "8, 16, 32 (digits) or 16, 32, 64 (patches)")
  }
}
