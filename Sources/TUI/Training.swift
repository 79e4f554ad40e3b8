import Foundation
import Engine

/// What the training screen shows of a run the shell started (``Effect/startTraining(_:)``): the
/// shell drains the run's events on its tick and reports them with the `training…` actions.
public struct TrainingStatus: Sendable, Equatable {
  public enum Phase: Sendable, Equatable {
    case running
    /// Asked to stop; the run ends before its next step.
    case stopping
    /// Training is over; the final samples and metrics are being computed.
    case evaluating
    case finished(String)
    /// Stopped by the user before the end; the text says where (a checkpoint stays only when
    /// the run has a folder).
    case stopped(String)
    case failed(String)
  }

  public var phase: Phase
  /// The setting trained, as the legend names it.
  public var label: String
  /// Model, data and batch in one line.
  public var details: String
  public var totalSteps: Int
  public var step = 0
  /// (step, loss) of every step so far.
  public var losses: [(step: Int, loss: Double)] = []
  public var examplesPerSecond: Double?
  /// The latest preview samples and the step they were drawn at.
  public var samples: Picture?
  public var samplesStep: Int?

  public init(label: String, details: String, totalSteps: Int) {
    phase = .running
    self.label = label
    self.details = details
    self.totalSteps = totalSteps
  }

  /// Whether the run is still going (quitting asks first).
  public var isActive: Bool {
    switch phase {
    case .running, .stopping, .evaluating: return true
    case .finished, .stopped, .failed: return false
    }
  }

  /// The line that reports how a run ended: "training finished: loss 0.1432, 23600 examples/s,
  /// Fréchet distance 26.9" or "training stopped at step 120: loss …". A run stopped before its
  /// first step has no loss to show (it is NaN), so none is shown.
  public static func endText(
    completed: Bool, steps: Int, finalLoss: Double, examplesPerSecond: Double,
    frechetDistance: Double?, copyRate: Double? = nil
  ) -> String {
    if !completed && (steps == 0 || !finalLoss.isFinite) {
      return "training stopped before its first step"
    }
    var text = completed ? "training finished" : "training stopped at step \(steps)"
    text += ": loss " + (finalLoss.isFinite ? String(format: "%.4g", finalLoss) : "\(finalLoss)")
    text += String(format: ", %.0f examples/s", examplesPerSecond)
    if let fd = frechetDistance { text += String(format: ", Fréchet distance %.3g", fd) }
    if let rate = copyRate { text += String(format: ", %.0f%% copies", 100 * rate) }
    return text
  }

  public static func == (a: TrainingStatus, b: TrainingStatus) -> Bool {
    a.phase == b.phase && a.label == b.label && a.details == b.details
      && a.totalSteps == b.totalSteps && a.step == b.step && a.losses.count == b.losses.count
      && zip(a.losses, b.losses).allSatisfy { $0.step == $1.step && $0.loss == $1.loss }
      && a.examplesPerSecond == b.examplesPerSecond && a.samples == b.samples
      && a.samplesStep == b.samplesStep
  }
}

extension Picture {
  /// `count` square images (C·H·W each, values in [−1, 1], 1 or 3 channels) tiled into a
  /// near-square grid with a one-pixel gap (grey 0.2), as one picture; nil if the sizes do not fit.
  /// `count` samples of a model of `shape` (its channels, not the data's name: digits and
  /// patches are both grey), tiled as ``init(tiling:count:channels:)`` does.
  public init?(samples images: [Float], count: Int, shape: ModelShape) {
    guard images.count == count * shape.pixels else { return nil }
    self.init(tiling: images, count: count, channels: shape.channels)
  }

  public init?(tiling images: [Float], count: Int, channels: Int) {
    guard count > 0, images.count % count == 0 else { return nil }
    let perImage = images.count / count
    let side = Int(Double(perImage / channels).squareRoot())
    guard side * side * channels == perImage else { return nil }
    let columns = Int(Double(count).squareRoot().rounded(.up))
    let rows = (count + columns - 1) / columns
    let w = columns * (side + 1) - 1
    let h = rows * (side + 1) - 1
    var rgb = [Float](repeating: 0.2, count: w * h * 3)
    for k in 0..<count {
      let ox = (k % columns) * (side + 1)
      let oy = (k / columns) * (side + 1)
      for y in 0..<side {
        for x in 0..<side {
          for c in 0..<3 {
            let v = images[k * perImage + min(c, channels - 1) * side * side + y * side + x]
            rgb[3 * ((oy + y) * w + ox + x) + c] = max(0, min(1, (v + 1) / 2))
          }
        }
      }
    }
    self.init(width: w, height: h, rgb: rgb)
  }
}
