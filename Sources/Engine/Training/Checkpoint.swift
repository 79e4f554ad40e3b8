import Foundation

/// What a user can get wrong about a run directory or checkpoint.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
  case missing(path: String)
  case corrupt(path: String, reason: String)

  public var description: String {
    switch self {
    case .missing(let path):
      return "no checkpoint at \(path); --resume and --run need the folder of a `schedtui train` run"
    case .corrupt(let path, let reason): return "checkpoint \(path) is not usable: \(reason)"
    }
  }
}

/// A run's saved state, in one file written atomically: `checkpoint.bin`.
///
/// Layout: the 8 bytes `STCKPT01`, a little-endian UInt64 n, n bytes of JSON (``Header``), then
/// four Float32 arrays of `parameterCount` values each, little-endian: weights, EMA weights,
/// Adam m, Adam v. One file, so a reader never pairs a header with another step's weights.
public struct Checkpoint {
  public static let fileName = "checkpoint.bin"
  static let magic = Array("STCKPT01".utf8)

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
    for array in [params, ema, m, v] {
      array.withUnsafeBytes { data.append(contentsOf: $0) }
    }
    try AtomicFile.write(data, to: path)
  }

  public static func read(from path: String) throws -> Checkpoint {
    guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.missing(path: path) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError.corrupt(path: path, reason: "cannot be read")
    }
    let bytes = [UInt8](data)
    guard bytes.count >= 16, Array(bytes[0..<8]) == magic else {
      throw CheckpointError.corrupt(path: path, reason: "does not start with STCKPT01")
    }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[8 + i]) << (8 * UInt64(i)) }
    guard n <= UInt64(bytes.count - 16) else {
      throw CheckpointError.corrupt(path: path, reason: "header length \(n) runs past the end")
    }
    let header: Header
    do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + Int(n))])) } catch {
      throw CheckpointError.corrupt(path: path, reason: "header: \(error)")
    }
    let count = header.parameterCount, start = 16 + Int(n)
    guard bytes.count == start + 4 * 4 * count else {
      throw CheckpointError.corrupt(
        path: path, reason: "\(bytes.count - start) bytes of weights; expected \(16 * count)")
    }
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
