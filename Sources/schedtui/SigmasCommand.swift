import ArgumentParser
import Foundation
import Schedules

extension DiffusersScheduler: ExpressibleByArgument {}
extension TimestepSpacing: ExpressibleByArgument {}
extension SigmaConversion: ExpressibleByArgument {}
extension SamplerFormat: ExpressibleByArgument {}

/// `schedtui sigmas`: the noise levels a sampler visits, as diffusers makes them, with notes.
struct Sigmas: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sigmas",
    abstract: "Print the noise levels a sampler visits, as diffusers makes them, with notes.",
    discussion: """
      ddpm-* families: diffusers 0.42.1's set_timesteps of EulerDiscreteScheduler, \
      DDIMScheduler or DPMSolverMultistepScheduler (--scheduler) on the T-step table \
      (--train-steps), with --spacing, --steps-offset and a σ conversion (--sigmas). \
      rectified-flow: FlowMatchEulerDiscreteScheduler with the schedule's --shift, or \
      use_dynamic_shifting with its Flux μ (--flux-mu MU, or --flux-mu auto --image-side PX \
      through calculate_shift; --time-shift exponential or linear); its σ are the flow's t'. \
      Other families: σ_i = e^(−λ(t_i)/2) at t_i = 1 − i/N, then 0 (what `export --sigmas N` \
      prints), the schedule's shift included.

      Notes say where the list starts, its largest logSNR step, levels the training rarely or \
      never drew (against --train-config, else the same schedule, with the config's \
      training.t_sampling as the training density) and the diffusers quirks the list carries. \
      --check prints only the notes and exits 1 if one is serious. With --format text, comfy or \
      sdcpp the notes go to standard error.

      Examples:
        schedtui sigmas --family ddpm-scaled-linear --steps 10 --spacing trailing
        schedtui sigmas --family ddpm-scaled-linear --zero-terminal-snr --steps 10 \\
          --spacing leading --check
        schedtui sigmas --family ddpm-scaled-linear --steps 20 --sigmas karras --format comfy
        schedtui sigmas --family rectified-flow --shift 3 --steps 4
        schedtui sigmas --family rectified-flow --flux-mu auto --image-side 1024 --steps 28 \
          --format sdcpp
        schedtui sigmas --family rectified-flow --flux-mu auto --image-side 512 \
          --time-shift linear --steps 4
      """)

  @OptionGroup var schedule: ScheduleOptions

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Sampling steps N (default: the config's inference steps, 100): [1, T] on a ddpm-* "
        + "table, [1, \(SamplerSettings.maxContinuousSteps)] otherwise."))
  var steps: Int?

  @Option(help: "ddpm-*: the diffusers scheduler: euler (default), ddim or dpm-solver.")
  var scheduler: DiffusersScheduler?

  @Option(
    help: ArgumentHelp(
      "ddpm-*: timestep_spacing, linspace, leading or trailing (default: the scheduler's, "
        + "leading for ddim, else linspace)."))
  var spacing: TimestepSpacing?

  @Option(
    name: .customLong("steps-offset"), parsing: .unconditional,
    help: "ddpm-*: steps_offset, added to leading's timesteps (SD 1.x uses 1; default 0).")
  var stepsOffset: Int?

  @Option(
    name: .customLong("sigmas"),
    help: "σ conversion: schedule (none, default), karras, exponential or beta (α = β = 0.6).")
  var conversion: SigmaConversion = .schedule

  @Option(
    name: .customLong("karras-rho"), parsing: .unconditional,
    help: ArgumentHelp(
      "Karras' ρ > 0 for --sigmas karras (default 7, the only one diffusers uses; --rho is "
        + "edm's schedule parameter)."))
  var karrasRho: Double?

  @Option(help: "Output: json (default), text (one σ per line), comfy or sdcpp.")
  var format: SamplerFormat = .json

  @Flag(help: "Print only the notes; exit 1 if any is serious.")
  var check = false

  @Option(
    name: .customLong("train-config"),
    help: ArgumentHelp(
      "The schedtui config the network was trained with, to compare against (default: the "
        + "same schedule).", valueName: "file"))
  var trainConfig: String?

  func validate() throws {
    if karrasRho != nil, conversion != .karras {
      throw ValidationError("--karras-rho only applies with --sigmas karras.")
    }
    _ = try make()
  }

  func run() throws {
    let (list, notes) = try make()
    if check {
      for note in notes { print("\(note.serious ? "serious" : "note"): \(note.text)") }
      if notes.contains(where: \.serious) { throw ExitCode.failure }
      return
    }
    let text: String
    do {
      text = try list.rendered(format, notes: notes)
    } catch {
      throw ValidationError(error.fieldError(.commandLine).description)
    }
    print(text, terminator: "")
    if format != .json {
      for note in notes {
        printError("\(note.serious ? "serious" : "note"): \(note.text)")
      }
    }
  }

  /// The settings from the options, the list and its notes against the training process.
  func make() throws -> (SamplerSteps, [SamplerNote]) {
    let config = try schedule.config()
    let process = try schedule.noiseProcess()
    let settings = SamplerSettings(
      steps: steps ?? config.inference.steps, scheduler: scheduler ?? .euler, spacing: spacing,
      stepsOffset: stepsOffset ?? 0, conversion: conversion,
      karrasRho: karrasRho ?? SamplerSettings.diffusersRho)
    let list: SamplerSteps
    do {
      list = try SamplerSteps(process: process, settings: settings)
    } catch {
      throw ValidationError(error.fieldError(.commandLine).description)
    }
    var training = process
    // The density the rare-level note reads: the training config's t-sampling, else this
    // config's, else uniform (as `schedtui plot` and the explorer draw it).
    var sampling = config.training?.tSampling ?? .uniform
    if let trainConfig {
      do {
        let trained = try ScheduleOptions.loadConfig(trainConfig)
        training = try trained.noiseProcess()
        sampling = trained.training?.tSampling ?? .uniform
      } catch let error as ScheduleError {
        throw ValidationError(error.fieldError(.file(trainConfig)).description)
      }
    }
    return (list, list.notes(training: training, sampling: sampling))
  }
}
