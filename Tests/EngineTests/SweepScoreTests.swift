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

  @Test("details: each run's rises of the held-out error, named by kind; none said when the curves fall")
  func rises() {
    let (grid, res) = results()
    let one = SweepCell(resolution: 8, scale: 1, family: grid.families[0]).id
    // b = 1 alone: 1/(1+e^λ) falls everywhere.
    #expect(
      SweepScore(grid: grid, results: [one: res[one]!]).markdown.contains(
        "None: every scored run's held-out error falls as λ grows"))
    // b = 0.5's curve is 4× higher above λ = 0 (a +62 % step at 0→1); with no training curve
    // it is the network's.
    let text = SweepScore(grid: grid, results: res).markdown
    #expect(!text.contains("None: every scored run"), "\(text)")
    #expect(
      text.contains("- 8×8 1 - t, b = 0.5, seed 0: held-out error rises at λ 0→1 +"), "\(text)")
    #expect(text.contains("the network is worse there"), "\(text)")
    #expect(!text.contains("b = 1.0, seed 0: held-out"), "\(text)")
    // b = 1 made to rise 10 % from λ = 1 to 2 while its training images' error falls:
    // memorisation, named as such.
    var run = res[one]![0]
    run.errorByLogSNR![5].error = run.errorByLogSNR![4].error * 1.1
    run.trainingErrorByLogSNR = run.errorByLogSNR!.map {
      HeldOutScore.Point(logSNR: $0.logSNR, error: 0.1 / (1 + exp($0.logSNR)))
    }
    let memorised = SweepScore(grid: grid, results: [one: [run]]).markdown
    #expect(
      memorised.contains("- 8×8 1 - t, b = 1.0, seed 0: held-out error rises at λ 1→2 +10.0 %"),
      "\(memorised)")
    #expect(memorised.contains("memorisation"), "\(memorised)")
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
    var trained = run
    trained.trainingErrorByLogSNR = [HeldOutScore.Point(logSNR: 0, error: 0.5)]
    let again = try JSONDecoder().decode(SweepRun.self, from: JSONEncoder().encode(trained))
    #expect(again == trained && again.trainingErrorByLogSNR?.first?.error == 0.5)
  }
}
