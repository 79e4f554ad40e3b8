@testable import Engine
import Schedules

/// The tiny UNet-S the gradient checks share: 2 channels, 8×8, 2 classes, conditioning and
/// sinusoidal embedding 4 wide, `widths` at its three levels. Small enough for finite
/// differences of every parameter, and every kind of layer is there (the stem's folding, the
/// 1×1 skips where the width changes, pooling, up-sampling, concatenation). The norm is
/// explicit (none unless asked): these checks are of the network, not of the default.
func tinyUNetShape(widths: [Int] = [2, 3, 4], norm: BlockNorm = .none) -> ModelShape {
  var shape = ModelShape(kind: .unetS, channels: 2, height: 8, width: 8, classes: 2)
  shape.unetChannels = widths
  shape.conditioning = 4
  shape.embedding = 4
  shape.norm = norm
  return shape
}
