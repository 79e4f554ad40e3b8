import Schedules
import RealModule
import Testing
import TestSupport

@Suite struct ScheduleTests {
  @Test("linear γ is 1 − t and its logSNR is log((1−t)/t) (hand derivation)")
  func linearByHand() throws {
    let s = try Schedule(ScheduleSpec(family: .linear))
    for t in [0.1, 0.25, 0.5, 0.9] {
      #expect(isClose(s.gamma(t), 1 - t, rtol: 1e-15))
      #expect(isClose(s.logSNR(t), Double.log((1 - t) / t), rtol: 1e-13))
    }
    #expect(s.gamma(1) == 1e-9)
  }

  @Test("input scale b shifts logSNR by exactly 2·log b")
  func inputScaleShift() throws {
    let s = try Schedule(ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 1))
    let p = try NoiseProcess(schedule: s, inputScale: 0.5)
    for t in [0.1, 0.5, 0.8] {
      #expect(isClose(p.logSNR(t) - s.logSNR(t), 2 * Double.log(0.5), rtol: 1e-12))
    }
  }

  @Test("a zero temperature is rejected with a message naming tau")
  func rejectsZeroTau() {
    #expect(throws: ScheduleError.invalid(field: "tau", value: "0.0", allowed: "a number > 0")) {
      try Schedule(ScheduleSpec(family: .sigmoid, tau: 0))
    }
  }
}
