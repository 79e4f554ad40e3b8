import RealModule

/// Flux's resolution-dependent shift: μ grows linearly with the number of latent tokens.
///
/// diffusers' `calculate_shift(image_seq_len, base_seq_len, max_seq_len, base_shift, max_shift)`:
///
/// ```
/// m = (maxShift − baseShift) / (maxSequence − baseSequence)
/// μ = m·L + (baseShift − m·baseSequence),   L = (side / 16)²
/// ```
///
/// L counts the latent tokens of a `side`×`side` image: the VAE divides each side by 8 and
/// Flux packs 2×2 latents into one token, so 16 pixels of side per token. The defaults are
/// Flux.1-dev's scheduler config (base 0.5 at 256 tokens = 256², max 1.15 at 4096 = 1024²).
public struct FluxShift: Equatable, Sendable {
  public var baseShift: Double
  public var maxShift: Double
  public var baseSequence: Double
  public var maxSequence: Double

  public init(
    baseShift: Double = 0.5, maxShift: Double = 1.15, baseSequence: Double = 256,
    maxSequence: Double = 4096
  ) {
    self.baseShift = baseShift
    self.maxShift = maxShift
    self.baseSequence = baseSequence
    self.maxSequence = maxSequence
  }

  /// Pixels of image side per latent token (VAE factor 8 × 2×2 packing).
  public static let pixelsPerToken = 16.0

  var slope: Double { (maxShift - baseShift) / (maxSequence - baseSequence) }

  /// μ for a square image of `imageSide` pixels, as Flux's pipeline computes it: the side is
  /// divided by 8 (the VAE) and by 2 (the packing) in whole numbers, `(side // 8 // 2)²` tokens.
  public func mu(imageSide: Int) -> Double {
    let perSide = imageSide / 8 / 2
    return slope * Double(perSide * perSide) + (baseShift - slope * baseSequence)
  }

  /// The image side at which these defaults choose `mu`: the inverse of ``mu(imageSide:)``.
  public func imageSide(mu: Double) -> FluxSide {
    let tokens = (mu - baseShift) / slope + baseSequence
    guard tokens >= baseSequence else { return .belowRange }
    let side = Self.pixelsPerToken * tokens.squareRoot()
    // A relative margin, so μ = maxShift exactly (1024 px) is in range despite rounding.
    return tokens > maxSequence * (1 + 1e-12) ? .extrapolated(side) : .inRange(side)
  }

  /// Checks the four numbers a user may set; the field names are the options' without dashes.
  public func validate() throws(ScheduleError) {
    for (name, value) in [
      ("baseShift", baseShift), ("maxShift", maxShift), ("baseSequence", baseSequence),
      ("maxSequence", maxSequence),
    ] where !value.isFinite {
      throw .invalid(field: name, value: "\(value)", allowed: "a finite number")
    }
    guard baseSequence > 0 else {
      throw .invalid(field: "baseSequence", value: "\(baseSequence)", allowed: "a number > 0")
    }
    guard maxSequence > baseSequence else {
      throw .invalid(
        field: "maxSequence", value: "\(maxSequence)",
        allowed: "a number > the base sequence length (\(baseSequence))")
    }
    guard maxShift > baseShift else {
      throw .invalid(
        field: "maxShift", value: "\(maxShift)",
        allowed: "a number > the base shift (\(baseShift)), so μ rises with the image side")
    }
  }
}

/// Where a μ falls among the image sides Flux's defaults interpolate between.
public enum FluxSide: Equatable, Sendable {
  /// Between the base and the max sequence length (256 … 1024 px with the defaults).
  case inRange(Double)
  /// Above the max sequence length: the side `calculate_shift` extrapolates to.
  case extrapolated(Double)
  /// μ below the base shift: Flux's defaults never choose it for any image above 256 px.
  case belowRange

  public var side: Double? {
    switch self {
    case .inRange(let s), .extrapolated(let s): return s
    case .belowRange: return nil
    }
  }
}

/// One shift of the logSNR axis, said in each convention people train with.
///
/// After Algorithm 2's variance normalisation, input scale b gives the network exactly the
/// inputs of a process whose logSNR is moved by δ = 2·ln b: √γ·b·x0 + √(1−γ)·ε and the
/// process with α/σ = b·√γ/√(1−γ) differ by a factor per example, which the normalisation
/// removes. The other conventions move logSNR the same way:
///
/// ```
/// SD3 shift S (σ' = Sσ/(1 + (S−1)σ)):          λ' = λ − 2·ln S     so S = e^(−δ/2) = 1/b
/// Flux μ, exponential (σ' = e^μ/(e^μ + 1/σ − 1)): λ' = λ − 2·μ      so μ = −δ/2 = −ln b
/// simple diffusion (shifted cosine, base d₀):   λ' = λ + 2·ln(d₀/d) so d = d₀·e^(−δ/2) = d₀/b
/// ```
///
/// (each from (1−σ')/σ' = e^(−λ'/2) with rectified flow's λ = 2·ln((1−σ)/σ)). An input scale
/// b together with a shift S moves logSNR by 2·ln b − 2·ln S, one point on the same axis.
public struct ShiftEquivalents: Equatable, Sendable {
  /// δ: how far logSNR moves, λ → λ + δ.
  public let logSNRShift: Double
  public let flux: FluxShift
  /// The base resolution of simple diffusion's shifted cosine (64 in Hoogeboom et al. 2023).
  public let simpleDiffusionBase: Double

  /// The shift of input scale `inputScale` followed by an SD3 shift `shift`. Both must be in
  /// ``NoiseProcess/inputScaleRange``.
  public init(
    inputScale: Double, shift: Double = 1, flux: FluxShift = FluxShift(),
    simpleDiffusionBase: Double = 64
  ) throws(ScheduleError) {
    for (name, value) in [("inputScale", inputScale), ("shift", shift)]
    where !(value.isFinite && NoiseProcess.inputScaleRange.contains(value)) {
      throw .invalid(field: name, value: "\(value)", allowed: NoiseProcess.inputScaleAllowed)
    }
    guard simpleDiffusionBase.isFinite, simpleDiffusionBase > 0 else {
      throw .invalid(
        field: "baseResolution", value: "\(simpleDiffusionBase)", allowed: "a number > 0")
    }
    try flux.validate()
    self.logSNRShift = 2 * Double.log(inputScale) - 2 * Double.log(shift)
    self.flux = flux
    self.simpleDiffusionBase = simpleDiffusionBase
  }

  /// The paper's b alone (shift 1).
  public var inputScale: Double { Double.exp(logSNRShift / 2) }
  /// SD3's static shift S alone (b = 1).
  public var sd3Shift: Double { Double.exp(-logSNRShift / 2) }
  /// Flux's μ with its default exponential time shift.
  public var fluxMu: Double { -logSNRShift / 2 }
  /// The image side at which Flux's defaults choose ``fluxMu``.
  public var fluxImageSide: FluxSide { flux.imageSide(mu: fluxMu) }
  /// The resolution d that simple diffusion's shifted cosine trains at for this shift.
  public var simpleDiffusionResolution: Double { simpleDiffusionBase * sd3Shift }

  /// `schedtui equivalents --format json`.
  public var json: JSONValue {
    .object([
      ("log_snr_shift", .double(logSNRShift)),
      ("input_scale", .double(inputScale)),
      ("shift", .double(sd3Shift)),
      ("flux_mu", .double(fluxMu)),
      ("flux_image_side", fluxImageSide.side.map(JSONValue.double) ?? .null),
      ("flux_image_side_range", .string(fluxImageSide.rangeName)),
      ("simple_diffusion_resolution", .double(simpleDiffusionResolution)),
      ("simple_diffusion_base", .double(simpleDiffusionBase)),
    ])
  }

  /// `schedtui equivalents` as lines for people, and the explorer's line under the t-cursor.
  public var lines: [String] {
    let side: String
    switch fluxImageSide {
    case .inRange(let s): side = "\(Self.short(s)) px"
    case .extrapolated(let s):
      side = "\(Self.short(s)) px (beyond \(Self.short(flux.maxSequence)) tokens: extrapolated)"
    case .belowRange: side = "below Flux's range (μ < base shift \(Self.short(flux.baseShift)))"
    }
    let rows = [
      ["logSNR moved by", Self.short(logSNRShift), "δ = 2·ln b − 2·ln S"],
      ["the paper's input scale b", Self.short(inputScale), "Chen 2023"],
      ["SD3 shift S", Self.short(sd3Shift), "1/b: σ' = Sσ/(1 + (S−1)σ)"],
      ["Flux μ", Self.short(fluxMu), "−ln b, exponential time shift"],
      ["Flux's image side for μ", side, "calculate_shift with Flux.1-dev's defaults"],
      [
        "simple diffusion resolution", Self.short(simpleDiffusionResolution),
        "d₀/b with base d₀ = \(Self.short(simpleDiffusionBase))",
      ],
    ]
    return TextTable.render(rows, rightAligned: false).split(separator: "\n").map(String.init)
  }

  /// The explorer's line under the t-cursor, short enough for its 30-column panel, to three
  /// significant digits: `b ≡ S 2 · μ 0.693 · d 128` (SD3's shift, Flux's μ, simple diffusion's
  /// resolution; the README's "What b is in their words" spells it out).
  public var compactLine: String {
    "b ≡ S \(Self.short(sd3Shift, digits: 3)) · μ \(Self.short(fluxMu, digits: 3)) · d "
      + Self.short(simpleDiffusionResolution, digits: 3)
  }

  /// `digits` significant digits (four by default), without a trailing ".0" on whole numbers.
  static func short(_ x: Double, digits significant: Int = 4) -> String {
    guard x.isFinite else { return "\(x)" }
    if x == x.rounded(), Swift.abs(x) < 1e9 { return "\(Int(x))" }
    let magnitude = Swift.abs(x)
    if magnitude >= 1e-3 && magnitude < 1e6 {
      let digits = max(0, significant - 1 - Int(Double.log10(magnitude).rounded(.down)))
      var text = String(describing: (x * Double.pow(10, Double(digits))).rounded()
        / Double.pow(10, Double(digits)))
      if text.hasSuffix(".0") { text.removeLast(2) }
      return text
    }
    return "\(x)"
  }
}

extension FluxSide {
  /// `in-range`, `extrapolated` or `below-range`, for the JSON.
  public var rangeName: String {
    switch self {
    case .inRange: return "in-range"
    case .extrapolated: return "extrapolated"
    case .belowRange: return "below-range"
    }
  }
}
