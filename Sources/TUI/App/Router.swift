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

/// Validates `d` and makes it the document, keeping the old one for undo. Returns the problem
/// (and changes nothing) when the current setting or the extra UI limits are violated.
func commitDocument(_ state: inout AppState, _ d: Document) -> String? {
  if d == state.document { return nil }
  do {
    _ = try d.current.checkedProcess()
  } catch {
    return error.description
  }
  let s = d.current.spec
  if !(s.resolution >= 1 && s.resolution <= 65536) {
    return "resolution = \(short(s.resolution)) is not allowed: a whole number in 1…65536"
  }
  if let g = d.previewGamma, !(g > 0 && g <= 1) {
    return "noise at γ = \(short(g)) is not allowed: a number in (0, 1]"
  }
  if d.setup != state.document.setup {
    // The engine's own check, on what `s` would train: its message names the field as
    // `schedtui train` does (`lr`, `sample-steps`) with what is allowed.
    do { try d.trainingConfig.validate() } catch { return error.description }
  }
  state.undoStack.append(state.document)
  if state.undoStack.count > AppState.undoLimit { state.undoStack.removeFirst() }
  state.redoStack.removeAll()
  state.document = d
  return nil
}
