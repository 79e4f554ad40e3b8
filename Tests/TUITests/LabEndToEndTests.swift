import Foundation
import TestSupport
import Testing

/// The lab walk-through in a real terminal: pin a schedule, tune another, queue both with a tiny
/// setup, watch the queue on the status line, compare the two runs on screen 5, export one.
@Suite(.serialized, .needsTmux)
struct LabEndToEndTests {
  init() throws { try Binary.require() }

  /// A config with the 1 − t schedule and a setup small enough to train in seconds.
  func tinyConfig() throws -> String {
    let path = temporaryFolder("lab") + "/config.json"
    let json = """
      {
        "schedtui_config_version": 1,
        "schedule": {"family": "linear"},
        "input_scale": 1,
        "normalize": true,
        "inference": {"schedule": {"family": "cosine"}, "steps": 5},
        "training": {"model": "mlp-s", "steps": 40, "batch": 32, "lr": 0.001, "seed": 0,
                     "data": "digits", "resolution": 8, "prediction": "x0",
                     "weighting": "min-snr", "min_snr_gamma": 5, "sampler": "ddpm",
                     "guidance": 1}
      }
      """
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("a --runs that is a file: s says so and trains nothing")
  func runsFolderIsAFile() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("schedtui-runs-\(UUID().uuidString.prefix(8))").path
    try "not a folder".write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let s = try TmuxSession.explorer(args: "--runs \(file)")
    try s.send("s")
    try s.waitFor(text: "is a file, not a folder")
    try s.quit()
  }

  @Test("pin, tune b, queue both, compare: both runs' legends and distances on screen 5")
  func pinQueueCompare() throws {
    let config = try tinyConfig()
    defer { try? FileManager.default.removeItem(atPath: config) }
    let s = try TmuxSession.explorer(width: 120, height: 40, args: "--config \(config)")
    try s.send("p")
    // ↓ to b, type 0.5 over the old value.
    try s.send("j", "Enter")
    try s.type("0.5")
    try s.send("Enter")
    try s.waitFor(text: "1−t b=0.5")
    try s.send("S")
    try s.waitFor(text: "training 1/2", timeout: 30)
    try s.waitFor(text: "training 2/2", timeout: 120)
    try s.waitFor("the queue to finish", timeout: 120) { lines in
      let status = lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
      return status.contains("training finished") && !status.contains("training 2/2")
    }
    try s.send("5")
    let lines = try s.waitFor(text: "Runs (2, 2 marked)")
    let screen = lines.joined(separator: "\n")
    // The loss chart's legend names both runs as the pins are named.
    #expect(lines.contains { $0.contains("━━ 1−t ") || $0.hasSuffix("━━ 1−t") })
    #expect(screen.contains("━━ 1−t b=0.5"))
    // Each run's row in the table ends in its numbers: side, steps, loss, distance, ….
    for name in ["■ 1−t  ", "■ 1−t b=0.5"] {
      let row = try #require(lines.first { $0.contains(name) && $0.contains("8²") }, "\(name)")
      let numbers = row.split(separator: " ").compactMap { Double($0) }
      // steps 40, the loss, and the held-out distance (a positive number).
      #expect(numbers.contains(40), "\(row)")
      #expect(numbers.count >= 3, "\(row)")
    }
    // e exports the chosen (first) run: the pin, b = 1, with its setup.
    try s.send("e")
    try s.waitFor(text: "Export the run's schedule and setup to")
    try s.send("Enter")
    try s.waitFor(text: "wrote ")
    let exported = try #require(
      try FileManager.default.contentsOfDirectory(atPath: s.dir).first { $0.hasSuffix(".json") })
    let text = try String(contentsOfFile: s.dir + "/" + exported, encoding: .utf8)
    #expect(text.contains("\"input_scale\": 1.0"))
    #expect(text.contains("\"steps\": 40"))
    // Both runs are kept in the runs folder, each with its summary.
    let runs = try FileManager.default.contentsOfDirectory(atPath: s.dir + "/runs")
    #expect(runs.count == 2)
    for run in runs {
      #expect(FileManager.default.fileExists(atPath: s.dir + "/runs/\(run)/summary.json"))
    }
    try s.quit()
  }
}
