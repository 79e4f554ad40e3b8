import CNcursesw
import Foundation
import Synchronization
import TUI

/// The last termination signal received (0: none). Written by the signal handler, read by the
/// UI loop on its tick: an atomic store is async-signal-safe.
let pendingSignal = Atomic<Int32>(0)

/// The terminal modes before ncurses changed them, for the crash handler to put back with
/// tcsetattr (async-signal-safe) when the process dies without running ``CursesTerminal/end()``.
nonisolated(unsafe) var savedTermios = termios()
nonisolated(unsafe) var haveSavedTermios = false

/// The only code in schedtui that calls ncurses: starts and ends the screen, flushes grids,
/// reads keys. Use it from one thread only.
///
/// Start-up follows TERMINAL-NOTES: own SIGINT/SIGTERM handlers before `initscr` (so ncurses'
/// handler does not `_exit` past our clean-up), `setlocale`, `use_env(true)` + `use_tioctl(true)`
/// (not the notes' `use_env(false)`, which made ncurses assume 80×24), `raw`, `noecho`,
/// `keypad`, no cursor, a 25 ms Esc delay, default colours, wheel and clicks as mouse input. Crash
/// signals restore the terminal with raw escape sequences and the saved termios, then die.
public final class CursesTerminal {
  /// How colours are sent, detected at start-up.
  public let colorMode: ColorMode
  /// Whether the locale is UTF-8 (braille, blocks); otherwise views use ASCII.
  public let unicode: Bool
  private var previous: Grid?
  private var pairs: [UInt64: Int32] = [:]
  private var ended = false

  /// Why the explorer cannot run here (not a terminal, TERM unset or dumb), or nil if it can.
  public static func refusal(
    environment: [String: String] = ProcessInfo.processInfo.environment
  )
    -> String?
  {
    let headless =
      "Without a terminal, use the headless subcommands: schedtui curve, export, "
      + "presets, noise, plot, train, sample, sweep, sigmas, equivalents (see schedtui --help)."
    if isatty(0) == 0 || isatty(1) == 0 {
      return "schedtui: the explorer needs an interactive terminal on stdin and stdout. "
        + headless
    }
    let term = environment["TERM"] ?? ""
    if term.isEmpty || term == "dumb" {
      return "schedtui: the explorer needs a capable terminal, but TERM is "
        + (term.isEmpty ? "unset" : "\"dumb\"") + ". " + headless
    }
    if schedtui_terminfo_knows(term) == 0 {
      return "schedtui: TERM is \"\(term)\", which this system's terminfo does not know, so the "
        + "explorer cannot drive the terminal. Set TERM to a terminal it knows (for example "
        + "xterm-256color, or tmux-256color inside tmux; `toe -a` lists them). " + headless
    }
    return nil
  }

  /// Takes over the screen. Throws if ncurses cannot start.
  public init() throws {
    CursesTerminal.installSignalHandlers()
    setlocale(LC_ALL, "")
    unicode = schedtui_locale_is_utf8() != 0
    // TERMINAL-NOTES suggests use_env(false), but that also ignores the real window size (80×24
    // from terminfo); use_tioctl(true) takes the size from the ioctl and ignores LINES/COLUMNS.
    use_env(true)
    use_tioctl(true)
    if tcgetattr(0, &savedTermios) == 0 { haveSavedTermios = true }
    guard initscr() != nil else {
      throw StartError(
        reason: "initscr failed for TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "")")
    }
    raw()
    noecho()
    keypad(schedtui_stdscr(), true)
    curs_set(0)
    set_escdelay(25)
    nonl()
    if has_colors() {
      start_color()
      use_default_colors()
    }
    colorMode = ColorMode.detect(
      noColor: ProcessInfo.processInfo.environment["NO_COLOR"], hasColors: has_colors(),
      colors: Int(schedtui_colors()), terminfoRGB: schedtui_has_rgb() != 0)
    mousemask(
      schedtui_button4_pressed() | schedtui_button5_pressed() | schedtui_button1_clicked(), nil)
    mouseinterval(0)
  }

  public struct StartError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "schedtui: cannot start the terminal UI: \(reason)" }
  }

  /// The terminal's size in cells.
  public var size: (width: Int, height: Int) {
    (Int(getmaxx(schedtui_stdscr())), Int(getmaxy(schedtui_stdscr())))
  }

  /// Writes the cells that changed since the last frame and refreshes. A grid of a new size is
  /// drawn whole after clearing (a resize).
  public func draw(_ grid: Grid) {
    if let p = previous, p.width != grid.width || p.height != grid.height {
      previous = nil
      erase()
    }
    var cc = cchar_t()
    var chars: [wchar_t] = [0, 0]
    for change in grid.changes(since: previous) {
      var x = change.x
      for cell in change.cells {
        chars[0] = wchar_t(bitPattern: cell.char.value)
        var pair = colorPair(cell.style)
        setcchar(&cc, chars, attributes(cell.style.attributes), 0, &pair)
        mvwadd_wch(schedtui_stdscr(), Int32(change.y), Int32(x), &cc)
        x += 1
      }
    }
    previous = grid
    refresh()
  }

  /// Forgets what is on screen so the next ``draw(_:)`` repaints everything.
  public func invalidate() {
    previous = nil
    clearok(schedtui_stdscr(), true)
  }

  func attributes(_ a: Attributes) -> attr_t {
    var r = schedtui_a_normal()
    if a.contains(.bold) { r |= schedtui_a_bold() }
    if a.contains(.dim) { r |= schedtui_a_dim() }
    if a.contains(.reverse) { r |= schedtui_a_reverse() }
    if a.contains(.underline) { r |= schedtui_a_underline() }
    return r
  }

  /// The colour pair for a style, allocated on first use. When the pair table is full, ncurses'
  /// `alloc_pair` would recycle pairs still on screen, so the table is reset and the screen
  /// repainted instead.
  func colorPair(_ style: Style) -> Int32 {
    guard colorMode != .none else { return 0 }
    let fg = ColorQuantizer.number(style.fg, mode: colorMode)
    let bg = ColorQuantizer.number(style.bg, mode: colorMode)
    if fg == -1 && bg == -1 { return 0 }
    let key = UInt64(UInt32(bitPattern: Int32(fg))) << 32 | UInt64(UInt32(bitPattern: Int32(bg)))
    if let p = pairs[key] { return p }
    if pairs.count >= Int(schedtui_color_pairs()) - 2 {
      reset_color_pairs()
      pairs.removeAll()
      invalidate()
    }
    let p = alloc_pair(Int32(fg), Int32(bg))
    guard p > 0 else { return 0 }
    pairs[key] = p
    return p
  }

  /// Waits up to `timeoutMs` for a key. Returns nil on timeout, `.resize` after a resize.
  public func readKey(timeoutMs: Int32) -> Input? {
    wtimeout(schedtui_stdscr(), timeoutMs)
    var ch: wint_t = 0
    let r = wget_wch(schedtui_stdscr(), &ch)
    if r == ERR { return nil }
    if r == KEY_CODE_YES {
      switch Int32(ch) {
      case KEY_RESIZE: return .resize
      case KEY_UP: return .key(.up)
      case KEY_DOWN: return .key(.down)
      case KEY_LEFT: return .key(.left)
      case KEY_RIGHT: return .key(.right)
      case KEY_SLEFT: return .key(.shiftLeft)
      case KEY_SRIGHT: return .key(.shiftRight)
      case KEY_SR: return .key(.shiftUp)
      case KEY_SF: return .key(.shiftDown)
      case KEY_PPAGE: return .key(.pageUp)
      case KEY_NPAGE: return .key(.pageDown)
      case KEY_HOME: return .key(.home)
      case KEY_END: return .key(.end)
      case KEY_BTAB: return .key(.backTab)
      case KEY_ENTER: return .key(.enter)
      case KEY_BACKSPACE: return .key(.backspace)
      case KEY_DC: return .key(.delete)
      case KEY_MOUSE:
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        // With the position, so the wheel acts on the field under the pointer.
        let (x, y) = (Int(event.x), Int(event.y))
        if event.bstate & schedtui_button4_pressed() != 0 {
          return .key(.wheel(up: true, x: x, y: y))
        }
        if event.bstate & schedtui_button5_pressed() != 0 {
          return .key(.wheel(up: false, x: x, y: y))
        }
        if event.bstate & schedtui_button1_clicked() != 0 { return .key(.click(x: x, y: y)) }
        return nil
      default:
        for n in 1...12 where Int32(ch) == schedtui_key_f(Int32(n)) { return .key(.function(n)) }
        return nil
      }
    }
    switch ch {
    case 9: return .key(.tab)
    case 10, 13: return .key(.enter)
    case 27: return .key(.escape)
    case 8, 127: return .key(.backspace)
    case 1...26: return .key(.ctrl(Character(Unicode.Scalar(UInt8(ch) + 96))))
    default:
      guard let s = Unicode.Scalar(UInt32(ch)) else { return nil }
      return .key(.char(Character(s)))
    }
  }

  /// What ``readKey(timeoutMs:)`` reports.
  public enum Input: Equatable {
    case key(Key)
    case resize
  }

  /// The termination signal received since start-up (SIGINT, SIGTERM, SIGHUP), or nil.
  public var receivedSignal: Int32? {
    let s = pendingSignal.load(ordering: .relaxed)
    return s == 0 ? nil : s
  }

  /// Gives the terminal back. Safe to call twice.
  public func end() {
    guard !ended else { return }
    ended = true
    if isendwin() == false { endwin() }
  }

  deinit { end() }

  // MARK: - Signals

  static func installSignalHandlers() {
    for s in [SIGINT, SIGTERM, SIGHUP] {
      signal(s) { sig in pendingSignal.store(sig, ordering: .relaxed) }
    }
    // A blocked mask is inherited through fork and exec: a parent that blocks SIGTERM (a test
    // runner, some supervisors) would leave the explorer deaf to it. Unblock what we handle.
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&set, s) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
      signal(s) { sig in
        restoreTerminalFromSignal()
        signal(sig, SIG_DFL)
        raise(sig)
      }
    }
  }
}

extension CursesTerminal {
  /// After the screen is given back: SIGINT, SIGTERM and SIGHUP end the process at once with
  /// 128 + the signal, so waiting for background work to stop can always be cut short.
  public static func exitOnNextSignal() {
    for s in [SIGINT, SIGTERM, SIGHUP] {
      signal(s) { sig in _exit(128 + sig) }
    }
  }
}

/// Puts the terminal back without ncurses, using only async-signal-safe calls: leave the
/// alternate screen, show the cursor, reset attributes and mouse reporting, restore termios.
func restoreTerminalFromSignal() {
  let reset = "\u{1B}[0m\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?25h\u{1B}[?1049l\r\n"
  reset.utf8CString.withUnsafeBufferPointer { p in
    _ = write(1, p.baseAddress, p.count - 1)
  }
  if haveSavedTermios { tcsetattr(0, TCSANOW, &savedTermios) }
}
