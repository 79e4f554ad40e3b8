import Foundation
import Schedules

// Every line the command line prints goes through `FieldError.terminalSafe`: a path or value
// from the user or a file may hold ESC or BEL (`export --output $'\e]0;x\a.json'`), which the
// terminal would obey. This `print` shadows the standard library's in this module, so every `print("wrote \(path)")` is safe without each call remembering to be.

/// Prints `items` to standard output as `Swift.print` does, with control characters (but
/// newlines and tabs) escaped. The same signature as the standard library's, so it shadows it in
/// this module rather than competing with it as an overload.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  let text = items.map { "\($0)" }.joined(separator: separator)
  Swift.print(FieldError.terminalSafe(text), terminator: terminator)
}

/// Writes `text` and a newline to standard error, its control characters escaped as `print`'s.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((FieldError.terminalSafe(text) + "\n").utf8))
}
