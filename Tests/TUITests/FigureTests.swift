import Schedules
import Testing

@testable import TUI

@Suite struct FigureTests {
  let linear = Figure.Entry(
    name: "one <minus> t", setting: Setting(spec: ScheduleSpec(family: .linear)),
    color: Color(200, 0, 0))

  @Test("the SVG has the three panels, a curve per panel per entry, and the escaped legend")
  func svg() {
    let cosine = Figure.Entry(
      name: "cos", setting: Setting(spec: ScheduleSpec(family: .cosine)),
      color: Color(0, 0, 200))
    let svg = Figure.svg([linear, cosine])
    #expect(
      svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1500\" height=\"480\""))
    for title in ["γ(t)", "logSNR(t)", "density of logSNR, t ~ U(0,1)"] {
      #expect(svg.contains(">\(title)</text>"))
    }
    #expect(svg.components(separatedBy: "stroke=\"#c80000\" stroke-width=\"2.00\"").count - 1 == 3)
    #expect(svg.components(separatedBy: "stroke=\"#0000c8\" stroke-width=\"2.00\"").count - 1 == 3)
    #expect(svg.contains(">one &lt;minus&gt; t</text>"))
    #expect(svg.hasSuffix("</svg>\n"))
  }

  /// The γ panel spans x ∈ [58, 486] and y ∈ [30, panelHeight − 40]; γ = 1 − t passes through
  /// (0.5, 0.5), the middle of that box.
  @Test("the raster draws 1 − t through the middle of the γ panel, and the background is white")
  func raster() {
    let p = Figure.raster([linear], width: 1500, height: 480)
    let legendHeight = 18.0 + 10
    let bottom = 480 - legendHeight - 40
    let x = Int((58 + 486) / 2.0)
    let y = Int((30 + bottom) / 2)
    let near = (-1...1).flatMap { dy in (-1...1).map { dx in 3 * ((y + dy) * 1500 + x + dx) } }
    #expect(near.contains { p.rgb[$0] > 0.7 && p.rgb[$0 + 1] < 0.3 && p.rgb[$0 + 2] < 0.3 })
    #expect(p.rgb[3 * (5 * 1500 + 1495)] == 1)
  }
}
