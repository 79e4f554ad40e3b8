import Engine
import Schedules
import Testing

@testable import TUI

/// Issue 22, finding 9: the numbers typed or read are the numbers used, or refused naming them.
@Suite struct ExactNumberTests {
  /// Types `text` into `field` of the training setup; returns the state and the refusal, if any.
  func typed(_ text: String, into field: Field) -> (AppState, String?) {
    var s = explorer(on: .training)
    selectField(field, &s)
    reduce(&s, .beginEdit)
    for c in text { reduce(&s, .type(c)) }
    reduce(&s, .commit)
    if case .edit(_, let entry) = s.modal { return (s, entry.error) }
    return (s, nil)
  }

  @Test("a 16-digit seed typed is kept whole and shown whole", arguments: [
    "1234567890123456", "999999999999999", "9007199254740991",
  ])
  func seedKept(text: String) {
    let (s, error) = typed(text, into: .runSeed)
    #expect(error == nil)
    #expect(s.document.setup.seed == UInt64(text))
    #expect(Field.runSeed.setupText(s.document.setup) == text)
  }

  @Test("a seed of 2^53 or more is refused naming the digits typed")
  func seedTooLarge() {
    let (_, error) = typed("9007199254740993", into: .runSeed)
    #expect(error?.contains("9007199254740993") == true, "\(String(describing: error))")
  }

  @Test("a 50-digit step count is refused naming the digits typed, not another number")
  func hugeSteps() {
    let digits = String(repeating: "9", count: 50)
    let (s, error) = typed(digits, into: .runSteps)
    #expect(error?.contains(digits) == true, "\(String(describing: error))")
    #expect(s.document.setup.steps == TrainingConfig().steps)
  }

  @Test("a config seed of 2^53 + 1 is refused, naming the number as written")
  func configSeed() {
    let text = #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "training": {"seed": 9007199254740993}}"#
    #expect { try Config.decode(text, file: "c.json") } throws: { error in
      "\(error)".contains("9007199254740993") && "\(error)".contains("training.seed")
    }
    let ok = #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "training": {"seed": 9007199254740991}}"#
    #expect((try? Config.decode(ok, file: "c.json"))?.training?.seed == 9_007_199_254_740_991)
  }

  @Test("min_snr_gamma 1e-320 is refused: a weight that small trains nothing")
  func tinyGamma() {
    let text = #"{"schedtui_config_version": 1, "schedule": {"family": "linear"}, "training": {"min_snr_gamma": 1e-320}}"#
    #expect { try Config.decode(text, file: "c.json") } throws: { error in
      "\(error)".contains("min_snr_gamma")
    }
    var c = TrainingConfig()
    c.minSNRGamma = 1e-320
    #expect(throws: FieldError.self) { try c.validate() }
  }

  @Test("cosine with τ = 1e-300 blames τ, not start")
  func tinyTau() {
    var spec = ScheduleSpec(family: .cosine)
    spec.tau = 1e-300
    #expect { try Schedule(spec) } throws: { error in
      guard case ScheduleError.invalid(let field, _, _) = error else { return false }
      return field == "tau"
    }
  }
}
