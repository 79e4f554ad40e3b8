import Foundation
import Testing

/// The built `schedtui` binary, found from this file's place in the checkout.
enum Binary {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static var path: String { root.appendingPathComponent(".build/debug/schedtui").path }
  static var exists: Bool { FileManager.default.isExecutableFile(atPath: path) }

  static var tmux: String? {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin"] {
      let p = dir + "/tmux"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  /// Runs a program to completion; returns (status, stdout, stderr).
  ///
  /// posix_spawn and waitpid rather than Foundation's Process: the child gets an empty signal
  /// mask (the test runner's threads block signals, and tmux would hand that mask on to the
  /// explorer), and output goes to files, since `tmux new-session` forks a server that would keep
  /// a pipe open for as long as it lives.
  @discardableResult
  static func run(
    _ exe: String, _ args: [String]
  ) throws
    -> (Int32, String, String)
  {
    try spawn(exe, args).wait()
  }

  /// A program started by ``spawn(_:_:)``: its pid, and its output files until it is waited for.
  struct Child {
    let pid: pid_t
    let outPath: String
    let errPath: String

    /// Waits for the program to end; returns (status, stdout, stderr), where a death by signal
    /// s is 128 + s as a shell reports it.
    func wait() -> (Int32, String, String) {
      defer {
        unlink(outPath)
        unlink(errPath)
      }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
      let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
      let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
      return (exitStatus, out, err)
    }
  }

  /// Starts a program and returns at once (see ``run(_:_:)`` for how it is started).
  static func spawn(_ exe: String, _ args: [String]) throws -> Child {
    let tmp = FileManager.default.temporaryDirectory
      .appendingPathComponent("schedtui-run-\(UUID().uuidString)").path
    let outPath = tmp + ".out"
    let errPath = tmp + ".err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([exe] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, exe, &actions, &attributes, argv, environ)
    guard rc == 0 else { throw E2EError("cannot run \(exe): \(String(cString: strerror(rc)))") }
    return Child(pid: pid, outPath: outPath, errPath: errPath)
  }
}

/// One explorer running in its own tmux server (a unique socket), driven like a user would.
final class TmuxSession {
  let socket = "schedtui-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
  let tmux: String
  let dir: String

  /// Starts `schedtui args` in a `width × height` pane, in a fresh temporary folder. After the
  /// explorer ends the pane prints its exit status and the terminal modes (stty), then waits.
  init(width: Int = 120, height: Int = 40, args: String = "", env: String = "") throws {
    tmux = try #require(Binary.tmux)
    dir =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("schedtui-e2e-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let command =
      "cd \(dir) && env TERM=tmux-256color LANG=C.UTF-8 \(env) \(Binary.path) \(args); "
      + "echo EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(echo|icanon)' | tr '\\n' ' '; "
      + "echo; sleep 120"
    let (status, _, _) = try Binary.run(
      tmux,
      [
        "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
        command,
      ])
    guard status == 0 else { throw E2EError("tmux new-session failed with status \(status)") }
  }

  deinit {
    _ = try? Binary.run(tmux, ["-L", socket, "kill-server"])
    try? FileManager.default.removeItem(atPath: dir)
  }

  @discardableResult
  func tmuxCommand(_ args: [String]) throws -> String {
    let (status, out, err) = try Binary.run(tmux, ["-L", socket] + args)
    guard status == 0 else {
      throw E2EError("tmux \(args.joined(separator: " ")) failed (\(status)): \(err)")
    }
    return out
  }

  func send(_ keys: String...) throws {
    try tmuxCommand(["send-keys", "-t", "0"] + keys)
  }

  /// Sends `text` literally (no key-name lookup).
  func type(_ text: String) throws {
    try tmuxCommand(["send-keys", "-t", "0", "-l", text])
  }

  func capture() throws -> [String] {
    try tmuxCommand(["capture-pane", "-p", "-t", "0"]).components(separatedBy: "\n")
  }

  /// Polls the pane until `predicate` holds and the pane has stopped changing (a frame can reach
  /// tmux in pieces), 10 s at most; returns the settled lines.
  @discardableResult
  func waitFor(
    _ what: String, timeout: Double = 10, _ predicate: ([String]) -> Bool
  ) throws -> [String] {
    let deadline = Date().addingTimeInterval(timeout)
    var lines: [String] = []
    while Date() < deadline {
      lines = try capture()
      if predicate(lines) {
        usleep(80_000)
        let again = try capture()
        if again == lines { return lines }
        continue
      }
      usleep(50_000)
    }
    throw E2EError(
      "timed out waiting for \(what); the pane shows:\n" + lines.joined(separator: "\n"))
  }

  @discardableResult
  func waitFor(text: String, timeout: Double = 10) throws -> [String] {
    try waitFor("\"\(text)\"", timeout: timeout) { $0.contains { $0.contains(text) } }
  }

  /// The explorer's process id: the pane runs `sh -c`, whose child is schedtui.
  func explorerPID() throws -> pid_t {
    let pane = try tmuxCommand(["list-panes", "-t", "0", "-F", "#{pane_pid}"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let children = try String(
      contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)
    return try #require(pid_t(children.split(separator: " ").first ?? ""))
  }
}

struct E2EError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The explorer in a real terminal (tmux): keys, resize, export round trip, signals.
@Suite(
  .serialized,
  .enabled(
    if: Binary.tmux != nil,
    "tmux is not installed: the end-to-end explorer tests need it (scripts/setup installs it)"))
struct EndToEndTests {
  init() throws {
    try #require(Binary.exists, "build schedtui first (swift build): \(Binary.path) is missing")
  }

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
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  @Test("? opens the help overlay listing the keys; any key closes it")
  func helpOverlay() throws {
    let s = try TmuxSession()
    try s.waitFor(text: "Parameters")
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
    try s.send("C-c")
    try s.waitFor(text: "EXIT=0")
  }

  @Test(
    "export writes a config that schedtui curve --config reads back; a bad import changes nothing")
  func exportImport() throws {
    let s = try TmuxSession(args: "--family sigmoid --start 0 --end 3 --tau 0.5 --scale 0.7")
    try s.waitFor(text: "Parameters")
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

    try FileManager.default.createDirectory(atPath: s.dir, withIntermediateDirectories: true)
    try "{ \"schedtui_config_version\": 1, \"schedule\": { \"family\": \"cosine\", \"tau\": -1 } }"
      .write(toFile: s.dir + "/bad.json", atomically: true, encoding: .utf8)
    try s.send("o")
    try s.waitFor(text: "Open JSON config:")
    for _ in 0..<20 { try s.send("BSpace") }
    try s.type("bad.json")
    try s.send("Enter")
    let after = try s.waitFor(text: "nothing changed")
    #expect(after.contains { $0.contains("bad.json") })
    #expect(after[0].hasSuffix("sigmoid s=0 e=3 τ=0.5 b=0.7"))
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  @Test("resizing re-lays out; a too small window says so")
  func resize() throws {
    let s = try TmuxSession(width: 100, height: 30)
    try s.waitFor(text: "Parameters")
    try s.tmuxCommand(["resize-window", "-t", "0", "-x", "60", "-y", "15"])
    try s.waitFor(text: "Terminal too small: 60×15, need 70×20")
    try s.tmuxCommand(["resize-window", "-t", "0", "-x", "80", "-y", "24"])
    let lines = try s.waitFor(text: "Parameters")
    #expect(!lines.contains { $0.contains("Terminal too small") })
    #expect(lines[23].hasPrefix(" ?:help"))
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  @Test("SIGTERM ends the explorer with status 143 and leaves a sane terminal")
  func sigterm() throws {
    let s = try TmuxSession()
    try s.waitFor(text: "Parameters")
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
    let s = try TmuxSession()
    try s.waitFor(text: "Parameters")
    try s.send("s")
    try s.waitFor("training steps") { lines in
      lines.contains { $0.contains("step") && !$0.contains(" 0 / ") && $0.contains(" / ") }
    }
    try s.send("q")
    try s.waitFor(text: "A training run is active.")
    try s.send("n")
    try s.send("s")
    try s.waitFor(text: "training stopped at step", timeout: 30)
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  @Test("closing the presets, the help and an edit line leaves the screen as it was")
  func overlaysLeaveNothing() throws {
    let s = try TmuxSession(width: 100, height: 30, args: "--family cosine")
    try s.waitFor(text: "Parameters")
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
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  /// The terminal's mouse reports, as tmux sends them for TERM=tmux-256color (X10 encoding:
  /// ESC [ M, then button + 32, column + 33, row + 33, each one byte).
  func mouse(_ button: Int, x: Int, y: Int) -> String {
    "\u{1B}[M" + String(UnicodeScalar(UInt8(button + 32))) + String(UnicodeScalar(UInt8(x + 33)))
      + String(UnicodeScalar(UInt8(y + 33)))
  }

  @Test("the wheel over b changes b while family keeps the focus; a click focuses resolution")
  func mouseWheelAndClick() throws {
    let s = try TmuxSession(width: 80, height: 24)
    try s.waitFor(text: "Parameters")
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
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }

  @Test("the preview screen shows three resolutions with their probe numbers")
  func preview() throws {
    let s = try TmuxSession()
    try s.waitFor(text: "Parameters")
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
    try s.send("q")
    try s.waitFor(text: "EXIT=0")
  }
}

/// Refusals that need no terminal at all.
@Suite struct NoTerminalTests {
  @Test("without a terminal the explorer refuses and names the headless subcommands")
  func refuses() throws {
    try #require(Binary.exists, "build schedtui first (swift build): \(Binary.path) is missing")
    let (status, _, err) = try Binary.run(Binary.path, [])
    #expect(status == 2)
    #expect(err.contains("headless subcommands"))
    #expect(err.contains("schedtui curve"))
  }
}
