import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// `--data DIR`: a folder of PNGs as training data, and each way a folder is refused.
@Suite struct FolderDataTests {
  /// Writes `count` small PNGs into `folder` (some in a sub-folder, some grey), each a flat
  /// colour so the expected values are known: image k has value k/255 in its first channel
  /// and 51/255 in the others (values a PNG stores exactly).
  func makeFolder(_ count: Int, colour: Bool = true) -> String {
    let folder = temporaryFolder("pngs")
    try! FileManager.default.createDirectory(
      atPath: folder + "/sub", withIntermediateDirectories: true)
    for k in 0..<count {
      let channels = colour && k % 2 == 0 ? 3 : 1
      var pixels = [Float](repeating: 51.0 / 255, count: 6 * 4 * channels)
      for p in 0..<24 { pixels[p * channels] = Float(k) / 255 }
      let path = folder + (k < 3 ? "/sub" : "") + String(format: "/img%02d.png", k)
      try! PNG.write(Image(width: 6, height: 4, channels: channels, pixels: pixels), to: path)
    }
    return folder
  }

  @Test("every PNG under the folder, sorted by path, every 6th held out, in [−1, 1], RGB")
  func loads() throws {
    let folder = makeFolder(13)
    let data = try Dataset.folder(folder, resolution: 8)
    #expect(data.channels == 3 && data.height == 8 && data.classes == 0)
    // Sorted relative paths: img03…img12, then sub/img00…img02; indices 5 and 11 held out.
    #expect(data.trainCount == 11 && data.heldOutCount == 2)
    #expect(data.files?.count == 13)
    // Held-out index 5 is img08 (k = 8): first channel 2·8/255 − 1, others 2·51/255 − 1.
    let D = 3 * 64
    let other = 102.0 / 255 - 1
    #expect(abs(Double(data.heldOut[0]) - (16.0 / 255 - 1)) < 1e-5)
    #expect(abs(Double(data.heldOut[64]) - other) < 1e-5)
    #expect(abs(Double(data.heldOut[128]) - other) < 1e-5)
    // Index 11 is sub/img01, a grey image: its one channel is repeated.
    let g = Double(data.heldOut[D])
    #expect(abs(g - (2.0 / 255 - 1)) < 1e-5)
    #expect(data.heldOut[D + 64] == data.heldOut[D] && data.heldOut[D + 128] == data.heldOut[D])
    #expect(data.train.allSatisfy { (-1...1).contains($0) })
  }

  @Test("--channels 1 averages the colour channels; a grey folder defaults to 1")
  func grey() throws {
    let folder = makeFolder(12)
    let data = try Dataset.folder(folder, resolution: 8, channels: 1)
    // Held-out index 5 is img08 (RGB): (8/255 + 2·51/255)/3 mapped to [−1, 1].
    let want = 2 * (8.0 + 102) / 255 / 3 - 1
    #expect(data.channels == 1 && abs(Double(data.heldOut[0]) - want) < 1e-5)
    #expect(try Dataset.folder(makeFolder(12, colour: false), resolution: 8).channels == 1)
  }

  @Test("a wide image is centre-cropped to a square before resizing")
  func centreCrop() throws {
    let folder = temporaryFolder("crop")
    for k in 0..<12 {
      // 6×2: the outer two columns on each side are black, the centre 2×2 white.
      var pixels = [Float](repeating: 0, count: 12)
      for y in 0..<2 { for x in 2..<4 { pixels[y * 6 + x] = 1 } }
      try PNG.write(
        Image(width: 6, height: 2, channels: 1, pixels: pixels),
        to: folder + "/\(k).png")
    }
    let data = try Dataset.folder(folder, resolution: 8)
    #expect(data.train.allSatisfy { $0 == 1 })
  }

  @Test("the files' hash changes when a file does and not otherwise")
  func hash() throws {
    let folder = makeFolder(12)
    let a = try Dataset.folder(folder, resolution: 8).files
    #expect(try Dataset.folder(folder, resolution: 16).files == a)
    try PNG.write(
      Image(width: 3, height: 3, channels: 1, repeating: 0.1), to: folder + "/img05.png")
    let b = try Dataset.folder(folder, resolution: 8).files
    #expect(b?.count == a?.count && b?.hash != a?.hash)
  }

  func refusal(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "accepted"
    } catch {
      return "\(error)"
    }
  }

  @Test("refused: no such folder, no PNGs, fewer than 12")
  func refusedFolders() {
    let none = temporaryFolder("none")
    FileManager.default.createFile(atPath: none + "/notes.txt", contents: Data("x".utf8))
    var m = refusal { _ = try Dataset.folder(none, resolution: 8) }
    #expect(m.contains(none) && m.contains("PNG") && m.contains("none"), "\(m)")
    m = refusal { _ = try Dataset.folder(none + "/missing", resolution: 8) }
    #expect(m.contains("no such folder"), "\(m)")
    let few = makeFolder(11)
    m = refusal { _ = try Dataset.folder(few, resolution: 8) }
    #expect(m.contains("at least 12") && m.contains("it has 11"), "\(m)")
  }

  @Test("refused: an unreadable file and an oversized one, named with the limit")
  func refusedFiles() throws {
    let folder = makeFolder(12)
    FileManager.default.createFile(
      atPath: folder + "/broken.png", contents: Data("not a png".utf8))
    var m = refusal { _ = try Dataset.folder(folder, resolution: 8) }
    #expect(m.contains(folder + "/broken.png"), "\(m)")
    try FileManager.default.removeItem(atPath: folder + "/broken.png")
    // A PNG signature and an IHDR header claiming 5000×5000 pixels: refused before decoding.
    var header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    header += Array("IHDR".utf8) + [0, 0, 0x13, 0x88, 0, 0, 0x13, 0x88, 8, 2, 0, 0, 0]
    FileManager.default.createFile(atPath: folder + "/huge.png", contents: Data(header))
    m = refusal { _ = try Dataset.folder(folder, resolution: 8) }
    #expect(m.contains("huge.png") && m.contains("5000×5000") && m.contains("4096×4096"), "\(m)")
  }

  @Test("refused: resolutions outside 8…64, channels other than 1 or 3, MLP-S at 64 px")
  func refusedSettings() {
    let folder = makeFolder(12)
    for r in [4, 65] {
      let m = refusal { _ = try Dataset.folder(folder, resolution: r) }
      #expect(m.contains("resolution") && m.contains("8 to 64"), "\(m)")
    }
    let m = refusal { _ = try Dataset.folder(folder, resolution: 8, channels: 2) }
    #expect(m.contains("channels") && m.contains("1 (grey) or 3 (RGB)"), "\(m)")
    var c = tinyConfig()
    c.dataFolder = folder
    c.resolution = 64
    c.model = .mlpS
    let v = refusal { try c.validate() }
    #expect(v.contains("model") && v.contains("up to 32"), "\(v)")
    c.resolution = 48
    c.model = .convResS
    #expect(refusal { try c.validate() } == "accepted")
  }

  @Test("a folder run trains, writes RGB samples, records its files; changed data is refused")
  func run() throws {
    let folder = makeFolder(12)
    var c = tinyConfig(steps: 2)
    c.dataFolder = folder
    c.resolution = 8
    let dir = temporaryFolder("folder-run")
    let summary = try TrainingRun(config: c, directory: dir).run()
    #expect(summary.config.channels == 3 && summary.config.dataFiles?.count == 12)
    #expect(summary.frechetDistance == nil && summary.heldOutBitsPerDim != nil)
    #expect(try PNG.read(path: dir + "/samples.png").channels == 3)
    let record = try RunRecord.read(folder: dir)
    #expect(record.summary.config.dataFiles == summary.config.dataFiles)
    try PNG.write(Image(width: 3, height: 3, channels: 1, repeating: 0), to: folder + "/new.png")
    let m = refusal { _ = try TrainingRun(resuming: dir, steps: 4) }
    #expect(m.contains("12 files") && m.contains("now holds 13"), "\(m)")
  }
}
