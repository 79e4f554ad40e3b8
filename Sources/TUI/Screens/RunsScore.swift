import Engine
import Foundation

/// The runs screen's held-out score (``HeldOutScore``): a bits/dim cell in the table, and the
/// compared runs' held-out error per logSNR overlaid on one λ axis, log scale, below the p(λ)
/// panel. Unlike the losses beside them these compare across schedules, b and objectives
/// (README "Training").
extension Renderer {
  /// A run's bound in bits/dim for the table: three decimals, whole numbers from 100 (an
  /// x0-output network's error floor at high λ can put it in the thousands); "—" without one.
  static func bitsPerDim(_ s: RunSummary) -> String {
    guard let v = s.heldOutBitsPerDim, v.isFinite else { return "—" }
    return v >= 100 ? String(format: "%.0f", v) : String(format: "%.3f", v)
  }

  /// The per-bin area split for the score chart: its bottom third when some compared run has
  /// an error curve and there are rows for three charts; else all of it for the bins.
  func runsScoreSplit(_ compared: [RunEntry], _ r: Rect) -> (bins: Rect, score: Rect?) {
    let any = compared.contains { !($0.record.summary.heldOutErrorByLogSNR ?? []).isEmpty }
    guard any, r.height >= 15 else { return (r, nil) }
    let (top, bottom) = r.splitTop(r.height - r.height / 3)
    return (top, bottom)
  }

  /// log10 of each compared run's held-out ‖x̂0 − x0‖²/D against λ.
  func runsScoreChart(_ runs: RunsList, _ compared: [RunEntry], _ grid: inout Grid, _ r: Rect) {
    let (series, lo, hi) = Renderer.log10ByLogSNR(runs, compared) { e in
      (e.record.summary.heldOutErrorByLogSNR ?? []).map { ($0.logSNR, $0.logSNR, $0.error) }
    }
    guard lo < hi else { return }
    drawLog10(
      "log10 held-out denoising error", series, x: Axis(name: "logSNR λ", lower: lo, upper: hi),
      whenEmpty: -4, maxTicks: 3, &grid, r)
  }

  /// A chart of the runs' log10 series over λ, y over half decades (``halfDecades(_:whenEmpty:)``),
  /// without a legend: the list above names the runs in their colours.
  func drawLog10(
    _ title: String, _ series: [Series], x: Axis, whenEmpty: Double, maxTicks: Int,
    _ grid: inout Grid, _ r: Rect
  ) {
    let (ylo, yhi) = Renderer.halfDecades(series, whenEmpty: whenEmpty)
    var chart = Chart(
      title: title, x: x, y: Axis(name: "", lower: ylo, upper: yhi, maxTicks: maxTicks),
      series: series)
    chart.showLegend = false
    draw(chart, &grid, r, overT: false)
  }

  /// The y range of the runs screen's log10 charts: the finite values' extent widened to half
  /// decades, at least half a decade tall; [whenEmpty, 0] when nothing is finite.
  static func halfDecades(_ series: [Series], whenEmpty: Double) -> (Double, Double) {
    let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
    let low = ((ys.min() ?? whenEmpty) * 2).rounded(.down) / 2
    let high = ((ys.max() ?? 0) * 2).rounded(.up) / 2
    return (low, max(high, low + 0.5))
  }
}
