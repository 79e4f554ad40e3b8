import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui explore is not built yet.")
  }
}
