import Foundation
import Engine
import Schedules
import Testing

@testable import TUI

/// Screen 3's `norm` row: UNet-S's block norm, shown only while the setup's model is UNet-S,
/// and a new model's default norm when the model row moves (group:8 for UNet-S).
@Suite struct NormRowTests {
  @Test("the norm row shows only for UNet-S; moving the model sets its default norm; ←/→ and typing edit it")
  func normRow() {
    var s = explorer(on: .training)
    #expect(s.document.setup.model == .mlpS && s.document.setup.norm == .none)
    #expect(!s.fields.contains(.runNorm))
    typeEntry("16", into: .runResolution, &s)
    selectField(.runModel, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.model == .convResS && s.document.setup.norm == .none)
    #expect(!s.fields.contains(.runNorm))
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.model == .unetS && s.document.setup.norm == .group(8))
    // Right under the model, labelled as `--norm`'s setting is.
    let rows = s.fields
    #expect(rows.firstIndex(of: .runNorm) == rows.firstIndex(of: .runModel).map { $0 + 1 })
    #expect(Field.runNorm.label == "norm")
    #expect(Field.runNorm.text(in: s) == "group:8")
    selectField(.runNorm, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.norm == .none)
    typeEntry("group:4", into: .runNorm, &s)
    #expect(s.modal == nil && s.document.setup.norm == .group(4))
    typeEntry("group:3", into: .runNorm, &s)
    guard case .edit(.runNorm, let entry) = s.modal else {
      Issue.record("group:3 was not refused: \(String(describing: s.modal))")
      return
    }
    #expect(entry.error?.contains("G one of 1, 2, 4, 8, 16, 32") == true)
    reduce(&s, .cancel)
    // The run `s` starts trains what the row shows.
    guard case .startTraining(_, let config)? = reduce(&s, .toggleTraining).first else {
      Issue.record("no training started")
      return
    }
    #expect(config.model == .unetS && config.norm == .group(4))
    // Away from UNet-S the norm goes back to none (the other models refuse any other) and the
    // row is hidden; back on UNet-S it is the default again.
    selectField(.runModel, &s)
    reduce(&s, .adjust(steps: 1, coarse: false))
    #expect(s.document.setup.model == .mlpS && s.document.setup.norm == .none)
    #expect(!s.fields.contains(.runNorm))
    typeEntry("unet-s", into: .runModel, &s)
    #expect(s.document.setup.model == .unetS && s.document.setup.norm == .group(8))
  }

  @Test("the model and data rows carry the x0 skip's default along (6 for UNet-S on photographs, else 8); a skip chosen otherwise stays")
  func skipFollows() {
    var s = explorer(on: .training)
    #expect(s.document.setup.x0Skip == 8)
    typeEntry("patches", into: .runData, &s)
    typeEntry("16", into: .runResolution, &s)
    #expect(s.document.setup.x0Skip == 8)  // MLP-S on photographs keeps 8
    typeEntry("unet-s", into: .runModel, &s)
    #expect(s.document.setup.model == .unetS && s.document.setup.x0Skip == 6)
    typeEntry("digits", into: .runData, &s)
    #expect(s.document.setup.x0Skip == 8)
    s.document.setup.x0Skip = nil
    typeEntry("patches", into: .runData, &s)
    #expect(s.document.setup.x0Skip == nil)
  }
}
