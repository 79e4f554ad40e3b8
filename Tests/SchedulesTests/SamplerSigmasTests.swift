import Schedules
import TestSupport
import Testing

@Suite struct SamplerSigmasTests {
  @Test("σ lists match an independent NumPy computation from γ' to 1e-6 relative")
  func matchesNumPy() throws {
    for c in try Fixtures.cases(in: "sigmas_golden.json", key: "cases", count: 5) {
      let b = try #require(c.json["input_scale"]?.doubleValue)
      let n = try #require(c.json["steps"]?.doubleValue)
      let process = try NoiseProcess(schedule: Schedule(c.spec), inputScale: b)
      let list = try SamplerSigmas(process: process, count: Int(n))
      let expected = Fixtures.doubles(c.json["sigmas"])
      #expect(list.sigmas.count == Int(n) + 1 && list.sigmas.last == 0, "\(c)")
      #expect(
        maxRelativeDifference(list.sigmas, expected) < 1e-6,
        "\(c) b = \(b): worst \(maxRelativeDifference(list.sigmas, expected))")
      let parsed = Fixtures.doubles(try JSONValue.parse(list.json))
      #expect(parsed == list.sigmas, "the JSON text reads back to the same numbers")
    }
  }

  @Test("the list decreases from σ_max to the final 0")
  func decreasing() throws {
    for family in ScheduleFamily.allCases {
      let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: family)))
      let s = try SamplerSigmas(process: process, count: 30).sigmas
      #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 }, "\(family)")
      #expect(s.last == 0 && s[s.count - 2] > 0, "\(family)")
    }
  }

  @Test("a step count outside [1, 100000] is refused, naming sigmas", arguments: [0, -3, 100_001])
  func refusesCount(count: Int) throws {
    let process = try NoiseProcess(schedule: Schedule(ScheduleSpec(family: .linear)))
    #expect(throws: ScheduleError.self) { try SamplerSigmas(process: process, count: count) }
    do {
      _ = try SamplerSigmas(process: process, count: count)
    } catch {
      #expect(error.description.hasPrefix("sigmas = \(count) is not allowed"))
    }
  }
}

/// Issue 22, finding 10: when several σ are the clip's, the warning says how many.
@Suite struct ClippedSigmasTests {
  @Test("EDM with σmax 1e6, 5 steps: the warning counts the 3 equal clipped σ")
  func countsClipped() throws {
    var spec = ScheduleSpec(family: .edm)
    spec[.sigmaMax] = 1e6
    let list = try SamplerSigmas(process: NoiseProcess(schedule: Schedule(spec)), count: 5)
    let clipped = list.sigmas.filter { $0 == list.sigmas[0] }.count
    #expect(clipped == 3)
    #expect(list.warnings.contains { $0.contains("the first 3 σ") }, "\(list.warnings)")
  }
}
