import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Sweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui sweep is not built yet.")
  }
}
