import Foundation
import TestSupport
import Testing

@testable import Engine

/// Fixtures written by scripts/make_png_fixtures.py (a hand-written PNG encoder in Python).
enum PNGFixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/png").path

  static func path(_ name: String) -> String { folder + "/" + name }

  struct Expected {
    let width: Int, height: Int, channels: Int
    let samples: [Double]
  }

  static let expected: [String: Expected] = {
    let data = try! Data(contentsOf: URL(fileURLWithPath: path("expected.json")))
    let json = try! JSONSerialization.jsonObject(with: data) as! [String: [String: Any]]
    return json.mapValues { entry in
      Expected(
        width: entry["width"] as! Int, height: entry["height"] as! Int,
        channels: entry["channels"] as! Int,
        samples: (entry["samples"] as! [NSNumber]).map(\.doubleValue))
    }
  }()

  static func bytes(_ name: String) -> Data {
    try! Data(contentsOf: URL(fileURLWithPath: path(name)))
  }
}

@Suite struct PNGTests {
  @Test(
    "every colour type and bit depth reads as the stored samples scaled to [0, 1]",
    arguments: [
      "grey16.png", "rgba16.png", "rgb16.png", "grey8.png", "ga8.png", "rgb8.png", "rgba8.png",
      "rgb8_interlaced.png", "palette2_trns.png", "palette8.png", "grey1.png",
    ])
  func readsFixture(name: String) throws {
    let want = try #require(PNGFixtures.expected[name])
    let image = try PNG.read(path: PNGFixtures.path(name))
    #expect(image.width == want.width)
    #expect(image.height == want.height)
    #expect(image.channels == want.channels)
    try #require(image.pixels.count == want.samples.count)
    let worst = zip(image.pixels, want.samples).map { abs(Double($0) - $1) }.max() ?? 0
    // Float has 24 bits of mantissa; v/65535 rounds to within 6e-8.
    #expect(worst < 1e-7, "largest difference \(worst)")
  }

  @Test("16-bit samples keep their exact value: gAMA is ignored and alpha is not premultiplied")
  func sixteenBitIsExact() throws {
    let image = try PNG.read(path: PNGFixtures.path("rgba16.png"))
    // Pixel (0, 0) is (1000, 30000, 65535, 0) in the file: with alpha 0, a premultiplying reader
    // would return zeros, and a gamma-applying one would change 1000 and 30000.
    #expect(UInt16((image[x: 0, y: 0, c: 0] * 65535).rounded()) == 1000)
    #expect(UInt16((image[x: 0, y: 0, c: 1] * 65535).rounded()) == 30000)
    #expect(image[x: 0, y: 0, c: 3] == 0)
    let grey = try PNG.read(path: PNGFixtures.path("grey16.png"))
    #expect(UInt16((grey[x: 1, y: 0, c: 0] * 65535).rounded()) == 1)
  }

  @Test("the bundled images all read", arguments: [
    "astronaut", "brick", "camera", "chelsea", "coffee", "grass", "gravel", "rocket",
  ])
  func bundled(name: String) throws {
    let image = try PNG.read(path: try Assets.path("images/\(name).png"))
    #expect(image.width >= 300 && image.height >= 300)
    #expect([1, 3].contains(image.channels))
    #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  @Test("writing then reading gives back 8-bit samples exactly", arguments: [1, 2, 3, 4])
  func roundTrip(channels: Int) throws {
    let width = 13, height = 7
    let pixels = (0..<(width * height * channels)).map { Float(($0 * 37) % 256) / 255 }
    let image = Image(width: width, height: height, channels: channels, pixels: pixels)
    let dir = temporaryFolder()
    let path = dir + "/sub/out.png"
    try PNG.write(image, to: path)
    let back = try PNG.read(path: path)
    #expect(back == image)
    // Atomic write: only the file itself is left in the folder, no temporary.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == ["out.png"])
  }

  @Test("writing clamps to [0, 1] and rounds to the nearest 8-bit level")
  func writeClampsAndRounds() throws {
    let image = Image(
      width: 5, height: 1, channels: 1, pixels: [-0.5, 1.5, .nan, 0.5 / 255, 0.49 / 255])
    let back = try PNG.decode(try PNG.encode(image))
    #expect(back.pixels == [0, 1, 0, 1 / 255, 0])
  }

  @Test("a file cut short at any length is an error naming the file, never a crash", arguments: [
    "grey16.png", "rgb8_interlaced.png", "palette2_trns.png",
  ])
  func truncatedEverywhere(name: String) throws {
    let data = PNGFixtures.bytes(name)
    for length in 1..<data.count {
      #expect(throws: PNGError.self, "cut at \(length) of \(data.count)") {
        try PNG.decode(data.prefix(length), path: "cut.png")
      }
    }
    do {
      _ = try PNG.decode(data.prefix(data.count - 5), path: "cut.png")
      Issue.record("a truncated file decoded")
    } catch {
      #expect(error == .corrupt(path: "cut.png", reason: "file ends early (truncated)"))
      #expect(error.description.contains("cut.png"))
      #expect(error.description.contains("truncated"))
    }
  }

  @Test("a corrupted byte in the image data is an error, not a crash")
  func corruptedData() throws {
    let data = PNGFixtures.bytes("rgb8.png")
    // Flip each byte after the signature in turn: every flip inside a critical chunk must be
    // caught (CRC, zlib or header checks); flips in ancillary parts may be tolerated.
    var failures = 0
    for i in 8..<data.count {
      var bad = data
      bad[i] ^= 0x5A
      do {
        _ = try PNG.decode(bad, path: "bad.png")
      } catch {
        failures += 1
        #expect(error.description.hasPrefix("image bad.png is a corrupt or truncated PNG file: "))
      }
    }
    // This file has only IHDR, IDAT and IEND: every byte is in a critical chunk.
    #expect(failures == data.count - 8)
  }

  @Test("garbage, a wrong signature and an empty file are named errors")
  func notPNG() throws {
    var rng = Xoshiro256(seed: 7)
    let garbage = Data((0..<500).map { _ in UInt8.random(in: 0...255, using: &rng) })
    #expect(throws: PNGError.notPNG(path: "g.png")) { try PNG.decode(garbage, path: "g.png") }
    var wrong = PNGFixtures.bytes("grey8.png")
    wrong[1] = UInt8(ascii: "J")
    #expect(throws: PNGError.notPNG(path: "w.png")) { try PNG.decode(wrong, path: "w.png") }
    #expect(throws: PNGError.empty(path: "e.png")) { try PNG.decode(Data(), path: "e.png") }
    let signatureThenGarbage = PNGFixtures.bytes("grey8.png").prefix(8) + garbage
    #expect(throws: PNGError.self) { try PNG.decode(signatureThenGarbage, path: "s.png") }
  }

  @Test("a header claiming a huge image is refused before any allocation")
  func tooLarge() throws {
    // Signature, IHDR for 100000×100000 RGB (within libpng's own limits), an empty IDAT.
    let png = header(width: 100_000, height: 100_000, colorType: 2)
    do {
      _ = try PNG.decode(png, path: "huge.png")
      Issue.record("decoded a 100000×100000 image")
    } catch {
      #expect(
        error
          == .tooLarge(
            path: "huge.png",
            reason: "it declares 100000×100000 = 10000000000 pixels; the limit is 64 megapixels "
              + "(67108864 pixels, e.g. 8192×8192), checked before decoding"))
    }
  }

  /// A PNG header for `width`×`height` 8-bit grey (or `colorType`) and an empty IDAT: all a
  /// bomb needs to show.
  func header(width: UInt32, height: UInt32, colorType: UInt8 = 0) -> Data {
    var png = Data(PNG.signature)
    func chunk(_ type: String, _ body: [UInt8]) {
      let typed = Array(type.utf8) + body
      png.append(contentsOf: bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed)))
    }
    chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, colorType, 0, 0, 0])
    chunk("IDAT", [])
    return png
  }

  @Test("a 16000×16000 bomb is refused from its header in well under a second (issue 13)")
  func decompressionBomb() throws {
    // 256 M grey samples were under the old 2^28-sample cap: libpng was asked to inflate them.
    let start = Date()
    #expect {
      try PNG.decode(header(width: 16000, height: 16000), path: "bomb.png")
    } throws: { error in
      guard case .tooLarge(_, let reason) = error as? PNGError else { return false }
      return reason.contains("16000×16000") && reason.contains("64 megapixels")
    }
    #expect(Date().timeIntervalSince(start) < 1)
  }

  @Test("the cap is 64 megapixels: 8192×8192 passes it, 8192×8193 does not")
  func capEdge() throws {
    func refusedForSize(_ w: UInt32, _ h: UInt32) -> Bool {
      do { _ = try PNG.decode(header(width: w, height: h)) } catch {
        if case .tooLarge = error { return true }
      }
      return false
    }
    // 8192×8192 goes on to decoding, which then fails on the empty IDAT: not for its size.
    #expect(!refusedForSize(8192, 8192))
    #expect(refusedForSize(8192, 8193))
  }

  @Test("missing files, folders and empty files on disk are errors naming the path")
  func fileSystemErrors() throws {
    let dir = temporaryFolder()
    #expect(throws: PNGError.cannotRead(path: dir + "/none.png", reason: "no such file")) {
      try PNG.read(path: dir + "/none.png")
    }
    #expect(throws: PNGError.isDirectory(path: dir)) { try PNG.read(path: dir) }
    #expect(FileManager.default.createFile(atPath: dir + "/empty.png", contents: Data()))
    #expect(throws: PNGError.empty(path: dir + "/empty.png")) {
      try PNG.read(path: dir + "/empty.png")
    }
    let message = PNGError.isDirectory(path: dir).description
    #expect(message.contains(dir) && message.contains("folder"))
  }

  @Test("writing where a folder cannot be created is an error naming the path")
  func writeError() throws {
    let dir = temporaryFolder()
    #expect(FileManager.default.createFile(atPath: dir + "/file", contents: Data([1])))
    let target = dir + "/file/out.png"
    do {
      try PNG.write(Image(width: 1, height: 1, channels: 1), to: target)
      Issue.record("wrote below a regular file")
    } catch {
      guard case .cannotWrite(let path, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(path == target)
    }
  }
}

func bigEndian(_ v: UInt32) -> [UInt8] {
  [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
}

/// CRC-32 as PNG defines it (ISO 3309, polynomial 0xEDB88320, reflected), bit by bit.
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}
