import Foundation

/// The figure `schedtui noise` writes: one image noised at several resolutions side by side, as in
/// the paper's Figures 2 and 4, with the denoising probe per resolution. Kept here, apart from the
/// command, so that tests can call it.
public enum NoiseFigure {
  /// A bad value for one of the figure's settings, named as the command-line option.
  public struct InvalidOption: Error, Equatable, CustomStringConvertible, Sendable {
    public let option: String
    public let value: String
    public let allowed: String
    public var description: String { "\(option) \(value) is not allowed: \(allowed)" }
  }

  /// The resolutions a figure may use.
  public static let allowedResolutions = 2...1024

  /// Parses a comma-separated list such as `64,128,256`: 1 to 8 distinct integers in 2...1024.
  public static func parseResolutions(_ text: String) throws(InvalidOption) -> [Int] {
    let allowed = "a comma-separated list of 1 to 8 distinct whole numbers in 2...1024, "
      + "for example 64,128,256"
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    var values: [Int] = []
    for part in parts {
      guard let v = Int(part), allowedResolutions.contains(v), !values.contains(v) else {
        throw InvalidOption(option: "--resolutions", value: text, allowed: allowed)
      }
      values.append(v)
    }
    guard (1...8).contains(values.count) else {
      throw InvalidOption(option: "--resolutions", value: text, allowed: allowed)
    }
    return values
  }

  /// The figure and the panels it was made from: `image` noised at `gamma` with input scale
  /// `inputScale` at each resolution (fixed noise from `seed`), each panel shown at
  /// `panelSize`×`panelSize` (nearest neighbour), 8 white pixels apart.
  public static func render(
    image: Image, resolutions: [Int], gamma: Double, inputScale: Double,
    normalization: Normalization, dataRange: NoisePreview.DataRange, seed: UInt64,
    panelSize: Int
  ) -> (figure: Image, panels: [NoisePreview.Panel]) {
    let preview = NoisePreview(
      image: image, resolutions: resolutions, dataRange: dataRange, seed: seed)
    let panels = preview.render(
      gamma: gamma, inputScale: inputScale, normalization: normalization, probe: gamma > 0)
    let figure = NoisePreview.sideBySide(panels.map(\.display), size: panelSize, gap: 8)
    return (figure, panels)
  }

  /// The table printed under the figure: resolution, PSNR, SNR and the best blur per panel.
  public static func table(_ panels: [NoisePreview.Panel]) -> [String] {
    var lines = ["resolution   PSNR (dB)   SNR (dB)   best blur σ (px)"]
    for panel in panels {
      guard let probe = panel.probe else { continue }
      lines.append(
        pad(String(panel.resolution), 10) + pad(decibels(probe.psnr), 12)
          + pad(decibels(probe.snr), 11) + pad(String(format: "%.2f", probe.sigma), 19))
    }
    return lines
  }

  /// logSNR = log(γ·b² / (1 − γ)), with the b = 1 value beside it, as one line.
  public static func noiseLevel(gamma: Double, inputScale: Double) -> String {
    func logSNR(_ b: Double) -> String {
      gamma == 1 ? "+inf" : String(format: "%.4f", log(gamma * b * b / (1 - gamma)))
    }
    return "γ = \(gamma), b = \(inputScale): logSNR = \(logSNR(inputScale)) "
      + "(\(logSNR(1)) at b = 1, shifted by 2·log b = \(String(format: "%.4f", 2 * log(inputScale))))"
  }

  static func decibels(_ value: Double) -> String {
    value.isInfinite ? "inf" : String(format: "%.2f", value)
  }

  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: Swift.max(0, width - text.count)) + text
  }
}
