import Foundation

/// Writes files so that a reader sees either the old file or the whole new one, never a part.
///
/// The data goes to a temporary file in the same folder (same file system), is flushed to disk,
/// and is then renamed over the target: rename(2) is atomic, so an interrupted export or
/// checkpoint leaves the previous file intact.
///
/// Rename replaces whatever has the name, so the target is looked at first: only a regular file
/// (or nothing) is replaced. A device, FIFO, socket or folder is refused, named for what it is
/// (run as root, a rename once turned /dev/null into a plain file). A symbolic link is written
/// through to its target, as editors do, so the link survives and its target is not left stale.
/// A replaced file keeps its permission bits (and, where allowed, its owner).
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  /// Replaces the file at `path` with `data`, atomically. Creates missing parent folders.
  public static func write(_ data: Data, to path: String) throws {
    let (target, existing) = try resolve(path)
    let url = URL(fileURLWithPath: target)
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
    if let existing {
      // The new file stands in for the old one: same permissions; the same owner where the
      // process may set it (root), else the owner stays this process's, as any write makes.
      _ = fchown(fd, existing.st_uid, existing.st_gid)
      guard fchmod(fd, existing.st_mode & 0o7777) == 0 else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw WriteError(path: path, reason: "cannot keep its mode (\(reason))")
      }
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
    guard rename(tmp.path, target) == 0 else {
      throw WriteError(path: path, reason: String(cString: strerror(errno)))
    }
    ok = true
  }

  /// Replaces the file at `path` with `text` as UTF-8, atomically.
  public static func write(_ text: String, to path: String) throws {
    try write(Data(text.utf8), to: path)
  }

  /// The path to rename onto (a symbolic link's final target) and the regular file there, if
  /// any; throws for anything that is not a regular file, and for a link to nothing.
  static func resolve(_ path: String) throws -> (target: String, existing: stat?) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return (path, nil) }
    var target = path
    if (st.st_mode & S_IFMT) == S_IFLNK {
      let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
      guard let resolved = realpath(path, nil) else {
        throw WriteError(
          path: path,
          reason: "it is a symbolic link to \(destination), which does not exist; schedtui "
            + "writes through a link only to an existing file: create it, or give another path")
      }
      target = String(cString: resolved)
      free(resolved)
      guard stat(target, &st) == 0 else { return (target, nil) }
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      let what = kind(st.st_mode)
      let named = target == path ? "it" : "it is a link to \(target), which"
      throw WriteError(
        path: path,
        reason: "\(named) is \(what), not a regular file; schedtui replaces only regular "
          + "files: give the path of a file")
    }
    return (target, st)
  }

  /// What a file of mode `mode` is, for a message.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a folder"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFSOCK: return "a socket"
    default: return "of an unknown kind"
    }
  }
}
