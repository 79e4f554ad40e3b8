import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// UNet-S's default norm is group:8 (DECISIONS 2026-12-05), and a run made before that keeps
/// the network it trained: a key left out means the model's default in a config the user
/// writes, none in a run's own record (config.json, summary.json, checkpoint.bin).
@Suite(.serialized) struct NormDefaultTests {
  /// UNet-S's parameters with 1 channel and 10 classes (digits), from README "Training" and
  /// the hand count of `UNetTrainingModelTests/referenceSize` (891,916 at RGB, less the stem's
  /// and head's 32·8·9 + 8·32·9 + 8 = 4,616 for two channels fewer), and with GroupNorm(8)'s
  /// 1,984 more (`GroupNormTrainingModelTests`).
  static let plainCount = 887_300
  static let groupedCount = 889_284

  /// A two-step UNet-S run on 8 px digits, as `schedtui train` makes it after `model` (8 px
  /// and no guidance keep its samples cheap in a debug build; the weights do not depend on
  /// the side).
  static func unetConfig(norm: BlockNorm?) -> TrainingConfig {
    var c = TrainingConfig()
    c.model = .unetS
    c.resolution = 8
    c.section.takeModelBudget()
    c.guidance = 0
    if let norm { c.norm = norm }
    c.steps = 2
    c.batch = 2
    // Two samples and two held-out images: with 0, the held-out score runs all 299 digits
    // through the network at 25 logSNRs, minutes in a debug build.
    c.evalSamples = 2
    c.sampleSteps = 2
    c.checkpointEvery = 1
    c.optimizer.warmupSteps = 1
    return c
  }

  static func json(_ path: String) throws -> JSONValue {
    try JSONValue.parse(String(contentsOfFile: path, encoding: .utf8))
  }

  /// The JSON object `text` without `key` (at `path` below the top), as schedtui wrote it
  /// before the key existed.
  static func removing(_ key: String, under path: [String], from text: Data) throws -> Data {
    let root = try #require(try JSONSerialization.jsonObject(with: text) as? [String: Any])
    func strip(_ object: [String: Any], _ rest: ArraySlice<String>) -> [String: Any] {
      var out = object
      if let first = rest.first {
        out[first] = strip(object[first] as? [String: Any] ?? [:], rest.dropFirst())
      } else {
        #expect(out.removeValue(forKey: key) != nil, "no \(key) to remove")
      }
      return out
    }
    return try JSONSerialization.data(withJSONObject: strip(root, path[...]), options: [.sortedKeys])
  }

  /// A UNet-S run folder as schedtui wrote it before `norm` was recorded: trained without a
  /// norm, then the key taken out of config.json, summary.json and the checkpoint's header
  /// (whose CRC-32 is written again, as the older schedtui computed it over its header).
  static func oldRunFolder(_ name: String) throws -> String {
    let dir = temporaryFolder(name)
    _ = try TrainingRun(config: unetConfig(norm: BlockNorm.none), directory: dir).run()
    let config = dir + "/config.json"
    try removing("norm", under: ["training"], from: Data(contentsOf: URL(fileURLWithPath: config)))
      .write(to: URL(fileURLWithPath: config))
    let summary = dir + "/summary.json"
    try removing("norm", under: ["config"], from: Data(contentsOf: URL(fileURLWithPath: summary)))
      .write(to: URL(fileURLWithPath: summary))
    let path = dir + "/" + Checkpoint.fileName
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let n = (0..<8).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    let header = try removing("norm", under: ["config"], from: Data(bytes[16..<(16 + n)]))
    var out = Data(bytes[0..<8])
    var length = UInt64(header.count).littleEndian
    withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
    out.append(header)
    // The four arrays and the CRC-32s of the arrays as they were; the header's anew.
    out.append(contentsOf: bytes[(16 + n)..<(bytes.count - 20)])
    var crc = CRC32.checksum(header).littleEndian
    withUnsafeBytes(of: &crc) { out.append(contentsOf: $0) }
    out.append(contentsOf: bytes[(bytes.count - 16)...])
    try out.write(to: URL(fileURLWithPath: path))
    // The fixture is what it claims: no `norm` in any of the three.
    for file in [config, summary] {
      #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("\"norm\""), "\(file)")
    }
    #expect(!String(decoding: header, as: UTF8.self).contains("\"norm\""))
    return dir
  }

  @Test("UNet-S's default is group:8 wherever a run's setup is made; the other models have none")
  func defaults() {
    #expect(ModelKind.unetS.defaultNorm == .group(8))
    #expect(ModelKind.mlpS.defaultNorm == .none && ModelKind.convResS.defaultNorm == .none)
    #expect(TrainingSection(model: .unetS).norm == .group(8))
    #expect(TrainingSection(model: .convResS).norm == .none)
    #expect(TrainingSection(model: .unetS, norm: BlockNorm.none).norm == .none)
    // `schedtui train --model unet-s` without a file: the model's values, the norm among them.
    #expect(Self.unetConfig(norm: nil).norm == .group(8))
    #expect(Self.unetConfig(norm: nil).modelShape.norm == .group(8))
  }

  @Test("a config the user writes without training.norm gets the model's default; a run's record, none")
  func twoReadings() throws {
    func read(_ training: String, origin: ConfigOrigin) throws -> BlockNorm? {
      let text = """
        {"schedtui_config_version": 1, "schedule": {"family": "cosine"},
         "training": {\(training)}}
        """
      return try Config.decode(text, file: "c.json", origin: origin).training?.norm
    }
    let unet = #""model": "unet-s", "data": "patches", "resolution": 64"#
    #expect(try read(unet, origin: .userConfig) == .group(8))
    #expect(try read(unet, origin: .runRecord) == BlockNorm.none)
    // Given, the key means what it says in both.
    for origin in [ConfigOrigin.userConfig, .runRecord] {
      #expect(try read(unet + #", "norm": "none""#, origin: origin) == BlockNorm.none)
      #expect(try read(unet + #", "norm": "group:4""#, origin: origin) == .group(4))
      #expect(try read(#""model": "mlp-s""#, origin: origin) == BlockNorm.none)
    }
    // The default origin is the user's (a preset, an export, a hand-written file).
    let text = #"{"schedtui_config_version": 1, "schedule": {"family": "cosine"}, "training": {"model": "unet-s", "resolution": 16}}"#
    #expect(try Config.decode(text, file: "c.json").training?.norm == .group(8))
  }

  @Test("an old UNet-S run folder without the key reads as none: checkpoint, summary, config.json, samples")
  func oldFolderReadsAsNone() throws {
    let dir = try Self.oldRunFolder("norm-old-folder")
    let checkpoint = try Checkpoint.read(from: dir + "/" + Checkpoint.fileName)
    #expect(checkpoint.header.config.norm == .none)
    #expect(checkpoint.header.parameterCount == Self.plainCount)
    let trained = try TrainedModel(directory: dir)
    #expect(trained.config.norm == .none && trained.model.layout.count == Self.plainCount)
    var settings = trained.config.samplerSettings
    settings.steps = 2
    let samples = try trained.sample(labels: trained.labels(2), settings: settings, seed: 1)
    #expect(samples.count == 2 * 64 && samples.allSatisfy(\.isFinite))
    let record = try RunRecord.read(folder: dir)
    #expect(record.summary.config.norm == .none)
    // Its config.json is a record (`train --config DIR/config.json` trains that network
    // again); a copy outside the folder is the user's config, with today's default.
    let config = dir + "/config.json"
    #expect(RunFolder.configOrigin(of: config) == .runRecord)
    let text = try String(contentsOfFile: config, encoding: .utf8)
    let recorded = try Config.decode(text, file: config, origin: RunFolder.configOrigin(of: config))
    #expect(recorded.training?.norm == BlockNorm.none)
    #expect(TrainingConfig(recorded).modelShape.norm == .none)
    let copy = temporaryFolder("norm-copied-config") + "/config.json"
    try text.write(toFile: copy, atomically: true, encoding: .utf8)
    #expect(RunFolder.configOrigin(of: copy) == .userConfig)
    #expect(RunFolder.configOrigin(of: dir + "/other.json") == .userConfig)
  }

  @Test("resuming an old UNet-S run keeps none and records the key from then on")
  func resumeKeepsNone() throws {
    let dir = try Self.oldRunFolder("norm-old-resume")
    let run = try TrainingRun(resuming: dir, steps: 3)
    #expect(run.config.norm == .none)
    #expect(run.trainer.completedSteps == 2)
    let summary = try run.run()
    #expect(summary.completed && summary.steps == 3)
    let checkpoint = try Checkpoint.read(from: dir + "/" + Checkpoint.fileName)
    #expect(checkpoint.header.config.norm == .none)
    #expect(checkpoint.header.parameterCount == Self.plainCount)
    #expect(try Self.json(dir + "/config.json")["training"]?["norm"]?.stringValue == "none")
    #expect(try Self.json(dir + "/summary.json")["config"]?["norm"]?.stringValue == "none")
    // config.json was not taken for an edit: the key it lacked is no difference.
    #expect(!FileManager.default.fileExists(atPath: dir + "/config.json.edited"))
  }

  @Test("a new UNet-S run trains group:8 by default and writes the key in all three files")
  func newRunWritesKey() throws {
    let dir = temporaryFolder("norm-new-run")
    let summary = try TrainingRun(config: Self.unetConfig(norm: nil), directory: dir).run()
    #expect(summary.completed)
    let checkpoint = try Checkpoint.read(from: dir + "/" + Checkpoint.fileName)
    #expect(checkpoint.header.config.norm == .group(8))
    #expect(checkpoint.header.parameterCount == Self.groupedCount)
    #expect(try Self.json(dir + "/config.json")["training"]?["norm"]?.stringValue == "group:8")
    #expect(try Self.json(dir + "/summary.json")["config"]?["norm"]?.stringValue == "group:8")
    // None, asked for, is written too: left out, it would read as none only in a record.
    let plain = temporaryFolder("norm-new-plain")
    _ = try TrainingRun(config: Self.unetConfig(norm: BlockNorm.none), directory: plain).run()
    #expect(try Self.json(plain + "/config.json")["training"]?["norm"]?.stringValue == "none")
    // The other models have no norm and write none.
    #expect(!Config(tinyConfig()).encoded().contains("\"norm\""))
  }

  @Test("train --config FILE --model unet-s over an MLP-S's file trains UNet-S's own norm; --norm still wins")
  func modelOverFile() throws {
    let dir = temporaryFolder("norm-model-over-file")
    let file = dir + "/mlp.json"
    // A config the user wrote for MLP-S: its norm (none, the only one MLP-S has) is not a
    // choice about a U-Net.
    try """
      {"schedtui_config_version": 1, "schedule": {"family": "cosine"},
       "training": {"model": "mlp-s", "data": "digits", "resolution": 8, "norm": "none"}}
      """.write(toFile: file, atomically: true, encoding: .utf8)
    let small = ["--steps", "2", "--batch", "2", "--eval-samples", "2", "--guidance", "0"]
    for (extra, expected) in [([String](), "group:8"), (["--norm", "none"], "none")] {
      let out = dir + "/run-\(expected)"
      let (status, output, error) = try SchedtuiCommand.run(
        ["train", "--config", file, "--model", "unet-s", "--out", out] + small + extra)
      #expect(status == 0, "\(error)")
      #expect(try Self.json(out + "/config.json")["training"]?["norm"]?.stringValue == expected)
      // The first line names it, so a user sees which network trains before it does.
      #expect(output.hasPrefix("training unet-s (norm \(expected)) on digits 8×8"), "\(output)")
    }
  }

  @Test("a sweep gives UNet-S cells their default norm and records it; an older UNet-S sweep is refused, not mixed")
  func sweep() throws {
    var settings = SweepSettings()
    settings.steps = 2
    settings.batch = 2
    settings.evalSamples = 0
    let grid = SweepGrid(
      resolutions: [64, 16], scales: [1], families: [try SweepFamily(parsing: "linear")],
      repeats: 1, seed: 0)
    settings.data = .builtIn(.patches)
    let unetCell = try #require(grid.cells.first { $0.resolution == 64 })
    #expect(try settings.config(cell: unetCell, seed: 0).model == .unetS)
    #expect(try settings.config(cell: unetCell, seed: 0).norm == .group(8))
    let recorded = settings.recorded(resolutions: grid.resolutions)
    #expect(recorded["norm_64"] == "group:8")
    #expect(recorded["norm_16"] == nil)  // MLP-S: no key, so its sweeps resume as before
    // A sweep.json from before the key: UNet-S at 64 px with no norm_64.
    let dir = temporaryFolder("norm-old-sweep")
    var older = recorded
    older["norm_64"] = nil
    try SweepState(grid: grid, settings: older).json()
      .write(to: URL(fileURLWithPath: dir + "/sweep.json"))
    #expect(throws: SweepState.LoadError.mismatch(
      path: dir + "/sweep.json",
      differences: [.init(field: "norm_64", stored: "none", requested: "group:8")])
    ) {
      try SweepState.load(path: dir + "/sweep.json", matching: SweepState(grid: grid, settings: recorded))
    }
  }
}
