import ArgumentParser
import Schedules

/// `schedtui equivalents`: one logSNR shift said as the paper's b, SD3's shift, Flux's μ and
/// simple diffusion's resolution.
struct Equivalents: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "equivalents",
    abstract: "Say an input scale b (and shift) as SD3's shift, Flux's μ and simple diffusion's resolution.",
    discussion: """
      After variance normalisation, input scale b gives the network exactly the inputs of a \
      process whose logSNR is moved by 2·ln b. SD3's shift S moves it by −2·ln S, Flux's μ \
      (exponential time shift) by −2·μ, simple diffusion's shifted cosine by 2·ln(base/d). \
      This prints the one shift in each convention (README "What b is in their words").

      Examples:
        schedtui equivalents --scale 0.5
        schedtui equivalents --scale 0.3 --format json
        schedtui equivalents --scale 1 --shift 3      # SD3's default, as b
      """)

  @Option(name: .customLong("scale"), parsing: .unconditional, help: "The paper's input scale b (default 1).")
  var inputScale: Double = 1

  @Option(parsing: .unconditional, help: "An SD3 static shift S applied as well (default 1).")
  var shift: Double = 1

  @Option(
    name: .customLong("base-shift"), parsing: .unconditional,
    help: "Flux's base_shift, μ at the base sequence length (default \(FluxShift().baseShift)).")
  var baseShift: Double = FluxShift().baseShift

  @Option(
    name: .customLong("max-shift"), parsing: .unconditional,
    help: "Flux's max_shift, μ at the max sequence length (default \(FluxShift().maxShift)).")
  var maxShift: Double = FluxShift().maxShift

  @Option(
    name: .customLong("base-seq-len"), parsing: .unconditional,
    help: "Flux's base_image_seq_len in latent tokens (default \(Int(FluxShift().baseSequence)), a 256-px image).")
  var baseSequence: Double = FluxShift().baseSequence

  @Option(
    name: .customLong("max-seq-len"), parsing: .unconditional,
    help: "Flux's max_image_seq_len in latent tokens (default \(Int(FluxShift().maxSequence)), a 1024-px image).")
  var maxSequence: Double = FluxShift().maxSequence

  @Option(
    name: .customLong("base-resolution"), parsing: .unconditional,
    help: "Simple diffusion's base resolution d₀ (default 64).")
  var baseResolution: Double = 64

  @Option(help: "Output format: table or json.")
  var format: EquivalentsFormat = .table

  enum EquivalentsFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json
  }

  static let options = [
    "inputScale": "--scale", "shift": "--shift", "baseShift": "--base-shift",
    "maxShift": "--max-shift", "baseSequence": "--base-seq-len",
    "maxSequence": "--max-seq-len", "baseResolution": "--base-resolution",
  ]

  func equivalents() throws -> ShiftEquivalents {
    do {
      return try ShiftEquivalents(
        inputScale: inputScale, shift: shift,
        flux: FluxShift(
          baseShift: baseShift, maxShift: maxShift, baseSequence: baseSequence,
          maxSequence: maxSequence),
        simpleDiffusionBase: baseResolution)
    } catch {
      throw ValidationError(
        error.renamingField { Self.options[$0] ?? $0 }.fieldError(.commandLine).description)
    }
  }

  func validate() throws {
    _ = try equivalents()
  }

  func run() throws {
    let e = try equivalents()
    switch format {
    case .json: print(e.json.rendered())
    case .table: print(e.lines.joined(separator: "\n"))
    }
  }
}
