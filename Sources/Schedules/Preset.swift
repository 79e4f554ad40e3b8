/// A named schedule setting: the paper's Tables 1, 3 and 4, and the defaults of other tools.
///
/// Each preset is a schedule spec plus an input scale b (normalisation on), with the FID the
/// paper reports for it where it reports one (for display: the paper's numbers, not ours).
public struct Preset: Equatable, Sendable {
  /// The name to type: `table3-sigmoid-s0-e3-tau0.5`, `edm`, ….
  public let name: String
  /// Where it comes from: "Table 1", "Table 3", "Table 4", or the tool / paper.
  public let source: String
  /// One line for lists and legends.
  public let summary: String
  public let spec: ScheduleSpec
  public let inputScale: Double
  /// The image resolution the setting is meant for, when the source says (Table 1).
  public let resolution: Int?
  /// FID reported by the paper, per resolution (64, 128, 256), where it reports one.
  public let fid: [FID]
  /// How the source trains: its t-sampling, output and loss weighting (today's trainers' presets).
  public let training: Training?
  /// Where exactly the numbers come from: a paper's section or a repository's file.
  public let citation: String?

  /// A preset's training side: what `train --preset`, `export` (its config, `--python`,
  /// `--train-flags`), `curve`/`plot` (the density) and the explorer's setup rows take from it.
  public struct Training: Equatable, Sendable {
    public let tSampling: TimestepSampling
    public let prediction: Parameterization
    public let weighting: LossWeighting

    public init(tSampling: TimestepSampling, prediction: Parameterization, weighting: LossWeighting) {
      self.tSampling = tSampling
      self.prediction = prediction
      self.weighting = weighting
    }

    /// `logit-normal:0:1, flow output, flow-mse`.
    public var summary: String {
      "\(tSampling.name), \(prediction.rawValue) output, \(weighting.rawValue)"
    }
  }

  init(
    name: String, source: String, summary: String, spec: ScheduleSpec, inputScale: Double,
    resolution: Int?, fid: [FID], training: Training? = nil, citation: String? = nil
  ) {
    self.name = name
    self.source = source
    self.summary = summary
    self.spec = spec
    self.inputScale = inputScale
    self.resolution = resolution
    self.fid = fid
    self.training = training
    self.citation = citation
  }

  public struct FID: Equatable, Sendable {
    public let resolution: Int
    public let value: Double
  }

  /// A config holding this preset: the default inference section, and a training section with
  /// the preset's t-sampling, output and weighting if it has a training side (else none).
  public var config: Config {
    Config(
      schedule: spec, inputScale: inputScale,
      training: training.map {
        TrainingSection(prediction: $0.prediction, weighting: $0.weighting, tSampling: $0.tSampling)
      })
  }

  /// The preset called `name`, if any.
  public static func named(_ name: String) -> Preset? {
    all.first { $0.name == name }
  }

  /// Every preset, in table order.
  public static let all: [Preset] = table1 + table3 + table4 + others + trainers

  // MARK: - The paper's tables (Chen 2023)

  static let cosine0211 = ScheduleSpec(family: .cosine, start: 0.2, end: 1, tau: 1)
  static let oneMinusT = ScheduleSpec(family: .linear)

  /// Table 1: the input scale and γ(t) used at each resolution.
  public static let table1: [Preset] = [
    (64, 1.0, oneMinusT), (128, 0.6, oneMinusT), (256, 0.5, oneMinusT),
    (512, 0.2, cosine0211), (768, 0.1, oneMinusT), (1024, 0.1, oneMinusT),
  ].map { res, b, spec in
    let curve = spec.family == .linear ? "1−t" : "cosine@0.2,1,1"
    return Preset(
      name: "table1-\(res)", source: "Table 1",
      summary: "\(res)×\(res): b = \(shortNumber(b)), γ = \(curve)", spec: spec, inputScale: b,
      resolution: res, fid: [])
  }

  /// Table 3: schedule functions at b = 1, with FID at 64, 128, 256.
  public static let table3: [Preset] = {
    let rows: [(String, String, ScheduleSpec, [Double])] = [
      ("table3-linear", "1−t", oneMinusT, [2.04, 4.51, 7.21]),
      (
        "table3-cosine-s0-e1-tau1", "cosine s=0 e=1 τ=1",
        .init(family: .cosine, start: 0, end: 1, tau: 1),
        [2.71, 7.28, 21.6]
      ),
      ("table3-cosine-s0.2-e1-tau1", "cosine s=0.2 e=1 τ=1", cosine0211, [2.15, 4.9, 12.3]),
      (
        "table3-cosine-s0.2-e1-tau2", "cosine s=0.2 e=1 τ=2",
        .init(family: .cosine, start: 0.2, end: 1, tau: 2), [2.84, 5.64, 5.61]
      ),
      (
        "table3-cosine-s0.2-e1-tau3", "cosine s=0.2 e=1 τ=3",
        .init(family: .cosine, start: 0.2, end: 1, tau: 3), [3.3, 4.64, 6.24]
      ),
      (
        "table3-sigmoid-s-3-e3-tau0.9", "sigmoid s=−3 e=3 τ=0.9",
        .init(family: .sigmoid, start: -3, end: 3, tau: 0.9), [2.09, 5.83, 7.19]
      ),
      (
        "table3-sigmoid-s-3-e3-tau1.1", "sigmoid s=−3 e=3 τ=1.1",
        .init(family: .sigmoid, start: -3, end: 3, tau: 1.1), [2.03, 4.89, 7.23]
      ),
      (
        "table3-sigmoid-s0-e3-tau0.3", "sigmoid s=0 e=3 τ=0.3",
        .init(family: .sigmoid, start: 0, end: 3, tau: 0.3), [4.93, 6.07, 5.74]
      ),
      (
        "table3-sigmoid-s0-e3-tau0.5", "sigmoid s=0 e=3 τ=0.5",
        .init(family: .sigmoid, start: 0, end: 3, tau: 0.5), [3.12, 5.71, 4.28]
      ),
      (
        "table3-sigmoid-s0-e3-tau0.7", "sigmoid s=0 e=3 τ=0.7",
        .init(family: .sigmoid, start: 0, end: 3, tau: 0.7), [3.34, 3.91, 5.49]
      ),
      (
        "table3-sigmoid-s0-e3-tau0.9", "sigmoid s=0 e=3 τ=0.9",
        .init(family: .sigmoid, start: 0, end: 3, tau: 0.9), [2.29, 4.42, 5.48]
      ),
      (
        "table3-sigmoid-s0-e3-tau1.1", "sigmoid s=0 e=3 τ=1.1",
        .init(family: .sigmoid, start: 0, end: 3, tau: 1.1), [2.36, 4.39, 7.15]
      ),
    ]
    return rows.map { name, curve, spec, fids in
      Preset(
        name: name, source: "Table 3", summary: "γ = \(curve), b = 1", spec: spec, inputScale: 1,
        resolution: nil, fid: zip([64, 128, 256], fids).map { FID(resolution: $0, value: $1) })
    }
  }()

  /// Table 4: b × {cosine@0.2,1,1, 1−t}, with FID at 64, 128, 256.
  public static let table4: [Preset] = {
    // Rows b = 0.3 … 1; per row: cosine at 64, 1−t at 64, cosine at 128, 1−t at 128, … 256.
    let rows: [(Double, [Double])] = [
      (0.3, [5.1, 6.77, 5.63, 5.25, 3.7, 3.58]),
      (0.4, [4, 3.79, 4.65, 6.89, 4.01, 3.52]),
      (0.5, [3.76, 3.79, 4.14, 3.9, 5.12, 5.07]),
      (0.6, [3.42, 2.8, 3.97, 3.5, 5.54, 5.54]),
      (0.7, [2.4, 2.49, 4.78, 5.34, 7.93, 5.72]),
      (0.8, [2.36, 2.43, 6.28, 5.35, 4.52, 7.52]),
      (0.9, [2.31, 2.23, 4.89, 3.86, 5.51, 6.69]),
      (1, [2.15, 2.04, 4.9, 4.51, 12.3, 7.21]),
    ]
    var out: [Preset] = []
    for (column, (label, spec)) in [("cosine", cosine0211), ("linear", oneMinusT)].enumerated() {
      for (b, fids) in rows {
        let curve = column == 0 ? "cosine@0.2,1,1" : "1−t"
        out.append(
          Preset(
            name: "table4-\(label)-b\(shortNumber(b))", source: "Table 4",
            summary: "γ = \(curve), b = \(shortNumber(b))", spec: spec, inputScale: b,
            resolution: nil,
            fid: [64, 128, 256].enumerated().map {
              FID(resolution: $1, value: fids[2 * $0 + column])
            }))
      }
    }
    return out
  }()

  // MARK: - Other tools' defaults

  public static let others: [Preset] = {
    // Name, where it comes from, one line, the spec (at b = 1), the resolution it is meant for.
    let rows: [(String, String, String, ScheduleSpec, Int?)] = [
      (
        "ddpm-linear", "Ho et al. 2020 / diffusers", "DDPM β linspace(1e-4, 0.02), T = 1000",
        ScheduleSpec(family: .ddpmLinear), nil
      ),
      (
        "sd-scaled-linear", "Stable Diffusion / diffusers",
        "√β linspace(√8.5e-4, √0.012)², T = 1000", ScheduleSpec(family: .ddpmScaledLinear), nil
      ),
      (
        "sd-scaled-linear-zero-snr", "Lin et al. 2023 / diffusers",
        "Stable Diffusion's schedule rescaled to zero terminal SNR",
        ScheduleSpec(family: .ddpmScaledLinear, zeroTerminalSNR: true), nil
      ),
      (
        "iddpm-cosine", "Nichol & Dhariwal 2021 / diffusers",
        "squaredcos_cap_v2, s = 0.008, β ≤ 0.999, T = 1000", ScheduleSpec(family: .ddpmCosine),
        nil
      ),
      (
        "simple-diffusion-256", "Hoogeboom et al. 2023", "shifted cosine, base 64, resolution 256",
        ScheduleSpec(family: .shiftedCosine, baseResolution: 64, resolution: 256), 256
      ),
      (
        "simple-diffusion-512", "Hoogeboom et al. 2023", "shifted cosine, base 64, resolution 512",
        ScheduleSpec(family: .shiftedCosine, baseResolution: 64, resolution: 512), 512
      ),
      (
        "laplace", "Hang et al. 2024", "Laplace logSNR, μ = 0, β = 0.5",
        ScheduleSpec(family: .laplace), nil
      ),
      (
        "rectified-flow", "Liu et al. 2022", "rectified flow, no shift",
        ScheduleSpec(family: .rectifiedFlow), nil
      ),
      (
        "sd3-rf-shift3", "Esser et al. 2024 (SD3)", "rectified flow with timestep shift 3",
        ScheduleSpec(family: .rectifiedFlow, shift: 3), nil
      ),
    ]
    return rows.map { name, source, summary, spec, resolution in
      Preset(
        name: name, source: source, summary: summary, spec: spec, inputScale: 1,
        resolution: resolution, fid: [])
    }
  }()
}

/// `0.3` → "0.3", `1.0` → "1": the shortest text, without a trailing ".0".
func shortNumber(_ x: Double) -> String {
  x == x.rounded() && Swift.abs(x) < 1e15 ? "\(Int(x))" : "\(x)"
}
