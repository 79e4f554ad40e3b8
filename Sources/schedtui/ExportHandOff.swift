import ArgumentParser
import Engine
import Foundation
import Schedules

/// `schedtui export --sigmas N` and `--python FILE.py`: the schedule for samplers and for
/// training loops elsewhere (issue 11). Kept apart from the config and diffusers exports so that
/// those stay as they were.
extension Export {
  /// What `--sigmas` and `--python` will write, computed before anything is written.
  struct HandOff {
    var sigmas: SamplerSigmas?
    var python: PythonExport?
  }

  func validateHandOff() throws {
    if let sigmas, !(1...100_000).contains(sigmas) {
      throw ValidationError(
        "--sigmas \(sigmas) is not allowed: a whole number of sampling steps in [1, 100000] "
          + "(the list then has that many σ and a final 0).")
    }
    if let python {
      guard python.hasSuffix(".py"), (python as NSString).lastPathComponent != ".py" else {
        throw ValidationError(
          "--python \(python) is not allowed: a file name ending in .py (Python imports only "
            + "those).")
      }
      if let output, sigmas == nil, output == python {
        throw ValidationError("--python and --output are the same file \(python).")
      }
    } else {
      if let option = objective.given.first, trainFlags == nil {
        throw ValidationError("\(option) only applies with --python FILE.py or --train-flags.")
      }
      if dataRMS != nil {
        throw ValidationError("--data-rms only applies with --python FILE.py.")
      }
    }
    if let dataRMS, !(dataRMS.isFinite && dataRMS > 0) {
      throw ValidationError("--data-rms \(dataRMS) is not allowed: a number > 0.")
    }
  }

  /// The objective the module carries: the options, else the config's training section, else
  /// the engine's default (``Objective/defaultPrediction`` with ``Objective/defaultWeighting``).
  /// σ_d without --data-rms is what `schedtui train` would measure on the config's data (1
  /// without a training section), and the module is told to measure its own.
  func objective(_ config: Config) throws -> Objective {
    var section = config.training ?? TrainingSection()
    objective.apply(to: &section)
    let (prediction, weighting, gamma) = (section.prediction, section.weighting, section.minSNRGamma)
    var skip = section.x0Skip
    // The x0 output's default skip does not apply to another output (TrainingSetting.x0Skip);
    // one chosen for it is refused.
    if let value = skip, prediction != .x0, objective.x0Skip == nil,
      value == section.x0SkipOfX0Output
    {
      skip = nil
    }
    if let skip, prediction != .x0 {
      let setting = TrainingSetting[key: "x0_skip"]
      throw CommandLineCheck.refuse(
        objective.x0Skip != nil ? setting.option : setting.configKey,
        "\(objective.x0Skip ?? "\(skip)") with prediction \(prediction.name)", setting.allowed)
    }
    var rms = dataRMS ?? 1
    if dataRMS == nil, config.training != nil {
      rms = try Dataset.load(section.data, resolution: section.resolution, seed: section.seed).rms
    }
    return Objective(
      prediction: prediction, weighting: weighting, minSNRGamma: gamma, dataRMS: rms,
      inputScale: config.inputScale, x0Skip: skip)
  }

  /// Where the config came from, for the Python module's header.
  var sourceDescription: String {
    if let path = schedule.configPath { return "config file \(path)" }
    if let preset = schedule.preset { return "preset \(preset)" }
    return "the command line: schedtui " + CommandLine.arguments.dropFirst().joined(separator: " ")
  }

  func handOffFiles(_ config: Config) throws -> HandOff {
    var out = HandOff()
    guard sigmas != nil || python != nil else { return out }
    let process: NoiseProcess
    do {
      process = try config.noiseProcess()
    } catch {
      throw ValidationError(schedule.describe(error))
    }
    if let sigmas { out.sigmas = try SamplerSigmas(process: process, count: sigmas) }
    if python != nil {
      out.python = try PythonExport(
        config: config, objective: objective(config), source: sourceDescription,
        dataRMSFromData: dataRMS == nil)
    }
    return out
  }

  func writeHandOff(_ files: HandOff) throws {
    if let list = files.sigmas {
      if let output {
        try AtomicFile.write(list.json, to: output)
        report("wrote \(output) (\(list.sigmas.count) σ)")
      } else {
        FileHandle.standardOutput.write(Data(list.json.utf8))
      }
      for w in list.warnings { printError("warning: \(w)") }
    }
    if let path = python, let module = files.python {
      try AtomicFile.write(module.text, to: path)
      report("wrote \(path)")
    }
  }

  /// A "wrote …" line: on standard output, unless the σ list goes there.
  func report(_ line: String) {
    if sigmas != nil && output == nil {
      printError(line)
    } else {
      print(line)
    }
  }
}
