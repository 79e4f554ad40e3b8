import Foundation

/// A finished (or stopped) run loaded for sampling: its config and EMA weights, no data.
public final class TrainedModel {
  public let config: TrainingConfig
  public let model: any Denoiser
  public let ema: Tensor
  /// Steps the weights were trained for.
  public let steps: Int

  /// Loads `directory/checkpoint.bin`.
  public init(directory: String) throws {
    let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
    let ckpt = try Checkpoint.read(from: path)
    config = ckpt.header.config
    model = makeDenoiser(config.modelShape)
    guard model.layout.count == ckpt.header.parameterCount else {
      throw CheckpointError.corrupt(
        path: path,
        reason:
          "\(ckpt.header.parameterCount) weights; a \(config.model.rawValue) has "
          + "\(model.layout.count)"
      )
    }
    ema = Tensor(values: ckpt.ema)
    steps = ckpt.header.step
  }

  /// `labels` (one per sample, classes cycle if the caller wants) → samples (count, C·H·W) in
  /// [−1, 1], drawn with the EMA weights and the run's objective, input scale and normalisation.
  ///
  /// With the run's settings, count and seed this reproduces the samples (and so the Fréchet
  /// distance) of the run's summary.
  public func sample(labels: [Int32], settings: SamplerSettings, seed: UInt64) throws -> [Float] {
    var rng = Xoshiro256(seed: TrainedModel.samplingSeed(seed))
    return try Sampler.sample(
      model: model, params: ema.data, objective: config.objective(),
      inputScale: config.inputScale, normalize: config.normalize,
      conditioningFloor: try config.conditioningFloor(), settings: settings,
      labels: labels, batch: config.model.samplingBatch, using: &rng)
  }

  /// The sampling noise's stream for `seed`, kept apart from the training stream of the same
  /// seed.
  static func samplingSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x5A3D_1E5E_ED00_0000 }

  /// `count` labels cycling through the classes ("no class" 0 for unlabelled data).
  public func labels(_ count: Int) -> [Int32] {
    let classes = model.shape.classes
    return (0..<count).map { classes == 0 ? 0 : Int32($0 % classes) }
  }
}
