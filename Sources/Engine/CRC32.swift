import CPNG
import Foundation

/// CRC-32 as zlib computes it (the IEEE 802.3 polynomial of PNG, gzip and zip), for the
/// checksums schedtui writes into the files it reads back (checkpoints, manifests, sweep.json).
///
/// zlib is already linked through libpng, so no checksum code of our own is needed. A CRC-32
/// detects every burst error up to 32 bits and all but 2⁻³² of the others: enough to tell a
/// damaged file from a good one, not a defence against someone forging a file.
public enum CRC32 {
  /// The CRC-32 of `bytes`, continuing from `crc` (0 starts a new one).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0)
    -> UInt32
  {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    return schedtui_crc32(crc, base.assumingMemoryBound(to: UInt8.self), bytes.count)
  }

  /// The CRC-32 of a byte sequence (an array, a slice, `Data`).
  public static func checksum(_ bytes: some ContiguousBytes) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }

  /// The CRC-32 of `text` as UTF-8.
  public static func checksum(_ text: String) -> UInt32 {
    checksum(Array(text.utf8))
  }

  /// Eight lower-case hex digits, as the files record it.
  public static func hex(_ crc: UInt32) -> String {
    let digits = String(crc, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
