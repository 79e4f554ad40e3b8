import Foundation

/// Numbers as the screens show them. Values come from files (summary.json, sweep.json) as well
/// as from the engine, so nothing here converts to an integer without a range check, and a
/// number too large for a column is written in exponent form rather than as hundreds of digits.
extension Renderer {
  /// `x` with `decimals` places (`12.34`); from 1e6 up (or for a value that is not a number)
  /// in exponent form with three significant digits (`1e+308`, `2.35e+07`).
  static func figure(_ x: Double, decimals: Int) -> String {
    guard x.isFinite, abs(x) < 1e6 else { return String(format: "%.3g", x) }
    return String(format: "%.\(max(0, min(decimals, 6)))f", x)
  }

  /// `m:ss` or `h:mm:ss`; a time no run takes (negative, 1e9 s and more, or not a number) in
  /// exponent form: `Int(1e308)` would trap.
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0, seconds < 1e9 else {
      return String(format: "%.3g s", seconds)
    }
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
    return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
  }
}
