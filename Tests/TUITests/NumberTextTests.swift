import Testing

@testable import TUI

/// Issue 22, finding 4: numbers on screen never trap an integer conversion, and a huge one is
/// written in exponent form, not as 309 digits.
@Suite struct NumberTextTests {
  @Test("figures: places below 1e6, exponent form above and for what is not a number")
  func figures() {
    #expect(Renderer.figure(12.345, decimals: 2) == "12.35")
    #expect(Renderer.figure(1234.4, decimals: 0) == "1234")
    #expect(Renderer.figure(1e308, decimals: 2) == "1e+308")
    #expect(Renderer.figure(23_456_789, decimals: 0) == "2.35e+07")
    #expect(Renderer.figure(.infinity, decimals: 2) == "inf")
  }

  @Test("clock: m:ss and h:mm:ss; 1e308, −1 and NaN seconds in exponent form, no trap")
  func clock() {
    #expect(Renderer.clock(65) == "1:05")
    #expect(Renderer.clock(3725) == "1:02:05")
    #expect(Renderer.clock(1e308) == "1e+308 s")
    #expect(Renderer.clock(-1) == "-1 s")
    #expect(Renderer.clock(.nan) == "nan s")
  }
}
