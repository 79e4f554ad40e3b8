import Engine
import Foundation
import TestSupport
import Testing

@Suite struct AtomicFileTests {
  @Test("a write replaces the whole file and leaves no temporary behind")
  func replacesWholeFile() throws {
    let dir = URL(fileURLWithPath: temporaryFolder("atomic"))
    let path = dir.appendingPathComponent("sub/out.json").path
    try AtomicFile.write("first, and longer than the second", to: path)
    try AtomicFile.write("second", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path)
    #expect(left == ["out.json"])
  }

  @Test("a write into an unwritable place fails with the path in the message")
  func failsWithPath() {
    #expect {
      try AtomicFile.write("x", to: "/proc/schedtui-cannot/out.json")
    } throws: { error in
      "\(error)".contains("/proc/schedtui-cannot/out.json")
    }
  }
}

/// Issue 22, finding 1: the writer replaces only regular files, writes through symbolic links
/// and keeps a file's mode. A character device is reached through a link in a temporary folder,
/// so a writer that ignored the rule would replace the link, never the device itself.
@Suite struct AtomicFileTargetTests {
  /// Where the link at `path` points (readlink), nil when it is not a link.
  func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink(path, &buffer, buffer.count - 1)
    return n < 0 ? nil : String(cString: Array(buffer.prefix(n)) + [0])
  }

  @Test("a FIFO is refused, named as one, and is still a FIFO afterwards")
  func fifo() throws {
    let dir = temporaryFolder("atomic-fifo")
    let path = dir + "/pipe"
    #expect(mkfifo(path, 0o644) == 0)
    #expect {
      try AtomicFile.write("x", to: path)
    } throws: { error in
      "\(error)".contains(path) && "\(error)".contains("FIFO")
        && "\(error)".contains("regular file")
    }
    var st = stat()
    #expect(lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
  }

  @Test("a link to a character device (/dev/null) is refused, naming the device")
  func characterDevice() throws {
    let dir = temporaryFolder("atomic-dev")
    let nullLink = dir + "/null"
    #expect(symlink("/dev/null", nullLink) == 0)
    #expect {
      try AtomicFile.write("x", to: nullLink)
    } throws: { error in
      "\(error)".contains("/dev/null") && "\(error)".contains("character device")
    }
    #expect(linkTarget(nullLink) == "/dev/null")
  }

  @Test("a folder in the file's place is refused, naming it a folder")
  func folder() throws {
    let dir = temporaryFolder("atomic-folder")
    try FileManager.default.createDirectory(atPath: dir + "/x", withIntermediateDirectories: true)
    #expect {
      try AtomicFile.write("x", to: dir + "/x")
    } throws: { error in
      "\(error)".contains("folder")
    }
  }

  @Test("a write through a symbolic link changes its target and keeps the link")
  func writesThroughLink() throws {
    let dir = temporaryFolder("atomic-link")
    try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
    try AtomicFile.write("old", to: dir + "/real/c.json")
    #expect(symlink("real/c.json", dir + "/c.json") == 0)
    try AtomicFile.write("new", to: dir + "/c.json")
    #expect(linkTarget(dir + "/c.json")
      == "real/c.json")
    #expect(try String(contentsOfFile: dir + "/real/c.json", encoding: .utf8) == "new")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/real") == ["c.json"])
  }

  @Test("a link to nothing is refused, naming where it points")
  func danglingLink() throws {
    let dir = temporaryFolder("atomic-dangling")
    #expect(symlink(dir + "/gone/c.json", dir + "/c.json") == 0)
    #expect {
      try AtomicFile.write("x", to: dir + "/c.json")
    } throws: { error in
      "\(error)".contains("gone/c.json") && "\(error)".contains("does not exist")
    }
    #expect(
      linkTarget(dir + "/c.json")
        == dir + "/gone/c.json")
  }

  @Test("a replaced file keeps its mode (640 stays 640)")
  func keepsMode() throws {
    let dir = temporaryFolder("atomic-mode")
    let path = dir + "/c.json"
    try AtomicFile.write("old", to: path)
    #expect(chmod(path, 0o640) == 0)
    try AtomicFile.write("new", to: path)
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_mode & 0o7777 == 0o640)
  }
}
