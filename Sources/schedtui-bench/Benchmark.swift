import Engine
import Foundation

/// One benchmark: `schedtui-bench <name> [options]` runs it.
struct Benchmark: Sendable {
  let name: String
  /// One line for the list printed by `schedtui-bench` without arguments.
  let summary: String
  /// The `--name value` options it takes, with their defaults.
  let options: [String: String]
  /// Runs with the options (those given after the name, defaults for the rest); prints
  /// figures; returns the exit status.
  let run: @Sendable (BenchOptions) throws -> Int32
}

/// A benchmark's options as given, with its defaults for those that were not.
struct BenchOptions {
  let values: [String: String]

  /// `--name value` pairs over `defaults`; a name not among the defaults is an error.
  init(_ arguments: [String], defaults: [String: String]) throws {
    var result = defaults
    var i = 0
    while i < arguments.count {
      let key = arguments[i]
      guard key.hasPrefix("--"), defaults[String(key.dropFirst(2))] != nil, i + 1 < arguments.count
      else {
        throw BenchError("unknown or incomplete option \(key); allowed: "
          + defaults.keys.sorted().map { "--\($0) N" }.joined(separator: ", "))
      }
      result[String(key.dropFirst(2))] = arguments[i + 1]
      i += 2
    }
    values = result
  }

  subscript(name: String) -> String? { values[name] }

  /// A positive whole-number option.
  func positive(_ name: String) throws -> Int {
    guard let v = Int(values[name] ?? ""), v > 0 else {
      throw BenchError("--\(name) \(values[name] ?? "") is not allowed: a whole number > 0")
    }
    return v
  }
}

/// Dispatches `schedtui-bench <name>` (or `all`) to the registry.
enum BenchmarkRunner {
  static func main(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first, name != "-h", name != "--help" else {
      print(usage())
      return 0
    }
    let selected = name == "all" ? registry : registry.filter { $0.name == name }
    guard !selected.isEmpty else {
      let message = "schedtui-bench: unknown benchmark '\(name)'\n\(usage())\n"
      FileHandle.standardError.write(Data(message.utf8))
      return 64
    }
    var status: Int32 = 0
    for benchmark in selected {
      print("== \(benchmark.name): \(benchmark.summary)")
      print("load before: \(BenchTools.loadAverage())")
      print("OpenBLAS core: \(BLASCore.description)")
      do {
        let options = try BenchOptions(Array(arguments.dropFirst()), defaults: benchmark.options)
        status = max(status, try benchmark.run(options))
      } catch {
        FileHandle.standardError.write(Data("schedtui-bench \(benchmark.name): \(error)\n".utf8))
        status = 1
      }
      print("load after: \(BenchTools.loadAverage())")
    }
    return status
  }

  static func usage() -> String {
    var lines = ["usage: schedtui-bench <benchmark> [options] | all", "benchmarks:"]
    for b in registry {
      lines.append("  \(b.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(b.summary)")
    }
    lines.append("Build with: swift build -c release --product schedtui-bench")
    return lines.joined(separator: "\n")
  }
}

/// Shared helpers: timing, the load, and reference scripts run as subprocesses.
enum BenchTools {
  /// Seconds per call of `body`: `warmup` untimed calls, then `runs` timed ones, sorted.
  static func time(runs: Int, warmup: Int = 2, _ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()
  }

  static func median(_ sorted: [Double]) -> Double { sorted[sorted.count / 2] }

  /// The 1, 5 and 15 minute load averages (what `uptime` shows).
  static func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else {
      return "unknown"
    }
    return text.split(separator: " ").prefix(3).joined(separator: ", ")
      + " (\(ProcessInfo.processInfo.activeProcessorCount) cores)"
  }

  /// The checkout's root (this file is Sources/schedtui-bench/Benchmark.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// Runs `python3 scripts/<script> arguments` with `removing` taken out of the environment and
  /// returns the JSON object on its `RESULT ` line, or why there is none (python3, NumPy or the
  /// script missing, or a failure).
  static func runPythonReference(
    _ script: String, _ arguments: [String], removing: [String] = []
  ) -> Result<[String: Any], BenchError> {
    let path = root + "/scripts/" + script
    guard FileManager.default.fileExists(atPath: path) else {
      return .failure(BenchError("reference missing: \(path) not found"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path] + arguments
    var environment = ProcessInfo.processInfo.environment
    for name in removing { environment.removeValue(forKey: name) }
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch {
      return .failure(BenchError("reference missing: cannot run python3 (\(error))"))
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let why = errors.contains("No module named 'numpy'") ? "NumPy is not installed" : errors
      return .failure(BenchError("reference missing: python3 \(script) failed: \(why)"))
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
      let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8))
        as? [String: Any]
    else { return .failure(BenchError("reference gave no RESULT line:\n\(text)")) }
    return .success(json)
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
