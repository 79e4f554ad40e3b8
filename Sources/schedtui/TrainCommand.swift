import ArgumentParser

// Placeholder until its issue lands: says so instead of pretending to work.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "(not built yet)")

  func run() throws {
    throw ValidationError("schedtui train is not built yet.")
  }
}
