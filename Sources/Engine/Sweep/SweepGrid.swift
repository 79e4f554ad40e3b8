import Schedules

/// One schedule family of a sweep, as the user names it on the command line.
///
/// Text form: `linear` (γ = 1 − t), `cosine:START:END:TAU` or `sigmoid:START:END:TAU`
/// (the paper's Algorithm 1). The label is the paper's: `1 - t`, `cosine@0.2,1,1`.
public struct SweepFamily: Equatable, Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public let spec: ScheduleSpec

  public enum ParseError: Error, Equatable, CustomStringConvertible {
    case invalid(text: String, reason: String)
    public var description: String {
      switch self {
      case .invalid(let text, let reason):
        return "--families: '\(text)' \(reason); allowed: linear, cosine:START:END:TAU, "
          + "sigmoid:START:END:TAU (for example cosine:0.2:1:1)"
      }
    }
  }

  public init(parsing text: String) throws(ParseError) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard let name = parts.first, let family = ScheduleFamily(rawValue: name) else {
      throw .invalid(text: text, reason: "is not a known family")
    }
    var spec: ScheduleSpec
    switch family {
    case .linear:
      guard parts.count == 1 else { throw .invalid(text: text, reason: "takes no parameters") }
      spec = ScheduleSpec(family: .linear)
    case .cosine, .sigmoid:
      guard parts.count == 4 else {
        throw .invalid(text: text, reason: "needs exactly three numbers START:END:TAU")
      }
      var values: [Double] = []
      for p in parts.dropFirst() {
        guard let v = Double(p), v.isFinite else {
          throw .invalid(text: text, reason: "has '\(p)', which is not a number")
        }
        values.append(v)
      }
      spec = ScheduleSpec(family: family, start: values[0], end: values[1], tau: values[2])
    default:
      throw .invalid(text: text, reason: "is not one of the paper's sweep families")
    }
    do {
      _ = try Schedule(spec)
    } catch {
      throw .invalid(text: text, reason: "is not a valid schedule (\(error))")
    }
    self.text = text
    self.spec = spec
  }

  /// The paper's column label: `1 - t`, `cosine@0.2,1,1`, `sigmoid@-3,3,1.1`.
  public var description: String {
    switch spec.family {
    case .linear: return "1 - t"
    default:
      return "\(spec.family.rawValue)@\(Self.short(spec.start)),\(Self.short(spec.end)),"
        + "\(Self.short(spec.tau))"
    }
  }

  static func short(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
  }
}

/// The grid of a sweep: resolutions × input scales × families, each cell trained `repeats` times.
public struct SweepGrid: Equatable, Sendable {
  public var resolutions: [Int]
  public var scales: [Double]
  public var families: [SweepFamily]
  public var repeats: Int
  public var seed: UInt64

  public init(
    resolutions: [Int], scales: [Double], families: [SweepFamily], repeats: Int, seed: UInt64
  ) {
    self.resolutions = resolutions
    self.scales = scales
    self.families = families
    self.repeats = repeats
    self.seed = seed
  }

  /// The cells in the order they are trained: resolution, then family, then scale from 1 down.
  public var cells: [SweepCell] {
    var out: [SweepCell] = []
    for r in resolutions {
      for f in families.indices {
        for b in scales {
          out.append(SweepCell(resolution: r, scale: b, family: families[f]))
        }
      }
    }
    return out
  }

  /// The seed of repeat `k` (0-based): the same for every cell, so cells differ only by
  /// resolution, scale and family.
  public func seed(repeat k: Int) -> UInt64 { seed &+ UInt64(k) }
}

/// One cell of the grid.
public struct SweepCell: Hashable, Sendable {
  public let resolution: Int
  public let scale: Double
  public let family: SweepFamily

  public init(resolution: Int, scale: Double, family: SweepFamily) {
    self.resolution = resolution
    self.scale = scale
    self.family = family
  }

  /// A file-system-safe, stable name: `r16-b0.7-cosine_0.2_1_1`.
  public var id: String {
    let f = family.text.replacingOccurrences(of: ":", with: "_")
    return "r\(resolution)-b\(scale)-\(f)"
  }
}
