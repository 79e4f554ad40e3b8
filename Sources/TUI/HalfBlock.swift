/// An RGB picture to show in cells: `width × height` pixels, row-major, 3 floats per pixel in
/// [0, 1] (values outside are clamped when drawn).
public struct Picture: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var rgb: [Float]

  public init(width: Int, height: Int, rgb: [Float]) {
    precondition(
      rgb.count == width * height * 3, "Picture: \(rgb.count) floats for \(width)×\(height)")
    self.width = width
    self.height = height
    self.rgb = rgb
  }

  /// A one-channel image (grey) as a picture.
  public init(width: Int, height: Int, grey: [Float]) {
    precondition(
      grey.count == width * height, "Picture: \(grey.count) values for \(width)×\(height)")
    var rgb = [Float](repeating: 0, count: width * height * 3)
    for i in 0..<grey.count {
      rgb[3 * i] = grey[i]
      rgb[3 * i + 1] = grey[i]
      rgb[3 * i + 2] = grey[i]
    }
    self.init(width: width, height: height, rgb: rgb)
  }

  /// The picture area-averaged down (or box-sampled up) to `width × height`: each output pixel is
  /// the mean of the source pixels its footprint covers, weighted by the covered fraction.
  public func fitted(width w: Int, height h: Int) -> Picture {
    precondition(w > 0 && h > 0, "fitted(width:height:) needs a positive size")
    if w == width && h == height { return self }
    var out = [Float](repeating: 0, count: w * h * 3)
    let sx = Double(width) / Double(w)
    let sy = Double(height) / Double(h)
    for oy in 0..<h {
      let y0 = Double(oy) * sy
      let y1 = y0 + sy
      for ox in 0..<w {
        let x0 = Double(ox) * sx
        let x1 = x0 + sx
        var acc: (Double, Double, Double) = (0, 0, 0)
        var total = 0.0
        var iy = Int(y0)
        while Double(iy) < y1, iy < height {
          let wy = min(Double(iy + 1), y1) - max(Double(iy), y0)
          var ix = Int(x0)
          while Double(ix) < x1, ix < width {
            let wx = min(Double(ix + 1), x1) - max(Double(ix), x0)
            let weight = wx * wy
            let p = 3 * (iy * width + ix)
            acc.0 += weight * Double(rgb[p])
            acc.1 += weight * Double(rgb[p + 1])
            acc.2 += weight * Double(rgb[p + 2])
            total += weight
            ix += 1
          }
          iy += 1
        }
        let q = 3 * (oy * w + ox)
        out[q] = Float(acc.0 / total)
        out[q + 1] = Float(acc.1 / total)
        out[q + 2] = Float(acc.2 / total)
      }
    }
    return Picture(width: w, height: h, rgb: out)
  }
}

/// Draws pictures with half-block cells: `▀` with the upper pixel as foreground and the lower
/// pixel as background, two square-ish pixels per cell. Without colour (or with only 8 colours)
/// each cell shows the mean brightness of its two pixels as a shade character (` ░▒▓█`, or
/// ASCII ` .:-=+*#%@` when the locale is not UTF-8).
public enum HalfBlock {
  public static let shades: [Unicode.Scalar] = [" ", "░", "▒", "▓", "█"]
  public static let asciiShades: [Unicode.Scalar] = [
    " ", ".", ":", "-", "=", "+", "*", "#", "%", "@",
  ]

  /// Draws `picture` into `rect`, fitted to `rect.width × 2·rect.height` pixels by area averaging.
  public static func draw(
    _ picture: Picture, into grid: inout Grid, rect: Rect, mode: ColorMode, unicode: Bool
  ) {
    guard !rect.isEmpty else { return }
    let p = picture.fitted(width: rect.width, height: rect.height * 2)
    let colour = unicode && (mode == .direct || mode == .xterm256)
    for row in 0..<rect.height {
      for col in 0..<rect.width {
        let top = 3 * ((2 * row) * p.width + col)
        let bottom = 3 * ((2 * row + 1) * p.width + col)
        if colour {
          grid.put(
            rect.x + col, rect.y + row, "▀",
            Style(fg: color(p.rgb, top), bg: color(p.rgb, bottom)))
        } else {
          let l = 0.5 * (luma(p.rgb, top) + luma(p.rgb, bottom))
          let ramp = unicode ? shades : asciiShades
          let i = min(ramp.count - 1, Int(l * Double(ramp.count)))
          grid.put(rect.x + col, rect.y + row, ramp[max(i, 0)], .plain)
        }
      }
    }
  }

  @inline(__always) static func byte(_ v: Float) -> UInt8 {
    UInt8(max(0, min(255, (v * 255).rounded())))
  }

  @inline(__always) static func color(_ rgb: [Float], _ i: Int) -> Color {
    Color(byte(rgb[i]), byte(rgb[i + 1]), byte(rgb[i + 2]))
  }

  @inline(__always) static func luma(_ rgb: [Float], _ i: Int) -> Double {
    let l = ColorQuantizer.luma(Double(rgb[i]), Double(rgb[i + 1]), Double(rgb[i + 2]))
    return max(0, min(1, l))
  }
}
