import ArgumentParser
import Engine
import Foundation

/// The root command: with no subcommand, opens the explorer.
///
/// Exit statuses: 0 finished; 130 interrupted (Ctrl-C) with the checkpoint kept; 64 usage (a bad
/// option, or a folder that needs `--overwrite` or `--resume`); 1 failed (a damaged file, a
/// diverged run, a folder locked by another process, an I/O error).
@main
struct Schedtui: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedtui",
    abstract: "See, tune and test diffusion noise schedules in a terminal.",
    discussion: """
      With no subcommand, opens the explorer. The other subcommands work without a terminal.

      Exit status: 0 finished, 130 interrupted with its checkpoint kept, 64 usage (a bad \
      option, or a folder that needs --overwrite or --resume), 1 failed.
      """,
    subcommands: [
      Explore.self, Curve.self, Export.self, Presets.self, Noise.self, Plot.self,
      Train.self, Sample.self, Sweep.self, Sigmas.self, Equivalents.self, Schema.self,
    ],
    defaultSubcommand: Explore.self
  )

  static func main() {
    // Before any BLAS call: may restart the process with a faster OpenBLAS core (BLASCore).
    BLASCore.reexecWithBetterCoreIfNeeded()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      if isUsage(error) {
        printError("Error: \(error)")
        Foundation.exit(ExitCode.validationFailure.rawValue)
      }
      // ArgumentParser's own text (usage, help, its errors), through the one escaping rule:
      // its messages repeat what was typed, paths included.
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { print(message) }
      } else {
        printError(message)
      }
      Foundation.exit(code.rawValue)
    }
  }

  /// Refusals that a different command line fixes (`--overwrite`, `--resume`, another folder).
  static func isUsage(_ error: Error) -> Bool {
    let folder: FolderError
    if case .folder(let e)? = error as? TrainingError {
      folder = e
    } else if let e = error as? FolderError {
      folder = e
    } else {
      return false
    }
    switch folder {
    case .holdsRun, .otherKind, .sweepWithoutState, .notAFolder, .foreignFiles, .runFile,
      .foreignFile, .foreignFolder, .otherSweep:
      return true
    case .locked, .damaged, .cannotUse: return false
    }
  }
}

/// A command that failed for a reason already put in words (exit status 1).
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
