import Schedules

/// Applies `action` to `state`: the only way the explorer's state changes. Pure: no I/O, no
/// clock; file work comes back as effects for the shell to perform.
///
/// A router: reports of background work go to their screen whatever is open; with an overlay
/// open, the overlay takes the action (``Overlays``); else the screens take theirs
/// (``ScreenDefinition/reduce(_:_:)``), then the parameter list, then the global keys.
///
/// Every edit of the document goes through ``commitDocument(_:_:)``, which validates the
/// result (so a refused value changes nothing and says why in the status line) and pushes the
/// previous document on the undo stack.
@discardableResult
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
  // A status message lasts until the next key; reports and effect results bring their own.
  if !action.isReport { state.message = nil }
  for screen in Screen.allCases {
    if let effects = screen.definition.reduceReport(&state, action) { return effects }
  }
  if let modal = state.modal { return Overlays.reduce(&state, modal, action) }
  for screen in Screen.allCases {
    if let effects = screen.definition.reduce(&state, action) { return effects }
  }
  return ParameterList.reduce(&state, action) ?? GlobalKeys.reduce(&state, action)
}

/// Validates `d` and makes it the document, keeping the old one for undo. Returns the problem,
/// named as the explorer names its rows (and changes nothing), when the current setting, the
/// extra UI limits or the training setup are violated.
func commitDocument(_ state: inout AppState, _ d: Document) -> FieldError? {
  if d == state.document { return nil }
  do {
    _ = try d.current.checkedProcess()
  } catch {
    return error.fieldError(.explorer)
  }
  let s = d.current.spec
  if !(s.resolution >= 1 && s.resolution <= 65536) {
    return FieldError(
      field: "resolution", value: short(s.resolution), allowed: "a whole number in 1…65536",
      source: .explorer)
  }
  if let g = d.fixedPreviewGamma, !(g > 0 && g <= 1) {
    return FieldError(
      field: Field.previewGamma.label, value: short(g), allowed: "a number in (0, 1]",
      source: .explorer)
  }
  if let problem = samplingProblem(state.document.current, d.current) { return problem }
  if d.setup != state.document.setup {
    // The engine's own check, on what `s` would train, with the rows' labels.
    do { try d.trainingConfig.validate(source: .explorer) } catch { return error }
  }
  state.undoStack.append(state.document)
  if state.undoStack.count > AppState.undoLimit { state.undoStack.removeFirst() }
  state.redoStack.removeAll()
  state.document = d
  return nil
}
