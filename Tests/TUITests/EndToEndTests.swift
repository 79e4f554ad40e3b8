import Foundation
import Testing

/// The explorer in a real terminal (tmux): keys, resize, export round trip, signals.
@Suite(.serialized, .needsTmux)
struct EndToEndTests {
  init() throws { try Binary.require() }

  @Test("a changed parameter changes the curve")
  func parameterChangesCurve() throws {
    let s = try TmuxSession(args: "--family cosine")
    let before = try s.waitFor(text: "Parameters")
    // ↓ ↓ ↓ selects τ; L is the coarse step (+1).
    try s.send("j", "j", "j", "L")
    let after = try s.waitFor(text: "cosine s=0 e=1 τ=2")
    #expect(after.contains { $0.contains("│ τ") && $0.contains("2 │") })
    // The γ plot (rows 2…11, right of the panel) is drawn differently.
    let plot = { (lines: [String]) in lines[2..<12].map { String($0.dropFirst(34)) } }
    #expect(plot(before) != plot(after))
    try s.send("u")
    try s.waitFor(text: "undone")
    #expect(try s.capture()[0].hasSuffix("cosine s=0 e=1 τ=1"))
    try s.quit()
  }

  @Test("? opens the help overlay listing the keys; any key closes it")
  func helpOverlay() throws {
    let s = try TmuxSession.explorer()
    try s.send("?")
    // The frame may reach the pane in pieces: wait until the whole overlay is there.
    let keys = [
      "Keys (any key closes)", "Ctrl-R U", "q Esc Ctrl-C", "Shift-Tab",
      "export JSON config", "undo", "quit anyway",
    ]
    try s.waitFor("the help overlay with \(keys)") { lines in
      let text = lines.joined(separator: "\n")
      return keys.allSatisfy { text.contains($0) }
    }
    try s.send("Escape")
    try s.waitFor("the help to close") { !$0.contains { $0.contains("Keys (any key closes)") } }
    try s.quit("C-c")
  }

  @Test(
    "export writes a config that schedtui curve --config reads back; a bad import changes nothing")
  func exportImport() throws {
    let s = try TmuxSession.explorer(args: "--family sigmoid --start 0 --end 3 --tau 0.5 --scale 0.7")
    try s.send("e")
    try s.waitFor(text: "Export JSON config to: schedule.json")
    try s.send("Enter")
    try s.waitFor(text: "wrote schedule.json")
    // A second export to the same file asks before replacing it.
    try s.send("e")
    try s.waitFor(text: "Export JSON config to: schedule.json")
    try s.send("Enter")
    try s.waitFor(text: "schedule.json exists: Enter replaces it")
    try s.send("Enter")
    try s.waitFor(text: "wrote schedule.json")
    let path = s.dir + "/schedule.json"
    let (status, out, err) = try Binary.run(
      Binary.path, ["curve", "--config", path, "--points", "3"])
    #expect(status == 0, "curve failed: \(err)")
    // γ(0.5) of sigmoid(0, 3, 0.5): (v_end − σ(3)) / (v_end − v_start), v = σ(x/τ) — from the
    // paper's Algorithm 1: σ(6) = 0.9975274, σ(3) = 0.9525741, σ(0) = 0.5 → 0.0903…
    let row = try #require(out.split(separator: "\n").first { $0.hasPrefix("0.5") })
    let gamma = try #require(Double(row.split(separator: " ", omittingEmptySubsequences: true)[1]))
    #expect(abs(gamma - (0.9975274 - 0.9525741) / (0.9975274 - 0.5)) < 1e-6)

    try open("bad.json", "{ \"family\": \"cosine\", \"tau\": -1 }", in: s)
    let after = try s.waitFor(text: "nothing changed")
    #expect(after.contains { $0.contains("bad.json") })
    #expect(after[0].hasSuffix("sigmoid s=0 e=3 τ=0.5 b=0.7"))
    try s.quit()
  }

  /// Writes a config `name` with this `schedule` object in the session's folder and opens it
  /// with `o`, typing its name over the suggested path.
  func open(_ name: String, _ schedule: String, in s: TmuxSession) throws {
    try FileManager.default.createDirectory(atPath: s.dir, withIntermediateDirectories: true)
    try "{ \"schedtui_config_version\": 1, \"schedule\": \(schedule) }"
      .write(toFile: s.dir + "/" + name, atomically: true, encoding: .utf8)
    try s.send("o")
    try s.waitFor(text: "Open JSON config:")
    for _ in 0..<20 { try s.send("BSpace") }
    try s.type(name)
    try s.send("Enter")
  }

  @Test("o opens a config (read off the UI thread): it becomes the current setting, u undoes it")
  func openConfig() throws {
    let s = try TmuxSession.explorer(args: "--family sigmoid --start 0 --end 3 --tau 0.5 --scale 0.7")
    try open("good.json", "{ \"family\": \"cosine\", \"tau\": 2 }", in: s)
    let opened = try s.waitFor("the opened config's schedule") { $0[0].hasSuffix("cosine s=0 e=1 τ=2") }
    #expect(opened.contains { $0.contains("good.json") })
    try s.send("u")
    try s.waitFor("undo to bring the old schedule back") { $0[0].hasSuffix("sigmoid s=0 e=3 τ=0.5 b=0.7") }
    try s.quit()
  }

  @Test("resizing re-lays out; a too small window says so")
  func resize() throws {
    let s = try TmuxSession.explorer(width: 100, height: 30)
    try s.tmuxCommand(["resize-window", "-t", "0", "-x", "60", "-y", "15"])
    try s.waitFor(text: "Terminal too small: 60×15, need 70×20")
    try s.tmuxCommand(["resize-window", "-t", "0", "-x", "80", "-y", "24"])
    let lines = try s.waitFor(text: "Parameters")
    #expect(!lines.contains { $0.contains("Terminal too small") })
    #expect(lines[23].hasPrefix(" ?:help"))
    try s.quit()
  }

  @Test("SIGTERM ends the explorer with status 143 and leaves a sane terminal")
  func sigterm() throws {
    let s = try TmuxSession.explorer()
    let pid = try s.explorerPID()
    #expect(kill(pid, SIGTERM) == 0)
    // The pane prints the status, then the stty modes: wait for both.
    let lines = try s.waitFor("the exit status and the terminal modes") { lines in
      lines.contains { $0.contains("EXIT=143") } && lines.contains { $0.contains("icanon") }
    }
    // stty after the explorer: echo and canonical mode are back on (no "-echo", "-icanon").
    let modes = try #require(lines.first { $0.contains("echo") })
    #expect(modes.contains("icanon") && !modes.contains("-icanon") && !modes.contains("-echo"))
    // Back on the normal screen: the explorer's frame is gone.
    #expect(!lines.contains { $0.contains("Parameters") })
  }

  @Test("s trains in the background; quitting asks while it runs; s stops it")
  func training() throws {
    let s = try TmuxSession.explorer()
    try s.send("s")
    try s.waitFor("training steps") { lines in
      lines.contains { $0.contains("step") && !$0.contains(" 0 / ") && $0.contains(" / ") }
    }
    try s.send("q")
    try s.waitFor(text: "A training run is active.")
    try s.send("n")
    try s.send("s")
    try s.waitFor(text: "training stopped at step", timeout: 30)
    try s.quit()
  }

  @Test("closing the presets, the help and an edit line leaves the screen as it was")
  func overlaysLeaveNothing() throws {
    let s = try TmuxSession.explorer(width: 100, height: 30, args: "--family cosine")
    // Characters only: tmux's -e capture also encodes the invisible attributes of blank cells,
    // which differ with how ncurses cleared them; styles are compared in OverlayTests.
    let before = try s.capture()
    try s.send("t")
    try s.waitFor(text: "Presets (")
    try s.send("j", "j", "Tab", "Escape")
    try s.waitFor("the presets to close") { !$0.contains { $0.contains("Presets (") } }
    try s.send("?")
    try s.waitFor(text: "Keys (")
    try s.send("x")
    try s.waitFor("the help to close") { !$0.contains { $0.contains("Keys (") } }
    try s.send("Enter")
    try s.waitFor(text: "family =")
    try s.send("Escape")
    let after = try s.waitFor("the edit line to close") { !$0.contains { $0.contains("family =") } }
    #expect(!after.isEmpty)
    #expect(after == before)
    try s.quit()
  }

  /// The terminal's mouse reports, as tmux sends them for TERM=tmux-256color (X10 encoding:
  /// ESC [ M, then button + 32, column + 33, row + 33, each one byte).
  func mouse(_ button: Int, x: Int, y: Int) -> String {
    "\u{1B}[M" + String(UnicodeScalar(UInt8(button + 32))) + String(UnicodeScalar(UInt8(x + 33)))
      + String(UnicodeScalar(UInt8(y + 33)))
  }

  @Test("the wheel over b changes b while family keeps the focus; a click focuses resolution")
  func mouseWheelAndClick() throws {
    let s = try TmuxSession.explorer(width: 80, height: 24)
    // Wheel up (button 64) over the b row (screen row 3).
    try s.type(mouse(64, x: 10, y: 3))
    let after = try s.waitFor(text: "1.05")
    #expect(after[3].contains("b (input scale)") && after[3].contains("1.05"))
    #expect(after[2].contains("linear"))
    // A press of the first button (0) on the resolution row (6) selects it: Enter edits it.
    try s.type(mouse(0, x: 12, y: 6))
    try s.send("Enter")
    try s.waitFor(text: "resolution = 64")
    try s.send("Escape")
    try s.quit()
  }

  @Test("the preview screen shows three resolutions with their probe numbers")
  func preview() throws {
    let s = try TmuxSession.explorer()
    try s.send("2")
    let lines = try s.waitFor(text: "256×256")
    #expect(lines.contains { $0.contains("64×64") && $0.contains("128×128") })
    // The probe comes after the pictures, when the explorer is idle.
    try s.waitFor(text: " dB")
    #expect(lines[1].contains("astronaut.png noised at"))
    // i: the next bundled image (brick, in name order).
    try s.send("i")
    try s.waitFor(text: "brick.png noised at")
    // O with a missing file: the message names it; the preview stays.
    try s.send("O")
    try s.waitFor(text: "Preview image (PNG):")
    try s.type("nope.png")
    try s.send("Enter")
    try s.waitFor(text: "cannot read image nope.png: no such file; the preview is unchanged")
    #expect(try s.capture()[1].contains("brick.png noised at"))
    // r: two resolutions typed over the selected list.
    try s.send("r")
    try s.waitFor(text: "Preview resolutions = 64,128,256")
    try s.type("32,512")
    try s.send("Enter")
    let two = try s.waitFor(text: "512×512")
    #expect(two.contains { $0.contains("32×32") } && !two.contains { $0.contains("256×256") })
    try s.quit()
  }
}

/// Refusals that need no terminal at all.
@Suite struct NoTerminalTests {
  @Test("without a terminal the explorer refuses and names the headless subcommands")
  func refuses() throws {
    try Binary.require()
    let (status, _, err) = try Binary.run(Binary.path, [])
    #expect(status == 2)
    #expect(err.contains("headless subcommands"))
    #expect(err.contains("schedtui curve"))
  }
}

/// `schedtui equivalents` as a user runs it.
@Suite struct EquivalentsCommandTests {
  @Test("equivalents --scale 0.5 --format json says shift 2, Flux μ 0.693, simple diffusion 128")
  func halfScale() throws {
    try Binary.require()
    let (status, out, err) = try Binary.run(
      Binary.path, ["equivalents", "--scale", "0.5", "--format", "json"])
    #expect(status == 0, "\(err)")
    let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    #expect(abs((json?["shift"] as? Double ?? 0) - 2) < 1e-12)
    #expect(abs((json?["flux_mu"] as? Double ?? 0) - log(2)) < 1e-12)
    #expect(abs((json?["simple_diffusion_resolution"] as? Double ?? 0) - 128) < 1e-9)
    #expect(json?["input_scale"] as? Double == 0.5)
  }

  @Test("a bad value is refused naming the option and what is allowed (exit 64)")
  func refusal() throws {
    try Binary.require()
    let (status, _, err) = try Binary.run(Binary.path, ["equivalents", "--max-seq-len", "10"])
    #expect(status == 64)
    #expect(err.contains("--max-seq-len 10.0 is not allowed: a number > the base sequence length"))
  }
}
