import Engine
import Foundation
import Schedules
import Testing

@testable import TUI

/// Screens rendered into the grid at a few sizes, checked line by line where the layout is fixed
/// by hand (header, panels) and by content where it depends on the curves.
@Suite struct ViewTests {
  func state(_ spec: ScheduleSpec = ScheduleSpec(family: .linear), b: Double = 1) -> AppState {
    AppState(current: Setting(spec: spec, inputScale: b), presets: PresetItem.paper)
  }

  func render(
    _ s: AppState, _ w: Int, _ h: Int, glyphs: Glyphs = .unicode,
    mode: ColorMode = .direct, preview: PreviewSource? = nil
  ) -> Grid {
    Renderer(theme: Theme(glyphs: glyphs, colorMode: mode), preview: preview).render(
      s, width: w, height: h)
  }

  @Test("under the t-cursor, b in today's words: b = 0.5 is SD3's shift 2, Flux's μ ln 2, d 128")
  func equivalentsLine() {
    // S = 1/b, μ = −ln b, d = 64/b (README "What b is in their words"), at 80×24 and 160×48.
    for (w, h) in [(80, 24), (160, 48)] {
      let lines = render(state(b: 0.5), w, h).lines
      #expect(lines.contains { $0.hasPrefix("│ b ≡ S 2 · μ 0.693 · d 128") }, "\(w)×\(h)")
    }
    #expect(render(state(b: 1), 80, 24).lines.contains { $0.hasPrefix("│ b ≡ S 1 · μ 0 · d 64") })
  }

  @Test("the schedule screen at 80×24: header, parameter panel, the three plots, hints")
  func schedule80x24() {
    let lines = render(state(), 80, 24).lines
    #expect(lines.count == 24)
    #expect(
      lines[0] == " schedtui  1 Schedule   2 Preview   3 Training   4 Sweep   5 Runs"
        + String(repeating: " ", count: 11) + "1−t")
    #expect(lines[1].hasPrefix("┌ Parameters ──"))
    // The panel is 30 columns wide below 120 columns: label left, value right-aligned.
    #expect(lines[2].hasPrefix("│ family              linear │"))
    #expect(lines[3].hasPrefix("│ b (input scale)          1 │"))
    #expect(lines[1].contains("γ(t)  signal variance"))
    #expect(lines.contains { $0.contains("logSNR(t)   b = 1: no shift") })
    #expect(lines.contains { $0.contains("logSNR density") })
    #expect(lines[23].hasPrefix(" ?:help q:quit ↑↓:choose ←→:change"))
    // Every hint shown is whole: "key:word", none cut at the right edge (the grid clips text,
    // so a hint that did not fit would end the line half-written).
    let hints = lines[23].split(separator: " ")
    #expect(hints.count >= 8 && hints.allSatisfy { $0.split(separator: ":").count == 2 })
    let whole = [
      "?:help", "q:quit", "↑↓:choose", "←→:change", "L/H:coarse", "Enter:type", "p:pin",
      "t:presets", "w:weighting", "e:export", "o:open", "u:undo", "Tab:plots",
    ]
    #expect(hints.allSatisfy { whole.contains(String($0)) }, "\(hints)")
  }

  @Test(
    "the schedule screen fits at 120×40 and 200×60, each line exactly as wide as the grid",
    arguments: [(120, 40), (200, 60), (70, 20)])
  func sizes(_ w: Int, _ h: Int) {
    let g = render(state(ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 2)), w, h)
    expectExactWidth(g, w, h)
    // The summary is clipped at the right edge when the header is full.
    #expect(g.lines[0].hasSuffix("cosine s=0.2 e=1 τ=2") || w < 80)
    #expect(g.lines.contains { $0.contains("│ τ") })
    // The γ plot has braille dots.
    #expect(g.cells.contains { $0.char.value > 0x2800 && $0.char.value < 0x2900 })
  }

  @Test(
    "a tiny terminal says how small it is and what is needed",
    arguments: [(40, 10), (69, 30), (100, 19)])
  func tooSmall(_ w: Int, _ h: Int) {
    let lines = render(state(), w, h).lines
    #expect(lines.contains { $0.contains("Terminal too small: \(w)×\(h), need 70×20") })
  }

  @Test("changing τ changes the plotted curves and nothing else of the header but the summary")
  func parameterChangesCurve() {
    var s = state(ScheduleSpec(family: .cosine))
    let before = render(s, 120, 40)
    for _ in 0..<3 { reduce(&s, .select(1)) }
    reduce(&s, .adjust(steps: 1, coarse: true))
    #expect(s.document.current.spec.tau == 2)
    let after = render(s, 120, 40)
    // The γ plot occupies rows 2…11 right of the 34-column panel.
    let plotRows = 2..<12
    let changed = plotRows.contains { y in
      (34..<120).contains { x in before[x, y].char != after[x, y].char }
    }
    #expect(changed)
    #expect(after.lines[0].hasSuffix("cosine s=0 e=1 τ=2"))
  }

  /// Figure 5's pins (Table 4's 1 − t at b = 0.3 … 1) under 1 − t at b = 0.5: the issue saw
  /// their logSNR curves vanish under the legend at the left.
  @Test(
    "no legend covers a dot of any curve on the schedule screen",
    arguments: [(80, 24), (120, 40), (200, 60)])
  func legendsCoverNoCurve(_ w: Int, _ h: Int) {
    var s = state(b: 0.5)
    // Three pins: with all eight of the group the legend is taller than a plot at 120×40 and
    // is hidden (the pin list names them).
    s.document.pins = PresetItem.paper.filter { $0.group == "Table 4 1−t" }.prefix(3)
      .enumerated().map { Pin(name: $1.pinName, setting: $1.setting, colorIndex: $0) }
    let bare = Renderer(theme: Theme())
    bare.legends = false
    let without = bare.render(s, width: w, height: h)
    let r = Renderer(theme: Theme())
    let g = r.render(s, width: w, height: h)
    #expect(r.chartLayouts.count == 3)
    #expect(w < 120 || r.chartLayouts.contains { $0.legend != nil })
    for (layout, bareLayout) in zip(r.chartLayouts, bare.chartLayouts) {
      guard let legend = layout.legend else { continue }
      if layout.plot != bareLayout.plot {
        // Beside the plot: the plot was narrowed to make room.
        #expect(legend.x >= layout.plot.maxX)
        continue
      }
      for y in legend.y..<legend.maxY {
        for x in legend.x..<legend.maxX {
          let c = without[x, y].char.value
          #expect(!(c > 0x2800 && c < 0x2900), "the legend covers a dot at (\(x), \(y))")
        }
      }
      #expect(g[legend.x, legend.y].char == "┌")
    }
  }

  @Test("b ≠ 1: the logSNR title states the exact 2·log b shift and the b = 1 curve is drawn")
  func inputScaleShift() {
    let lines = render(state(b: 0.5), 120, 40).lines
    #expect(lines.contains { $0.contains("b = 0.5: shifted by 2·log b = -1.386") })
    #expect(lines.contains { $0.contains("current at b=1") })
  }

  @Test(
    "the help lists every key of the key table in full, a page at a time when small",
    arguments: [(80, 24), (120, 40), (200, 60)])
  func help(_ w: Int, _ h: Int) {
    var s = state()
    reduce(&s, .toggleHelp)
    var text = ""
    var pages = 0
    for _ in 0..<10 {
      let lines = render(s, w, h).lines
      pages += 1
      text += lines.joined(separator: "\n")
      guard lines[h - 1].contains("help page") else { break }
      if lines[h - 1].contains("page \(pages) of \(pages)") { break }
      reduce(&s, .select(1))
    }
    #expect(text.contains("Keys ("))
    #expect(w < 120 || pages == 1, "\(w)×\(h) needed \(pages) pages")
    for b in KeyMap.helpBindings {
      #expect(text.contains(b.label), "help is missing \(b.label)")
      // The whole text, not a prefix: a line cut at the box edge is a defect.
      #expect(text.contains(b.help), "help is missing \(b.help)")
    }
    // The overlays' keys are in helpBindings; their tables are listed under their titles.
    for t in Overlays.keyTables { #expect(text.contains(t.note), "help is missing \(t.title)") }
  }

  @Test("the preset list shows the paper's tables and the selection")
  func presets() {
    var s = state()
    reduce(&s, .openPresets)
    reduce(&s, .focusNext)  // Table 1 → the next group
    let lines = render(s, 120, 40).lines
    #expect(lines.contains { $0.contains("Table 1 · 64×64: b = 1, γ = 1−t") })
    #expect(s.presets[selectedIndex(s)].group == "Table 3 cosine, 1−t")
  }

  func selectedIndex(_ s: AppState) -> Int {
    if case .presets(let i) = s.modal { return i }
    return -1
  }

  @Test("typing a bad value shows the error above the edit line")
  func editError() {
    var s = state(ScheduleSpec(family: .cosine))
    reduce(&s, .select(1))
    reduce(&s, .beginEdit)
    reduce(&s, .type("x"))
    reduce(&s, .commit)
    let lines = render(s, 80, 24).lines
    // The typed x replaced the selected old value 0.
    #expect(lines[22].contains("start = \"x\" is not allowed: a number"))
    #expect(lines[23].hasPrefix(" start = x"))
  }

  @Test("without UTF-8 every cell of every screen is ASCII")
  func ascii() {
    var s = state(ScheduleSpec(family: .sigmoid))
    s.previewResolutions = [16, 32]
    reduce(&s, .pin)
    let source = NoisePreviewSource(image: card(), name: "card", resolutions: [16, 32])
    let g = render(s, 100, 30, glyphs: .ascii, mode: .none, preview: source)
    #expect(g.cells.allSatisfy { $0.char.isASCII })
    #expect(g.lines.contains { $0.contains("Parameters") })
    #expect(g.lines.contains { $0.contains("g(t)  signal variance") })
    reduce(&s, .show(.preview))
    let p = render(s, 100, 30, glyphs: .ascii, mode: .none, preview: source)
    #expect(p.cells.allSatisfy { $0.char.isASCII })
    #expect(p.lines.contains { $0.contains("+ 16x16 ") })
    reduce(&s, .toggleHelp)
    #expect(render(s, 100, 30, glyphs: .ascii, mode: .none).cells.allSatisfy { $0.char.isASCII })
  }

  @Test("the training screen points to the command; the sweep screen shows its setup")
  func otherScreens() {
    var s = state()
    reduce(&s, .show(.training))
    #expect(render(s, 80, 24).lines.contains { $0.contains("schedtui train --help") })
    reduce(&s, .show(.sweep))
    #expect(render(s, 80, 24).lines.contains { $0.contains("Sweep setup (Enter edits)") })
  }

  /// A 32×32 test card: left half black, right half white.
  func card() -> Image {
    var px = [Float](repeating: 0, count: 32 * 32 * 3)
    for y in 0..<32 { for x in 16..<32 { for c in 0..<3 { px[(y * 32 + x) * 3 + c] = 1 } } }
    return Image(width: 32, height: 32, channels: 3, pixels: px)
  }

  @Test("the preview shows each resolution at the same size with its probe numbers")
  func preview() {
    var s = state()
    s.previewResolutions = [16, 32]
    reduce(&s, .show(.preview))
    let source = NoisePreviewSource(image: card(), name: "card", resolutions: [16, 32])
    let g = render(s, 100, 30, preview: source)
    let lines = g.lines
    #expect(lines[1].contains("card noised at γ = 0.5, b = 1"))
    let boxes = ["┌ 16×16 ", "┌ 32×32 "].map { title in
      lines.firstIndex { $0.contains(title) }
    }
    #expect(boxes[0] != nil && boxes[0] == boxes[1])
    // The probe is not part of the frame: pending at first, there after the idle work.
    #expect(lines.filter { $0.contains("PSNR …") }.count == 1)
    // One probe per call, one per resolution.
    #expect(source.computePendingProbes())
    #expect(source.computePendingProbes())
    #expect(!source.computePendingProbes())
    let again = render(s, 100, 30, preview: source).lines
    #expect(again.filter { $0.contains("PSNR ") && $0.contains(" dB") }.count == 1)
    #expect(g.cells.contains { $0.char == "▀" })
  }

  @Test(
    "with room below the pictures, the preview shows what the probe's best blur recovers",
    arguments: [(100, 30, false), (200, 60, true)])
  func recovered(_ w: Int, _ h: Int, _ shown: Bool) throws {
    var s = state()
    s.previewResolutions = [16, 32]
    s.document.fixedPreviewGamma = 0.7
    reduce(&s, .show(.preview))
    let source = NoisePreviewSource(image: card(), name: "card", resolutions: [16, 32])
    let before = render(s, w, h, preview: source).lines
    #expect(before.filter { $0.contains("denoising…") }.count == (shown ? 1 : 0))
    while source.computePendingProbes() {}
    let g = render(s, w, h, preview: source)
    // The pictures are large here, so the recovered ones are small and say only the blur.
    let titles = g.lines.filter { $0.contains("blur σ = ") }
    #expect(titles.count == (shown ? 1 : 0))
    #expect(titles.first.map { $0.components(separatedBy: "blur σ = ").count - 1 } ?? 2 == 2)
    expectExactWidth(g, w, h)
    // Where there is no room the titles' count above is the whole check; where there is, the
    // picture must be found (a missing one fails rather than skipping what follows).
    guard shown else { return }
    let row = try #require(g.lines.firstIndex(where: { $0.contains("blur σ") }))
    // Below the probe numbers, never over them.
    let numbers = try #require(g.lines.lastIndex { $0.contains("PSNR ") })
    #expect(row > numbers + 1)
    // The card's left half is black: the recovered picture's first column is dark.
    let x = try #require(Array(g.lines[row].unicodeScalars).firstIndex(of: "┌"))
    #expect(g[x + 1, row + 2].char == "▀")
    #expect(g[x + 1, row + 2].style.fg.r < 64)
  }

  @Test("the preview screen at 80×24: its parameter list with the image and resolutions rows")
  func previewSnapshot80x24() {
    var s = state()
    s.previewResolutions = [16, 32]
    s.previewImagePath = "images/card.png"
    reduce(&s, .show(.preview))
    let source = NoisePreviewSource(image: card(), name: "card.png", resolutions: [16, 32])
    let lines = render(s, 80, 24, preview: source).lines
    let panel = lines[1...8].map { String($0.prefix(30)) }
    #expect(
      panel == [
        "┌ Parameters ────────────────┐",
        "│ noise at γ      at t (0.5) │",
        "│ t-cursor               0.5 │",
        "│ b (input scale)          1 │",
        "│ normalise               on │",
        "│ image             card.png │",
        "│ resolutions          16,32 │",
        "└────────────────────────────┘",
      ])
    // The note "(γ at the t-cursor t = 0.5)" does not fit the 49 columns: dropped, not cut.
    #expect(lines[1].hasSuffix("┐ card.png noised at γ = 0.5, b = 1"))
    #expect(
      lines[23]
        == " ?:help q:quit ↑↓:choose ←→:change Enter:type i/I:image " + "O:open PNG r:resolutions")
    for l in lines { #expect(l.unicodeScalars.count <= 80) }
  }

  @Test("without colour the preview falls back to shade characters")
  func previewShades() {
    var s = state()
    s.previewResolutions = [16, 32]
    s.document.fixedPreviewGamma = 1
    reduce(&s, .show(.preview))
    let source = NoisePreviewSource(image: card(), name: "card", resolutions: [16, 32])
    let g = render(s, 100, 30, mode: .none, preview: source)
    #expect(!g.cells.contains { $0.char == "▀" })
    // γ = 1 is the clean card: black (blank) and white (full block) halves.
    #expect(g.cells.contains { $0.char == "█" })
  }
}

@Suite struct CurvesTests {
  /// For γ = 1 − t: λ = log((1 − t)/t), dλ/dt = −1/(t(1 − t)), so p(λ) = t(1 − t): 0.25 at λ = 0.
  @Test("the density of 1 − t is t(1 − t) at λ(t) (hand derivation), and b shifts it by 2·log b")
  func linearDensity() throws {
    let c = try #require(Curves.sample(Setting(spec: ScheduleSpec(family: .linear)), samples: 100))
    let mid = c.density[50]
    #expect(abs(mid.x) < 1e-12)
    #expect(abs(mid.y - 0.25) < 1e-9)
    let t = 0.2
    let p = c.density[20]
    #expect(abs(p.x - Foundation.log(0.8 / 0.2)) < 1e-9)
    #expect(abs(p.y - t * (1 - t)) < 1e-9)
    let scaled = try #require(
      Curves.sample(Setting(spec: ScheduleSpec(family: .linear), inputScale: 0.5), samples: 100))
    #expect(abs(scaled.density[50].x - 2 * Foundation.log(0.5)) < 1e-12)
    #expect(abs(scaled.density[50].y - 0.25) < 1e-9)
    #expect(abs(scaled.logSNR[20].y - (Foundation.log(4) + 2 * Foundation.log(0.5))) < 1e-9)
  }

  /// 1 − t: logSNR(0.01) = log 99 ≈ 4.6 → [−5, 5]. Cosine (0, 1, 1): logSNR(0.01) =
  /// log(cos²(0.005π)/sin²(0.005π)) ≈ 8.1 → [−10, 10]. With b = 0.3 the 1 − t range moves down by
  /// 2·log 0.3 ≈ −2.4: [−7, 2.2] → [−10, 5].
  @Test("the logSNR axis covers the curves away from their asymptotes, in steps of 5")
  func logSNRBounds() throws {
    func sets(_ s: [Setting]) throws -> [CurveSet] {
      try s.map { try #require(Curves.sample($0, samples: 200)) }
    }
    let linear = ScheduleSpec(family: .linear)
    #expect(Curves.logSNRBounds(try sets([Setting(spec: linear)])) == -5...5)
    #expect(
      Curves.logSNRBounds(try sets([Setting(spec: ScheduleSpec(family: .cosine))])) == -10...10)
    #expect(
      Curves.logSNRBounds(
        try sets([
          Setting(spec: linear),
          Setting(spec: linear, inputScale: 0.3),
        ])) == -10...5)
  }

  @Test("an invalid setting gives no curves")
  func invalid() {
    var spec = ScheduleSpec(family: .cosine)
    spec.tau = 0
    #expect(Curves.sample(Setting(spec: spec), samples: 10) == nil)
  }
}

@Suite struct HelpFitTests {
  @Test("every line of the help fits its column")
  func modalHelpFits() {
    for row in Renderer.helpRows {
      #expect(row.text.count <= 40, "\(row.key): \(row.text)")
      #expect(row.key.count <= Renderer.helpKeyWidth - 1, "\(row.key)")
    }
  }
}

/// Every row of `g` is `w` scalars, one per cell, and none of them is double-width on a
/// terminal (East Asian wide ranges and emoji), which would push the row past w columns.
func expectExactWidth(_ g: Grid, _ w: Int, _ h: Int) {
  func wide(_ u: Unicode.Scalar) -> Bool {
    let ranges: [ClosedRange<UInt32>] = [
      0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
      0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF,
    ]
    return ranges.contains { $0.contains(u.value) }
  }
  for y in 0..<h {
    #expect(g.line(y).unicodeScalars.count == w)
    #expect(!g.line(y).unicodeScalars.contains(where: wide), "row \(y)")
  }
}
