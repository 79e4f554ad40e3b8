import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui export is not built yet.")
  }
}
