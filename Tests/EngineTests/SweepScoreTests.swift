import Foundation
import Testing

@testable import Engine

@Suite struct SweepScoreTests {
  /// Two cells of one column, b = 1 and b = 0.5, with curves that cross at λ = 0.
  func results() -> (SweepGrid, [String: [SweepRun]]) {
    let grid = SweepGrid(
      resolutions: [8], scales: [1, 0.5], families: [try! SweepFamily(parsing: "linear")],
      repeats: 2, seed: 0)
    func run(_ bits: Double, _ error: (Double) -> Double) -> SweepRun {
      var r = SweepRun(seed: 0, fd: 10, noiseFD: 900, trainSeconds: 1, finalLoss: 0.1)
      r.bitsPerDim = bits
      r.errorByLogSNR = (-3...3).map {
        HeldOutScore.Point(logSNR: Double($0), error: error(Double($0)))
      }
      return r
    }
    let one = SweepCell(resolution: 8, scale: 1, family: grid.families[0])
    let half = SweepCell(resolution: 8, scale: 0.5, family: grid.families[0])
    // b = 0.5: lower error below λ = 0, higher above; repeats averaged (bits 2.0 and 2.5).
    return (
      grid,
      [
        one.id: [run(3.5, { 1 / (1 + exp($0)) })],
        half.id: [
          run(2.0, { 0.5 / (1 + exp($0)) * ($0 > 0 ? 4 : 1) }),
          run(2.5, { 0.5 / (1 + exp($0)) * ($0 > 0 ? 4 : 1) }),
        ],
      ]
    )
  }

  @Test("details: bits/dim per cell with the lowest in bold, and where the best b wins on λ")
  func markdown() {
    let (grid, res) = results()
    let text = SweepScore(grid: grid, results: res).markdown
    #expect(text.contains("| 0.5 | **2.250** |"), "\(text)")
    #expect(text.contains("| 1.0 | 3.500 |"), "\(text)")
    #expect(text.contains("b = 0.5 has the lower error at λ = -3…0."), "\(text)")
    // λ = 1: 0.5/(1+e)·4 against 1/(1+e): ratio 2.
    #expect(text.contains("| 1.0 | 0.2689 | 0.5379 | 2.00 |"), "\(text)")
  }

  @Test("when the largest b is best by both measures it is set against the best other b")
  func largestBest() {
    let (grid, res) = results()
    var swapped = res
    let one = SweepCell(resolution: 8, scale: 1, family: grid.families[0]).id
    swapped[one] = swapped[one]!.map { run in
      var r = run
      r.bitsPerDim = 1.0
      return r
    }
    let text = SweepScore(grid: grid, results: swapped).markdown
    #expect(text.contains("| 1.0 | **1.000** |"), "\(text)")
    #expect(text.contains("b = 1.0 against the best other b = 0.5"), "\(text)")
    #expect(text.contains("b = 0.5 has the lower error at λ = -3…0."), "\(text)")
  }

  @Test("runs of neighbouring λ are joined, gaps kept")
  func ranges() {
    #expect(SweepScore.ranges([-12, -11, -10, -5, 3, 4], step: 1) == "-12…-10, -5, 3…4")
    #expect(SweepScore.ranges([], step: 1) == "nowhere on the grid")
  }

  @Test("a sweep run's score survives sweep.json's coding")
  func coding() throws {
    let (_, res) = results()
    let run = res.values.first!.first!
    let back = try JSONDecoder().decode(SweepRun.self, from: JSONEncoder().encode(run))
    #expect(back == run)
    let keys = try JSONSerialization.jsonObject(with: JSONEncoder().encode(run)) as! [String: Any]
    #expect(keys["bits_per_dim"] != nil && keys["error_by_log_snr"] != nil)
  }
}
