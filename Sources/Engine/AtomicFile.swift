import Foundation

/// Writes files so that a reader sees either the old file or the whole new one, never a part.
///
/// The data goes to a temporary file in the same folder (same file system), is flushed to disk,
/// and is then renamed over the target: rename(2) is atomic, so an interrupted export or
/// checkpoint leaves the previous file intact.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  /// Replaces the file at `path` with `data`, atomically. Creates missing parent folders.
  public static func write(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    } catch {
      throw WriteError(path: path, reason: "cannot create folder \(dir.path) (\(error.localizedDescription))")
    }
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
      throw WriteError(path: path, reason: String(cString: strerror(errno)))
    }
    var ok = false
    defer {
      if !ok { unlink(tmp.path) }
    }
    let written = data.withUnsafeBytes { buf -> Int in
      var off = 0
      while off < buf.count {
        let n = Foundation.write(fd, buf.baseAddress! + off, buf.count - off)
        if n <= 0 { return -1 }
        off += n
      }
      return off
    }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == data.count, synced else {
      throw WriteError(path: path, reason: String(cString: strerror(errno)))
    }
    guard rename(tmp.path, path) == 0 else {
      throw WriteError(path: path, reason: String(cString: strerror(errno)))
    }
    ok = true
  }

  /// Replaces the file at `path` with `text` as UTF-8, atomically.
  public static func write(_ text: String, to path: String) throws {
    try write(Data(text.utf8), to: path)
  }
}
