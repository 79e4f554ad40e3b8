import Foundation

/// Lays out samples as one picture: a grid of images, each enlarged by pixel replication,
/// separated by one-pixel lines; values in [−1, 1] map to [0, 1]. `samples.png` and the
/// explorer's sample panel are both this layout (with and without the outer frame).
public enum SampleGrid {
  /// Values in [0, 1], (height, width, channels) interleaved, of a grid of `count` images
  /// (C, H, W each), `columns` wide, each scaled `scale`×, on `background`: the gaps between
  /// images, and a one-pixel frame around them all when `frame`.
  public static func tile(
    _ images: [Float], count: Int, channels: Int, height: Int, width: Int, columns: Int,
    scale: Int, frame: Bool, background: Float
  ) -> (width: Int, height: Int, values: [Float]) {
    let cols = Swift.max(1, Swift.min(columns, count))
    let rows = (count + cols - 1) / cols
    let cellW = width * scale + 1
    let cellH = height * scale + 1
    let edge = frame ? 1 : 0
    let W = cols * cellW - 1 + 2 * edge
    let H = rows * cellH - 1 + 2 * edge
    var values = [Float](repeating: background, count: W * H * channels)
    for n in 0..<count {
      let ox = (n % cols) * cellW + edge
      let oy = (n / cols) * cellH + edge
      for y in 0..<(height * scale) {
        for x in 0..<(width * scale) {
          for c in 0..<channels {
            let v = images[((n * channels + c) * height + y / scale) * width + x / scale]
            values[((oy + y) * W + ox + x) * channels + c] = Swift.min(Swift.max((v + 1) / 2, 0), 1)
          }
        }
      }
    }
    return (W, H, values)
  }

  /// Writes `count` images of a model's shape as a PNG grid, atomically: 10 columns when the
  /// data has classes (one class per column), 8 otherwise; small images enlarged to ≥ 32 px.
  public static func writePNG(_ images: [Float], count: Int, shape: ModelShape, to path: String)
    throws
  {
    let grid = tile(
      images, count: count, channels: shape.channels, height: shape.height, width: shape.width,
      columns: shape.classes == 0 ? 8 : 10, scale: Swift.max(1, 32 / shape.height), frame: true,
      background: 32 / 255)
    let image = Image(
      width: grid.width, height: grid.height, channels: shape.channels, pixels: grid.values)
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
