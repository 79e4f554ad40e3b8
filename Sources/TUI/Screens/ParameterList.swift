import Schedules

/// The parameter list the schedule, preview and training screens share (``AppState/fields``):
/// ↑↓ choose a row, ←→ change it, Enter types it, the wheel and clicks act on the row under the
/// pointer. The router offers these actions here after every screen has passed on them (the
/// sweep screen takes ↑↓ and Enter for its setup rows first).
enum ParameterList {
  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    switch action {
    case .select(let delta):
      if state.focus == .plots {
        state.focus = .parameters
      } else {
        let n = state.fields.count
        state.selectedRow = ((min(state.selectedRow, n - 1) + delta) % n + n) % n
      }
    case .adjust(let steps, let coarse):
      guard let field = state.selectedField else {
        moveCursor(&state, steps: steps, coarse: coarse)
        return []
      }
      adjust(&state, field, steps: steps, coarse: coarse)
    case .adjustRow(let row, let steps):
      let fields = state.fields
      guard fields.indices.contains(row) else { return [] }
      adjust(&state, fields[row], steps: steps, coarse: false)
    case .focusRow(let row):
      guard row >= 0, row < state.fields.count else { return [] }
      state.focus = .parameters
      state.selectedRow = row
    case .focusPlots(let t):
      state.focus = .plots
      if let t { state.cursorT = min(max(t, 0), 1) }
    case .beginEdit:
      let field = state.selectedField ?? .cursorT
      let text =
        field == .previewGamma && state.document.fixedPreviewGamma == nil
        ? "t" : field.text(in: state)
      state.modal = .edit(field, TextEntry(text: text, selected: true))
    default:
      return nil
    }
    return []
  }
}

func adjust(_ state: inout AppState, _ field: Field, steps: Int, coarse: Bool) {
  var d = state.document
  switch field {
  case .family:
    let all = ScheduleFamily.allCases
    let i = all.firstIndex(of: d.current.spec.family)!
    let next = all[((i + steps) % all.count + all.count) % all.count]
    // Take the new family's defaults for start/end/τ (sigmoid's −3…3 makes no sense for cosine).
    let defaults = ScheduleSpec(family: next)
    d.current.spec.family = next
    d.current.spec.start = defaults.start
    d.current.spec.end = defaults.end
    d.current.spec.tau = defaults.tau
  case .normalize: d.current.normalize.toggle()
  case .parameter(let p) where p.kind == .flag: d.current.spec[p] = d.current.spec[p] == 0 ? 1 : 0
  case .parameter(let p) where !p.choices.isEmpty:
    let n = p.choices.count
    d.current.spec[p] = Double(((Int(d.current.spec[p]) + steps) % n + n) % n)
  case .runData, .runModel, .runPrediction, .runWeighting, .runSampler:
    field.cycle(&d.setup, by: steps)
  case .runNorm:
    field.cycleText(&d.setup, by: steps)
  case .runTSampling:
    var c = d.trainingConfig
    field.cycleText(&c, by: steps)
    d.current.sampling = c.tSampling
  case .sampler(let f) where Field.samplerChoices(f) != nil:
    field.cycleSampler(f, &d.current, by: steps)
  case .cursorT:
    moveCursor(&state, steps: steps, coarse: coarse)
    return
  case .previewGamma:
    let start = d.fixedPreviewGamma ?? state.previewGamma
    let v = field.stepped(start, by: steps, coarse: coarse)
    d.fixedPreviewGamma = min(max(v, 0.01), 1)
  default:
    var t = state.cursorT
    let v = field.stepped(field.number(d, cursorT: t), by: steps, coarse: coarse)
    field.setNumber(v, &d, cursorT: &t)
  }
  if let problem = commitDocument(&state, d) {
    state.message = StatusMessage(problem.description, isError: true)
  }
}

extension Renderer {
  /// Splits a `width`-column left column off `body` and draws the screen's parameter list at
  /// its top; returns the rest of the column, below the list, and the area at its right.
  /// With `leaving` > 0 the list keeps that many lines below it free and scrolls (its
  /// selected row in view) when its rows need more.
  func parameterColumn(
    _ state: AppState, _ grid: inout Grid, _ body: Rect, width: Int, title: String = "Parameters",
    leaving: Int = 0
  ) -> (below: Rect, right: Rect) {
    let (left, right) = body.splitLeft(width)
    let fields = state.fields
    let height = leaving > 0 ? min(fields.count + 2, max(left.height - leaving, 5)) : fields.count + 2
    let (params, below) = left.splitTop(height)
    parameterList(state, fields, &grid, params, title: title)
    return (below, right)
  }

  func parameterList(
    _ state: AppState, _ fields: [Field], _ grid: inout Grid, _ r: Rect,
    title: String = "Parameters"
  ) {
    let g = theme.glyphs
    let focused = state.focus == .parameters
    grid.box(r, title: title, focused ? theme.focusedBorder : theme.border, glyphs: g)
    let selected = state.selectedField
    // More rows than room: a window that keeps the selected row in view, the rows above and
    // below it counted on the borders.
    let room = max(r.height - 2, 1)
    var first = 0
    if fields.count > room {
      let at = min(state.selectedRow, fields.count - 1)
      first = min(max(at - room / 2, 0), fields.count - room)
      let after = fields.count - first - room
      for (count, arrow, y) in [(first, "↑", r.y), (after, "↓", r.maxY - 1)] where count > 0 {
        let mark = g.text(arrow) + "\(count)"
        grid.write(mark, x: r.maxX - 2 - mark.count, y: y, theme.dim)
      }
    }
    for (i, f) in fields.enumerated() where i >= first {
      let y = r.y + 1 + i - first
      guard y < r.maxY - 1 else { break }
      let inner = r.width - 2
      let label = g.text(f.label)
      let value = g.text(f.text(in: state))
      let isSelected = f == selected
      addTarget(Rect(x: r.x, y: y, width: r.width, height: 1), .parameter(row: i))
      let style = isSelected ? theme.selected : theme.text
      if isSelected { grid.fill(Rect(x: r.x + 1, y: y, width: inner, height: 1), " ", style) }
      grid.write(" " + label, x: r.x + 1, y: y, isSelected ? style : theme.dim, maxWidth: inner)
      let vx = max(r.x + 1 + label.count + 2, r.maxX - 2 - value.count)
      let room = r.maxX - 1 - vx
      grid.write(g.fitted(value, room), x: vx, y: y, style.with(.bold), maxWidth: room)
    }
  }
}
