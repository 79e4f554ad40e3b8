import Foundation
import Schedules

/// What can go wrong loading training data, named by file and line. A setting that is not
/// allowed is a ``FieldError`` (``TrainingConfig/validate(source:)``), not a data error.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
  case unreadable(path: String, reason: String)
  case malformed(path: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
    case .malformed(let path, let line, let reason): return "\(path), line \(line): \(reason)"
    }
  }
}

/// Images in [−1, 1], (count, C·H·W) row-major, with labels, split into training and held-out.
public struct Dataset: Sendable {
  public let name: String
  public let channels: Int
  public let height: Int
  public let width: Int
  /// Number of classes; 0 when the data has no labels (then every label is the "no class" 0).
  public let classes: Int
  public let train: [Float]
  public let trainLabels: [Int32]
  public let heldOut: [Float]
  public let heldOutLabels: [Int32]
  /// For a folder of images: which files were read (``DataFiles``); nil for built-in data.
  public var files: DataFiles? = nil

  public var pixels: Int { channels * height * width }
  public var trainCount: Int { trainLabels.count }
  public var heldOutCount: Int { heldOutLabels.count }

  /// √(mean of x0²) over the training split: σ_d of the EDM preconditioning. The second moment
  /// rather than the variance, because the skip c_skip·x_t is linear with no offset (the digits'
  /// background at −1 is signal the skip should carry). Pixel replication leaves it unchanged.
  public var rms: Double {
    var sum = 0.0
    for v in train { sum += Double(v) * Double(v) }
    return (sum / Double(Swift.max(train.count, 1))).squareRoot()
  }

  public init(
    name: String, channels: Int, height: Int, width: Int, classes: Int,
    train: [Float], trainLabels: [Int32], heldOut: [Float], heldOutLabels: [Int32]
  ) {
    precondition(train.count == trainLabels.count * channels * height * width)
    precondition(heldOut.count == heldOutLabels.count * channels * height * width)
    self.name = name
    self.channels = channels
    self.height = height
    self.width = width
    self.classes = classes
    self.train = train
    self.trainLabels = trainLabels
    self.heldOut = heldOut
    self.heldOutLabels = heldOutLabels
  }

  /// The data `kind` names at `resolution`; `seed` places the patches (digits ignore it).
  /// The data `config` names: its folder when it has one, else its built-in `data`.
  public static func load(_ config: TrainingConfig) throws -> Dataset {
    if let folder = config.dataFolder {
      return try Dataset.folder(folder, resolution: config.resolution, channels: config.channels)
    }
    return try load(config.data, resolution: config.resolution, seed: config.seed)
  }

  public static func load(_ kind: DataKind, resolution: Int, seed: UInt64) throws -> Dataset {
    switch kind {
    case .digits: return try digits(resolution: resolution)
    case .patches: return try patches(resolution: resolution, seed: seed)
    }
  }

  /// Every 6th digit (rows 5, 11, 17, …: 299 of 1,797) is held out for the metric; the rest train.
  public static func isHeldOut(row: Int) -> Bool { row % 6 == 5 }

  /// The digits from `assets/digits/digits.csv` (64 values 0…16, then the label 0…9, per row),
  /// scaled to [−1, 1] as v/8 − 1 and up-sampled to `resolution` by pixel replication (each
  /// pixel becomes an s×s block, s = resolution/8: exactly the redundancy the paper's argument
  /// is about, and area-averaging back to 8×8 recovers the original).
  public static func digits(resolution: Int = 8, path: String? = nil) throws -> Dataset {
    guard DataKind.digits.resolutions.contains(resolution) else {
      throw FieldError(
        field: "--resolution", value: "\(resolution)", allowed: "8, 16 or 32 for digits",
        source: .commandLine)
    }
    let file = try path ?? Assets.path("digits/digits.csv")
    let text: String
    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
      throw DatasetError.unreadable(path: file, reason: "\(error.localizedDescription)")
    }
    let s = resolution / 8
    let D = resolution * resolution
    var train: [Float] = []
    var trainLabels: [Int32] = []
    var held: [Float] = []
    var heldLabels: [Int32] = []
    var row = 0
    for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: true)
      .enumerated()
    {
      let fields = line.split(separator: ",")
      guard fields.count == 65 else {
        throw DatasetError.malformed(
          path: file, line: lineIndex + 1,
          reason: "\(fields.count) fields; expected 64 pixels and a label")
      }
      var small = [Float](repeating: 0, count: 64)
      for i in 0..<64 {
        guard let v = Float(fields[i].trimmingCharacters(in: .whitespaces)), v >= 0, v <= 16 else {
          throw DatasetError.malformed(
            path: file, line: lineIndex + 1, reason: "pixel \(i + 1) = \(fields[i]); expected 0…16")
        }
        small[i] = v / 8 - 1
      }
      guard let label = Int32(fields[64].trimmingCharacters(in: .whitespaces)),
        (0...9).contains(label)
      else {
        throw DatasetError.malformed(
          path: file, line: lineIndex + 1, reason: "label = \(fields[64]); expected 0…9")
      }
      var image = [Float](repeating: 0, count: D)
      for y in 0..<resolution {
        for x in 0..<resolution { image[y * resolution + x] = small[(y / s) * 8 + x / s] }
      }
      if isHeldOut(row: row) {
        held += image
        heldLabels.append(label)
      } else {
        train += image
        trainLabels.append(label)
      }
      row += 1
    }
    guard row > 0 else { throw DatasetError.malformed(path: file, line: 1, reason: "no rows") }
    return Dataset(
      name: "digits", channels: 1, height: resolution, width: resolution, classes: 10,
      train: train, trainLabels: trainLabels, heldOut: held, heldOutLabels: heldLabels)
  }

  /// Area-averages (count, C, H, W) images down to (count, C, 8, 8): the metric's resolution.
  /// H and W must be multiples of 8.
  public static func areaAverage(_ images: [Float], count: Int, channels: Int, size: Int) -> [Float]
  {
    precondition(size % 8 == 0, "size \(size) is not a multiple of 8")
    let s = size / 8
    if s == 1 { return images }
    var out = [Float](repeating: 0, count: count * channels * 64)
    let scale = 1 / Float(s * s)
    for n in 0..<(count * channels) {
      let src = n * size * size
      for y in 0..<size {
        for x in 0..<size {
          out[n * 64 + (y / s) * 8 + x / s] += images[src + y * size + x] * scale
        }
      }
    }
    return out
  }
}
