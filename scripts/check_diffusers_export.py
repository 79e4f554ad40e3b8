#!/usr/bin/env python3
"""Check schedtui's diffusers export with the real diffusers package (needs torch; not in CI).

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
from diffusers import DDPMScheduler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")

CASES = [
    ["--preset", "table3-linear"],
    ["--preset", "table3-cosine-s0.2-e1-tau2"],
    ["--preset", "table3-sigmoid-s0-e3-tau0.5"],
    ["--preset", "table1-256"],                 # b = 0.5, normalised: exported as gamma'
    ["--preset", "table4-cosine-b0.3"],
    ["--preset", "edm"],
    ["--preset", "sd3-rf-shift3"],
    ["--preset", "laplace"],
    ["--preset", "simple-diffusion-256"],
    ["--preset", "sd-scaled-linear"],           # discrete: exported on its own T = 1000
    ["--preset", "iddpm-cosine"],
    ["--family", "cosine", "--start", "0.2", "--end", "1", "--tau", "1", "--zero-terminal-snr"],
    ["--family", "sigmoid", "--start", "-3", "--end", "3", "--tau", "1.1", "--steps", "250"],
]


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
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
