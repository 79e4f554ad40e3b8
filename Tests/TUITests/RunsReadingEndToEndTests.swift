import Foundation
import TestSupport
import Testing

/// Issue 22, findings 5 and 10, end to end: screen 5 reads the runs folder off the UI thread
/// (a 212 MB metrics.jsonl froze it for 28 s) and names each folder it leaves out.
@Suite(.serialized, .needsTmux) struct RunsReadingEndToEndTests {
  init() throws { try Binary.require() }

  /// Appends `megabytes` MiB of logged loss lines to `path` (what a 10-million-step run writes).
  func grow(_ path: String, megabytes: Int) throws {
    let line = "{\"step\": 1000, \"loss\": 0.0123456789}\n"
    let block = Data(String(repeating: line, count: (1 << 20) / line.utf8.count).utf8)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    for _ in 0..<megabytes { try handle.write(contentsOf: block) }
  }

  @Test("a 212 MB metrics.jsonl: screen 5 says reading…, answers ? at once, then lists the run and names the damaged folder")
  func bigMetrics() throws {
    let runs = temporaryFolder("reading-runs")
    // 212 MB: removed as soon as the test ends, not with the other folders at exit.
    defer { try? FileManager.default.removeItem(atPath: runs) }
    let run = try finishedTinyRun(in: runs)
    try grow(run + "/metrics.jsonl", megabytes: 212)
    let broken = runs + "/broken-\u{1B}[31mred"
    try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
    try "{\"steps\": 5".write(toFile: broken + "/summary.json", atomically: true, encoding: .utf8)
    let s = try TmuxSession.explorer(args: "--runs \(runs)")
    defer { try? s.quit() }
    try s.send("5")
    // The screen changes at once and says what it is doing.
    try s.waitFor(text: "reading", timeout: 5)
    // A key is answered while the folder is read (a generous bound: the test machine is shared).
    try s.send("?")
    try s.waitFor(text: "Keys (", timeout: 5)
    try s.send("?")
    // Then the run is listed, and the damaged folder is named with its reason, its ESC shown
    // escaped (the pane would show red text, not the escape, if it reached the terminal).
    let lines = try s.waitFor("the run listed", timeout: 120) { lines in
      lines.contains { $0.contains("Runs (1,") } && !lines.contains { $0.contains("reading") }
    }
    let text = lines.joined(separator: "\n")
    #expect(text.contains("! broken-\\u{1B}[31mred: summary.json"), "\(text)")
    #expect(text.contains("damaged (not valid JSON); not"), "\(text)")
  }
}
