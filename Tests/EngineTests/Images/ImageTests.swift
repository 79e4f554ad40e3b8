import Testing

@testable import Engine

@Suite struct ImageTests {
  @Test("downsampling 3 → 2 weights the middle pixel by half (hand computation)")
  func threeToTwo() {
    // Output 0 covers source [0, 1.5): (a + b/2) / 1.5; output 1 covers [1.5, 3): (b/2 + c) / 1.5.
    let a: Float = 0.1, b: Float = 0.7, c: Float = 0.4
    let row = Image(width: 3, height: 1, channels: 1, pixels: [a, b, c])
    let out = row.resized(width: 2, height: 1)
    #expect(abs(out.pixels[0] - (a + b / 2) / 1.5) < 1e-6)
    #expect(abs(out.pixels[1] - (b / 2 + c) / 1.5) < 1e-6)
  }

  @Test("upsampling 2 → 3 averages across the boundary (hand computation)")
  func twoToThree() {
    // Each output covers 2/3 of a source pixel: [0, 2/3) → a; [2/3, 4/3) → (a + b)/2; → b.
    let col = Image(width: 1, height: 2, channels: 1, pixels: [0.2, 0.8])
    let out = col.resized(width: 1, height: 3)
    #expect(abs(out.pixels[0] - 0.2) < 1e-6)
    #expect(abs(out.pixels[1] - 0.5) < 1e-6)
    #expect(abs(out.pixels[2] - 0.8) < 1e-6)
  }

  @Test("5×4 → 2×3 in two dimensions and three channels equals the area integral")
  func twoDimensional() {
    let w = 5, h = 4, c = 3
    var img = Image(width: w, height: h, channels: c)
    for y in 0..<h { for x in 0..<w { for k in 0..<c {
      img[x: x, y: y, c: k] = Float((x * 7 + y * 3 + k * 11) % 10) / 10
    } } }
    let out = img.resized(width: 2, height: 3)
    // Reference: integrate the piecewise-constant source over each output cell by fine sampling
    // on a grid of 1/60 (60 is a multiple of 5, 4, 2 and 3, so the sums are exact).
    for j in 0..<3 { for i in 0..<2 { for k in 0..<c {
      var sum = 0.0, n = 0
      for sy in 0..<(h * 60) where (sy * 3) / (h * 60) == j {
        for sx in 0..<(w * 60) where (sx * 2) / (w * 60) == i {
          sum += Double(img[x: sx / 60, y: sy / 60, c: k])
          n += 1
        }
      }
      let expected = sum / Double(n)
      #expect(abs(Double(out[x: i, y: j, c: k]) - expected) < 1e-5, "(\(i), \(j), \(k))")
    } } }
  }

  @Test("integer downsampling is the block mean; resizing keeps the mean exactly")
  func blockMean() {
    var rng = Xoshiro256(seed: 1)
    let pixels = (0..<(64 * 48 * 3)).map { _ in Float.random(in: 0...1, using: &rng) }
    let img = Image(width: 64, height: 48, channels: 3, pixels: pixels)
    let out = img.resized(width: 16, height: 12)
    var block: Float = 0
    for y in 0..<4 { for x in 0..<4 { block += img[x: 8 + x, y: 4 + y, c: 1] } }
    #expect(abs(out[x: 2, y: 1, c: 1] - block / 16) < 1e-6)
    let odd = img.resized(width: 27, height: 31)
    let mean = { (i: Image) in i.pixels.reduce(0, +) / Float(i.pixels.count) }
    #expect(abs(mean(odd) - mean(img)) < 1e-4)
    #expect(abs(mean(out) - mean(img)) < 1e-4)
  }

  @Test("center crop takes the middle square, rounding the offset down")
  func centerCrop() {
    var img = Image(width: 5, height: 2, channels: 1)
    for x in 0..<5 { for y in 0..<2 { img[x: x, y: y, c: 0] = Float(10 * y + x) } }
    let sq = img.centerCroppedToSquare()
    #expect(sq.width == 2 && sq.height == 2)
    #expect(sq.pixels == [1, 2, 11, 12])
    let tall = Image(width: 1, height: 4, channels: 1, pixels: [0, 1, 2, 3]).centerCroppedToSquare()
    #expect(tall.pixels == [1])
  }

  @Test("[0, 1] ↔ [−1, 1] are inverse maps with 0 → −1 and 1 → 1")
  func signedRange() {
    let img = Image(width: 3, height: 1, channels: 1, pixels: [0, 0.25, 1])
    #expect(img.toSignedRange().pixels == [-1, -0.5, 1])
    #expect(img.toSignedRange().fromSignedRange() == img)
  }

  @Test("alpha composites over the background; grey expands to RGB")
  func alphaAndRGB() {
    let ga = Image(width: 1, height: 1, channels: 2, pixels: [0.2, 0.5])
    #expect(ga.removingAlpha(over: 1).pixels == [0.6])
    #expect(ga.removingAlpha(over: 0).pixels == [0.1])
    #expect(ga.toRGB().pixels == [0.6, 0.6, 0.6])
  }

  @Test("nearest-neighbour upsampling by 2 replicates each pixel into a 2×2 block")
  func nearest() {
    let img = Image(width: 2, height: 1, channels: 1, pixels: [0.1, 0.9])
    #expect(img.resizedNearest(width: 4, height: 2).pixels == [0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.9])
  }
}
