/// The normalisation inside UNet-S's residual blocks: none, or GroupNorm with G groups before
/// each SiLU (ADM's and DDPM's block: norm → SiLU → conv, twice, the embedding added between).
///
/// Typed as `none` or `group:G` (`group` alone is `group:8`, the count ADM uses for 32–128
/// channels). G must divide every width a block normalises: UNet-S's 32, 64, 128 and the
/// concatenations' 96 and 192, so G divides 32. Only UNet-S has the hook; the other models
/// refuse anything but `none` (``TrainingSetting/norm``). UNet-S's default is `group:8`
/// (``ModelKind/defaultNorm``); DECISIONS.md 2026-12-05 has the measurement that chose it.
public enum BlockNorm: Hashable, Sendable {
  case none
  case group(Int)

  /// The groups `group:G` may take: the divisors of 32 (UNet-S's narrowest width).
  public static let groupCounts = [1, 2, 4, 8, 16, 32]
  /// The count a bare `group` means.
  public static let defaultGroups = 8
  /// What a run's own record without a `norm` key means (a run folder's config.json, its
  /// summary.json and checkpoint from before UNet-S had a norm, or before the default became
  /// group:8): none, the network those runs trained, so their checkpoints (1,984 parameters
  /// fewer than group:8's) still load, resume, sample and score. A config the user writes
  /// without the key gets the model's default instead (``ModelKind/defaultNorm``).
  public static let unrecorded = BlockNorm.none

  /// What `--norm` and `training.norm` take.
  public static let allowed =
    "none, or group:G (GroupNorm, G one of "
    + groupCounts.map(String.init).joined(separator: ", ")
    + "; group means group:\(defaultGroups)), with model unet-s only"

  /// The JSON Schema's pattern: the forms a user types (whether G is allowed is schedtui's check).
  public static let pattern = "^(none|group(:[0-9]+)?)$"

  /// Reads `none`, `group` or `group:G`; nil when the text is none of them or G is not allowed.
  public init?(parsing text: String) {
    if text == "none" {
      self = .none
      return
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts[0] == "group", parts.count <= 2 else { return nil }
    guard parts.count == 2 else {
      self = .group(Self.defaultGroups)
      return
    }
    guard let g = Int(parts[1]), Self.groupCounts.contains(g) else { return nil }
    self = .group(g)
  }

  /// The canonical text: `none` or `group:8`.
  public var name: String {
    switch self {
    case .none: return "none"
    case .group(let g): return "group:\(g)"
    }
  }

  /// The groups, nil for none.
  public var groups: Int? {
    if case .group(let g) = self { return g }
    return nil
  }
}

/// Stored by its canonical ``BlockNorm/name`` (summary.json, checkpoints), the text a user types.
extension BlockNorm: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let v = BlockNorm(parsing: text) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath,
          debugDescription: "norm \"\(text)\" is not \(BlockNorm.allowed)"))
    }
    self = v
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(name)
  }
}
