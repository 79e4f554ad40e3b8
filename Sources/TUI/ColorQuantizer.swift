/// What the terminal can show, from best to worst.
public enum ColorMode: String, Sendable, CaseIterable {
  /// 24-bit colour: a colour number is `0xRRGGBB` (direct-colour terminfo).
  case direct
  /// The xterm-256 palette: 16 system colours, the 6×6×6 cube, 24 greys.
  case xterm256
  /// The 8 ANSI colours.
  case basic8
  /// No colour at all (`NO_COLOR`, or a monochrome terminal): attributes and shade characters.
  case none

  /// Picks the mode from the environment and what ncurses reports, in the order of
  /// TERMINAL-NOTES: `NO_COLOR` (non-empty) wins; then direct colour only when terminfo can emit
  /// it (`RGB` flag or ≥ 2²⁴ colours); then 256; then 8; else none.
  public static func detect(
    noColor: String?, hasColors: Bool, colors: Int, terminfoRGB: Bool
  ) -> ColorMode {
    if let n = noColor, !n.isEmpty { return .none }
    guard hasColors else { return .none }
    if terminfoRGB || colors >= 0x100_0000 { return .direct }
    if colors >= 256 { return .xterm256 }
    if colors >= 8 { return .basic8 }
    return .none
  }
}

/// Turns RGB colours into terminal colour numbers.
public enum ColorQuantizer {
  /// The six levels of each channel of the xterm-256 cube.
  public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

  /// The cube level index of a channel value, as tmux computes it.
  @inline(__always) static func cubeIndex(_ v: Int) -> Int {
    v < 48 ? 0 : v < 114 ? 1 : (v - 35) / 40
  }

  /// The nearest xterm-256 colour (16…255) to `(r, g, b)`.
  ///
  /// The cube colour is `16 + 36·q(r) + 6·q(g) + q(b)` with
  /// `q(v) = v < 48 ? 0 : v < 114 ? 1 : (v − 35) / 40`; the grey ramp is `232 + i` with value
  /// `8 + 10·i`; whichever is nearer in squared RGB distance wins (the cube on a tie).
  public static func xterm256(_ r: Int, _ g: Int, _ b: Int) -> Int {
    let qr = cubeIndex(r)
    let qg = cubeIndex(g)
    let qb = cubeIndex(b)
    let cr = cubeLevels[qr]
    let cg = cubeLevels[qg]
    let cb = cubeLevels[qb]
    let cubeColor = 16 + 36 * qr + 6 * qg + qb
    // Exact cube colours need no grey comparison.
    if cr == r && cg == g && cb == b { return cubeColor }
    let average = (r + g + b) / 3
    let greyIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
    let grey = 8 + 10 * greyIndex
    let cubeDistance = sq(cr - r) + sq(cg - g) + sq(cb - b)
    let greyDistance = sq(grey - r) + sq(grey - g) + sq(grey - b)
    return greyDistance < cubeDistance ? 232 + greyIndex : cubeColor
  }

  /// The RGB value of xterm-256 colour `index` (16…255), for tests and previews.
  public static func rgb(ofXterm256 index: Int) -> (Int, Int, Int) {
    precondition((16...255).contains(index), "only the cube and greys are defined here")
    if index >= 232 {
      let v = 8 + 10 * (index - 232)
      return (v, v, v)
    }
    let i = index - 16
    return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
  }

  /// The 8 ANSI colours as xterm draws them by default.
  public static let basicPalette: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
  ]

  /// The nearest of the 8 ANSI colours (0…7) in squared RGB distance.
  public static func basic8(_ r: Int, _ g: Int, _ b: Int) -> Int {
    var best = 0
    var bestDistance = Int.max
    for (i, c) in basicPalette.enumerated() {
      let d = sq(c.0 - r) + sq(c.1 - g) + sq(c.2 - b)
      if d < bestDistance { (best, bestDistance) = (i, d) }
    }
    return best
  }

  /// The terminal colour number of `color` in `mode`; −1 means the terminal's default.
  ///
  /// Direct colour sends `0xRRGGBB`, except that numbers below 8 would be taken as palette
  /// colours, so near-black is sent as `0x010101`.
  public static func number(_ color: Color, mode: ColorMode) -> Int {
    if color.isDefault { return -1 }
    let r = Int(color.r)
    let g = Int(color.g)
    let b = Int(color.b)
    switch mode {
    case .direct: return max(Int(color.hex), 0x010101)
    case .xterm256: return xterm256(r, g, b)
    case .basic8: return basic8(r, g, b)
    case .none: return -1
    }
  }

  /// Rec. 601 luma of a colour in [0, 1].
  public static func luma(_ r: Double, _ g: Double, _ b: Double) -> Double {
    0.299 * r + 0.587 * g + 0.114 * b
  }

  @inline(__always) static func sq(_ x: Int) -> Int { x * x }
}
