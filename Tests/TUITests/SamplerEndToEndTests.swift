import Foundation
import Testing

/// The sampler and t-sampling rows in a real terminal (tmux): typed at 80×24, the notes line
/// under the plots, a resize to 160×48, and the t-sampling written by `e`.
@Suite(.serialized, .needsTmux)
struct SamplerEndToEndTests {
  init() throws { try Binary.require() }

  /// Selects the row labelled `label` by pressing ↓ until the selected line shows it.
  func select(_ label: String, _ s: TmuxSession) throws {
    for _ in 0..<30 {
      // The selected row is drawn reversed; tmux's plain capture shows no attributes, so the
      // edit line, which names the row, is the check.
      try s.send("Enter")
      let lines = try s.waitFor("an edit line") { $0.last { !$0.isEmpty }?.contains(" = ") == true }
      if lines.contains(where: { $0.hasPrefix(label + " =") || $0.contains(" " + label + " =") }) {
        return
      }
      try s.send("Escape")
      try s.send("j")
    }
    throw E2EError("no row \(label)")
  }

  /// Types `text` into the row labelled `label`.
  func set(_ label: String, _ text: String, _ s: TmuxSession) throws {
    try select(label, s)
    for _ in 0..<30 { try s.send("BSpace") }
    try s.type(text)
    try s.send("Enter")
  }

  @Test("80×24: leading on the zero-SNR table says where it starts, shortly; at 160×48 in full")
  func leadingAtZeroSNR() throws {
    let s = try TmuxSession.explorer(
      width: 80, height: 24, args: "--family ddpm-scaled-linear --zero-terminal-snr")
    try set("sampler steps", "10", s)
    try set("spacing", "leading", s)
    let small = try s.waitFor(text: "sampler: starts at λ −5.819, not −16.64")
    #expect(small.contains { $0.contains("│ spacing            leading │") })
    try s.tmuxCommand(["resize-window", "-t", "0", "-x", "160", "-y", "48"])
    try s.waitFor(text: "sampler 10 steps leading: starts at λ −5.819, not −16.64 (zero SNR: trailing)")
    try s.quit()
  }

  @Test("a typed t-sampling draws its density and `e` writes it into the config")
  func exportsTSampling() throws {
    let s = try TmuxSession.explorer(args: "--family rectified-flow --shift 3")
    try set("t-sampling", "logit-normal:0:1", s)
    try s.waitFor(text: "logSNR density for t ~ logit-normal:0:1")
    try set("logit std S", "0", s)
    try s.waitFor(text: "logit std S = \"0\" is not allowed: a number > 0")
    try s.send("Escape")
    try s.send("e")
    try s.waitFor(text: "Export JSON config to: schedule.json")
    try s.send("Enter")
    try s.waitFor(text: "wrote schedule.json")
    let text = try String(contentsOfFile: s.dir + "/schedule.json", encoding: .utf8)
    #expect(text.contains("\"t_sampling\": \"logit-normal:0:1\""), "\(text)")
    try s.quit()
  }
}
