import RealModule

/// The quantile (inverse CDF) of the Beta(a, b) distribution, as `scipy.stats.beta.ppf`, which
/// diffusers' `use_beta_sigmas` calls with a = b = 0.6.
///
/// The CDF is the regularised incomplete beta function I_x(a, b), evaluated with the continued
/// fraction of Numerical Recipes §6.4 (modified Lentz), on the side where it converges fast
/// (x < (a+1)/(a+b+2), else through I_x(a, b) = 1 − I_{1−x}(b, a)). The quantile is found by
/// bisection on [0, 1]: I_x is increasing, so 64 halvings reach the spacing of `Double` near any
/// answer; slow, but it runs once per step of a list, never per pixel.
public enum BetaQuantile {
  /// x with I_x(a, b) = p, for p in [0, 1] and a, b > 0; 0 at p = 0 and 1 at p = 1.
  public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0, "Beta(a, b) needs a, b > 0")
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    var low = 0.0
    var high = 1.0
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if mid == low || mid == high { break }
      if cdf(mid, a: a, b: b) < p { low = mid } else { high = mid }
    }
    return (low + high) / 2
  }

  /// I_x(a, b), the Beta(a, b) distribution's CDF at x.
  public static func cdf(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    // x^a (1−x)^b / (a·B(a, b)), with B through log-gamma so large a, b do not overflow.
    let logFront =
      a * Double.log(x) + b * Double.log(onePlus: -x) + Double.logGamma(a + b)
      - Double.logGamma(a) - Double.logGamma(b)
    if x < (a + 1) / (a + b + 2) {
      return Double.exp(logFront) * continuedFraction(x, a: a, b: b) / a
    }
    return 1 - Double.exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
  }

  /// The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`).
  static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...300 {
      let m = Double(m)
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return h
  }
}
