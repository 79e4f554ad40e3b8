import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// The x0 output's default skip follows the model and the data: λ_s = 6 for UNet-S on
/// photographs (the bundled patches or a folder), 8 for every other pair. The numbers are the
/// measured decision of DECISIONS.md 2026-12-06 (UNet-S on photographs: two seeds each at 32
/// and 64 px, bound, error curve and the samples' grain against the photographs'; on the digits
/// λ_s = 5 put 3.8× the grain in UNet-S's samples), not the code's output.
@Suite(.serialized) struct X0SkipDefaultTests {
  static let onPhotographs = 6.0
  static let elsewhere = 8.0

  @Test("a new section: 6 for unet-s on patches or a folder, 8 for unet-s on digits and for the other models")
  func sections() {
    for model in ModelKind.allCases {
      for data in DataKind.allCases {
        let expected = model == .unetS && data == .patches ? Self.onPhotographs : Self.elsewhere
        #expect(TrainingSection(model: model, data: data).x0Skip == expected, "\(model) \(data)")
        var folder = TrainingSection(model: model, data: data)
        folder.dataFolder = "photos"
        #expect(folder.defaultX0Skip == (model == .unetS ? Self.onPhotographs : Self.elsewhere))
      }
      #expect(TrainingSection(model: model, data: .patches, prediction: .eps).x0Skip == nil)
    }
  }

  func section(_ json: String) throws -> TrainingSection? {
    try Config.decode(
      #"{"schedtui_config_version": 1, "schedule": {"family": "cosine"}, "training": "# + json + "}",
      file: "run.json"
    ).training
  }

  @Test("a config without x0_skip gets its model's and data's; one with it keeps it; another output gets none")
  func configFile() throws {
    #expect(try section(#"{"model": "unet-s", "data": "patches", "resolution": 64}"#)?.x0Skip == 6)
    #expect(try section(#"{"model": "unet-s", "data": "photos", "resolution": 32}"#)?.x0Skip == 6)
    #expect(try section(#"{"model": "unet-s", "data": "digits", "resolution": 32}"#)?.x0Skip == 8)
    #expect(try section(#"{"model": "mlp-s", "data": "patches", "resolution": 32}"#)?.x0Skip == 8)
    #expect(
      try section(#"{"model": "unet-s", "data": "patches", "resolution": 64, "x0_skip": 8}"#)?.x0Skip == 8)
    #expect(
      try section(#"{"model": "unet-s", "data": "patches", "resolution": 64, "x0_skip": "none"}"#)?.x0Skip
        == nil)
    #expect(
      try section(#"{"model": "unet-s", "data": "patches", "resolution": 64, "prediction": "eps"}"#)?.x0Skip
        == nil)
  }

  @Test("the default left beside another output is valid for that model and data; another value is refused")
  func besideAnotherOutput() throws {
    var c = TrainingConfig()
    c.model = .unetS
    c.data = .patches
    c.resolution = 16
    c.section.takeModelBudget()
    #expect(c.x0Skip == 6)
    c.prediction = .eps
    #expect(throws: Never.self) { try c.validate() }
    c.x0Skip = 8
    #expect(throws: FieldError.self) { try c.validate() }
  }

  @Test("a skip at its default follows a new model or data; none or another λ_s stays")
  func follows() {
    var s = TrainingSection(model: .mlpS, data: .patches, resolution: 16)
    let before = s.x0SkipOfX0Output
    s.model = .unetS
    s.skipFollowsDefault(from: before)
    #expect(s.x0Skip == 6)
    let back = s.x0SkipOfX0Output
    s.data = .digits
    s.skipFollowsDefault(from: back)
    #expect(s.x0Skip == 8)
    for kept in [nil, 6.0] {
      var t = TrainingSection(model: .mlpS, data: .patches, resolution: 16)
      t.x0Skip = kept
      let was = t.x0SkipOfX0Output
      t.model = .unetS
      t.skipFollowsDefault(from: was)
      #expect(t.x0Skip == kept)
    }
  }

  /// Runs `schedtui train arguments` on the smallest budget; the run's recorded skip.
  func trainedSkip(_ arguments: [String], _ out: String) throws -> Double? {
    let tiny = ["--steps", "2", "--batch", "2", "--eval-samples", "2", "--guidance", "0", "--warmup", "1"]
    let run = try SchedtuiCommand.run(["train"] + arguments + tiny + ["--out", out])
    #expect(run.status == 0, "\(run.error)")
    return try RunRecord.read(folder: out).summary.config.x0Skip
  }

  @Test("train: unet-s on patches trains λ_s 6 and says so; --config FILE --model/--data follows the file's default, not its choice")
  func commandLine() throws {
    let dir = temporaryFolder("x0-skip-default")
    let run = try SchedtuiCommand.run(
      ["train", "--data", "patches", "--resolution", "16", "--model", "unet-s", "--steps", "2",
       "--batch", "2", "--eval-samples", "2", "--guidance", "0", "--warmup", "1", "--out", dir + "/a"])
    #expect(run.status == 0, "\(run.error)")
    #expect(try RunRecord.read(folder: dir + "/a").summary.config.x0Skip == 6)
    #expect(run.output.contains("x0 skip λ_s = 6"), "\(run.output)")
    #expect(try trainedSkip(["--data", "patches", "--resolution", "16"], dir + "/b") == 8)
    // A file written for MLP-S on the digits, at its default skip and with an explicit none.
    // (Another λ_s kept is `follows`'s case.)
    for (skip, expected) in [("8", 6.0), ("\"none\"", nil)] as [(String, Double?)] {
      let file = dir + "/mlp-\(expected.map { "\($0)" } ?? "none").json"
      try """
        {"schedtui_config_version": 1, "schedule": {"family": "cosine"},
         "training": {"model": "mlp-s", "data": "digits", "resolution": 8, "x0_skip": \(skip)}}
        """.write(toFile: file, atomically: true, encoding: .utf8)
      let got = try trainedSkip(
        ["--config", file, "--model", "unet-s", "--data", "patches", "--resolution", "16"],
        dir + "/file-\(skip.filter(\.isLetter))\(skip.filter(\.isNumber))")
      #expect(got == expected, "x0_skip \(skip)")
    }
    // --prediction brings its own (none for eps).
    #expect(
      try trainedSkip(
        ["--data", "patches", "--resolution", "16", "--model", "unet-s", "--prediction", "eps"],
        dir + "/d") == nil)
  }

  /// A sweep of the patches at 16 px (MLP-S) and 64 px (UNet-S), and its two cells.
  static func patchesSweep() throws -> (SweepSettings, SweepGrid, SweepCell, SweepCell) {
    var settings = SweepSettings()
    settings.data = .builtIn(.patches)
    let grid = SweepGrid(
      resolutions: [16, 64], scales: [1], families: [try SweepFamily(parsing: "linear")],
      repeats: 1, seed: 0)
    let small = try #require(grid.cells.first { $0.resolution == 16 })
    let large = try #require(grid.cells.first { $0.resolution == 64 })
    return (settings, grid, small, large)
  }

  @Test("--x0-skip beside another output is refused on train and sweep, even at the x0 output's default")
  func skipWithOtherOutput() throws {
    for command in [
      ["train", "--data", "patches", "--resolution", "16", "--model", "unet-s"],
      ["sweep", "--data", "patches", "--resolutions", "16", "--model", "unet-s"],
    ] {
      let r = try SchedtuiCommand.run(
        command + ["--prediction", "eps", "--x0-skip", "6", "--out", temporaryFolder("skip-eps")])
      #expect(r.status == 64, "\(r.output)")
      #expect(r.error.contains("--x0-skip 6 is not allowed: none with prediction eps"), "\(r.error)")
    }
  }

  @Test("a sweep's batch: MLP-S 128, UNet-S its own 16 (a 32 px folder cell at 128 cost 8× its default run); --batch for all")
  func sweepBatch() throws {
    let (patches, grid, small, large) = try Self.patchesSweep()
    var settings = patches
    #expect(try settings.config(cell: small, seed: 0).batch == 128)
    #expect(try settings.config(cell: large, seed: 0).batch == 16)
    let recorded = settings.recorded(resolutions: grid.resolutions)
    #expect(recorded["batch_16"] == "128" && recorded["batch_64"] == "16" && recorded["batch"] == nil)
    // One model for every side records one batch, as sweeps did before.
    settings.data = .builtIn(.digits)
    #expect(settings.recorded(resolutions: [8, 32])["batch"] == "128")
    settings.data = .builtIn(.patches)
    settings.batch = 8
    #expect(try settings.config(cell: large, seed: 0).batch == 8)
    #expect(settings.recorded(resolutions: grid.resolutions)["batch"] == "8")
  }

  @Test("a sweep gives each side its model's skip and records one key per side where they differ")
  func sweep() throws {
    let (patches, grid, small, large) = try Self.patchesSweep()
    var settings = patches
    #expect(try settings.config(cell: small, seed: 0).x0Skip == 8)  // mlp-s
    #expect(try settings.config(cell: large, seed: 0).x0Skip == 6)  // unet-s
    let recorded = settings.recorded(resolutions: grid.resolutions)
    #expect(recorded["x0_skip_16"] == "8.0" && recorded["x0_skip_64"] == "6.0")
    #expect(recorded["x0_skip"] == nil)
    // One skip for the whole sweep is recorded as before (an older digits sweep resumes).
    settings.data = .builtIn(.digits)
    #expect(settings.recorded(resolutions: [8, 32])["x0_skip"] == "8.0")
    settings.x0Skip = .some(nil)
    #expect(settings.recorded(resolutions: [8, 32])["x0_skip"] == nil)
    settings.data = .builtIn(.patches)
    #expect(try settings.config(cell: large, seed: 0).x0Skip == nil)
  }
}
