import Foundation

/// Reads a small file whole, but never more than a limit: a config or a summary that is
/// hundreds of megabytes (or a device that never ends) is refused, not read into memory.
public enum BoundedFile {
  public enum ReadError: Error, Equatable, CustomStringConvertible {
    /// The file has more than `limit` bytes (`size`, when its size is known beforehand).
    case tooLarge(path: String, size: Int?, limit: Int)
    case unreadable(path: String, reason: String)

    public var description: String {
      switch self {
      case .tooLarge(let path, _, _): return "\(path) \(reason)"
      case .unreadable(let path, _): return "cannot read \(path) (\(reason))"
      }
    }

    /// What is wrong, without the path (for a message that names the file already).
    public var reason: String {
      switch self {
      case .tooLarge(_, let size, let limit):
        let has = size.map { "is \(BoundedFile.bytes($0))" } ?? "has more than \(BoundedFile.bytes(limit))"
        return "it \(has); the limit is \(BoundedFile.bytes(limit))"
      case .unreadable(_, let reason):
        return reason
      }
    }
  }

  /// `4 MiB (4194304 bytes)`, `1.5 MB (1500000 bytes)`.
  public static func bytes(_ n: Int) -> String {
    if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB (\(n) bytes)" }
    if n >= 1_000_000 { return String(format: "%.1f MB (%d bytes)", Double(n) / 1e6, n) }
    return "\(n) bytes"
  }

  /// The file's bytes; throws ``ReadError/tooLarge(path:size:limit:)`` when it has more than
  /// `limit` (a regular file by its size, before reading; a pipe once `limit` + 1 bytes came).
  public static func read(_ path: String, limit: Int) throws(ReadError) -> Data {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0 {
      if (st.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "it is a folder") }
      if (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > limit {
        throw .tooLarge(path: path, size: Int(st.st_size), limit: limit)
      }
    }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = Foundation.read(fd, &buffer, buffer.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if n == 0 { return data }
      data.append(contentsOf: buffer[0..<n])
      if data.count > limit { throw .tooLarge(path: path, size: nil, limit: limit) }
    }
  }
}
