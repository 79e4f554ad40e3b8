/// The explorer's colours and glyphs. Views ask for RGB; the backend maps it to the terminal.
public struct Theme: Sendable {
  public var glyphs: Glyphs
  /// What the terminal shows; the image views pick half blocks or shade characters by it.
  public var colorMode: ColorMode

  public init(glyphs: Glyphs = .unicode, colorMode: ColorMode = .direct) {
    self.glyphs = glyphs
    self.colorMode = colorMode
  }

  /// The current schedule's curve colour.
  public static let current = Color(255, 196, 0)
  /// The current schedule at b = 1 when b ≠ 1 (shows the 2·log b shift).
  public static let unscaled = Color(150, 120, 40)
  /// The loss weighting w(λ) (one curve, the same for every schedule).
  public static let weight = Color(220, 220, 220)
  /// Pin colours, in order; pin `i` uses `pinColors[i % count]`.
  public static let pinColors: [Color] = [
    Color(0, 190, 255), Color(230, 80, 200), Color(90, 210, 90), Color(240, 80, 70),
    Color(120, 130, 255), Color(255, 140, 40), Color(170, 110, 255), Color(0, 200, 170),
    Color(255, 130, 170), Color(180, 230, 60), Color(190, 140, 90), Color(170, 170, 170),
  ]
  public static func pinColor(_ index: Int) -> Color { pinColors[index % pinColors.count] }
  /// A sampler's ticks and stems: its curve's colour lifted towards white, so the levels stand
  /// out on the curve they sit on; the current setting's are white.
  public static func tickColor(_ curve: Color) -> Color {
    if curve == current { return Color(255, 255, 255) }
    let lift = { (v: UInt32) in UInt8(min(255, (v & 0xFF) + (255 - (v & 0xFF)) * 3 / 5)) }
    return Color(lift(curve.raw >> 16), lift(curve.raw >> 8), lift(curve.raw))
  }

  public var text: Style { .plain }
  public var dim: Style { Style(fg: Color(140, 140, 140)) }
  public var title: Style { Style(fg: .default, bg: .default, .bold) }
  public var error: Style { Style(fg: Color(255, 85, 85), bg: .default, .bold) }
  public var ok: Style { Style(fg: Color(90, 210, 90)) }
  public var selected: Style { Style(fg: .default, bg: .default, .reverse) }
  public var border: Style { Style(fg: Color(110, 110, 110)) }
  public var focusedBorder: Style { Style(fg: Color(255, 196, 0)) }
  public var cursorBackground: Color { Color(58, 58, 58) }

  public var chart: Chart.Theme {
    Chart.Theme(text: text, axis: border, title: title, cursorBackground: cursorBackground)
  }
}
