import Foundation
import Schedules

extension Dataset {
  /// Patches of the bundled photographs (`assets/images/*.png`), greyscale, in [−1, 1].
  ///
  /// Each photograph is made grey (the mean of its colour channels, alpha removed over white),
  /// box-resized so its short side is 4·resolution pixels (a patch then spans a quarter of the
  /// picture's side and shows structure, not flat texture), and cut into `count` patches at
  /// seeded random positions, spread evenly over the photographs; `heldOut` more are cut the
  /// same way for evaluation. Greyscale keeps the model's input one channel, like the digits.
  /// Unlabelled: `classes` is 0.
  public static func patches(
    resolution: Int, count: Int = 4096, heldOut: Int = 512, seed: UInt64 = 0
  ) throws -> Dataset {
    guard DataKind.patches.resolutions.contains(resolution) else {
      throw FieldError(
        field: "--resolution", value: "\(resolution)", allowed: "16, 32 or 64 for patches",
        source: .commandLine)
    }
    let folder = (try Assets.path("images/astronaut.png") as NSString).deletingLastPathComponent
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0.hasSuffix(".png") }.sorted()
    guard !names.isEmpty else {
      throw DatasetError.unreadable(path: folder, reason: "no .png images")
    }
    var photos: [Image] = []
    for name in names {
      let path = (folder as NSString).appendingPathComponent(name)
      let image: Image
      do { image = try PNG.read(path: path).removingAlpha() } catch {
        throw DatasetError.unreadable(path: path, reason: error.description)
      }
      var grey = [Float](repeating: 0, count: image.width * image.height)
      for p in 0..<grey.count {
        var sum: Float = 0
        for c in 0..<image.channels { sum += image.pixels[p * image.channels + c] }
        grey[p] = sum / Float(image.channels) * 2 - 1
      }
      let side = 4 * resolution
      let scale = Double(side) / Double(Swift.min(image.width, image.height))
      let w = Swift.max(side, Int((Double(image.width) * scale).rounded()))
      let h = Swift.max(side, Int((Double(image.height) * scale).rounded()))
      photos.append(
        Image(width: image.width, height: image.height, channels: 1, pixels: grey)
          .resized(width: w, height: h))
    }
    var rng = Xoshiro256(seed: seed ^ 0x9A7C_4E5F)
    func cut(_ n: Int) -> [Float] {
      var out = [Float](repeating: 0, count: n * resolution * resolution)
      for k in 0..<n {
        let photo = photos[k % photos.count]
        let x0 = Int(rng.next() % UInt64(photo.width - resolution + 1))
        let y0 = Int(rng.next() % UInt64(photo.height - resolution + 1))
        for y in 0..<resolution {
          for x in 0..<resolution {
            out[(k * resolution + y) * resolution + x] =
              photo.pixels[(y0 + y) * photo.width + x0 + x]
          }
        }
      }
      return out
    }
    let train = cut(count)
    let held = cut(heldOut)
    return Dataset(
      name: "patches", channels: 1, height: resolution, width: resolution, classes: 0,
      train: train, trainLabels: .init(repeating: 0, count: count), heldOut: held,
      heldOutLabels: .init(repeating: 0, count: heldOut))
  }
}
