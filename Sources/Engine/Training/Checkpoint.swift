import Foundation

/// What a user can get wrong about a run directory or checkpoint.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
  case missing(path: String)
  case corrupt(path: String, reason: String)
  /// A checksum does not match: `part` (the header, the weights, …) changed after it was written.
  case damaged(path: String, part: String, stored: UInt32, computed: UInt32)

  public var description: String {
    switch self {
    case .missing(let path):
      return
        "no checkpoint at \(path); --resume and --run need the folder of a `schedtui train` run"
    case .corrupt(let path, let reason): return "checkpoint \(path) is not usable: \(reason)"
    case .damaged(let path, let part, let stored, let computed):
      return "checkpoint \(path) is damaged: the CRC-32 of its \(part) is "
        + "\(CRC32.hex(computed)) but the file records \(CRC32.hex(stored)), so the file changed "
        + "after it was written (a disk error or an incomplete copy). It is not used; train "
        + "again or use a good copy"
    }
  }
}

/// A run's saved state, in one file written atomically: `checkpoint.bin`.
///
/// Layout (version 2): the 8 bytes `STCKPT02`, a little-endian UInt64 n, n bytes of JSON
/// (``Header``), four Float32 arrays of `parameterCount` values each, little-endian: weights,
/// EMA weights, Adam m, Adam v; then five little-endian UInt32 CRC-32s, of the header JSON and
/// of each array, so a damaged file is refused naming the part that changed. One file, so a
/// reader never pairs a header with another step's weights. Version 1 (`STCKPT01`, no
/// checksums) is still read: refusing it would lose runs made before checksums existed.
public struct Checkpoint {
  public static let fileName = "checkpoint.bin"
  static let magic = Array("STCKPT02".utf8)
  static let magicV1 = Array("STCKPT01".utf8)
  static let parts = ["header", "weights", "EMA weights", "Adam m", "Adam v"]

  public struct Header: Codable, Sendable {
    public var config: TrainingConfig
    public var step: Int
    public var optimizerUpdates: Int
    public var rng: [UInt64]
    public var parameterCount: Int
    /// Wall time of the training steps so far (resumed runs add to it).
    public var trainSeconds: Double
    public var bins: LossBins
  }

  public var header: Header
  public var params: [Float]
  public var ema: [Float]
  public var m: [Float]
  public var v: [Float]

  public func write(to path: String) throws {
    var data = Data(Self.magic)
    let json = try JSONEncoder().encode(header)
    var n = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &n) { data.append(contentsOf: $0) }
    data.append(json)
    var crcs = [CRC32.checksum(json)]
    for array in [params, ema, m, v] {
      array.withUnsafeBytes { data.append(contentsOf: $0) }
      crcs.append(array.withUnsafeBytes { CRC32.checksum($0) })
    }
    for crc in crcs {
      var le = crc.littleEndian
      withUnsafeBytes(of: &le) { data.append(contentsOf: $0) }
    }
    try AtomicFile.write(data, to: path)
  }

  public static func read(from path: String) throws -> Checkpoint {
    guard FileManager.default.fileExists(atPath: path) else {
      throw CheckpointError.missing(path: path)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError.corrupt(path: path, reason: "cannot be read")
    }
    let bytes = [UInt8](data)
    let version: Int
    switch bytes.count >= 16 ? Array(bytes[0..<8]) : [] {
    case magic: version = 2
    case magicV1: version = 1
    default:
      throw CheckpointError.corrupt(
        path: path, reason: "does not start with STCKPT02 (or STCKPT01): not a checkpoint")
    }
    let trailer = version == 2 ? 4 * parts.count : 0
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[8 + i]) << (8 * UInt64(i)) }
    guard n <= UInt64(bytes.count - 16 - min(trailer, bytes.count - 16)) else {
      throw CheckpointError.corrupt(path: path, reason: "header length \(n) runs past the end")
    }
    func stored(_ k: Int) -> UInt32 {
      let at = bytes.count - trailer + 4 * k
      return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }
    func verify(_ k: Int, _ range: Range<Int>) throws {
      guard version == 2 else { return }
      let computed = bytes.withUnsafeBytes {
        CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[range]))
      }
      guard computed == stored(k) else {
        throw CheckpointError.damaged(
          path: path, part: parts[k], stored: stored(k), computed: computed)
      }
    }
    // The header is checked before it is parsed: a flipped digit can still be valid JSON.
    try verify(0, 16..<(16 + Int(n)))
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + Int(n))]))
    } catch {
      throw CheckpointError.corrupt(path: path, reason: "header: \(JSONProblem.describe(error))")
    }
    let count = header.parameterCount
    let start = 16 + Int(n)
    guard count >= 0, count <= bytes.count / 16, bytes.count == start + 16 * count + trailer
    else {
      throw CheckpointError.corrupt(
        path: path,
        reason: "\(bytes.count - start - trailer) bytes of weights; expected \(16 * count)")
    }
    for k in 0..<4 { try verify(k + 1, (start + k * 4 * count)..<(start + (k + 1) * 4 * count)) }
    // Copied byte-wise: the weights start after the JSON, so they need not be 4-byte aligned.
    func floats(_ k: Int) -> [Float] {
      [Float](unsafeUninitializedCapacity: count) { out, initialized in
        bytes.withUnsafeBytes { raw in
          UnsafeMutableRawPointer(out.baseAddress!).copyMemory(
            from: raw.baseAddress! + start + k * 4 * count, byteCount: 4 * count)
        }
        initialized = count
      }
    }
    return Checkpoint(header: header, params: floats(0), ema: floats(1), m: floats(2), v: floats(3))
  }
}
