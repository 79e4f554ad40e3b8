import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Curve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "curve", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui curve is not built yet.")
  }
}
