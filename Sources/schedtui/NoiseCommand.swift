import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Noise: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "noise", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui noise is not built yet.")
  }
}
