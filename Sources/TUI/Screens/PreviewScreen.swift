import Foundation
import Schedules

/// Screen 2: the image noised at the current γ at every resolution side by side, with the
/// probe's numbers, and the preview's own rows (noise γ, image, resolutions) at the left.
enum PreviewScreen: ScreenDefinition {
  static let title = "Preview"
  /// The preview's keys work from every screen (a big schedule screen shows the preview too).
  static let globalKeys: [KeyBinding] = [
    KeyBinding("i", "preview: next bundled image", .cycleImage(1)).hinted("image", keys: "i/I"),
    KeyBinding("I", "preview: previous bundled image", .cycleImage(-1)),
    KeyBinding("O", "preview: open a PNG image", .beginPrompt(.openImage)).hinted("open PNG"),
    KeyBinding("r", "preview: type the resolutions", .beginPrompt(.previewResolutions))
      .hinted("resolutions"),
    // ←→ on its rows are the parameter list's keys (the global table's); listed for what
    // they do there.
    KeyBinding(
      keys: [], label: "\(Screen.preview.rawValue): ←→ rows", help: "image row: cycle; resolutions: +/−",
      action: .adjust(steps: 1, coarse: false)),
  ]

  static func fields(_ state: AppState) -> [Field] { Field.previewFields }

  static func draw(_ renderer: Renderer, _ state: AppState, _ grid: inout Grid, _ body: Rect) {
    renderer.previewScreen(state, &grid, body)
  }

  static func reduce(_ state: inout AppState, _ action: Action) -> [Effect]? {
    if let own = action.message(PreviewAction.self) { return reducePreview(&state, own) }
    switch action {
    case .adjust(let steps, _):
      guard let field = state.selectedField else { return nil }
      return stepPreview(&state, field, steps: steps)
    case .adjustRow(let row, let steps):
      guard state.fields.indices.contains(row) else { return nil }
      return stepPreview(&state, state.fields[row], steps: steps)
    case .beginEdit where state.selectedField == .previewImage:
      state.modal = .prompt(.openImage, TextEntry(text: state.previewImagePath, selected: true))
    case .beginEdit where state.selectedField == .previewResolutions:
      state.modal = .prompt(
        .previewResolutions, TextEntry(text: state.previewResolutionList, selected: true))
    default:
      return nil
    }
    return []
  }

  static func reducePreview(_ state: inout AppState, _ action: PreviewAction) -> [Effect] {
    switch action {
    case .cycleImage(let delta):
      return cycleImage(&state, delta)
    case .loaded(let path, let resolutions):
      state.previewImagePath = path
      state.previewResolutions = resolutions
      let name = Field.previewImage.text(in: state)
      state.message = StatusMessage(
        "preview: \(name) at \(resolutions.map(String.init).joined(separator: ", "))")
    }
    return []
  }

  static func hints(_ state: AppState) -> [Action] {
    [
      .toggleHelp, .requestQuit, .select(-1), .adjust(steps: 1, coarse: false), .beginEdit,
      .cycleImage(1), .beginPrompt(.openImage), .beginPrompt(.previewResolutions), .undo,
    ]
  }
}

/// ←/→ (or the wheel) on the preview's image row cycles the bundled images; on its resolutions
/// row → adds one (twice the largest) and ← removes the last. Nil for any other field.
func stepPreview(_ state: inout AppState, _ field: Field, steps: Int) -> [Effect]? {
  switch field {
  case .previewImage:
    return cycleImage(&state, steps)
  case .previewResolutions:
    var list = state.previewResolutions
    if steps > 0 {
      let next = 2 * (list.max() ?? 32)
      guard list.count < Field.previewResolutionCount.upperBound,
        Field.previewResolutionRange.contains(next)
      else {
        state.message = StatusMessage(
          "cannot add \(next): at most \(Field.previewResolutionCount.upperBound) resolutions, "
            + "each in 8…1024 (Enter types a list)", isError: true)
        return []
      }
      list.append(next)
    } else {
      guard list.count > 1 else {
        state.message = StatusMessage("the preview needs at least one resolution", isError: true)
        return []
      }
      list.removeLast()
    }
    return [.loadPreview(image: state.previewImagePath, resolutions: list)]
  default:
    return nil
  }
}

/// The bundled image `delta` places after the current one (the first when the current one is
/// not bundled).
func cycleImage(_ state: inout AppState, _ delta: Int) -> [Effect] {
  let all = state.bundledImages
  guard !all.isEmpty else {
    state.message = StatusMessage("no bundled images found (assets/images)", isError: true)
    return []
  }
  let next: Int
  if let i = all.firstIndex(of: state.previewImagePath) {
    next = ((i + delta) % all.count + all.count) % all.count
  } else {
    next = delta > 0 ? 0 : all.count - 1
  }
  return [.loadPreview(image: all[next], resolutions: state.previewResolutions)]
}


/// The preview's actions.
enum PreviewAction: ScreenMessage {
  /// `i` / `I`: the next / previous bundled image.
  case cycleImage(Int)
  /// The shell loaded the preview's image at these resolutions.
  case loaded(path: String, resolutions: [Int])

  var isReport: Bool {
    if case .loaded = self { return true }
    return false
  }
}

extension Action {
  public static func cycleImage(_ delta: Int) -> Action { PreviewAction.cycleImage(delta).action }
  public static func previewLoaded(path: String, resolutions: [Int]) -> Action {
    PreviewAction.loaded(path: path, resolutions: resolutions).action
  }
}

extension Renderer {
  func previewScreen(_ state: AppState, _ grid: inout Grid, _ body: Rect) {
    let g = theme.glyphs
    let (rest, right) = parameterColumn(state, &grid, body, width: 30)
    let gamma = state.previewGamma
    let setting = state.document.current
    let b = setting.inputScale
    let logSNR = Foundation.log(gamma / (1 - gamma)) + 2 * Foundation.log(b)
    let info = [
      "x_t = √γ·b·x0 + √(1−γ)·ε",
      "γ = \(short4(gamma))   b = \(short(b))",
      "logSNR = \(Chart.format(logSNR, decimals: 3))",
      setting.normalize ? "x_t / std(x_t) shown" : "x_t shown unnormalised",
      "same ε kept per resolution",
      "probe: the best Gaussian",
      "blur denoiser's PSNR, SNR",
    ]
    let (infoBox, _) = rest.splitTop(info.count + 2)
    grid.box(infoBox, title: "Noise", theme.border, glyphs: g)
    for (i, l) in info.enumerated() {
      grid.write(
        " " + g.text(l), x: infoBox.x + 1, y: infoBox.y + 1 + i, theme.text,
        maxWidth: infoBox.width - 2)
    }

    guard let source = preview else {
      notice(&grid, right, title: "Preview", lines: ["No image loaded."])
      return
    }
    let base = g.text("\(source.imageName) noised at γ = \(short4(gamma)), b = \(short(b))")
    let origin = g.text(" (γ at the t-cursor t = \(short4(state.cursorT)))")
    // The note on where γ comes from is dropped, not cut, when the line is too narrow for it.
    let title =
      state.document.fixedPreviewGamma == nil && base.count + origin.count <= right.width - 1
      ? base + origin : base
    grid.write(title, x: right.x + 1, y: right.y, theme.title, maxWidth: right.width - 1)
    let area = Rect(x: right.x, y: right.y + 1, width: right.width, height: right.height - 1)
    var bottom = previewPanels(state, source, &grid, area, vertical: false)
    // Room below one row of pictures (a tall terminal with few resolutions): what the probe's
    // best blur recovers from each picture, the probe's numbers made visible, under its panel
    // and at most as large, when that is at least 16 pixels.
    let room = body.maxY - bottom - 1
    if let layout = lastPreviewLayout, layout.rows == 1,
      case let side = min(layout.side, 2 * (room - 3)) / 2 * 2, side >= 16
    {
      for (index, x) in layout.xs.enumerated() {
        let box = Rect(x: x, y: bottom + 1, width: side + 2, height: side / 2 + 2)
        let inner = Rect(x: box.x + 1, y: box.y + 1, width: side, height: side / 2)
        if let r = source.recovered(
          index: index, gamma: gamma, inputScale: b, width: side, height: side)
        {
          let blur = "blur σ = \(short(r.sigma)) px"
          grid.box(
            box, title: side >= 26 ? "recovered, " + blur : blur, theme.border, glyphs: g)
          HalfBlock.draw(
            r.picture, into: &grid, rect: inner, mode: theme.colorMode, unicode: g.unicode)
        } else {
          grid.box(box, title: "recovered", theme.border, glyphs: g)
          grid.write(g.text("denoising…"), x: inner.x + 1, y: inner.y, theme.dim)
        }
      }
      bottom = bottom + 1 + side / 2 + 2
    }
    if bottom + 1 < body.maxY {
      grid.write(
        g.text("Same γ, higher resolution: less destroyed (Fig. 2); lower b: more (Fig. 4)."),
        x: right.x + 1, y: bottom + 1, theme.dim,
        maxWidth: right.width - 1)
    }
  }

  /// Draws the preview's resolutions side by side (or stacked when `vertical`), all at the same
  /// on-screen size, each with its probe numbers below it. Side by side they are laid out in as
  /// many rows as gives the largest pictures (a tall terminal with many resolutions gets two or
  /// more rows). Returns the row below the last one.
  @discardableResult
  func previewPanels(
    _ state: AppState, _ source: PreviewSource, _ grid: inout Grid, _ area: Rect, vertical: Bool
  ) -> Int {
    let g = theme.glyphs
    let setting = state.document.current
    let count = source.resolutions.count
    guard count > 0 else { return area.y }
    // The largest square (two pixels per cell vertically) that fits a slot, with its box and
    // two lines of probe numbers.
    func side(_ slot: (width: Int, height: Int)) -> Int {
      max(2, min(slot.width - 2, 2 * (slot.height - 4)) / 2 * 2)
    }
    var slots: [Rect]
    var rowsCount = count
    if vertical {
      slots = area.rows(count)
    } else {
      rowsCount = (1...count).max { a, b in
        let ca = (count + a - 1) / a, cb = (count + b - 1) / b
        return side((area.width / ca, area.height / a)) < side((area.width / cb, area.height / b))
      }!
      let perRow = (count + rowsCount - 1) / rowsCount
      slots = area.rows(rowsCount).flatMap { $0.columns(perRow) }
    }
    let s = slots.prefix(count).map { side(($0.width, $0.height)) }.min()!
    lastPreviewLayout = (rowsCount, s, slots.prefix(count).map(\.x))
    var bottom = area.y
    for (index, slot) in slots.prefix(count).enumerated() {
      let panel = source.panel(
        index: index, gamma: state.previewGamma, inputScale: setting.inputScale,
        normalize: setting.normalize, width: s, height: s)
      let box = Rect(x: slot.x, y: slot.y, width: s + 2, height: s / 2 + 2)
      grid.box(box, title: "\(panel.resolution)×\(panel.resolution)", theme.border, glyphs: g)
      HalfBlock.draw(
        panel.picture, into: &grid,
        rect: Rect(x: box.x + 1, y: box.y + 1, width: s, height: s / 2),
        mode: theme.colorMode, unicode: g.unicode)
      let psnr = panel.psnr.map { "PSNR \(Chart.format($0, decimals: 1)) dB" } ?? "PSNR …"
      let snr = panel.snr.map { "SNR \(Chart.format($0, decimals: 1)) dB" } ?? ""
      grid.write(g.text(psnr), x: box.x + 1, y: box.maxY, theme.text, maxWidth: slot.width - 1)
      grid.write(snr, x: box.x + 1, y: box.maxY + 1, theme.text, maxWidth: slot.width - 1)
      bottom = max(bottom, box.maxY + 2)
    }
    return bottom
  }
}
