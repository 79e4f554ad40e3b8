import Foundation
import Testing

/// The sweep screen in a real terminal (tmux): it shows, a bad folder is refused, and a sweep
/// runs in the background while the UI answers (stopped after its first steps, not run through).
@Suite(.serialized, .needsTmux)
struct SweepEndToEndTests {
  init() throws { try Binary.require() }

  @Test("4 shows the sweep screen; o on a missing folder says so and changes nothing")
  func screenAndBadOpen() throws {
    let s = try TmuxSession.explorer()
    try s.send("4")
    let screen = try s.waitFor(text: "Sweep setup (Enter edits)")
    #expect(screen.contains { $0.contains("Fréchet distance (lower is better)") })
    #expect(screen.contains { $0.contains("cosine@0.2,1,1") })
    try s.send("o")
    try s.waitFor(text: "Open sweep folder: runs/sweep")
    for _ in 0..<12 { try s.send("BSpace") }
    try s.type("nowhere")
    try s.send("Enter")
    try s.waitFor(text: "cannot open the sweep: nowhere/sweep.json does not exist; nothing changed")
    #expect(try s.capture().contains { $0.contains("not started") })
    try s.quit()
  }

  @Test("s starts the sweep in the background; quitting asks; s stops it with the cell saved")
  func startStop() throws {
    let s = try TmuxSession.explorer()
    try s.send("4")
    try s.waitFor(text: "Sweep setup (Enter edits)")
    try s.send("s")
    try s.waitFor("the first cell's steps", timeout: 30) { lines in
      lines.contains { $0.contains("│ step ") && !$0.contains(" 0 / ") }
    }
    #expect(try s.capture().contains { $0.contains("▶") })
    try s.send("q")
    try s.waitFor(text: "A sweep is running")
    try s.send("n")
    try s.send("s")
    try s.waitFor(text: "sweep stopped; the runs done are saved", timeout: 30)
    let cells = try FileManager.default.contentsOfDirectory(atPath: s.dir + "/runs/sweep/cells")
    #expect(cells == ["r8-b1.0-linear"])
    #expect(FileManager.default.fileExists(
      atPath: s.dir + "/runs/sweep/cells/r8-b1.0-linear/seed-0/checkpoint.bin"))
    try s.quit()
  }
}
