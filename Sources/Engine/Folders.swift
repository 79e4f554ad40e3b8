import Foundation
import Schedules
import Synchronization

/// Why schedtui will not write into a run or sweep folder; each case names the folder, what it
/// holds and the option that would allow the write.
public enum FolderError: Error, CustomStringConvertible, Equatable, Sendable {
  /// `path` holds a run (`what` describes it, `files` lists what is there); `resumable` when it
  /// has a checkpoint and no summary, so `--resume` can continue it.
  case holdsRun(path: String, what: String, files: [String], resumable: Bool)
  /// A sweep was asked to write where a training run lives, or the other way round.
  case otherKind(path: String, holds: FolderManifest.Kind, wanted: FolderManifest.Kind)
  /// `cells/` holds `runs` results of a sweep, but sweep.json, which says which sweep, is gone.
  case sweepWithoutState(path: String, runs: Int)
  /// Another process holds the folder's lock.
  case locked(path: String, lockFile: String, holder: String)
  case notAFolder(path: String)
  /// A file that says what the folder holds (manifest.json, sweep.json) cannot be read or fails
  /// its checksum.
  case damaged(path: String, reason: String)
  case cannotUse(path: String, reason: String)
  /// The folder holds files schedtui did not write and is not a schedtui folder.
  case foreignFiles(path: String, files: [String])
  /// `path` is one of the files of the run or sweep in `folder`, which only that run or sweep
  /// writes.
  case runFile(path: String, folder: String, kind: FolderManifest.Kind)
  /// A sweep shard was started in a folder whose sweep (`file`: sweep.json, another shard's
  /// file, config.json) differs from it in `differences`.
  case otherSweep(path: String, file: String, differences: [String])
  /// `path` (given with `option`) is a regular file that is not a `kind` schedtui wrote.
  case foreignFile(path: String, option: String, kind: String, reason: String)
  /// The folder `path` (given with `option`) holds `files` and is no schedtui export;
  /// `overwritable` when `--overwrite` would let the export replace them.
  case foreignFolder(path: String, option: String, files: [String], overwritable: Bool)

  public var description: String {
    switch self {
    case .holdsRun(let path, let what, let files, let resumable):
      let holds = "\(path) holds \(resumable ? "an unfinished" : "a finished") run"
        + (what.isEmpty ? "" : " (\(what))") + ": " + files.joined(separator: ", ")
      return holds + ". It is not overwritten: "
        + (resumable ? "continue it with `schedtui train --resume \(path)`, " : "")
        + "pass --overwrite to replace it, or choose another --out folder"
    case .otherKind(let path, let holds, let wanted):
      return "\(path) holds a \(holds.rawValue == "run" ? "training run" : "sweep"), not a "
        + (wanted == .run ? "training run" : "sweep")
        + "; schedtui does not mix them in one folder (not even with --overwrite): "
        + "choose another folder"
    case .sweepWithoutState(let path, let runs):
      return "\(path)/cells holds \(runs) run folder(s) of a sweep, but \(path)/sweep.json, "
        + "which records which sweep they belong to, is missing. They are not overwritten: pass "
        + "--overwrite to delete them and start this sweep, or choose another --out folder"
    case .locked(let path, let lockFile, let holder):
      return "\(path) is in use by \(holder) (it holds the lock on \(lockFile)); two processes in "
        + "one folder would overwrite each other's files. Wait for it to end, or use another "
        + "folder"
    case .notAFolder(let path):
      return "\(path) is a file, not a folder; give a folder for the run's files"
    case .damaged(let path, let reason):
      return "\(path) is damaged (\(reason)), so what the folder holds is unknown; it is not "
        + "overwritten: pass --overwrite to replace the folder's schedtui files, or choose "
        + "another folder"
    case .cannotUse(let path, let reason):
      return "cannot use the folder \(path): \(reason)"
    case .foreignFiles(let path, let files):
      let shown = files.prefix(5).joined(separator: ", ")
        + (files.count > 5 ? " and \(files.count - 5) more" : "")
      return "\(path) holds files that schedtui did not write (\(shown)) and no schedtui run or "
        + "sweep; schedtui writes only into a new or empty folder or one of its own, and "
        + "replaces no one else's files (not even with --overwrite): choose another folder"
    case .runFile(let path, let folder, let kind):
      return "\(path) is a file of the \(kind == .run ? "training run" : "sweep") in \(folder); "
        + "only that \(kind == .run ? "run" : "sweep") writes it (another command would leave "
        + "it broken): give another output path"
    case .otherSweep(let path, let file, let differences):
      let shown = differences.prefix(6).joined(separator: "; ")
        + (differences.count > 6 ? "; and \(differences.count - 6) more" : "")
      return "\(path) holds the shards of a different sweep (\(file): \(shown)); every shard of "
        + "one sweep takes the same options, so this shard would mix two experiments. Run it "
        + "with the options of the sweep there, or give it another --out folder (nothing was "
        + "written)"
    case .foreignFile(let path, let option, let kind, let reason):
      return "\(option) \(path) exists and is not \(kind) (\(reason)); schedtui replaces "
        + "only files it wrote: pass --overwrite to replace it, or give another path"
    case .foreignFolder(let path, let option, let files, let overwritable):
      let shown = files.prefix(5).joined(separator: ", ")
        + (files.count > 5 ? " and \(files.count - 5) more" : "")
      return "\(option) \(path) holds files that schedtui did not write (\(shown)) and no "
        + "schedtui_config.json; "
        + (overwritable
          ? "pass --overwrite to replace its scheduler_config.json, or choose another folder"
          : "schedtui writes only into a new or empty folder or one of its own exports (not "
            + "even with --overwrite): choose another folder")
    }
  }
}

/// What a schedtui folder says it is: `manifest.json`, written when a run or sweep starts.
///
/// ```json
/// {"crc32": "…", "created": "2026-12-01T20:00:00Z", "kind": "run",
///  "schedtui_folder_version": 1, "what": "mlp-s on digits 8×8, linear, b = 1, 5000 steps"}
/// ```
/// The CRC-32 covers the file's other fields (the same JSON without `crc32`), so a damaged
/// manifest is told from a good one. Other tools may read it; schedtui only trusts it.
public struct FolderManifest: Codable, Equatable, Sendable {
  public static let fileName = "manifest.json"
  public static let version = 1

  public enum Kind: String, Codable, Sendable { case run, sweep }

  public var schedtuiFolderVersion = FolderManifest.version
  public var kind: Kind
  public var created: String
  /// One line for people: what was run with which settings.
  public var what: String
  public var crc32: String?

  enum CodingKeys: String, CodingKey {
    case schedtuiFolderVersion = "schedtui_folder_version"
    case kind, created, what, crc32
  }

  public init(kind: Kind, what: String, created: Date = Date()) {
    self.kind = kind
    self.what = what
    self.created = ISO8601DateFormatter().string(from: created)
  }

  static func encode(_ manifest: FolderManifest) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try! encoder.encode(manifest)
  }

  /// The file's text: the fields and the CRC-32 of the fields without it.
  public func text() -> Data {
    var plain = self
    plain.crc32 = nil
    var signed = self
    signed.crc32 = CRC32.hex(CRC32.checksum(Self.encode(plain)))
    return Self.encode(signed) + Data("\n".utf8)
  }

  public func write(in directory: String) throws {
    try AtomicFile.write(text(), to: (directory as NSString).appendingPathComponent(Self.fileName))
  }

  /// The manifest in `directory`, nil when there is none; throws when it is damaged.
  public static func read(in directory: String) throws(FolderError) -> FolderManifest? {
    let path = (directory as NSString).appendingPathComponent(fileName)
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let manifest: FolderManifest
    do {
      manifest = try JSONDecoder().decode(FolderManifest.self, from: data)
    } catch {
      throw .damaged(path: path, reason: JSONProblem.describe(error))
    }
    var plain = manifest
    plain.crc32 = nil
    let computed = CRC32.hex(CRC32.checksum(encode(plain)))
    guard manifest.crc32 == computed else {
      throw .damaged(
        path: path,
        reason: "its CRC-32 is \(computed) but it records \(manifest.crc32 ?? "none")")
    }
    return manifest
  }
}

/// An exclusive lock on a folder's `.schedtui.lock`, held for this object's lifetime.
///
/// `flock(2)`, so the kernel releases it when the process dies (even by SIGKILL): a lock file
/// left behind never blocks anyone. The file holds the holder's PID and host name so a second
/// process can say who has it. On Linux, flock on NFS is carried out as a POSIX byte-range lock
/// through the NFS lock protocol, so processes on different machines sharing the folder exclude
/// each other too (unless the share is mounted with `nolock` or `local_lock`).
///
/// The lock keeps other *processes* out. Within one process, locks on the same folder share one
/// flock (counted), because one process already coordinates its own work: a sweep holds its
/// folder while each cell's run holds its own, and a resumed runner may briefly overlap the one
/// it replaces.
public final class FolderLock: @unchecked Sendable {
  public static let fileName = ".schedtui.lock"
  public let path: String
  let key: String

  /// Open lock files of this process by real path: the descriptor and how many holders share it.
  static let held = Mutex<[String: (fd: Int32, count: Int)]>([:])

  /// Creates `directory` if needed and takes its lock (the file `name` in it: a sweep shard
  /// locks its own, since shards share the sweep folder); throws ``FolderError/locked`` naming
  /// the holder when another process has it.
  public init(directory: String, name: String = FolderLock.fileName) throws(FolderError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      throw .notAFolder(path: directory)
    }
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .cannotUse(path: directory, reason: error.localizedDescription)
    }
    path = (directory as NSString).appendingPathComponent(name)
    key = Self.realPath(directory) + "/" + name
    let path = self.path
    let outcome: FolderError? = Self.held.withLock { held in
      if let entry = held[key] {
        held[key] = (entry.fd, entry.count + 1)
        return nil
      }
      switch Self.acquire(path: path, directory: directory) {
      case .success(let fd):
        held[key] = (fd, 1)
        return nil
      case .failure(let error):
        return error
      }
    }
    if let outcome { throw outcome }
  }

  static func realPath(_ directory: String) -> String {
    guard let resolved = realpath(directory, nil) else { return directory }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Opens and flocks the lock file, then writes "PID host" into it.
  static func acquire(path: String, directory: String) -> Result<Int32, FolderError> {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      return .failure(.cannotUse(path: directory, reason: String(cString: strerror(errno))))
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let reason = errno
      var buffer = [UInt8](repeating: 0, count: 256)
      let n = pread(fd, &buffer, buffer.count, 0)
      close(fd)
      guard reason == EWOULDBLOCK else {
        return .failure(
          .cannotUse(path: directory, reason: "lock: " + String(cString: strerror(reason))))
      }
      let text = String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      return .failure(.locked(path: directory, lockFile: path, holder: holderText(text)))
    }
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count)
    let holder = "\(getpid()) \(String(cString: host))\n"
    ftruncate(fd, 0)
    _ = holder.withCString { pwrite(fd, $0, strlen($0), 0) }
    return .success(fd)
  }

  /// "process 1234 on host x" from the lock file's "1234 x".
  static func holderText(_ text: String) -> String {
    let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
    guard let pid = parts.first, Int(pid) != nil else { return "another process" }
    return "process \(pid)" + (parts.count > 1 ? " on host \(parts[1])" : "")
  }

  deinit {
    let key = self.key
    Self.held.withLock { held in
      guard let entry = held[key] else { return }
      if entry.count > 1 {
        held[key] = (entry.fd, entry.count - 1)
      } else {
        // Closing the only descriptor releases the flock.
        close(entry.fd)
        held[key] = nil
      }
    }
  }
}

/// What a run folder holds, and how a new run or a sweep takes it over.
public enum RunFolder {
  /// The files a training run writes (besides its manifest and lock).
  public static let runFiles = [Checkpoint.fileName, "summary.json", "metrics.jsonl", "samples.png"]
  /// The files a sweep writes at its top level.
  public static let sweepFiles = ["sweep.json", "table.md", "table.csv", "heatmap.png", "cells"]

  /// Names that say a folder is a run's (``runFiles``) or a sweep's, manifest or not (folders
  /// from before manifests, a sweep's shards, which write none).
  static let sweepMarks = ["sweep.json", "cells", "shards"]
  /// Who wrote the config at `path` (``ConfigOrigin``): a run's record when it is the
  /// `config.json` of a folder holding that run's summary.json or checkpoint.bin, so that a
  /// key it leaves out keeps the meaning it had when the run wrote it; a user's config
  /// otherwise (a copy taken out of the folder is the user's own).
  public static func configOrigin(of path: String) -> ConfigOrigin {
    let directory = (path as NSString).deletingLastPathComponent
    let isRecord =
      (path as NSString).lastPathComponent == TrainingRun.configFileName
      && [Checkpoint.fileName, "summary.json"].contains { exists(directory.isEmpty ? "." : directory, $0) }
    return isRecord ? .runRecord : .userConfig
  }

  /// Every file a run or a sweep writes in its own folder.
  static var ownFiles: Set<String> {
    Set(runFiles + sweepFiles + sweepMarks + [FolderManifest.fileName, TrainingRun.configFileName])
  }

  /// Refuses a folder that exists, holds anything, and is no schedtui folder (no manifest, no
  /// run or sweep files): a user's folder with a `config.json` of their own, or `/`. Runs before
  /// the folder is locked, so nothing (not even the lock file) is written into such a folder.
  /// Whether a schedtui folder is of the right kind is ``startRun(in:what:overwrite:)``'s and
  /// the sweep's business, under the lock.
  public static func checkOwnFolder(_ directory: String, kind: FolderManifest.Kind)
    throws(FolderError)
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { return }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
      throw .cannotUse(path: directory, reason: error.localizedDescription)
    }
    // A lock file says a run or a shard took the folder (a shard writes config.json before its
    // shards/ file, and another shard starting then must still be let in).
    if names.contains(where: { $0.hasPrefix(".schedtui") }) { return }
    let present = names.sorted()
    let marks = [FolderManifest.fileName] + runFiles + sweepMarks
    guard !present.isEmpty, !present.contains(where: marks.contains) else { return }
    throw .foreignFiles(path: directory, files: present)
  }

  /// Refuses an output path of another command (an export, a plot, samples) that names a file
  /// of a run or sweep folder: replacing `checkpoint.bin` with JSON would break the run.
  public static func checkNotRunFile(_ path: String) throws(FolderError) {
    let name = (path as NSString).lastPathComponent
    guard ownFiles.contains(name) else { return }
    let folder = (path as NSString).deletingLastPathComponent
    let directory = folder.isEmpty ? "." : folder
    let kind: FolderManifest.Kind?
    // A damaged manifest still says the folder is schedtui's.
    do { kind = try FolderManifest.read(in: directory)?.kind } catch { kind = .run }
    if let kind { throw .runFile(path: path, folder: directory, kind: kind) }
    if sweepMarks.contains(where: { exists(directory, $0) }) {
      throw .runFile(path: path, folder: directory, kind: .sweep)
    }
    if runFiles.contains(where: { exists(directory, $0) }) {
      throw .runFile(path: path, folder: directory, kind: .run)
    }
  }

  static func exists(_ directory: String, _ name: String) -> Bool {
    FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name))
  }

  /// Checks that a new run may write into `directory` (whose lock the caller holds), removes an
  /// old run there when `overwrite` is set, and writes the new run's manifest.
  ///
  /// A folder with only a manifest (a run that stopped before its first checkpoint) holds
  /// nothing to lose and is taken over.
  public static func startRun(in directory: String, what: String, overwrite: Bool) throws {
    let manifest: FolderManifest?
    do { manifest = try FolderManifest.read(in: directory) } catch {
      guard overwrite else { throw error }
      manifest = nil
    }
    if manifest?.kind == .sweep || exists(directory, "sweep.json") || exists(directory, "cells") {
      throw FolderError.otherKind(path: directory, holds: .sweep, wanted: .run)
    }
    let present = runFiles.filter { exists(directory, $0) }
    if !present.isEmpty {
      guard overwrite else {
        let finished = present.contains("summary.json")
        throw FolderError.holdsRun(
          path: directory, what: manifest?.what ?? "", files: present,
          resumable: !finished && present.contains(Checkpoint.fileName))
      }
      for name in present { try remove(name, in: directory) }
    }
    try FolderManifest(kind: .run, what: what).write(in: directory)
  }

  /// Checks that `directory` holds a run (not a sweep) before it is resumed; adds the manifest
  /// a run from before manifests lacks.
  public static func resumeRun(in directory: String, what: String) throws {
    let manifest = try FolderManifest.read(in: directory)
    if manifest?.kind == .sweep || exists(directory, "sweep.json") {
      throw FolderError.otherKind(path: directory, holds: .sweep, wanted: .run)
    }
    if manifest == nil { try FolderManifest(kind: .run, what: what).write(in: directory) }
  }

  static func remove(_ name: String, in directory: String) throws {
    let path = (directory as NSString).appendingPathComponent(name)
    do { try FileManager.default.removeItem(atPath: path) } catch {
      throw FolderError.cannotUse(
        path: directory, reason: "cannot remove \(name) (\(error.localizedDescription))")
    }
  }
}
