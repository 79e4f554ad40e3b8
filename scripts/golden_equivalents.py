#!/usr/bin/env python3
"""Golden logSNR shifts for `schedtui equivalents`, measured on the real diffusers package.

Writes Tests/SchedulesTests/Fixtures/equivalents_golden.json with three tables:
- sd3: for an SD3 static shift S, FlowMatchEulerDiscreteScheduler(shift=S).set_timesteps(
  sigmas=GRID) against the unshifted scheduler given the same GRID, turned into
  logSNR = 2*ln((1 - sigma)/sigma): how far every level moved (max and min over the list, which
  must agree). The same GRID on both sides, as Flux's pipeline passes its own sigmas: the
  default grid would not do, because it is itself laid out between the shifted ends (issue 19's
  "shift applied twice" quirk), so index-by-index it would not compare like with like;
- flux_mu: the same for use_dynamic_shifting with set_timesteps(mu=MU), exponential time shift;
- calculate_shift: Flux's mu at an image side, from diffusers' own calculate_shift with
  FluxPipeline's image_seq_len = (side // 8 // 2)**2 and Flux.1-dev's scheduler defaults.
schedtui never computes these lists: the tests compare its closed forms with what diffusers does.
Run (needs torch and diffusers, not part of CI): python3 scripts/golden_equivalents.py
"""
import json
import math
import os

import numpy as np
import diffusers
from diffusers import FlowMatchEulerDiscreteScheduler
from diffusers.pipelines.flux.pipeline_flux import calculate_shift


def log_snr(sigmas):
    s = np.asarray(sigmas, dtype=np.float64)
    return 2 * np.log((1 - s) / s)


def interior(a):
    # Leave out sigma = 1 (logSNR -inf) and the appended 0 (+inf).
    a = np.asarray(a, dtype=np.float64)
    return a[(a > 0) & (a < 1)]


def moved(shifted, plain):
    d = log_snr(interior(shifted)) - log_snr(interior(plain))
    return float(d.max()), float(d.min())


# Flux's pipeline: np.linspace(1.0, 1 / N, N); without the 1.0, whose logSNR is -inf.
GRID = np.linspace(1.0, 1 / 20, 20)[1:]


def sd3_rows():
    rows = []
    plain = FlowMatchEulerDiscreteScheduler(shift=1.0)
    plain.set_timesteps(sigmas=GRID)
    for s in [0.5, 1.0, 1.6667, 2.0, 3.0, 3.3333]:
        sch = FlowMatchEulerDiscreteScheduler(shift=s)
        sch.set_timesteps(sigmas=GRID)
        hi, lo = moved(sch.sigmas.numpy(), plain.sigmas.numpy())
        rows.append({"shift": s, "log_snr_moved_max": hi, "log_snr_moved_min": lo})
    return rows


def flux_rows():
    rows = []
    kw = dict(use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15,
              base_image_seq_len=256, max_image_seq_len=4096, time_shift_type="exponential")
    plain = FlowMatchEulerDiscreteScheduler(**kw)
    plain.set_timesteps(sigmas=GRID, mu=0.0)
    for mu in [-0.5, 0.0, 0.5108, 0.6931, 1.15, 1.2]:
        sch = FlowMatchEulerDiscreteScheduler(**kw)
        sch.set_timesteps(sigmas=GRID, mu=mu)
        hi, lo = moved(sch.sigmas.numpy(), plain.sigmas.numpy())
        rows.append({"mu": mu, "log_snr_moved_max": hi, "log_snr_moved_min": lo})
    return rows


def shift_rows():
    rows = []
    for side in [256, 512, 768, 1024, 2048]:
        seq = (side // 8 // 2) * (side // 8 // 2)
        mu = calculate_shift(seq, 256, 4096, 0.5, 1.15)
        rows.append({"image_side": side, "image_seq_len": seq, "mu": float(mu)})
    return rows


def main():
    out = {
        "source": f"diffusers {diffusers.__version__}: FlowMatchEulerDiscreteScheduler, "
                  "pipelines.flux.calculate_shift",
        "sd3": sd3_rows(),
        "flux_mu": flux_rows(),
        "calculate_shift": shift_rows(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                        "SchedulesTests", "Fixtures", "equivalents_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
