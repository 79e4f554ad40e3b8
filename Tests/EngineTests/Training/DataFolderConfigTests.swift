import Foundation
import Schedules
import TestSupport
import Testing

@testable import Engine

/// A folder run's `config.json` carries its folder in `training.data`, so `train --config` of
/// it trains on the folder again (it trained on the digits before); older files read as before.
@Suite struct DataFolderConfigTests {
  func section(_ json: String) throws -> TrainingSection? {
    try Config.decode(
      #"{"schedtui_config_version": 1, "schedule": {"family": "cosine"}, "training": "# + json + "}", file: "run.json"
    ).training
  }

  /// 12 flat RGB PNGs: the fewest a folder run takes.
  func makeFolder() throws -> String {
    let folder = temporaryFolder("cfg-pngs")
    for k in 0..<12 {
      try PNG.write(
        Image(width: 8, height: 8, channels: 3, repeating: Float(k) / 20),
        to: folder + String(format: "/img%02d.png", k))
    }
    return folder
  }

  @Test("a folder run's config.json holds the folder and reads back as a folder run")
  func roundTrip() throws {
    let folder = try makeFolder()
    var c = tinyConfig(steps: 2)
    c.dataFolder = folder
    c.resolution = 16
    let dir = temporaryFolder("cfg-run")
    _ = try TrainingRun(config: c, directory: dir).run()
    let text = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
    let again = TrainingConfig(try Config.decode(text, file: dir + "/config.json"))
    #expect(again.dataFolder == folder && again.resolution == 16)
    #expect(again.source == .folder(folder))
  }

  @Test("a built-in name is the built-in data; an older file reads unchanged")
  func builtIn() throws {
    let t = try #require(try section(#"{"data": "patches", "resolution": 32}"#))
    #expect(t.data == .patches && t.dataFolder == nil)
    let old = try #require(try section(#"{"data": "digits"}"#))
    #expect(old.data == .digits && old.dataFolder == nil)
    let folder = try #require(try section(#"{"data": "photos/tiles", "resolution": 32}"#))
    #expect(folder.dataFolder == "photos/tiles")
  }

  @Test("data that is not a name or a path is refused, naming training.data and what is allowed")
  func refused() {
    for bad in [#"{"data": ""}"#, #"{"data": 3}"#] {
      #expect {
        _ = try section(bad)
      } throws: { error in
        let m = "\(error)"
        return m.contains("training.data") && m.contains("\"digits\", \"patches\", or the path of a folder")
      }
    }
  }

  /// Runs `schedtui train arguments` on the smallest budget and expects it to finish.
  func train(_ arguments: [String]) throws {
    let tiny = ["--steps", "2", "--batch", "8", "--eval-samples", "0", "--warmup", "1"]
    let run = try SchedtuiCommand.run(["train"] + arguments + tiny)
    #expect(run.status == 0, "\(run.error)")
  }

  @Test("train --config of a folder run's config.json trains on the folder again")
  func trainFromConfig() throws {
    let folder = try makeFolder()
    let out = temporaryFolder("cfg-cli")
    try train(["--data", folder, "--resolution", "8", "--out", out + "/a"])
    try train(["--config", out + "/a/config.json", "--out", out + "/b"])
    let record = try RunRecord.read(folder: out + "/b")
    #expect(record.summary.config.dataFolder == folder)
    #expect(record.summary.config.dataFiles?.count == 12 && record.summary.config.resolution == 8)
  }

  @Test("train --data DIR --resolution 32 picks UNet-S (and its norm); --model auto on the digits at 32 px stays MLP-S")
  func folderAutoModel() throws {
    let folder = try makeFolder()
    let out = temporaryFolder("cfg-auto")
    try train(["--data", folder, "--resolution", "32", "--out", out + "/a"])
    let photos = try RunRecord.read(folder: out + "/a").summary.config
    #expect(photos.model == .unetS && photos.norm == .group(8))
    try train(["--data", "digits", "--resolution", "32", "--model", "auto", "--out", out + "/b"])
    #expect(try RunRecord.read(folder: out + "/b").summary.config.model == .mlpS)
  }

  @Test("a run forced to --channels 1 on colour images keeps it through config.json")
  func channelsInConfig() throws {
    let folder = try makeFolder()
    let out = temporaryFolder("cfg-ch")
    try train(["--data", folder, "--resolution", "8", "--channels", "1", "--out", out + "/a"])
    let text = try String(contentsOfFile: out + "/a/config.json", encoding: .utf8)
    let section = try #require(try Config.decode(text, file: "config.json").training)
    #expect(section.channels == 1)
    try train(["--config", out + "/a/config.json", "--out", out + "/b"])
    // The images are in colour: without the stored key they would have trained RGB.
    #expect(try RunRecord.read(folder: out + "/b").summary.config.channels == 1)
    // A run that let the images decide records what they decided.
    try train(["--data", folder, "--resolution", "8", "--out", out + "/c"])
    let c = try String(contentsOfFile: out + "/c/config.json", encoding: .utf8)
    #expect(try Config.decode(c, file: "config.json").training?.channels == 3)
  }

  @Test("training.channels: absent lets the images decide; 2, or any value on built-in data, is refused")
  func channelsRefused() throws {
    #expect(try section(#"{"data": "photos"}"#)?.channels == nil)
    #expect(try section(#"{"data": "photos", "channels": 3}"#)?.channels == 3)
    for bad in [#"{"data": "photos", "channels": 2}"#, #"{"data": "digits", "channels": 1}"#] {
      #expect {
        _ = try section(bad)
      } throws: { error in
        let m = "\(error)"
        return m.contains("training.channels") && m.contains("1 (grey) or 3 (RGB)")
      }
    }
  }
}
