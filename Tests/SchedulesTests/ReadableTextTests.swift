import Schedules
import Testing

/// Issue 22, findings 6 and 10: what a message repeats from a user or a file is short and
/// cannot drive the terminal.
@Suite struct ReadableTextTests {
  @Test("control characters are escaped; long text is cut to a prefix with its length")
  func readable() {
    #expect(FieldError.readable("a\u{1B}[31mb\u{07}") == "a\\u{1B}[31mb\\u{7}")
    #expect(FieldError.readable("plain") == "plain")
    let long = String(repeating: "x", count: 5000)
    #expect(FieldError.readable(long) == String(repeating: "x", count: 200) + "… (5000 characters)")
  }

  @Test("a whole printed line: control characters escaped but newlines and tabs, nothing cut")
  func terminalSafe() {
    #expect(FieldError.terminalSafe("wrote a\u{1B}]0;x\u{07}.json\n\tnext") == "wrote a\\u{1B}]0;x\\u{7}.json\n\tnext")
    #expect(FieldError.terminalSafe("\r\u{9B}") == "\\u{D}\\u{9B}")
    let long = String(repeating: "x", count: 5000)
    #expect(FieldError.terminalSafe(long) == long)
  }

  @Test("a file's value in a message: quoted, and cut with its length beyond 80 characters")
  func quoted() {
    #expect(JSONValue.quoteForMessage("linear") == "\"linear\"")
    let long = String(repeating: "y", count: 100)
    #expect(
      JSONValue.quoteForMessage(long)
        == "\"" + String(repeating: "y", count: 80) + "…\" (100 characters)")
  }

  @Test("a config error's value and field are shortened in the message")
  func inMessage() {
    let e = FieldError(
      field: String(repeating: "k", count: 1000), value: String(repeating: "1", count: 1000),
      allowed: "a number", source: .file("c.json"))
    #expect(e.description.count < 600)
    #expect(e.description.contains("(1000 characters)"))
  }
}
