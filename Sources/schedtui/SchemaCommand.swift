import ArgumentParser
import Schedules

/// `schedtui schema`: the JSON Schema of a config file, generated from the same declarations the
/// config reader checks with (``ConfigSchema``).
struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Print the JSON Schema (draft 2020-12) of schedtui's config files.",
    discussion: """
      The schema is generated from schedtui's own declarations of the schedule families, their \
      fields and ranges, and the training settings, so it describes exactly what this build \
      reads. Editors that know JSON Schema can complete and check a config with it; schedtui \
      itself also checks the rules a schema cannot state (end > start, the data's resolutions). \
      assets/config.schema.json in the source tree is this command's output.

      Examples:
        schedtui schema > config.schema.json
        swift run schedtui schema > assets/config.schema.json
      """)

  func run() {
    print(ConfigSchema.text, terminator: "")
  }
}
