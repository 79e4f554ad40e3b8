#!/usr/bin/env python3
"""Check schedtui's diffusers export with the real diffusers package (needs torch; not in CI).

Rectified-flow schedules are exported as FlowMatchEulerDiscreteScheduler configs (FLOW_CASES):
the folder is loaded with FlowMatchEulerDiscreteScheduler.from_pretrained and its σ compared with
schedtui's: the training table (`sigmas` after __init__, static shift) or the scheduler's own
time_shift at the μ Flux's calculate_shift gives from the config's base/max values (dynamic), both
against σ = 1/(1 + e^(λ/2)) of `schedtui curve` at t = i/T; and set_timesteps(N[, mu]) against
`schedtui sigmas --steps N` for the same schedule (b = 1 only: `sigmas` refuses b on a flow).

For several schedules: `schedtui export --diffusers DIR`, `schedtui curve --points T+1 --format json`
for the same schedule, then DDPMScheduler.from_pretrained(DIR) and compare its alphas_cumprod[i-1]
with gamma(i/T) (with input scale b != 1: the equivalent gamma' = sigmoid(logSNR_b)).
Steps whose beta was capped (schedtui warns about them) are compared with the product of the
capped betas instead, and listed.

diffusers multiplies 1 - beta in float32, so each step adds ~2^-24 relative error, more where
1 - beta is small; the bound used is sum_j 2^-23 * (1 + beta_j / (1 - beta_j)) up to each step.

Usage: python3 scripts/check_diffusers_export.py [path/to/schedtui]   (default .build/debug/schedtui)
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch  # noqa: F401  (diffusers needs it; fail early and clearly)
from diffusers import DDPMScheduler, FlowMatchEulerDiscreteScheduler
from diffusers.pipelines.flux.pipeline_flux import calculate_shift

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")

CASES = [
    ["--preset", "table3-linear"],
    ["--preset", "table3-cosine-s0.2-e1-tau2"],
    ["--preset", "table3-sigmoid-s0-e3-tau0.5"],
    ["--preset", "table1-256"],                 # b = 0.5, normalised: exported as gamma'
    ["--preset", "table4-cosine-b0.3"],
    ["--preset", "edm"],
    ["--preset", "laplace"],
    ["--preset", "simple-diffusion-256"],
    ["--preset", "sd-scaled-linear"],           # discrete: exported on its own T = 1000
    ["--preset", "iddpm-cosine"],
    ["--family", "cosine", "--start", "0.2", "--end", "1", "--tau", "1", "--zero-terminal-snr"],
    ["--family", "sigmoid", "--start", "-3", "--end", "3", "--tau", "1.1", "--steps", "250"],
]


FLOW_CASES = [
    (["--family", "rectified-flow", "--shift", "3"], None),
    (["--preset", "sd3-rf-shift3"], None),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "1024"], 1024),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "512"], 512),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "512",
      "--time-shift", "linear"], 512),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "768",
      "--base-shift", "0.3", "--max-shift", "1.4", "--max-seq-len", "8192"], 768),
    (["--family", "rectified-flow", "--flux-mu", "0.8"], 640),
    (["--family", "rectified-flow", "--flux-mu", "1.3", "--time-shift", "linear"], 640),
    (["--family", "rectified-flow", "--shift", "2", "--scale", "0.5"], None),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "1024", "--scale", "0.7"],
     1024),
    (["--family", "rectified-flow", "--flux-mu", "auto", "--image-side", "1024", "--scale", "0.7",
      "--time-shift", "linear"], 1024),
]


def check_flow(case, side):
    """One FlowMatch export against the real scheduler; returns (ok, worst relative error)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "scheduler")
        run(["export"] + case + ["--diffusers", out])
        cfg = json.load(open(os.path.join(out, "scheduler_config.json")))
        assert cfg["_class_name"] == "FlowMatchEulerDiscreteScheduler", cfg["_class_name"]
        sched = FlowMatchEulerDiscreteScheduler.from_pretrained(out)
    T = sched.config.num_train_timesteps
    curve = json.loads(run(["curve"] + case + ["--points", str(T + 1), "--format", "json"]).stdout)
    lam = np.array([x if x is not None else math.inf for x in curve["logsnr"][1:]], dtype=float)
    mine = 1 / (1 + np.exp(lam / 2))
    t = np.arange(1, T + 1) / T
    mu = None
    if sched.config.use_dynamic_shifting:
        # The pipeline's μ for a side×side image, from the exported constants.
        mu = calculate_shift((side // 16) ** 2, sched.config.base_image_seq_len,
                             sched.config.max_image_seq_len, sched.config.base_shift,
                             sched.config.max_shift)
        theirs = sched.time_shift(mu, 1.0, torch.tensor(t, dtype=torch.float64)).numpy()
        tol = 1e-12
    else:
        theirs = sched.sigmas.double().numpy()[::-1]  # __init__'s table runs from t = 1 down
        tol = 4e-7  # float32
    # t = 1: diffusers' σ = 1, schedtui clips γ at clip_min (σ = 0.99997).
    rel = np.abs(mine[:-1] - theirs[:-1]) / theirs[:-1]
    worst = float(rel.max())
    ok = worst <= tol
    if "--scale" not in case:
        for n in (1, 4, 28):
            sched.set_timesteps(n, mu=mu)
            listed = json.loads(run(["sigmas"] + case + ["--steps", str(n)]).stdout)["sigmas"]
            got = np.array(listed, dtype=float)
            want = sched.sigmas.double().numpy()
            close = len(got) == len(want) and np.allclose(got, want, rtol=5e-7, atol=2.5e-7)
            ok = ok and close
            if not close:
                print("   set_timesteps(%d) differs: %s vs %s" % (n, got[:4], want[:4]))
    return ok, worst, tol


def run(args):
    return subprocess.run([EXE] + args, check=True, capture_output=True, text=True)


def main():
    worst_ratio = 0.0
    failures = 0
    for case in CASES:
        export_args = [a for a in case]
        curve_args = [a for a in case]
        if "--steps" in curve_args:
            i = curve_args.index("--steps")
            del curve_args[i:i + 2]
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "scheduler")
            res = run(["export"] + export_args + ["--diffusers", out])
            warnings = [l for l in res.stderr.splitlines() if l.startswith("warning")]
            cfg = json.load(open(os.path.join(out, "scheduler_config.json")))
            T = cfg["num_train_timesteps"]
            assert T == len(cfg["trained_betas"])
            curve = json.loads(run(["curve"] + curve_args + ["--points", str(T + 1), "--format", "json"]).stdout)
            sched = DDPMScheduler.from_pretrained(out)
            ac = sched.alphas_cumprod.double().numpy()
        t = np.array(curve["t"][1:])
        assert np.allclose(t, np.arange(1, T + 1) / T, rtol=0, atol=1e-15)
        scale_b = 1.0
        if "--preset" in case:
            scale_b = json.loads(run(["presets", "--format", "json"]).stdout)
            scale_b = next(p["input_scale"] for p in scale_b if p["name"] == case[case.index("--preset") + 1])
        if scale_b == 1.0:
            expected = np.array(curve["gamma"][1:])
        else:
            lam = np.array(curve["logsnr"][1:], dtype=float)
            expected = 1 / (1 + np.exp(-lam))
        betas = np.array(cfg["trained_betas"], dtype=np.float64)
        capped = betas >= 0.999 * (1 - 1e-12)
        # Where a beta was capped, diffusers should hold the product of the exported betas.
        target = np.where(np.cumsum(capped) > 0, np.cumprod(1 - betas), expected)
        bound = np.cumsum(2.0 ** -23 * (1 + betas / (1 - np.minimum(betas, 0.999999))))
        rel = np.abs(ac - target) / target
        ratio = float(np.max(rel / bound))
        worst_ratio = max(worst_ratio, ratio)
        ok = ratio <= 1.0
        failures += not ok
        name = " ".join(case)
        print(f"{'ok  ' if ok else 'FAIL'} {name:66s} T={T:5d} max rel err {rel.max():.1e}, "
              f"worst err/float32 bound {ratio:.2f}; "
              f"capped steps: {int(capped.sum())}; warnings: {len(warnings)}")
    print(f"{len(CASES) - failures}/{len(CASES)} exports match; worst error/bound = {worst_ratio:.2f}")
    flow_failures = 0
    for case, side in FLOW_CASES:
        ok, worst, tol = check_flow(case, side)
        flow_failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} FlowMatch {' '.join(case):86s} max rel err {worst:.1e} "
              f"(allowed {tol:.0e})")
    print(f"{len(FLOW_CASES) - flow_failures}/{len(FLOW_CASES)} FlowMatch exports match")
    sys.exit(1 if failures or flow_failures else 0)


if __name__ == "__main__":
    main()
