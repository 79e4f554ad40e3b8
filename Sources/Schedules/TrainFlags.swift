/// The command-line flags that make another trainer draw the same noise levels, with the same
/// output and loss weighting, as a schedtui rectified-flow setting (`export --train-flags`).
///
/// Read from the scripts' own argument definitions and training loops:
/// - diffusers `examples/dreambooth/train_dreambooth_sd3.py` and `train_dreambooth_flux.py`
///   (`parse_args`: `--weighting_scheme`, `--logit_mean`, `--logit_std`, `--mode_scale`, SD3's
///   `--precondition_outputs`; the loop draws u with `compute_density_for_timestep_sampling` and
///   indexes the scheduler's descending timesteps with it, so σ ≈ shift(1 − u); the shift is the
///   model's `scheduler_config.json`, not a flag);
/// - kohya-ss/sd-scripts `flux_train_network.py` (`library/flux_train_utils.py`:
///   `--timestep_sampling sigma|uniform|sigmoid|shift|flux_shift`, `--sigmoid_scale`,
///   `--discrete_flow_shift`, `--model_prediction_type raw|additive|sigma_scaled`;
///   `library/train_util.py`: `--weighting_scheme`, `--logit_mean`, `--logit_std`,
///   `--mode_scale`). Its sigmoid/shift/flux_shift draw σ = sigmoid(scale·n) directly (no flip).
///
/// Every shift is a logSNR move (``LogSNRShift``), so the schedule's shift, Flux μ and a
/// normalised input scale b all become one static shift S = e^(−(offset + 2·ln b)/2), exactly.
/// What a trainer cannot do is named in ``Script/missing``, never approximated.
public struct TrainFlags: Sendable {
  public enum Trainer: String, CaseIterable, Sendable {
    case diffusers, kohya
  }

  /// One script's flags.
  public struct Script: Sendable, Equatable {
    /// The script, as its repository names it.
    public let name: String
    public var flags: [String] = []
    /// Facts the user needs to reproduce the setting (where the shift goes).
    public var notes: [String] = []
    /// Settings the script has no equivalent for, one sentence each.
    public var missing: [String] = []
  }

  public var scripts: [Script]

  /// The text `export --train-flags` prints: per script, a comment naming it, its flags on one
  /// line, then its notes and what has no equivalent, as comments.
  public var text: String {
    scripts.map { s in
      let line =
        !s.flags.isEmpty
        ? s.flags.joined(separator: " ")
        : s.missing.isEmpty ? "# (its defaults: no flags needed)" : "# (no flags: nothing maps)"
      return (["# \(s.name)", line]
        + s.notes.map { "# note: \($0)" } + s.missing.map { "# no equivalent: \($0)" })
        .joined(separator: "\n")
    }.joined(separator: "\n\n") + "\n"
  }

  public init(
    _ trainer: Trainer, process: NoiseProcess, tSampling: TimestepSampling,
    prediction: Parameterization, weighting: LossWeighting
  ) throws(ScheduleError) {
    let spec = process.schedule.spec
    guard spec.family == .rectifiedFlow else {
      throw .invalid(
        field: "family", value: spec.family.rawValue,
        allowed: "rectified-flow with --train-flags: diffusers' SD3/Flux scripts and kohya's "
          + "Flux trainer train rectified flow only")
    }
    var common: [String] = []
    if spec.zeroTerminalSNR {
      common.append("zero terminal SNR (rectified flow already ends at σ = 1)")
    }
    if process.inputScale != 1 && !process.normalize {
      common.append(
        "input scale b = \(shortNumber(process.inputScale)) without normalisation (with it, b "
          + "is a shift)")
    }
    let shift = process.schedule.shift
    // The schedule's shift and b as one static shift (exact: each is a constant logSNR move).
    let s = shift.equivalentStaticShift / process.inputScale
    let ctx = Context(
      shift: shift, staticShift: s, tSampling: tSampling, prediction: prediction,
      weighting: weighting, common: common)
    switch trainer {
    case .diffusers: scripts = [ctx.diffusersSD3, ctx.diffusersFlux]
    case .kohya: scripts = [ctx.kohyaFlux]
    }
  }

  /// What every script's mapping reads.
  struct Context {
    let shift: LogSNRShift
    let staticShift: Double
    let tSampling: TimestepSampling
    let prediction: Parameterization
    let weighting: LossWeighting
    let common: [String]

    var sText: String { shortNumber(staticShift) }
    var lognormalMissing: String {
      "t-sampling \(tSampling.name) (EDM's log-normal σ; the script draws t, not σ)"
    }

    /// diffusers' `--weighting_scheme` flags for the density (`uniformFlag` nil: the script
    /// has no uniform draw without a loss weight).
    func diffusersDensity(_ script: inout Script, uniformFlag: String?) {
      switch tSampling {
      case .uniform:
        if let uniformFlag {
          script.flags += ["--weighting_scheme", uniformFlag]
        } else {
          script.missing.append(
            "uniform t without a loss weight: this script's uniform draws (sigma_sqrt, cosmap) "
              + "also weight the loss by σ⁻² or cosmap")
        }
      case .logitNormal(let m, let sd):
        // The script indexes descending timesteps with u: its mean is ours with the sign flipped.
        script.flags += [
          "--weighting_scheme", "logit_normal", "--logit_mean", shortNumber(-m), "--logit_std",
          shortNumber(sd),
        ]
      case .mode(let scale):
        script.flags += ["--weighting_scheme", "mode", "--mode_scale", shortNumber(scale)]
      case .logNormal:
        script.missing.append(lognormalMissing)
      }
    }

    var diffusersSD3: Script {
      var script = Script(name: "diffusers examples/dreambooth/train_dreambooth_sd3.py")
      diffusersDensity(&script, uniformFlag: nil)
      // The loop's target: ε − x0 (flow) with --precondition_outputs 0, x0 through
      // x_t − σ·F with 1, whose MSE is the flow output's x0-MSE.
      switch (prediction, weighting) {
      case (.flow, .flowMSE): script.flags += ["--precondition_outputs", "0"]
      case (.flow, .x0MSE): script.flags += ["--precondition_outputs", "1"]
      default:
        script.missing.append(
          "\(prediction.rawValue) output with \(weighting.rawValue): the script trains the "
            + "velocity ε − x0, with its MSE (--precondition_outputs 0) or x0's (1)")
      }
      script.notes.append(
        "the shift is the model's scheduler_config.json `shift` (no flag); this schedule needs "
          + "shift \(sText) with use_dynamic_shifting false (SD3's own is 3.0; "
          + "`schedtui export --diffusers DIR` writes it)")
      script.missing += common
      return script
    }

    var diffusersFlux: Script {
      var script = Script(name: "diffusers examples/dreambooth/train_dreambooth_flux.py")
      diffusersDensity(&script, uniformFlag: "none")
      if !(prediction == .flow && weighting == .flowMSE) {
        script.missing.append(
          "\(prediction.rawValue) output with \(weighting.rawValue): the script's target is "
            + "always the velocity ε − x0 with its MSE")
      }
      if staticShift != 1 {
        script.missing.append(
          "the shift (static \(sText) here) with FLUX.1-dev's scheduler: under its "
            + "use_dynamic_shifting the script draws from the scheduler's unshifted σ table, so no "
            + "shift reaches training; a scheduler_config.json with use_dynamic_shifting false and "
            + "shift \(sText) would give it")
      }
      script.missing += common
      return script
    }

    var kohyaFlux: Script {
      var script = Script(
        name: "kohya-ss/sd-scripts flux_train_network.py (library/flux_train_utils.py, "
          + "library/train_util.py)")
      let fluxDefaults =
        shift.imageSide != nil && shift.flux == FluxShift() && shift.timeShift == .exponential
      switch tSampling {
      case .logitNormal(0, let sd) where fluxDefaults && staticShift == shift.equivalentStaticShift:
        // flux_shift: μ from each batch's latent size with Flux's constants, exponential.
        script.flags += ["--timestep_sampling", "flux_shift", "--sigmoid_scale", shortNumber(sd)]
        script.notes.append(
          "flux_shift takes μ from each batch's size; at \(shift.imageSide!)² px it is "
            + "\(shortNumber(shift.mu!)), this schedule's")
      case .logitNormal(0, let sd):
        script.flags +=
          staticShift == 1
          ? ["--timestep_sampling", "sigmoid", "--sigmoid_scale", shortNumber(sd)]
          : [
            "--timestep_sampling", "shift", "--sigmoid_scale", shortNumber(sd),
            "--discrete_flow_shift", sText,
          ]
      case .uniform where staticShift == 1:
        script.flags += ["--timestep_sampling", "uniform"]
      case .logNormal:
        script.missing.append(lognormalMissing)
      default:
        // sigma: diffusers' draw on the shifted 1000-level table (--discrete_flow_shift).
        script.flags += ["--timestep_sampling", "sigma"]
        switch tSampling {
        case .logitNormal(let m, let sd):
          script.flags += [
            "--weighting_scheme", "logit_normal", "--logit_mean", shortNumber(-m),
            "--logit_std", shortNumber(sd),
          ]
        case .mode(let scale):
          script.flags += ["--weighting_scheme", "mode", "--mode_scale", shortNumber(scale)]
        default:
          script.flags += ["--weighting_scheme", "uniform"]
        }
        script.flags += ["--discrete_flow_shift", sText]
        script.notes.append(
          "sigma draws from the scheduler's 1000 levels, as diffusers' scripts do, indexing "
            + "them from the noisy end (hence --logit_mean with the opposite sign)")
      }
      if shift.imageSide != nil, !script.flags.contains("flux_shift") {
        script.notes.append(
          "μ = \(shortNumber(shift.mu!)) at \(shift.imageSide!)² px is given as the static shift "
            + "\(sText) (the same logSNR move), valid at that size only: kohya's flux_shift "
            + "fixes base/max shift 0.5/1.15 at 256/4096 tokens, the exponential time shift and "
            + "a mean-0 sigmoid")
      }
      switch (prediction, weighting) {
      case (.flow, .flowMSE): script.flags += ["--model_prediction_type", "raw"]
      default:
        script.missing.append(
          "\(prediction.rawValue) output with \(weighting.rawValue): kohya's target is the "
            + "velocity ε − x0; raw is its plain MSE (flow with flow-mse), and its sigma_scaled "
            + "(the default) compares x_t − σ·F with that velocity, which no schedtui output is")
      }
      script.missing += common
      return script
    }
  }
}
