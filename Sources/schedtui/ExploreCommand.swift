import ArgumentParser
import Engine
import Foundation
import Schedules
import TUI
import TUICurses

/// `schedtui` / `schedtui explore`: the full-screen explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Open the full-screen explorer (the default with no subcommand).",
    discussion: """
      Needs an interactive terminal. Press ? inside for every key.
      """)

  @Option(name: .customLong("image"), help: "A PNG to preview instead of the bundled image.")
  var image: String?

  func run() throws {
    if let refusal = CursesTerminal.refusal() {
      throw ExitMessage(refusal, code: 2)
    }
    let state = AppState(current: Setting(spec: ScheduleSpec(family: .cosine)))
    let terminal = try CursesTerminal()
    let renderer = Renderer(
      theme: Theme(glyphs: terminal.unicode ? .unicode : .ascii, colorMode: terminal.colorMode))
    let (_, outcome) = ExplorerLoop.run(
      state: state, renderer: renderer, terminal: terminal, perform: perform)
    if case .signal(let s) = outcome {
      throw ExitCode(128 + s)
    }
  }

  /// Does an effect's file work; every failure comes back as a message and changes nothing.
  func perform(_ effect: Effect) -> Action {
    switch effect {
    case .exportConfig, .exportDiffusers, .importConfig:
      return .failed("export and import arrive with the config format")
    }
  }
}

/// A message for the user and an exit status, printed by ArgumentParser's error path.
struct ExitMessage: Error, CustomStringConvertible {
  var description: String
  var code: Int32
  init(_ description: String, code: Int32) {
    self.description = description
    self.code = code
  }
}
