import RealModule

/// Relative comparison for golden values: |a − b| ≤ rtol · max(|a|, |b|), or both exactly equal
/// (which covers matching infinities).
public func isClose(_ a: Double, _ b: Double, rtol: Double, atol: Double = 0) -> Bool {
  if a == b { return true }
  return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))
}

/// The largest relative difference between two equally long arrays, for reporting in failures.
public func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "arrays differ in length: \(a.count) vs \(b.count)")
  var worst = 0.0
  for (x, y) in zip(a, b) where x != y {
    worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
  }
  return worst
}
