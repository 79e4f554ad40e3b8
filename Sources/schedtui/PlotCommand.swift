import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui plot is not built yet.")
  }
}
