import Schedules
import Testing

@testable import TUI

/// Steering the preview: the image and the resolutions change through effects the shell
/// performs; a bad list is refused in the prompt with the rule.
@Suite struct SteerPreviewTests {
  func state() -> AppState {
    var s = explorer()
    s.bundledImages = ["a/astronaut.png", "a/brick.png", "a/camera.png"]
    s.previewImagePath = "a/astronaut.png"
    s.screen = .preview
    return s
  }

  func select(_ field: Field, _ s: inout AppState) { selectField(field, &s) }

  @Test("i and I ask for the next and previous bundled image, wrapping around")
  func cycle() {
    var s = state()
    #expect(
      reduce(&s, KeyMap.action(for: .char("i"), in: s)!)
        == [.loadPreview(image: "a/brick.png", resolutions: [64, 128, 256])])
    #expect(
      reduce(&s, KeyMap.action(for: .char("I"), in: s)!)
        == [.loadPreview(image: "a/camera.png", resolutions: [64, 128, 256])])
    // Nothing changes until the shell reports the image loaded.
    #expect(s.previewImagePath == "a/astronaut.png")
    reduce(&s, .previewLoaded(path: "a/camera.png", resolutions: [64, 128, 256]))
    #expect(s.previewImagePath == "a/camera.png")
    #expect(s.message?.text == "preview: camera.png at 64, 128, 256")
    #expect(
      reduce(&s, .cycleImage(1))
        == [.loadPreview(image: "a/astronaut.png", resolutions: [64, 128, 256])])
  }

  @Test("O opens a prompt for a PNG with the current one selected; Enter hands it to the shell")
  func open() {
    var s = state()
    reduce(&s, KeyMap.action(for: .char("O"), in: s)!)
    #expect(s.modal == .prompt(.openImage, TextEntry(text: "a/astronaut.png", selected: true)))
    for c in "me.png" { reduce(&s, .type(c)) }
    #expect(reduce(&s, .commit) == [.loadPreview(image: "me.png", resolutions: [64, 128, 256])])
    reduce(&s, .failed("cannot read image me.png: no such file; the preview is unchanged"))
    #expect(s.previewImagePath == "a/astronaut.png")
    #expect(s.message?.isError == true)
  }

  @Test(
    "r types the resolutions: a bad list stays in the prompt with the rule",
    arguments: ["64,64", "4,64", "", "64,,128", "1,2,3,4,5,6,7", "64.5", "2048"])
  func badLists(_ text: String) {
    var s = state()
    reduce(&s, .beginPrompt(.previewResolutions))
    reduce(&s, .backspace)
    for c in text { reduce(&s, .type(c)) }
    #expect(reduce(&s, .commit) == [])
    guard case .prompt(.previewResolutions, let e) = s.modal else {
      Issue.record("the prompt closed on \(text)")
      return
    }
    #expect(
      e.error
        == "resolutions = \"\(text)\" is not allowed: 1 to 6 distinct whole numbers in 8…1024, "
        + "comma-separated (e.g. 64,128,256)")
  }

  @Test("a good list is handed to the shell with the current image")
  func goodList() {
    var s = state()
    reduce(&s, .beginPrompt(.previewResolutions))
    for c in "32, 64,128,256,512,1024" { reduce(&s, .type(c)) }
    #expect(
      reduce(&s, .commit)
        == [.loadPreview(image: "a/astronaut.png", resolutions: [32, 64, 128, 256, 512, 1024])])
  }

  @Test("→ on the resolutions row adds twice the largest, ← removes the last, within the limits")
  func stepResolutions() {
    var s = state()
    select(.previewResolutions, &s)
    #expect(
      reduce(&s, .adjust(steps: 1, coarse: false))
        == [.loadPreview(image: "a/astronaut.png", resolutions: [64, 128, 256, 512])])
    s.previewResolutions = [128, 256, 512, 1024]
    #expect(reduce(&s, .adjust(steps: 1, coarse: false)) == [])
    #expect(s.message?.text.hasPrefix("cannot add 2048") == true)
    #expect(
      reduce(&s, .adjust(steps: -1, coarse: false))
        == [.loadPreview(image: "a/astronaut.png", resolutions: [128, 256, 512])])
    s.previewResolutions = [64]
    #expect(reduce(&s, .adjust(steps: -1, coarse: false)) == [])
    #expect(s.message?.text == "the preview needs at least one resolution")
  }

  @Test("Enter on the image row opens the image prompt; ←→ there cycles")
  func imageRow() {
    var s = state()
    select(.previewImage, &s)
    #expect(
      reduce(&s, .adjust(steps: -1, coarse: false))
        == [.loadPreview(image: "a/camera.png", resolutions: [64, 128, 256])])
    reduce(&s, .beginEdit)
    if case .prompt(.openImage, _) = s.modal {} else { Issue.record("no image prompt") }
  }
}
