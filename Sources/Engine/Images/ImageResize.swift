/// Resizing and cropping. Area averaging is the exact box filter, so a downsampled pixel is the
/// mean of the source area it covers (what "the same image at a lower resolution" means in the
/// paper's Figure 2), for any ratio, integer or not, down or up.
extension Image {
  /// The image resized to `width`×`height` by area averaging (exact box filter).
  ///
  /// Output pixel `i` along an axis of source length `N` and target length `n` covers the source
  /// interval `[i·N/n, (i+1)·N/n)`; it is the average of the source pixels weighted by how much
  /// of each lies in that interval. Weights are computed exactly in integers (units of 1/n) and
  /// the two axes are separable, because the overlap area of two rectangles is the product of
  /// their overlaps along each axis. Upsampling by an integer factor replicates pixels.
  public func resized(width newWidth: Int, height newHeight: Int) -> Image {
    precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
    if newWidth == width && newHeight == height { return self }
    let wx = Image.boxWeights(from: width, to: newWidth)
    let wy = Image.boxWeights(from: height, to: newHeight)
    let c = channels
    // Index loops over pointers: iterators (enumerated, zip) are slow in debug builds.
    // Horizontal pass: height × newWidth × c.
    var horizontal = [Float](repeating: 0, count: height * newWidth * c)
    pixels.withUnsafeBufferPointer { src in
      horizontal.withUnsafeMutableBufferPointer { dst in
        for y in 0..<height {
          let srcRow = src.baseAddress! + y * width * c, dstRow = dst.baseAddress! + y * newWidth * c
          for i in 0..<newWidth {
            let first = wx[i].first, weights = wx[i].weights
            for k in 0..<weights.count {
              let w = weights[k], from = srcRow + (first + k) * c, to = dstRow + i * c
              for ch in 0..<c { to[ch] += w * from[ch] }
            }
          }
        }
      }
    }
    // Vertical pass: newHeight × newWidth × c.
    var out = [Float](repeating: 0, count: newHeight * newWidth * c)
    let rowLength = newWidth * c
    horizontal.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for j in 0..<newHeight {
          let dstRow = dst.baseAddress! + j * rowLength
          let first = wy[j].first, weights = wy[j].weights
          for k in 0..<weights.count {
            let w = weights[k], srcRow = src.baseAddress! + (first + k) * rowLength
            for e in 0..<rowLength { dstRow[e] += w * srcRow[e] }
          }
        }
      }
    }
    return Image(width: newWidth, height: newHeight, channels: c, pixels: out)
  }

  /// The image resized to a square `resolution`×`resolution` by area averaging.
  public func resized(to resolution: Int) -> Image {
    resized(width: resolution, height: resolution)
  }

  /// For each output pixel: the first source pixel it overlaps and the normalised overlap
  /// weights (they sum to 1).
  static func boxWeights(from n: Int, to m: Int) -> [(first: Int, weights: [Float])] {
    // In units of 1/m: source pixel j spans [j·m, (j+1)·m), output i spans [i·n, (i+1)·n).
    (0..<m).map { i in
      let lo = i * n, hi = (i + 1) * n
      let first = lo / m, last = (hi - 1) / m
      let weights = (first...last).map { j -> Float in
        let overlap = Swift.min((j + 1) * m, hi) - Swift.max(j * m, lo)
        return Float(Double(overlap) / Double(n))
      }
      return (first, weights)
    }
  }

  /// The `width`×`height` region whose top-left pixel is `(x, y)`.
  public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
    precondition(
      x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
      "crop (\(x), \(y), \(w)×\(h)) outside a \(width)×\(height) image")
    var out = [Float]()
    out.reserveCapacity(w * h * channels)
    for row in y..<(y + h) {
      let start = (row * width + x) * channels
      out.append(contentsOf: pixels[start..<(start + w * channels)])
    }
    return Image(width: w, height: h, channels: channels, pixels: out)
  }

  /// The largest centred square: side `min(width, height)`, offset `(width − side) / 2`
  /// (rounded down) along the longer axis.
  public func centerCroppedToSquare() -> Image {
    let side = Swift.min(width, height)
    return cropped(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
  }

  /// The image resized by nearest neighbour (source pixel `⌊(i + ½)·N/n⌋`): for display only,
  /// so that an up-sampled small image keeps its visible pixels.
  public func resizedNearest(width newWidth: Int, height newHeight: Int) -> Image {
    precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
    var out = [Float](repeating: 0, count: newWidth * newHeight * channels)
    for j in 0..<newHeight {
      let sy = Swift.min((2 * j + 1) * height / (2 * newHeight), height - 1)
      for i in 0..<newWidth {
        let sx = Swift.min((2 * i + 1) * width / (2 * newWidth), width - 1)
        for c in 0..<channels {
          out[(j * newWidth + i) * channels + c] = pixels[(sy * width + sx) * channels + c]
        }
      }
    }
    return Image(width: newWidth, height: newHeight, channels: channels, pixels: out)
  }
}
