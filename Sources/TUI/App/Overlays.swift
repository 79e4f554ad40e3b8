import Foundation
import Schedules

/// What is drawn over a screen and takes the keys until it closes (``Modal``): the help, the
/// preset list, the quit question, and the edit line and path prompts (drawn in the status
/// line, ``Renderer/statusLine(_:_:)``). Each has its key table, its actions and its drawing.
enum Overlays {
  // MARK: - Keys

  static let entryKeys = KeyTable(
    title: "edit line", note: "typed values and path prompts",
    [
      KeyBinding(
        catchall: .typing, label: "typing", help: "old value selected: typing replaces it",
        action: .type(" ")),
      KeyBinding(
        label: "←→ Home End", help: "move the caret",
        [
          (.left, .moveCaret(-1)), (.right, .moveCaret(1)), (.home, .caretToEnd(false)),
          (.end, .caretToEnd(true)),
        ]),
      KeyBinding(
        label: "Bksp Del", help: "delete the selection or a character",
        [(.backspace, .backspace), (.delete, .deleteForward)]),
      KeyBinding(keys: [.enter], label: "Enter", help: "accept", action: .commit),
      KeyBinding(keys: [.escape, .ctrl("c")], label: "Esc Ctrl-C", help: "cancel", action: .cancel),
    ])

  static let presetKeys = KeyTable(
    title: "presets", note: "the preset list (t)",
    [
      KeyBinding(
        label: "↑ k ↓ j", help: "choose a preset",
        [
          (.up, .select(-1)), (.char("k"), .select(-1)), (.wheelUp, .select(-1)),
          (.down, .select(1)), (.char("j"), .select(1)), (.wheelDown, .select(1)),
        ]
      ).hinted("choose", keys: "↑↓"),
      KeyBinding(
        label: "PgUp PgDn", help: "ten presets up / down",
        [(.pageUp, .select(-10)), (.pageDown, .select(10))]),
      KeyBinding(
        label: "Tab S-Tab", help: "next / previous group",
        [(.tab, .focusNext), (.backTab, .focusPrevious)]
      ).hinted("next group", keys: "Tab"),
      KeyBinding(keys: [.enter], label: "Enter", help: "load the preset", action: .commit)
        .hinted("load"),
      KeyBinding(
        label: "p a", help: "pin it / pin its group (a figure)",
        [(.char("p"), .pinPreset), (.char("a"), .pinPresetGroup)]
      ).hinted("pin", keys: "p").hinted("pin group", keys: "a", for: .pinPresetGroup),
      KeyBinding("c", "clear all pins", .clearPins).hinted("clear"),
      KeyBinding(
        label: "u Ctrl-R U", help: "undo / redo",
        [(.char("u"), .undo), (.ctrl("r"), .redo), (.char("U"), .redo)]),
      KeyBinding(
        keys: [.escape, .char("t"), .char("q")], label: "Esc t q", help: "close the list",
        action: .cancel
      ).hinted("close"),
      KeyBinding(keys: [.ctrl("c")], label: "Ctrl-C", help: "quit", action: .requestQuit),
    ])

  static let quitKeys = KeyTable(
    title: "quit?", note: "asked while work is running",
    [
      KeyBinding(
        keys: [.char("y"), .char("Y"), .char("q"), .ctrl("c")], label: "y Y q Ctrl-C",
        help: "quit anyway", action: .confirm(true)
      ).hinted("quit"),
      KeyBinding(
        keys: [.char("n"), .char("N"), .escape], label: "n N Esc", help: "stay",
        action: .confirm(false)
      ).hinted("stay"),
    ])

  static let helpKeys = KeyTable(
    title: "help", note: "this list",
    [
      KeyBinding(
        keys: [.down, .char("j"), .pageDown, .char(" "), .wheelDown], label: "↓ j PgDn Spc",
        help: "next page", action: .select(1)),
      KeyBinding(
        keys: [.up, .char("k"), .pageUp, .wheelUp], label: "↑ k PgUp", help: "previous page",
        action: .select(-1)),
      KeyBinding(
        keys: [.ctrl("c"), .char("q")], label: "q Ctrl-C", help: "quit", action: .requestQuit),
      KeyBinding(
        catchall: .everyKey, label: "other keys", help: "close the help", action: .toggleHelp),
    ])

  /// Every overlay's table, in help order.
  static let keyTables = [entryKeys, presetKeys, quitKeys, helpKeys]

  static func keys(for modal: Modal) -> KeyTable {
    switch modal {
    case .edit, .prompt: return entryKeys
    case .presets: return presetKeys
    case .confirmQuit: return quitKeys
    case .help: return helpKeys
    }
  }

  // MARK: - Actions

  /// What `action` does with `modal` open; anything else does nothing.
  static func reduce(_ state: inout AppState, _ modal: Modal, _ action: Action) -> [Effect] {
    switch modal {
    case .help(let page):
      switch action {
      case .toggleHelp, .cancel, .commit: state.modal = nil
      // Pages are counted by the view (they depend on the terminal's size), which clamps this.
      case .select(let delta): state.modal = .help(page: max(0, page + delta))
      case .requestQuit: requestQuit(&state)
      default: break
      }
      return []
    case .confirmQuit:
      switch action {
      case .confirm(true), .commit, .requestQuit: state.shouldQuit = true
      case .confirm(false), .cancel: state.modal = nil
      default: break
      }
      return []
    case .edit(let field, let entry):
      return reduceEntry(&state, entry, action, reopen: { .edit(field, $0) }) { state, entry in
        commitEdit(&state, field, &entry)
      }
    case .prompt(let kind, let entry):
      return reduceEntry(&state, entry, action, reopen: { .prompt(kind, $0) }) { state, entry in
        commitPrompt(&state, kind, &entry)
      }
    case .presets(let selected):
      reducePresets(&state, selected, action)
      return []
    }
  }

  /// An edit line or prompt: text editing, Esc, and Enter, which runs `commit`; a commit that
  /// returns nil was refused (the entry's error says why) and leaves the line open.
  static func reduceEntry(
    _ state: inout AppState, _ entry: TextEntry, _ action: Action, reopen: (TextEntry) -> Modal,
    commit: (inout AppState, inout TextEntry) -> [Effect]?
  ) -> [Effect] {
    var entry = entry
    if editText(&entry, action) {
      state.modal = reopen(entry)
      return []
    }
    switch action {
    case .cancel: state.modal = nil
    case .commit:
      state.modal = nil
      if let effects = commit(&state, &entry) { return effects }
      state.modal = reopen(entry)
    default: break
    }
    return []
  }

  /// Enter in the edit line of `field`: the typed value, parsed and committed; nil when refused.
  static func commitEdit(_ state: inout AppState, _ field: Field, _ entry: inout TextEntry)
    -> [Effect]?
  {
    var d = state.document
    var t = state.cursorT
    do {
      try field.parse(entry.text, into: &d, cursorT: &t)
    } catch {
      entry.error = error.description
      return nil
    }
    if field == .cursorT {
      state.cursorT = t
    } else if let problem = commitDocument(&state, d) {
      entry.error = problem.description
      return nil
    }
    return []
  }

  /// Enter in a prompt: the effect for the typed path or list; nil when refused.
  static func commitPrompt(_ state: inout AppState, _ kind: PromptKind, _ entry: inout TextEntry)
    -> [Effect]?
  {
    let path = entry.text.trimmingCharacters(in: .whitespaces)
    // A list is checked by its own rule below, which names what an empty one lacks.
    guard !path.isEmpty || kind == .previewResolutions else {
      entry.error = "the path is empty: type a file name"
      return nil
    }
    switch kind {
    case .exportConfig, .exportDiffusers:
      let (d, replace) = (state.document, entry.replaceConfirmed)
      if kind == .exportConfig {
        state.defaultConfigPath = path
        return [.exportConfig(d.current, setup: d.setup, path: path, replace: replace)]
      }
      state.defaultDiffusersPath = path
      return [.exportDiffusers(d.current, setup: d.setup, path: path, replace: replace)]
    case .importConfig:
      state.defaultConfigPath = path
      return [.importConfig(path: path)]
    case .openSweep:
      return [.openSweep(path: path)]
    case .openImage:
      return [.loadPreview(image: path, resolutions: state.previewResolutions)]
    case .previewResolutions:
      do {
        let list = try Field.parsePreviewResolutions(path)
        return [.loadPreview(image: state.previewImagePath, resolutions: list)]
      } catch {
        entry.error = error.description
        return nil
      }
    case .sweepSetup(let row):
      return SweepScreen.commitSetupRow(&state, row, path, &entry)
    case .exportRun:
      guard let run = state.runs.selectedEntry else {
        entry.error = "no run is chosen: the runs folder has no finished run"
        return nil
      }
      return [
        .exportRun(
          run.setting, setup: run.record.summary.config, path: path,
          replace: entry.replaceConfirmed)
      ]
    }
  }

  static func reducePresets(_ state: inout AppState, _ selected: Int, _ action: Action) {
    switch action {
    case .select(let delta):
      guard !state.presets.isEmpty else { return }
      state.modal = .presets(selected: min(max(selected + delta, 0), state.presets.count - 1))
    case .cancel, .openPresets: state.modal = nil
    case .commit:
      guard state.presets.indices.contains(selected) else { return }
      let p = state.presets[selected]
      var d = state.document
      d.current = p.setting
      if let t = p.training {
        d.setup.tSampling = t.tSampling
        d.setup.section.prediction = t.prediction
        d.setup.section.weighting = t.weighting
      }
      if let problem = commitDocument(&state, d) {
        state.message = StatusMessage(problem.description, isError: true)
      } else {
        state.modal = nil
        state.message = StatusMessage("loaded \(p.group): \(p.name)")
      }
    case .pinPreset, .pin:
      guard state.presets.indices.contains(selected) else { return }
      let p = state.presets[selected]
      addPins(&state, [(p.pinName, p.setting)])
    case .pinPresetGroup:
      guard state.presets.indices.contains(selected) else { return }
      let group = state.presets[selected].group
      addPins(&state, state.presets.filter { $0.group == group }.map { ($0.pinName, $0.setting) })
    case .focusNext, .focusPrevious:
      // Tab / Shift-Tab jump to the first preset of the next / previous group.
      guard state.presets.indices.contains(selected) else { return }
      let groups = state.presets.map(\.group)
      var i = selected
      if action == .focusNext {
        while i < groups.count - 1 && groups[i] == groups[selected] { i += 1 }
      } else {
        while i > 0 && groups[i - 1] == groups[selected] { i -= 1 }
        if i == selected && i > 0 {
          i -= 1
          while i > 0 && groups[i - 1] == groups[i] { i -= 1 }
        }
      }
      state.modal = .presets(selected: i)
    case .clearPins: clearPins(&state)
    case .undo: undo(&state)
    case .redo: redo(&state)
    case .requestQuit: requestQuit(&state)
    default: break
    }
  }
}

/// Applies a text-editing action to an entry line; returns whether `action` was one. Any edit
/// clears the last error, and a changed path withdraws a confirmed replace.
func editText(_ entry: inout TextEntry, _ action: Action) -> Bool {
  let before = entry.text
  switch action {
  case .type(let c): entry.insert(c)
  case .backspace: entry.delete(forward: false)
  case .deleteForward: entry.delete(forward: true)
  case .moveCaret(let delta): entry.moveCaret(by: delta)
  case .caretToEnd(let end): entry.moveCaret(toEnd: end)
  default: return false
  }
  if entry.text != before {
    entry.error = nil
    entry.replaceConfirmed = false
  }
  return true
}

// MARK: - Drawing

extension Renderer {
  /// Draws the open overlay, if any, over the screen (the edit line and prompts are the status
  /// line's).
  func overlay(_ state: AppState, _ grid: inout Grid) {
    switch state.modal {
    case .help(let page): helpOverlay(&grid, page: page)
    case .presets(let selected): presetsOverlay(state, selected, &grid)
    case .confirmQuit:
      dialog(
        &grid, title: "Quit?",
        lines: [
          state.sweep?.isActive == true
            ? "A sweep is running (its running cell keeps a checkpoint)."
            : "A training run is active.",
          "Quit anyway?  y: quit   n / Esc: stay",
        ])
    case .edit, .prompt, nil: break
    }
  }

  func dialog(_ grid: inout Grid, title: String, lines: [String]) {
    let g = theme.glyphs
    let w = min(grid.width - 2, (lines.map(\.count).max() ?? 0) + 4)
    let box = Rect(
      x: (grid.width - w) / 2, y: (grid.height - lines.count - 2) / 2, width: w,
      height: lines.count + 2)
    grid.fill(box)
    grid.box(box, title: title, theme.focusedBorder, glyphs: g)
    for (i, l) in lines.enumerated() {
      grid.write(g.text(l), x: box.x + 2, y: box.y + 1 + i, theme.text, maxWidth: box.width - 3)
    }
  }

  /// The help's lines, read from the key tables dispatch uses (``KeyMap/helpTables``): the
  /// global keys and each screen's own, then each overlay's under its title.
  static var helpRows: [(key: String, text: String, isBinding: Bool)] {
    var rows = KeyMap.screenTables.flatMap(\.bindings).map { ($0.label, $0.help, true) }
    for table in Overlays.keyTables {
      rows.append(("", "", false))
      rows.append((table.title, table.note, false))
      rows += table.bindings.map { ($0.label, $0.help, true) }
    }
    return rows
  }

  /// Width of one help column: the key (13), a gap, the longest text (at most 40), borders.
  static let helpKeyWidth = 13
  static var helpColumnWidth: Int {
    helpKeyWidth + 2 + min(40, helpRows.map(\.text.count).max() ?? 0)
  }

  /// How the help is laid out at `width × height`: columns side by side, rows per column, and
  /// how many pages it takes (more than one only when the terminal is too small to show every
  /// line at once: then it pages, rather than cutting lines or overlapping columns).
  func helpLayout(width: Int, height: Int) -> (columns: Int, perColumn: Int, pages: Int) {
    let rows = Renderer.helpRows.count
    let innerHeight = max(1, height - 4)
    let columns = max(1, min((width - 4) / Renderer.helpColumnWidth, (rows + innerHeight - 1)
      / innerHeight))
    let perColumn = min(innerHeight, (rows + columns - 1) / columns)
    let pages = (rows + columns * perColumn - 1) / (columns * perColumn)
    return (columns, perColumn, pages)
  }

  func helpOverlay(_ grid: inout Grid, page: Int) {
    let g = theme.glyphs
    let rows = Renderer.helpRows
    let (columns, perColumn, pages) = helpLayout(width: grid.width, height: grid.height)
    let page = min(page, pages - 1)
    let helpWidth = min(grid.width - 2, columns * Renderer.helpColumnWidth + 2)
    let box = Rect(x: (grid.width - helpWidth) / 2, y: 1, width: helpWidth, height: perColumn + 2)
    grid.fill(box)
    let title = pages > 1 ? "Keys (\(page + 1)/\(pages), ↓ more)" : "Keys (any key closes)"
    grid.box(box, title: title, theme.focusedBorder, glyphs: g)
    let inner = box.inset(1)
    let cols = inner.columns(columns)
    let keyWidth = Renderer.helpKeyWidth
    let first = page * columns * perColumn
    for i in first..<min(rows.count, first + columns * perColumn) {
      let c = cols[(i - first) / perColumn]
      let y = c.y + (i - first) % perColumn
      let row = rows[i]
      let keyStyle = row.isBinding ? Style(fg: Theme.current, bg: .default, .bold) : theme.title
      grid.write(" " + g.text(row.key), x: c.x, y: y, keyStyle, maxWidth: keyWidth)
      grid.write(
        g.text(row.text), x: c.x + keyWidth + 1, y: y, row.isBinding ? theme.text : theme.dim,
        maxWidth: c.width - keyWidth - 2)
    }
  }

  func presetsOverlay(_ state: AppState, _ selected: Int, _ grid: inout Grid) {
    let g = theme.glyphs
    let presets = state.presets
    let box = Rect(x: 2, y: 2, width: grid.width - 4, height: grid.height - 4)
    grid.fill(box)
    grid.box(
      box, title: "Presets (↑↓ · Tab next group · Enter load · p pin · a pin group)",
      theme.focusedBorder, glyphs: g)
    let inner = box.inset(1)
    let first = max(0, min(selected - inner.height / 2, presets.count - inner.height))
    for row in 0..<inner.height {
      let i = first + row
      guard i < presets.count else { break }
      let p = presets[i]
      let isPinned = state.document.pins.contains { $0.setting == p.setting }
      let text = g.text(" \(p.group) · \(p.name)\(isPinned ? "  (pinned)" : "")")
      let style = i == selected ? theme.selected : theme.text
      if i == selected {
        grid.fill(Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1), " ", style)
      }
      grid.write(text, x: inner.x, y: inner.y + row, style, maxWidth: inner.width)
    }
  }
}
