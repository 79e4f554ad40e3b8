import PackagePlugin

/// Writes schedtui's schedule options (`ScheduleFieldOptions`, one ArgumentParser option per
/// declared `ScheduleField`) and training options (`TrainSettingOptions`, `SweepSettingOptions`,
/// …, `ObjectiveOptions`: one per `TrainingSetting` a command takes) into the target before it
/// compiles, with `schedtui-generate`, so a family's new parameter or a new training setting is
/// an option without a hand-written property (issue 17).
@main struct ScheduleOptionsPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let fields = context.pluginWorkDirectoryURL.appending(path: "ScheduleFieldOptions.swift")
    let settings = context.pluginWorkDirectoryURL.appending(path: "TrainingSettingOptions.swift")
    return [
      .buildCommand(
        displayName: "Generating the schedule and training options from their declarations",
        executable: try context.tool(named: "schedtui-generate").url,
        arguments: ["options", fields.path, settings.path],
        // The tool links the declarations, so a changed declaration rebuilds it and reruns this.
        inputFiles: [], outputFiles: [fields, settings])
    ]
  }
}
