import Schedules

/// One schedule family of a sweep, as the user names it on the command line.
///
/// Text form: `linear` (γ = 1 − t), `cosine:START:END:TAU` or `sigmoid:START:END:TAU`
/// (the paper's Algorithm 1). The label is the paper's: `1 - t`, `cosine@0.2,1,1`.
public struct SweepFamily: Equatable, Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public let spec: ScheduleSpec

  /// What `--families` (and the sweep screen's row) take, one wording.
  public static let allowed =
    "linear, cosine:START:END:TAU, sigmoid:START:END:TAU, rectified-flow[:SHIFT]"

  public enum ParseError: Error, Equatable, CustomStringConvertible {
    case invalid(text: String, reason: String)

    /// Why the text is not a family, without the list of what is allowed.
    public var reason: String {
      switch self { case .invalid(_, let reason): return reason }
    }
    public var description: String {
      switch self {
      case .invalid(let text, let reason):
        return FieldError(
          field: "--families", value: "'\(text)'",
          allowed: SweepFamily.allowed + " (for example cosine:0.2:1:1)", reason: reason,
          source: .commandLine
        ).description
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
    case .rectifiedFlow:
      // Today's trainers' schedule (SD3, Flux): its one parameter is the static shift S.
      guard parts.count <= 2 else {
        throw .invalid(text: text, reason: "takes at most one number, the shift SHIFT")
      }
      spec = ScheduleSpec(family: .rectifiedFlow)
      if parts.count == 2 {
        guard let v = Double(parts[1]), v.isFinite else {
          throw .invalid(text: text, reason: "has '\(parts[1])', which is not a number")
        }
        spec[.shift] = v
      }
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
    case .rectifiedFlow:
      return spec[.shift] == 1 ? "rectified-flow" : "rectified-flow@\(Self.short(spec[.shift]))"
    default:
      return "\(spec.family.rawValue)@\(Self.short(spec.start)),\(Self.short(spec.end)),"
        + "\(Self.short(spec.tau))"
    }
  }

  static func short(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
  }
}

/// The grid of a sweep: resolutions × input scales × families × t-samplings, each cell trained
/// `repeats` times.
public struct SweepGrid: Equatable, Sendable {
  public var resolutions: [Int]
  public var scales: [Double]
  public var families: [SweepFamily]
  /// How training draws its noise levels (`--t-samplings`); `[.uniform]`, the paper's, unless
  /// told, which is also what a sweep from before the axis existed trained with.
  public var tSamplings: [TimestepSampling]
  public var repeats: Int
  public var seed: UInt64
  /// What the tables rank by: the Fréchet distance for the digits, bits/dim for data without a
  /// classifier. Not part of the cells' identity; set from the data (``SweepRanking/init(data:)``).
  public var ranking: SweepRanking = .frechetDistance

  public init(
    resolutions: [Int], scales: [Double], families: [SweepFamily],
    tSamplings: [TimestepSampling] = [.uniform], repeats: Int, seed: UInt64
  ) {
    self.resolutions = resolutions
    self.scales = scales
    self.families = families
    self.tSamplings = tSamplings
    self.repeats = repeats
    self.seed = seed
  }

  /// Whether the tables and heat map name each column's t-sampling: only when the grid has one
  /// other than uniform alone, so a paper-style sweep reads as before.
  public var showsSampling: Bool { tSamplings != [.uniform] }

  /// The cells in the order they are trained: resolution, then family, then t-sampling, then
  /// scale from 1 down.
  public var cells: [SweepCell] {
    var out: [SweepCell] = []
    for r in resolutions {
      for f in families.indices {
        for s in tSamplings {
          for b in scales {
            out.append(SweepCell(resolution: r, scale: b, family: families[f], tSampling: s))
          }
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
  public let tSampling: TimestepSampling

  public init(
    resolution: Int, scale: Double, family: SweepFamily, tSampling: TimestepSampling = .uniform
  ) {
    self.resolution = resolution
    self.scale = scale
    self.family = family
    self.tSampling = tSampling
  }

  /// A file-system-safe, stable name: `r16-b0.7-cosine_0.2_1_1`, with `-ts_logit-normal_0_1`
  /// after it for a t-sampling other than uniform (a uniform cell keeps the name it had before
  /// the axis, so older sweeps resume).
  public var id: String {
    let f = family.text.replacingOccurrences(of: ":", with: "_")
    let base = "r\(resolution)-b\(scale)-\(f)"
    guard tSampling != .uniform else { return base }
    return base + "-ts_" + tSampling.name.replacingOccurrences(of: ":", with: "_")
  }
}

/// The comma-separated lists a sweep is given as, parsed the same way for `schedtui sweep` and
/// the explorer's sweep screen; each caller names its own option or row in the message.
public enum SweepLists {
  /// What is wrong with a list: `reason` is a phrase such as "has '12'".
  public struct Problem: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
    public init(reason: String) { self.reason = reason }
  }

  /// Every side some data takes (digits 8–32, patches 16–64, a folder 8–64); whether a cell's
  /// data takes its side is the training check's, per cell, before the first run.
  public static let resolutions = [8, 16, 32, 64]
  /// "8, 16, 32, 64": the allowed sides as messages and help state them.
  public static let resolutionsText = resolutions.map(String.init).joined(separator: ", ")

  /// The trimmed items; refuses an empty item and a repeated one.
  static func items(_ text: String) throws(Problem) -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.contains(where: \.isEmpty) else { throw Problem(reason: "has an empty item") }
    guard Set(items).count == items.count else { throw Problem(reason: "lists a value twice") }
    return items
  }

  /// Image sides, each one of ``resolutions``.
  public static func resolutions(_ text: String) throws(Problem) -> [Int] {
    var out: [Int] = []
    for item in try items(text) {
      guard let r = Int(item), resolutions.contains(r) else { throw Problem(reason: "has '\(item)'") }
      out.append(r)
    }
    return out
  }

  /// Input scales b in (0, 10], each once (also as numbers: "1" and "1.0" are the same b).
  public static func scales(_ text: String) throws(Problem) -> [Double] {
    var out: [Double] = []
    for item in try items(text) {
      guard let b = Double(item), b.isFinite, b > 0, b <= 10 else {
        throw Problem(reason: "has '\(item)'")
      }
      out.append(b)
    }
    guard Set(out).count == out.count else { throw Problem(reason: "lists a value twice") }
    return out
  }

  /// Training densities in ``TimestepSampling``'s text form, each once (by canonical name, so
  /// `logit-normal` and `logit-normal:0:1` are the same).
  public static func tSamplings(_ text: String) throws(Problem) -> [TimestepSampling] {
    var out: [TimestepSampling] = []
    for item in try items(text) {
      do {
        out.append(try TimestepSampling(parsing: item))
      } catch {
        throw Problem(reason: "has '\(item)', which is not allowed (\(error.allowedText))")
      }
    }
    guard Set(out).count == out.count else { throw Problem(reason: "lists a value twice") }
    return out
  }

  /// Schedules in ``SweepFamily``'s text form.
  public static func families(_ text: String) throws(Problem) -> [SweepFamily] {
    var out: [SweepFamily] = []
    for item in try items(text) {
      let family: SweepFamily
      do { family = try SweepFamily(parsing: item) } catch {
        throw Problem(reason: "has '\(item)', which \(error.reason)")
      }
      // The same numbers written twice (0.2 and 0.20) would be two columns of one schedule.
      if let twin = out.first(where: { $0.spec == family.spec }) {
        throw Problem(
          reason: "has '\(twin.text)' and '\(item)', the same schedule written twice; give it once")
      }
      out.append(family)
    }
    return out
  }
}
