#!/usr/bin/env python3
"""Golden alphas_cumprod from the REAL diffusers package, for schedtui's discrete families.

Writes Tests/SchedulesTests/Fixtures/diffusers_golden.json: for each setting, a subset of indices k
and DDPMScheduler(...).alphas_cumprod[k] (which schedtui calls gamma((k+1)/T)). diffusers builds
these in float32, so the Swift test compares with a float32-sized tolerance.
Needs torch + diffusers (not part of CI). Run: python3 scripts/golden_diffusers.py
"""
import json
import os

import diffusers
import torch
from diffusers import DDPMScheduler

SETTINGS = [
    # (schedtui family, diffusers beta_schedule, T, beta_start, beta_end)
    ("ddpm-linear", "linear", 1000, 0.0001, 0.02),
    ("ddpm-linear", "linear", 10, 0.0001, 0.02),
    ("ddpm-linear", "linear", 250, 0.0005, 0.05),
    ("ddpm-scaled-linear", "scaled_linear", 1000, 0.00085, 0.012),
    ("ddpm-scaled-linear", "scaled_linear", 20, 0.00085, 0.012),
    ("ddpm-cosine", "squaredcos_cap_v2", 1000, None, None),
    ("ddpm-cosine", "squaredcos_cap_v2", 10, None, None),
]


def indices(T):
    picked = set(range(min(T, 5))) | set(range(0, T, max(1, T // 25))) | set(range(max(0, T - 5), T))
    return sorted(picked)


def main():
    out = []
    for family, schedule, T, b0, b1 in SETTINGS:
        for rescale in (False, True):
            kw = dict(num_train_timesteps=T, beta_schedule=schedule, rescale_betas_zero_snr=rescale)
            params = dict(train_steps=T, zero_terminal_snr=rescale)
            if b0 is not None:
                kw.update(beta_start=b0, beta_end=b1)
                params.update(beta_start=b0, beta_end=b1)
            ac = DDPMScheduler(**kw).alphas_cumprod
            assert ac.dtype == torch.float32
            idx = indices(T)
            out.append(dict(family=family, params=params, index=idx,
                            alphas_cumprod=[float(ac[k]) for k in idx]))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "SchedulesTests", "Fixtures", "diffusers_golden.json")
    with open(path, "w") as f:
        json.dump(dict(source="scripts/golden_diffusers.py, diffusers %s, torch %s (float32)"
                       % (diffusers.__version__, torch.__version__), settings=out), f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
