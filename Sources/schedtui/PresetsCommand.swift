import ArgumentParser
import Schedules

/// `schedtui presets`: the named schedules (the paper's Tables 1, 3, 4 and other tools' defaults).
struct Presets: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "presets",
    abstract: "List the named presets: the paper's Tables 1, 3 and 4 and other tools' defaults.",
    discussion: """
      FID columns are the numbers the paper reports (Chen 2023, Tables 3 and 4) at 64, 128 and \
      256 pixels, for display; schedtui does not reproduce them. Use a preset with --preset NAME \
      on curve, export and the other commands.

      Examples:
        schedtui presets
        schedtui presets --source "Table 3" --format csv
        schedtui presets --format json
        schedtui export --preset table3-sigmoid-s0-e3-tau0.5 --output sigmoid.json
      """)

  @Option(
    help: ArgumentHelp(
      "Only presets from this source (\"Table 1\", \"Table 3\", \"Table 4\", or a tool's name).",
      valueName: "source"))
  var source: String?

  @Option(help: "Output format: table, csv or json.")
  var format: OutputFormat = .table

  func validate() throws {
    if let source, !Preset.all.contains(where: { $0.source == source }) {
      let sources = Presets.sources.map { "\"\($0)\"" }.joined(separator: ", ")
      throw ValidationError("--source \"\(source)\" is not allowed: one of \(sources).")
    }
  }

  func run() {
    let list = Preset.all.filter { source == nil || $0.source == source }
    print(PresetOutput.render(list, format: format), terminator: "")
  }

  static var sources: [String] {
    var seen: [String] = []
    for p in Preset.all where !seen.contains(p.source) { seen.append(p.source) }
    return seen
  }
}
