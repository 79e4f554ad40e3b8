import PackagePlugin

/// Writes schedtui's schedule options (`ScheduleFieldOptions`, one ArgumentParser option per
/// declared `ScheduleField`) into the target before it compiles, with `schedtui-generate`, so a
/// family's new parameter is an option without a hand-written property (issue 17).
@main struct ScheduleOptionsPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let output = context.pluginWorkDirectoryURL.appending(path: "ScheduleFieldOptions.swift")
    return [
      .buildCommand(
        displayName: "Generating the schedule options from the ScheduleField declarations",
        executable: try context.tool(named: "schedtui-generate").url,
        arguments: ["options", output.path],
        // The tool links the declarations, so a changed declaration rebuilds it and reruns this.
        inputFiles: [], outputFiles: [output])
    ]
  }
}
