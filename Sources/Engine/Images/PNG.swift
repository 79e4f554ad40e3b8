import CPNG
import Foundation

/// What can go wrong reading or writing a PNG file; each case names the file and the reason.
public enum PNGError: Error, Equatable, CustomStringConvertible, Sendable {
  case cannotRead(path: String, reason: String)
  case isDirectory(path: String)
  case empty(path: String)
  case notPNG(path: String)
  case corrupt(path: String, reason: String)
  case tooLarge(path: String, reason: String)
  case cannotWrite(path: String, reason: String)

  public var description: String {
    switch self {
    case .cannotRead(let path, let reason): return "cannot read image \(path): \(reason)"
    case .isDirectory(let path): return "image \(path) is a folder, not a PNG file"
    case .empty(let path): return "image \(path) is empty (0 bytes), not a PNG file"
    case .notPNG(let path):
      return "image \(path) is not a PNG file (it does not start with the PNG signature)"
    case .corrupt(let path, let reason):
      return "image \(path) is a corrupt or truncated PNG file: \(reason)"
    case .tooLarge(let path, let reason): return "image \(path) is too large: \(reason)"
    case .cannotWrite(let path, let reason): return "cannot write image \(path): \(reason)"
    }
  }
}

/// PNG files in and out, through libpng.
///
/// Reading accepts every PNG colour type (grey, grey + alpha, RGB, RGBA, palette, with or without
/// tRNS) at every bit depth (1, 2, 4, 8, 16), interlaced or not, and returns the file's true
/// sample values scaled to [0, 1] (sample / (2^depth − 1); gAMA, sRGB and iCCP chunks are
/// ignored, so no gamma is applied). Writing stores 8-bit samples.
public enum PNG {
  /// The largest image read: 64 megapixels (2²⁶ = 67,108,864, e.g. 8192 × 8192), checked from
  /// the header before anything is decoded. A PNG of a few hundred KB can declare 16000 × 16000
  /// pixels of one colour; decoding that took 10 s and 2 GB. At the cap an RGBA image is 1 GiB
  /// as Float, the most a preview or a noise figure should ever need.
  public static let maxPixels = 1 << 26
  /// The largest file read, in bytes (1 GiB): the file is read into memory before decoding.
  public static let maxFileBytes = 1 << 30

  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Reads the PNG file at `path`. Throws ``PNGError`` naming the file for a missing or
  /// unreadable file, a folder, an empty file, a file that is not a PNG, and a corrupt or
  /// truncated one (with libpng's reason).
  public static func read(path: String) throws(PNGError) -> Image {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .cannotRead(path: path, reason: "no such file")
    }
    if isDirectory.boolValue { throw .isDirectory(path: path) }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    if size > maxFileBytes {
      throw .tooLarge(
        path: path, reason: "the file has \(size) bytes; the limit is \(maxFileBytes)")
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      let reason = access(path, R_OK) != 0 ? "permission denied" : error.localizedDescription
      throw .cannotRead(path: path, reason: reason)
    }
    return try decode(data, path: path)
  }

  /// Decodes PNG bytes; `path` only names the source in errors.
  public static func decode(_ data: Data, path: String = "<memory>") throws(PNGError) -> Image {
    if data.isEmpty { throw .empty(path: path) }
    guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature)
    else { throw .notPNG(path: path) }
    var result = schedtui_png_decoded()
    let ok = data.withUnsafeBytes { raw in
      schedtui_png_decode(
        raw.bindMemory(to: UInt8.self).baseAddress, raw.count, maxPixels, &result)
    }
    guard ok == 1, let bytes = result.pixels else {
      let message = withUnsafeBytes(of: result.message) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if message == "image too large for schedtui" {
        throw .tooLarge(
          path: path,
          reason: "it declares \(result.width)×\(result.height) = "
            + "\(Int(result.width) * Int(result.height)) pixels; the limit is 64 megapixels "
            + "(\(maxPixels) pixels, e.g. 8192×8192), checked before decoding")
      }
      throw .corrupt(path: path, reason: message.isEmpty ? "unknown libpng error" : message)
    }
    defer { schedtui_png_free(&result) }
    let width = Int(result.width), height = Int(result.height)
    let channels = Int(result.channels), rowBytes = result.rowBytes
    let rowSamples = width * channels
    var pixels = [Float](repeating: 0, count: height * rowSamples)
    pixels.withUnsafeMutableBufferPointer { out in
      for y in 0..<height {
        let row = bytes + y * rowBytes
        if result.bitDepth == 16 {
          // PNG stores 16-bit samples big-endian.
          for i in 0..<rowSamples {
            let v = UInt16(row[2 * i]) << 8 | UInt16(row[2 * i + 1])
            out[y * rowSamples + i] = Float(v) / 65535
          }
        } else {
          for i in 0..<rowSamples { out[y * rowSamples + i] = Float(row[i]) / 255 }
        }
      }
    }
    return Image(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// Encodes `image` as an 8-bit PNG (grey, grey + alpha, RGB or RGBA by its channels): each
  /// sample is clamped to [0, 1] (NaN becomes 0) and rounded to the nearest of 0...255.
  public static func encode(_ image: Image) throws(PNGError) -> Data {
    let bytes = image.pixels.map { v -> UInt8 in
      v.isNaN ? 0 : UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded())
    }
    var png = png_image()
    png.version = png_uint_32(PNG_IMAGE_VERSION)
    png.width = png_uint_32(image.width)
    png.height = png_uint_32(image.height)
    // PNG_FORMAT_GRAY/GA/RGB/RGBA, spelled with their flags (Swift does not import the
    // composite macros).
    let color = image.colorChannels == 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0
    let alpha = image.hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0
    png.format = color | alpha
    let stride = Int32(image.width * image.channels)
    var size = 0
    // First call measures, second writes (libpng's simplified API; errors come back in
    // `png.message`, never as a longjmp into Swift).
    let measured = bytes.withUnsafeBufferPointer {
      png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, stride, nil)
    }
    guard measured != 0, size > 0 else { throw .cannotWrite(path: "", reason: message(png)) }
    var out = Data(count: size)
    let written = out.withUnsafeMutableBytes { raw in
      bytes.withUnsafeBufferPointer {
        png_image_write_to_memory(&png, raw.baseAddress, &size, 0, $0.baseAddress, stride, nil)
      }
    }
    png_image_free(&png)
    guard written != 0 else { throw .cannotWrite(path: "", reason: message(png)) }
    return marked(out.prefix(size))
  }

  /// Writes `image` as an 8-bit PNG to `path`, atomically (a reader sees the old file or the
  /// whole new one; see ``AtomicFile``). Missing parent folders are created.
  public static func write(_ image: Image, to path: String) throws(PNGError) {
    let data: Data
    do {
      data = try encode(image)
    } catch {
      throw .cannotWrite(path: path, reason: error.reasonText)
    }
    do {
      try AtomicFile.write(data, to: path)
    } catch let error as AtomicFile.WriteError {
      throw .cannotWrite(path: path, reason: error.reason)
    } catch {
      throw .cannotWrite(path: path, reason: "\(error)")
    }
  }

  private static func message(_ png: png_image) -> String {
    withUnsafeBytes(of: png.message) { raw in
      String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
  }
}

extension PNGError {
  /// The reason alone, for re-wrapping under another path.
  var reasonText: String {
    switch self {
    case .cannotRead(_, let r), .corrupt(_, let r), .tooLarge(_, let r), .cannotWrite(_, let r):
      return r
    case .isDirectory: return "is a folder"
    case .empty: return "empty"
    case .notPNG: return "not a PNG file"
    }
  }
}
