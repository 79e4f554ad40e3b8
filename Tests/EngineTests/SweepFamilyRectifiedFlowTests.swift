import Schedules
import Testing

@testable import Engine

/// `--families rectified-flow[:SHIFT]`: today's trainers' schedule as a sweep column (issue 18's
/// sweep), alongside the paper's three.
@Suite struct SweepFamilyRectifiedFlowTests {
  @Test("rectified-flow takes an optional shift; the column and the cell id name it")
  func parses() throws {
    let plain = try SweepFamily(parsing: "rectified-flow")
    #expect(plain.spec.family == .rectifiedFlow && plain.spec[.shift] == 1)
    #expect(plain.description == "rectified-flow")
    let shifted = try SweepFamily(parsing: "rectified-flow:3")
    #expect(shifted.spec[.shift] == 3)
    #expect(shifted.description == "rectified-flow@3")
    let cell = SweepCell(resolution: 8, scale: 1, family: shifted)
    #expect(cell.id == "r8-b1.0-rectified-flow_3")
    // The sweep trains the family's own schedule with its shift.
    let config = try SweepSettings().config(cell: cell, seed: 0)
    #expect(config.schedule.family == .rectifiedFlow && config.schedule[.shift] == 3)
  }

  @Test(
    "a bad shift is refused naming --families, the text and what is allowed",
    arguments: ["rectified-flow:1:2", "rectified-flow:x", "rectified-flow:0", "rectified-flow:-2"])
  func refusals(text: String) {
    #expect {
      _ = try SweepFamily(parsing: text)
    } throws: { error in
      let message = "\(error)"
      return message.contains("--families") && message.contains(text)
        && message.contains("rectified-flow[:SHIFT]")
    }
  }
}
