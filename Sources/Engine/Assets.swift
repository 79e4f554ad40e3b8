import Foundation

/// Finds the files schedtui ships in `assets/` (images, digits, the config schema).
///
/// Looked for, in order: `$SCHEDTUI_ASSETS`; `assets/` beside or above the running executable
/// (`.build/<config>/schedtui` in a checkout, or `share/schedtui/assets` in an install); the
/// checkout this file was compiled in. Nothing is downloaded.
public enum Assets {
  public enum LookupError: Error, CustomStringConvertible {
    case notFound(name: String, searched: [String])
    public var description: String {
      switch self {
      case .notFound(let name, let searched):
        return "bundled file \(name) not found; looked in: \(searched.joined(separator: ", ")). "
          + "Set SCHEDTUI_ASSETS to the folder that holds schedtui's assets/."
      }
    }
  }

  /// The candidate `assets` folders, in search order.
  public static var searchPath: [String] {
    var dirs: [String] = []
    if let env = ProcessInfo.processInfo.environment["SCHEDTUI_ASSETS"], !env.isEmpty {
      dirs.append(env)
    }
    let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      dirs.append(dir.appendingPathComponent("assets").path)
      dirs.append(dir.appendingPathComponent("share/schedtui/assets").path)
      dir = dir.deletingLastPathComponent()
    }
    // Sources/Engine/Assets.swift → the checkout's root.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    dirs.append(root.appendingPathComponent("assets").path)
    return dirs
  }

  /// The path of `name` (for example `images/astronaut.png`) in the first folder that has it.
  public static func path(_ name: String) throws -> String {
    let dirs = searchPath
    for dir in dirs {
      let p = (dir as NSString).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: p) { return p }
    }
    throw LookupError.notFound(name: name, searched: dirs)
  }
}
