import Foundation
import Schedules

/// Where a run's images come from: a built-in data set, or a folder of PNGs (`--data DIR`).
/// Any `--data` value that is not a built-in name is a folder, so `./digits` reaches a folder
/// called digits.
public enum DataSource: Equatable, Sendable {
  case builtIn(DataKind)
  case folder(String)

  public init(_ text: String) {
    self = DataKind(rawValue: text).map(DataSource.builtIn) ?? .folder(text)
  }
}

extension TrainingSection {
  /// Where the images come from, read and set as one: a built-in name clears the folder and its
  /// channels (over a --config file's), a folder keeps the built-in name beside it, as the
  /// config file records both.
  public var source: DataSource {
    get { dataFolder.map(DataSource.folder) ?? .builtIn(data) }
    set {
      switch newValue {
      case .builtIn(let kind):
        data = kind
        dataFolder = nil
        channels = nil
      case .folder(let folder):
        dataFolder = folder
      }
    }
  }
}

/// Which files a folder run was trained on: how many, and a hash of their sorted relative paths
/// and contents, so a resumed run on changed data is refused (``TrainingRun``) and two runs'
/// data can be told apart.
public struct DataFiles: Codable, Sendable, Equatable {
  public var count: Int
  /// 16 hex digits: FNV-1a (64 bit) over each file's relative path and its bytes' CRC-32.
  public var hash: String

  public init(count: Int, hash: String) {
    self.count = count
    self.hash = hash
  }
}

extension Dataset {
  /// Sides a folder's images may be resized to.
  public static let folderResolutions = 8...64
  /// Fewest PNGs a folder may hold: every 6th is held out, so 12 leave 2 for the score.
  public static let folderMinimumImages = 12
  /// Largest PNG read, in bytes and in pixels (checked from the header before decoding, so a
  /// huge file is refused without being decoded).
  public static let folderMaxFileBytes = 64 << 20
  public static let folderMaxPixels = 4096 * 4096

  /// Every PNG under `folder` (recursively, sorted by relative path), centre-cropped to a
  /// square and area-resized to `resolution`, in [−1, 1], (count, C·H·W); every 6th file
  /// (index 5, 11, …) is held out. `channels` 1 averages colour channels to grey, 3 repeats a
  /// grey image's channel; nil takes 3 when any image is stored in colour, else 1. Alpha is
  /// composited over white. Unlabelled (`classes` 0); ``files`` records what was read.
  public static func folder(_ folder: String, resolution: Int, channels: Int? = nil) throws
    -> Dataset
  {
    guard folderResolutions.contains(resolution) else {
      throw FieldError.option(
        field: "resolution", value: "\(resolution)",
        allowed: "\(folderResolutions.lowerBound) to \(folderResolutions.upperBound) for a folder of images")
    }
    if let channels, channels != 1 && channels != 3 {
      throw FieldError.option(
        field: "channels", value: "\(channels)", allowed: "1 (grey) or 3 (RGB)")
    }
    let names = try pngNames(in: folder)
    var images: [Image] = []
    var hash = FilesHash()
    for name in names {
      let path = (folder as NSString).appendingPathComponent(name)
      let data = try readPNG(path)
      let image: Image
      do { image = try PNG.decode(data, path: path).removingAlpha() } catch {
        throw DatasetError.unreadable(path: path, reason: error.description)
      }
      hash.add(name: name, bytes: data)
      images.append(image)
    }
    let C = channels ?? (images.contains { $0.channels >= 3 } ? 3 : 1)
    let D = C * resolution * resolution
    var train: [Float] = []
    var held: [Float] = []
    for (i, image) in images.enumerated() {
      let square = image.centerCroppedToSquare().resized(to: resolution)
      let chw = planes(square, channels: C)
      if isHeldOut(row: i) { held += chw } else { train += chw }
    }
    var dataset = Dataset(
      name: folder, channels: C, height: resolution, width: resolution, classes: 0,
      train: train, trainLabels: .init(repeating: 0, count: train.count / D), heldOut: held,
      heldOutLabels: .init(repeating: 0, count: held.count / D))
    dataset.files = DataFiles(count: names.count, hash: hash.text)
    return dataset
  }

  /// The files ``folder(_:resolution:channels:)`` would record, without decoding them: what a
  /// sweep stores in `sweep.json` before any cell loads the folder, so a resume on changed files
  /// is refused. Refuses what loading refuses by name and size (not undecodable contents).
  public static func folderFiles(_ folder: String) throws -> DataFiles {
    let names = try pngNames(in: folder)
    var hash = FilesHash()
    for name in names {
      hash.add(name: name, bytes: try readPNG((folder as NSString).appendingPathComponent(name)))
    }
    return DataFiles(count: names.count, hash: hash.text)
  }

  /// FNV-1a (64 bit) over each file's relative path, a 0 byte and its bytes' CRC-32 (big-endian).
  struct FilesHash {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func mix(_ bytes: some Sequence<UInt8>) {
      for b in bytes {
        value ^= UInt64(b)
        value = value &* 0x100_0000_01b3
      }
    }
    mutating func add(name: String, bytes: Data) {
      mix(Array(name.utf8) + [0])
      withUnsafeBytes(of: CRC32.checksum(bytes).bigEndian) { mix($0) }
    }
    var text: String { String(format: "%016llx", value) }
  }

  /// The relative paths of every `.png` under `folder`, sorted; refuses a missing folder, one
  /// with none and one with fewer than ``folderMinimumImages``.
  static func pngNames(in folder: String) throws -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw FieldError.option(
        field: "data", value: folder,
        allowed: DataKind.namesList + ", or a folder of PNG images (no such folder)")
    }
    let all = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
    let names = all.filter { $0.lowercased().hasSuffix(".png") }.sorted()
    guard !names.isEmpty else {
      throw FieldError.option(
        field: "data", value: folder, allowed: "a folder holding PNG images; it has none")
    }
    guard names.count >= folderMinimumImages else {
      throw FieldError.option(
        field: "data", value: folder,
        allowed: "at least \(folderMinimumImages) PNG images (every 6th is held out for the "
          + "score); it has \(names.count)")
    }
    return names
  }

  /// The file's bytes, refused by size and by the pixel count its PNG header states.
  static func readPNG(_ path: String) throws -> Data {
    let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
    guard size <= folderMaxFileBytes else {
      throw DatasetError.unreadable(
        path: path, reason: "\(size) bytes; the limit is \(folderMaxFileBytes) (64 MiB)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DatasetError.unreadable(path: path, reason: "the file cannot be opened")
    }
    // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
    if data.count >= 24 {
      let b = [UInt8](data.prefix(24))
      func word(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
      let (w, h) = (word(16), word(20))
      guard w * h <= folderMaxPixels else {
        throw DatasetError.unreadable(
          path: path,
          reason: "\(w)×\(h) pixels; the limit is \(folderMaxPixels) pixels (4096×4096)")
      }
    }
    return data
  }

  /// An HWC image in [0, 1] as C·H·W planes in [−1, 1] with `channels` 1 or 3.
  static func planes(_ image: Image, channels C: Int) -> [Float] {
    let n = image.width * image.height
    var out = [Float](repeating: 0, count: C * n)
    let k = image.channels
    for p in 0..<n {
      if C == 1 {
        var sum: Float = 0
        for c in 0..<k { sum += image.pixels[p * k + c] }
        out[p] = 2 * sum / Float(k) - 1
      } else {
        for c in 0..<3 { out[c * n + p] = 2 * image.pixels[p * k + (k == 1 ? 0 : c)] - 1 }
      }
    }
    return out
  }
}

extension FieldError {
  /// A refusal of what an option of `train` or `sample` gave (a data folder, the score's grid),
  /// named as the command line names it (`--data`); a field with a space in it is a description
  /// (`held-out images`) and stays as it is.
  static func option(field: String, value: String, allowed: String) -> FieldError {
    FieldError(
      field: field.contains(" ") ? field : "--" + field, value: value, allowed: allowed,
      source: .commandLine)
  }
}
