/// What today's trainers use: a schedule with its shift, and how they train on it (t-sampling,
/// output, weighting), each citing where the numbers are written.
///
/// diffusers' SD3/Flux training scripts draw u and index the scheduler's *descending* timesteps
/// with it, so their `--logit_mean M` is schedtui's `logit-normal:−M:S` (DECISIONS 2026-12-04);
/// every preset here is written in schedtui's convention (t = 1 is noise), and `export
/// --train-flags` flips the sign back.
extension Preset {
  public static let trainers: [Preset] = [
    Preset(
      name: "sd3", source: "Esser et al. 2024 (SD3)",
      summary: "rectified flow, shift 3, logit-normal 0 1, flow output",
      spec: ScheduleSpec(family: .rectifiedFlow, shift: 3), inputScale: 1, resolution: 1024,
      fid: [],
      training: Training(
        tSampling: .logitNormal(mean: 0, std: 1), prediction: .flow, weighting: .flowMSE),
      citation: "SD3 paper §3.1 (logit-normal t), §5.1 (rf/lognorm(0.00, 1.00) ranks first), "
        + "§5.3.2 (timestep shift 3.0 at 1024²); stable-diffusion-3-medium "
        + "scheduler/scheduler_config.json (FlowMatchEulerDiscreteScheduler, shift 3.0)"),
    flux(side: 1024),
    flux(side: 512),
    Preset(
      name: "edm", source: "Karras et al. 2022 (EDM)",
      summary: "EDM σ ∈ [0.002, 80], ρ = 7; lognormal −1.2 1.2, EDM output and weighting",
      spec: ScheduleSpec(family: .edm), inputScale: 1, resolution: nil, fid: [],
      training: Training(
        tSampling: .logNormal(mean: -1.2, std: 1.2), prediction: .edm, weighting: .edm),
      citation: "EDM paper Table 1 (\"Ours\" column: ln σ ~ N(P_mean = −1.2, P_std = 1.2), "
        + "λ(σ) = (σ² + σ_d²)/(σ·σ_d)², c_skip/c_out/c_in; σ_min 0.002, σ_max 80, ρ = 7)"),
    edm2(
      name: "edm2-img512", pMean: -0.4, pStd: 1.0,
      file: "train_edm2.py presets edm2-img512-xxs … -xxl (P_mean=-0.4, P_std=1.0)"),
    edm2(
      name: "edm2-img64", pMean: -0.8, pStd: 1.6,
      file: "train_edm2.py presets edm2-img64-xs … -xl (P_mean=-0.8, P_std=1.6)"),
  ]

  /// FLUX.1-dev at `side`×`side` px: its scheduler's dynamic shift, μ = calculate_shift((side/16)²)
  /// with exponential time shift, trained as kohya's `--timestep_sampling flux_shift` does
  /// (t = sigmoid(N(0, 1)), then the μ of the batch's size). Black Forest Labs publish no
  /// training density of their own.
  static func flux(side: Int) -> Preset {
    var spec = ScheduleSpec(family: .rectifiedFlow)
    spec[.imageSide] = Double(side)
    let mu = FluxShift().mu(imageSide: side)
    return Preset(
      name: "flux-dev-\(side)", source: "FLUX.1-dev (Black Forest Labs)",
      summary: "rectified flow, Flux μ \(shortNumber((mu * 1e4).rounded() / 1e4)) (\(side)²), "
        + "logit-normal 0 1, flow output",
      spec: spec, inputScale: 1, resolution: side, fid: [],
      training: Training(
        tSampling: .logitNormal(mean: 0, std: 1), prediction: .flow, weighting: .flowMSE),
      citation: "FLUX.1-dev scheduler/scheduler_config.json (use_dynamic_shifting, base_shift "
        + "0.5, max_shift 1.15, base/max_image_seq_len 256/4096); diffusers "
        + "pipelines/flux/pipeline_flux.py calculate_shift; t-sampling: kohya-ss/sd-scripts "
        + "library/flux_train_utils.py --timestep_sampling flux_shift (sigmoid_scale 1)")
  }

  /// EDM2's log-normal densities (Karras et al. 2024) on EDM's schedule, with EDM's output and
  /// weighting: EDM2's learned per-σ uncertainty u(σ) (the loss's `logvar`) is not reproduced.
  static func edm2(name: String, pMean: Double, pStd: Double, file: String) -> Preset {
    Preset(
      name: name, source: "Karras et al. 2024 (EDM2)",
      summary: "EDM σ ∈ [0.002, 80], ρ = 7; lognormal −\(-pMean) \(pStd), "
        + "EDM output and weighting (without EDM2's learned uncertainty)",
      spec: ScheduleSpec(family: .edm), inputScale: 1, resolution: nil, fid: [],
      training: Training(
        tSampling: .logNormal(mean: pMean, std: pStd), prediction: .edm, weighting: .edm),
      citation: "NVlabs/edm2 \(file); training/training_loop.py EDM2Loss (weight "
        + "(σ² + σ_d²)/(σ·σ_d)², divided by its learned exp(logvar), which schedtui does not have)")
  }
}
