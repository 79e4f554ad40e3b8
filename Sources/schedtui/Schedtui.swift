import ArgumentParser

/// The root command: with no subcommand, opens the explorer.
@main
struct Schedtui: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedtui",
    abstract: "See, tune and test diffusion noise schedules in a terminal.",
    discussion: """
      With no subcommand, opens the explorer. The other subcommands work without a terminal.
      """,
    subcommands: [
      Explore.self, Curve.self, Export.self, Presets.self, Noise.self, Plot.self,
      Train.self, Sample.self, Sweep.self,
    ],
    defaultSubcommand: Explore.self
  )
}
