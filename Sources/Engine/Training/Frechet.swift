import Foundation

/// The Fréchet distance between two Gaussians fitted to feature vectors (FID's formula):
///
/// ```
/// d² = ‖μ1 − μ2‖² + tr(Σ1) + tr(Σ2) − 2·tr((Σ1^½ Σ2 Σ1^½)^½)
/// ```
/// Computed in Double. The matrix square roots come from symmetric eigendecompositions (Jacobi),
/// with eigenvalues below 0 (rounding) treated as 0, so the result is ≥ 0 up to rounding.
public enum Frechet {
  /// Mean (dim) and covariance (dim × dim, divided by count − 1) of `count` rows of `features`.
  public static func statistics(_ features: [Float], count: Int, dim: Int)
    -> (mean: [Double], covariance: [Double])
  {
    precondition(count >= 2 && features.count == count * dim, "need ≥ 2 rows of \(dim) features")
    var mean = [Double](repeating: 0, count: dim)
    for r in 0..<count { for i in 0..<dim { mean[i] += Double(features[r * dim + i]) } }
    for i in 0..<dim { mean[i] /= Double(count) }
    var cov = [Double](repeating: 0, count: dim * dim)
    var centered = [Double](repeating: 0, count: dim)
    for r in 0..<count {
      for i in 0..<dim { centered[i] = Double(features[r * dim + i]) - mean[i] }
      for i in 0..<dim {
        let ci = centered[i]
        for j in i..<dim { cov[i * dim + j] += ci * centered[j] }
      }
    }
    for i in 0..<dim {
      for j in i..<dim {
        cov[i * dim + j] /= Double(count - 1)
        cov[j * dim + i] = cov[i * dim + j]
      }
    }
    return (mean, cov)
  }

  /// d² between N(mu1, sigma1) and N(mu2, sigma2); sigmas are dim × dim, symmetric.
  public static func distance(
    mu1: [Double], sigma1: [Double], mu2: [Double], sigma2: [Double], dim: Int
  ) -> Double {
    var meanTerm = 0.0
    for i in 0..<dim { meanTerm += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) }
    var trace1 = 0.0, trace2 = 0.0
    for i in 0..<dim {
      trace1 += sigma1[i * dim + i]
      trace2 += sigma2[i * dim + i]
    }
    let root1 = symmetricSquareRoot(sigma1, dim: dim)
    let m = multiply(multiply(root1, sigma2, dim), root1, dim)
    // Symmetrise against rounding before the eigen solve.
    var sym = m
    for i in 0..<dim { for j in 0..<dim { sym[i * dim + j] = 0.5 * (m[i * dim + j] + m[j * dim + i]) } }
    let traceRoot = symmetricEigenvalues(sym, dim: dim).reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
    return Swift.max(meanTerm + trace1 + trace2 - 2 * traceRoot, 0)
  }

  /// d² between the Gaussians fitted to two sets of feature rows.
  public static func distance(_ a: [Float], countA: Int, _ b: [Float], countB: Int, dim: Int) -> Double {
    let sa = statistics(a, count: countA, dim: dim), sb = statistics(b, count: countB, dim: dim)
    return distance(mu1: sa.mean, sigma1: sa.covariance, mu2: sb.mean, sigma2: sb.covariance, dim: dim)
  }

  static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for k in 0..<n {
        let aik = a[i * n + k]
        if aik == 0 { continue }
        for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
      }
    }
    return c
  }

  /// A^½ for symmetric positive semi-definite A: V·diag(√max(λ, 0))·Vᵀ.
  static func symmetricSquareRoot(_ a: [Double], dim n: Int) -> [Double] {
    let (values, vectors) = jacobi(a, dim: n)
    var out = [Double](repeating: 0, count: n * n)
    for k in 0..<n {
      let r = Swift.max(values[k], 0).squareRoot()
      if r == 0 { continue }
      for i in 0..<n {
        let vik = vectors[i * n + k] * r
        for j in 0..<n { out[i * n + j] += vik * vectors[j * n + k] }
      }
    }
    return out
  }

  static func symmetricEigenvalues(_ a: [Double], dim: Int) -> [Double] { jacobi(a, dim: dim).values }

  /// Cyclic Jacobi rotations: eigenvalues and column eigenvectors (row-major V) of symmetric A.
  static func jacobi(_ input: [Double], dim n: Int) -> (values: [Double], vectors: [Double]) {
    var a = input
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0, total = 0.0
      for i in 0..<n {
        for j in 0..<n {
          total += a[i * n + j] * a[i * n + j]
          if i != j { off += a[i * n + j] * a[i * n + j] }
        }
      }
      if off <= 1e-30 * Swift.max(total, 1e-300) { break }
      for p in 0..<(n - 1) {
        for q in (p + 1)..<n {
          let apq = a[p * n + q]
          if abs(apq) < 1e-300 { continue }
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
  }
}
