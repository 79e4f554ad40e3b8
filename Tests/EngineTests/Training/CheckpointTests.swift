import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite struct CRC32Tests {
  @Test("CRC-32 of \"123456789\" is the standard check value 0xcbf43926")
  func checkValue() {
    // The check value every CRC-32/ISO-HDLC implementation publishes (e.g. the CRC catalogue).
    #expect(CRC32.checksum("123456789") == 0xCBF4_3926)
    #expect(CRC32.hex(0x0000_ABCD) == "0000abcd")
    // Continuing in two pieces gives the checksum of the whole.
    let whole = Array("123456789".utf8)
    let first = whole[..<4].withUnsafeBytes { CRC32.checksum($0) }
    let both = whole[4...].withUnsafeBytes { CRC32.checksum($0, continuing: first) }
    #expect(both == 0xCBF4_3926)
  }
}

@Suite struct CheckpointTests {
  /// A checkpoint of one real step of the tiny config, written to a fresh folder.
  func trainedFolder(_ name: String) throws -> String {
    let dir = temporaryFolder(name)
    var c = tinyConfig(steps: 1)
    c.checkpointEvery = 1
    _ = try TrainingRun(config: c, directory: dir).run()
    return dir
  }

  func flip(_ path: String, at fraction: Double) throws -> Int {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let i = Int(Double(bytes.count) * fraction)
    bytes[i] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return i
  }

  @Test(
    "a byte flipped in the weights, the EMA or the header is refused, naming the part",
    arguments: [(0.1, "weights"), (0.4, "EMA weights"), (0.6, "Adam m"), (0.9, "Adam v")])
  func flippedByteIsRefused(fraction: Double, part: String) throws {
    let dir = try trainedFolder("flip")
    let path = dir + "/" + Checkpoint.fileName
    _ = try flip(path, at: fraction)
    // `schedtui sample` loads through TrainedModel, `train --resume` through TrainingRun.
    for load in [{ _ = try TrainedModel(directory: dir) }, { _ = try TrainingRun(resuming: dir) }] {
      do {
        try load()
        Issue.record("a checkpoint with a flipped byte in its \(part) was accepted")
      } catch let error as CheckpointError {
        guard case .damaged(let p, let named, let stored, let computed) = error else {
          Issue.record("expected .damaged, got \(error)")
          continue
        }
        #expect(p == path && named == part && stored != computed)
        #expect("\(error)".contains("damaged") && "\(error)".contains(part))
      }
    }
  }

  @Test("a flipped byte in the JSON header is refused before the header is parsed")
  func flippedHeader() throws {
    let dir = try trainedFolder("header")
    let path = dir + "/" + Checkpoint.fileName
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // A digit in the header changed to another digit is still valid JSON: only the CRC sees it.
    let digit = try #require((20..<200).first { (0x31...0x38).contains(bytes[$0]) })
    bytes[digit] += 1
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: CheckpointError.self) { try Checkpoint.read(from: path) }
    do { _ = try Checkpoint.read(from: path) } catch let error as CheckpointError {
      guard case .damaged(_, "header", _, _) = error else {
        Issue.record("expected the header to be named, got \(error)")
        return
      }
    }
  }

  @Test("a version-1 checkpoint (no checksums) written before them still loads")
  func readsVersion1() throws {
    let dir = try trainedFolder("v1")
    let path = dir + "/" + Checkpoint.fileName
    let v2 = try Checkpoint.read(from: path)
    // Version 1 is version 2 without the 20-byte trailer and with the old magic.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.removeLast(20)
    bytes.replaceSubrange(0..<8, with: Array("STCKPT01".utf8))
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let v1 = try Checkpoint.read(from: path)
    #expect(v1.params == v2.params && v1.v == v2.v && v1.header.step == v2.header.step)
  }
}
