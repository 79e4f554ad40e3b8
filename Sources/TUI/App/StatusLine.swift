/// The bottom line: the edit line or prompt when one is open, else the last status message,
/// else hints for what is open (an overlay's, or the screen's ``ScreenDefinition/hints(_:)``).
extension Renderer {
  func statusLine(_ state: AppState, _ grid: inout Grid) {
    let g = theme.glyphs
    let y = grid.height - 1
    switch state.modal {
    case .edit(let field, let entry):
      entryLine(&grid, y: y, question: "\(field.label) =", entry: entry, hint: field.allowed)
      return
    case .prompt(let kind, let entry):
      entryLine(
        &grid, y: y, question: kind.question + (kind.question.hasSuffix("=") ? "" : ":"),
        entry: entry, hint: kind.hint)
      return
    default: break
    }
    // The training queue's progress, at the right of every screen's line while a run goes.
    var width = grid.width
    if let named = state.queueStatus(named: true), let bare = state.queueStatus(named: false) {
      let text = g.text(named + " ")
      let shown = text.count <= grid.width / 2 ? text : g.text(bare + " ")
      width -= shown.count + 1
      grid.write(shown, x: grid.width - shown.count, y: y, Style(fg: Theme.current, bg: .default, .bold))
    }
    if let m = state.message {
      grid.write(
        g.text(" " + m.text), x: 0, y: y, m.isError ? theme.error : theme.ok, maxWidth: width)
      return
    }
    let hints: String
    switch state.modal {
    case .help(let page):
      let pages = helpLayout(width: grid.width, height: grid.height).pages
      hints =
        pages > 1
        ? " help page \(min(page, pages - 1) + 1) of \(pages): ↓ PgDn next · ↑ PgUp back · "
          + "other keys close · q quits"
        : " any key: close help   q: quit"
    case .presets:
      hints =
        " "
        + KeyMap.hints(
          for: [
            .select(-1), .focusNext, .commit, .pinPreset, .pinPresetGroup, .clearPins, .cancel,
          ], in: state, separator: " "
        ).joined(separator: " · ")
    case .confirmQuit:
      hints =
        " " + KeyMap.hints(for: [.confirm(true), .confirm(false)], in: state, separator: ": ")
        .joined(separator: " · ")
    default:
      // As many of the screen's hints as fit, most important first; ? leads to all of them.
      let items = KeyMap.hints(for: state.screen.definition.hints(state), in: state)
      var line = ""
      for item in items where line.count + item.count + 1 <= width { line += " " + item }
      hints = line
    }
    grid.write(g.text(hints), x: 0, y: y, theme.dim)
  }

  func entryLine(_ grid: inout Grid, y: Int, question: String, entry: TextEntry, hint: String) {
    let g = theme.glyphs
    var col = grid.write(g.text(" \(question) "), x: 0, y: y, theme.title)
    let start = col
    // A selected value is shown reversed (the next key replaces it); otherwise the character
    // under the caret is, or a bar after the text when the caret is at its end.
    col = grid.write(entry.text, x: col, y: y, entry.selected ? theme.selected : theme.text)
    if !entry.selected, entry.caret < entry.text.count {
      let x = start + entry.caret
      if grid.contains(x, y) { grid[x, y].style = theme.selected.with(.bold) }
    } else {
      grid.put(col, y, g.unicode ? "▏" : "_", Style(fg: Theme.current))
    }
    if let e = entry.error {
      // On the row above, or the two above when it is longer than the terminal is wide.
      let lines = wrap(g.text(e), width: grid.width - 2)
      let shown = lines.count > 2 ? [lines[0], lines[1...].joined(separator: " ")] : lines
      for (i, l) in shown.enumerated() {
        let row = y - shown.count + i
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1))
        grid.write(" " + l, x: 0, y: row, theme.error)
      }
    } else {
      grid.write(g.text("   " + hint), x: col + 2, y: y, theme.dim, maxWidth: grid.width - col - 2)
    }
  }
}
