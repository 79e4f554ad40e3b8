import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Presets: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "presets", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui presets is not built yet.")
  }
}
