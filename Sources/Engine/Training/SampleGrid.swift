import Foundation

/// Lays out samples as one picture: a grid of images, each enlarged by pixel replication, with
/// a 1-pixel dark gap; values in [−1, 1] map to 0…255.
public enum SampleGrid {
  /// 8-bit pixels (height, width, channels) of a grid of `count` images (C, H, W), `columns`
  /// wide, each scaled `scale`×.
  public static func pixels(
    _ images: [Float], count: Int, channels: Int, height: Int, width: Int, columns: Int,
    scale: Int
  ) -> (width: Int, height: Int, channels: Int, bytes: [UInt8]) {
    let cols = Swift.max(1, Swift.min(columns, count)), rows = (count + cols - 1) / cols
    let cellW = width * scale + 1, cellH = height * scale + 1
    let W = cols * cellW + 1, H = rows * cellH + 1
    var bytes = [UInt8](repeating: 32, count: W * H * channels)
    for n in 0..<count {
      let ox = (n % cols) * cellW + 1, oy = (n / cols) * cellH + 1
      for y in 0..<(height * scale) {
        for x in 0..<(width * scale) {
          for c in 0..<channels {
            let v = images[((n * channels + c) * height + y / scale) * width + x / scale]
            let b = UInt8(Swift.min(Swift.max((v + 1) * 127.5, 0), 255).rounded())
            bytes[((oy + y) * W + ox + x) * channels + c] = b
          }
        }
      }
    }
    return (W, H, channels, bytes)
  }

  /// Writes `count` images of a model's shape as a PNG grid, atomically: 10 columns when the
  /// data has classes (one class per column), 8 otherwise; small images enlarged to ≥ 32 px.
  public static func writePNG(_ images: [Float], count: Int, shape: ModelShape, to path: String)
    throws
  {
    let grid = pixels(
      images, count: count, channels: shape.channels, height: shape.height, width: shape.width,
      columns: shape.classes == 0 ? 8 : 10, scale: Swift.max(1, 32 / shape.height))
    let image = Image(
      width: grid.width, height: grid.height, channels: grid.channels,
      pixels: grid.bytes.map { Float($0) / 255 })
    try PNG.write(image, to: path)
  }

  /// CSV: one image per row, values mapped from [−1, 1] to [0, 1], row-major (C, H, W), no
  /// header.
  public static func csv(_ images: [Float], count: Int, pixels: Int) -> String {
    var out = ""
    out.reserveCapacity(count * pixels * 8)
    for n in 0..<count {
      let row = (0..<pixels).map { j -> String in
        let v = Swift.min(Swift.max((images[n * pixels + j] + 1) / 2, 0), 1)
        return String(format: "%.5g", v)
      }
      out += row.joined(separator: ",") + "\n"
    }
    return out
  }
}
