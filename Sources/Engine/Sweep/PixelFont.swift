/// A 3×5 pixel font for labelling figures (heat maps, plots) without a font library.
///
/// Covers digits, lower-case letters and the few symbols figure labels use; other characters
/// draw as a hollow box so a missing glyph is visible rather than silently dropped.
enum PixelFont {
  static let width = 3
  static let height = 5

  /// Each glyph is five rows of three columns, `#` for ink.
  static let glyphs: [Character: [String]] = [
    "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
    "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", " ##", "  #", "###"],
    "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
    "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", " # ", " # ", " # "],
    "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
    "a": ["   ", "## ", " ##", "# #", "###"], "b": ["#  ", "#  ", "###", "# #", "###"],
    "c": ["   ", "###", "#  ", "#  ", "###"], "d": ["  #", "  #", "###", "# #", "###"],
    "e": ["   ", "###", "###", "#  ", "###"], "f": [" ##", "#  ", "## ", "#  ", "#  "],
    "g": ["   ", "###", "# #", " ##", "## "], "h": ["#  ", "#  ", "###", "# #", "# #"],
    "i": [" # ", "   ", " # ", " # ", " # "], "j": ["  #", "   ", "  #", "# #", "###"],
    "k": ["#  ", "# #", "## ", "# #", "# #"], "l": ["## ", " # ", " # ", " # ", "###"],
    "m": ["   ", "###", "###", "# #", "# #"], "n": ["   ", "## ", "# #", "# #", "# #"],
    "o": ["   ", "###", "# #", "# #", "###"], "p": ["   ", "###", "# #", "###", "#  "],
    "q": ["   ", "###", "# #", "###", "  #"], "r": ["   ", "###", "#  ", "#  ", "#  "],
    "s": ["   ", " ##", "#  ", " ##", "## "], "t": [" # ", "###", " # ", " # ", " ##"],
    "u": ["   ", "# #", "# #", "# #", "###"], "v": ["   ", "# #", "# #", "# #", " # "],
    "w": ["   ", "# #", "# #", "###", "###"], "x": ["   ", "# #", " # ", " # ", "# #"],
    "y": ["   ", "# #", "###", "  #", "## "], "z": ["   ", "###", " # ", "#  ", "###"],
    ".": ["   ", "   ", "   ", "   ", " # "], ",": ["   ", "   ", "   ", " # ", "#  "],
    "-": ["   ", "   ", "###", "   ", "   "], "+": ["   ", " # ", "###", " # ", "   "],
    "=": ["   ", "###", "   ", "###", "   "], ":": ["   ", " # ", "   ", " # ", "   "],
    "@": ["###", "# #", "###", "#  ", "###"], "×": ["   ", "# #", " # ", "# #", "   "],
    "±": [" # ", "###", " # ", "   ", "###"], "(": [" # ", "#  ", "#  ", "#  ", " # "],
    ")": [" # ", "  #", "  #", "  #", " # "], "/": ["  #", "  #", " # ", "#  ", "#  "],
    "*": ["   ", "# #", " # ", "# #", "   "], "γ": ["   ", "# #", " # ", " # ", " # "],
    "τ": ["   ", "###", " # ", " # ", " ##"], " ": ["   ", "   ", "   ", "   ", "   "],
  ]

  static let missing = ["###", "# #", "# #", "# #", "###"]

  /// Width in pixels of `text` at `scale`, with one blank column between glyphs.
  static func width(of text: String, scale: Int) -> Int {
    text.isEmpty ? 0 : (text.count * (width + 1) - 1) * scale
  }

  /// Calls `ink(x, y)` for every pixel of `text` drawn with its top-left corner at (x, y).
  static func draw(_ text: String, x: Int, y: Int, scale: Int, ink: (Int, Int) -> Void) {
    var cx = x
    for ch in text {
      let rows = glyphs[ch.lowercased().first ?? ch] ?? missing
      for (gy, row) in rows.enumerated() {
        for (gx, c) in row.enumerated() where c == "#" {
          for sy in 0..<scale {
            for sx in 0..<scale { ink(cx + gx * scale + sx, y + gy * scale + sy) }
          }
        }
      }
      cx += (width + 1) * scale
    }
  }
}
