import Testing

@testable import TUI

@Suite struct ColorQuantizerTests {
  /// Hand-derived from the xterm palette: cube levels {0, 95, 135, 175, 215, 255}, greys 8 + 10i.
  @Test(
    "known colours land on their xterm-256 numbers",
    arguments: [
      (255, 0, 0, 196), (0, 0, 0, 16), (255, 255, 255, 231), (0, 255, 0, 46), (0, 0, 255, 21),
      (95, 135, 175, 67),  // an exact cube colour: 16 + 36·1 + 6·2 + 3
      (128, 128, 128, 244),  // grey 8 + 10·12 = 128 is exact; the cube's 135 is 7 away per channel
      (100, 100, 100, 241),  // grey 98 (2 away) beats cube 95 (5 away)
      (255, 200, 0, 220),  // q(200) = (200 − 35)/40 = 4 → 215: 16 + 180 + 24 + 0
    ])
  func known(_ r: Int, _ g: Int, _ b: Int, _ expected: Int) {
    #expect(ColorQuantizer.xterm256(r, g, b) == expected)
  }

  @Test("per channel, q(v) picks the nearest cube level (brute force over the six levels)")
  func nearestLevel() {
    let levels = ColorQuantizer.cubeLevels
    for v in 0...255 {
      let q = ColorQuantizer.cubeIndex(v)
      let best = levels.map { abs($0 - v) }.min()!
      #expect(abs(levels[q] - v) == best, "v = \(v): level \(levels[q]), nearest is \(best) away")
    }
  }

  @Test("the chosen colour is at least as near as the per-channel nearest cube colour")
  func neverWorse() {
    let levels = ColorQuantizer.cubeLevels
    func nearest(_ v: Int) -> Int { levels.min { abs($0 - v) < abs($1 - v) }! }
    func d2(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
      (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let c = (
        Int.random(in: 0...255, using: &rng), Int.random(in: 0...255, using: &rng),
        Int.random(in: 0...255, using: &rng)
      )
      let chosen = ColorQuantizer.rgb(ofXterm256: ColorQuantizer.xterm256(c.0, c.1, c.2))
      let cube = (nearest(c.0), nearest(c.1), nearest(c.2))
      #expect(d2(chosen, c) <= d2(cube, c), "\(c): chose \(chosen), cube has \(cube)")
    }
  }

  @Test("direct colour sends 0xRRGGBB, with near-black lifted off the palette numbers")
  func direct() {
    #expect(ColorQuantizer.number(Color(0x12, 0x34, 0x56), mode: .direct) == 0x123456)
    #expect(ColorQuantizer.number(Color(0, 0, 0), mode: .direct) == 0x010101)
    #expect(ColorQuantizer.number(.default, mode: .direct) == -1)
    #expect(ColorQuantizer.number(Color(255, 0, 0), mode: .none) == -1)
  }

  @Test("8 colours: saturated colours find their ANSI colour")
  func basic() {
    #expect(ColorQuantizer.basic8(250, 10, 10) == 1)
    #expect(ColorQuantizer.basic8(20, 200, 30) == 2)
    #expect(ColorQuantizer.basic8(240, 240, 240) == 7)
    #expect(ColorQuantizer.basic8(10, 10, 10) == 0)
  }

  @Test("detection follows NO_COLOR, then direct, 256, 8, none")
  func detection() {
    #expect(
      ColorMode.detect(noColor: "1", hasColors: true, colors: 256, terminfoRGB: true) == .none)
    #expect(
      ColorMode.detect(noColor: "", hasColors: true, colors: 256, terminfoRGB: false) == .xterm256)
    #expect(
      ColorMode.detect(noColor: nil, hasColors: true, colors: 0x1000000, terminfoRGB: false)
        == .direct)
    #expect(
      ColorMode.detect(noColor: nil, hasColors: true, colors: 256, terminfoRGB: true) == .direct)
    #expect(
      ColorMode.detect(noColor: nil, hasColors: true, colors: 8, terminfoRGB: false) == .basic8)
    #expect(
      ColorMode.detect(noColor: nil, hasColors: false, colors: 0, terminfoRGB: false) == .none)
  }
}
