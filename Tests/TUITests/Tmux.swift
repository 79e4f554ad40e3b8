import Foundation
import Testing

// The built binary and a tmux session driving it: shared by the end-to-end suites
// (EndToEndTests, SweepEndToEndTests, SafetyEndToEndTests).

/// The built `schedtui` binary, found from this file's place in the checkout.
enum Binary {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static var path: String { root.appendingPathComponent(".build/debug/schedtui").path }
  static var exists: Bool { FileManager.default.isExecutableFile(atPath: path) }

  /// Whether the run must not skip the tmux suites (`SCHEDTUI_REQUIRE_TMUX=1`).
  static var tmuxRequired: Bool {
    ProcessInfo.processInfo.environment["SCHEDTUI_REQUIRE_TMUX"] == "1"
  }

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
  /// A session whose explorer is up: its parameter list is drawn.
  static func explorer(width: Int = 120, height: Int = 40, args: String = "") throws
    -> TmuxSession
  {
    let s = try TmuxSession(width: width, height: height, args: args)
    try s.waitFor(text: "Parameters")
    return s
  }

  /// Sends `key` (q by default) and waits for the explorer to exit with status 0.
  func quit(_ key: String = "q") throws {
    try send(key)
    try waitFor(text: "EXIT=0")
  }

  let socket = "schedtui-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
  let tmux: String
  let dir: String

  /// Starts `schedtui args` in a `width × height` pane, in a fresh temporary folder. After the
  /// explorer ends the pane prints its exit status and the terminal modes (stty), then waits.
  init(width: Int = 120, height: Int = 40, args: String = "", env: String = "") throws {
    tmux = try #require(
      Binary.tmux, "tmux is not installed and SCHEDTUI_REQUIRE_TMUX=1: the end-to-end tests must run")
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

extension Trait where Self == ConditionTrait {
  /// The suites that drive the explorer in tmux: skipped, saying why, where tmux is missing,
  /// unless `SCHEDTUI_REQUIRE_TMUX=1` (set by `scripts/test`, so `.ci/run`): then they run and
  /// fail on the missing tmux, so CI cannot pass without its end-to-end tests.
  static var needsTmux: Self {
    .enabled(
      if: Binary.tmux != nil || Binary.tmuxRequired,
      Comment(
        rawValue: "SKIPPED: tmux is not installed, so the end-to-end explorer tests did not run "
          + "(scripts/setup installs it; scripts/test and .ci/run require it)"))
  }
}

extension Binary {
  /// Fails (does not skip) a test of the binary when it has not been built.
  static func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
    try #require(
      exists, "build schedtui first (swift build): \(path) is missing",
      sourceLocation: sourceLocation)
  }
}
