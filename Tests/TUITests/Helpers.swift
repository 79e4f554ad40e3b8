import Testing

@testable import TUI

/// Moves the selection to `field` by pressing ↓ as a user would.
func selectField(_ field: Field, _ s: inout AppState) {
  for _ in 0..<s.fields.count where s.selectedField != field { reduce(&s, .select(1)) }
  #expect(s.selectedField == field)
}
