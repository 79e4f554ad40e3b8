/// How `schedtui sigmas` writes a list.
public enum SamplerFormat: String, CaseIterable, Sendable {
  /// `{"sigmas": […], "timesteps": […], "log_snr": […], "notes": […]}`.
  case json
  /// One σ per line.
  case text
  /// ComfyUI's custom-sigma nodes (ManualSigmas, KJNodes' CustomSigmas): `14.61, 7.8, …, 0.0`.
  case comfy
  /// stable-diffusion.cpp's `--sigmas "14.61,7.8,3.5,0.0"`.
  case sdcpp
}

extension SamplerSteps {
  /// The list in `format`, at full precision, ending with a newline. JSON writes ±∞ as null
  /// (σ = ∞ of DDIM at zero terminal SNR, logSNR ±∞ at σ = 0 and σ = 1 of a flow).
  public func rendered(_ format: SamplerFormat, notes: [SamplerNote]) throws(SamplerError)
    -> String
  {
    switch format {
    case .json:
      let noteValues = notes.map { note -> JSONValue in
        .object([
          ("kind", .string(note.kind.rawValue)), ("serious", .bool(note.serious)),
          ("text", .string(note.text)),
        ])
      }
      let object = JSONValue.object([
        ("sigmas", .array(sigmas.map(JSONValue.double))),
        ("timesteps", .array(timesteps.map(JSONValue.double))),
        ("log_snr", .array(logSNR.map(JSONValue.double))),
        ("notes", .array(noteValues)),
      ])
      return object.rendered() + "\n"
    case .text:
      return sigmas.map { $0.isInfinite ? "inf" : JSONValue.number($0) }.joined(separator: "\n")
        + "\n"
    case .comfy, .sdcpp:
      guard sigmas.allSatisfy(\.isFinite) else {
        throw SamplerError(
          .format, format.rawValue,
          "json or text for a list with σ = ∞ (DDIM at zero terminal SNR), which "
            + "\(format == .comfy ? "ComfyUI" : "stable-diffusion.cpp") cannot read")
      }
      return sigmas.map(JSONValue.number).joined(separator: format == .comfy ? ", " : ",") + "\n"
    }
  }
}
