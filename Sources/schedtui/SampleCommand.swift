import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui sample is not built yet.")
  }
}
