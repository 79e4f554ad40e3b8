#!/usr/bin/env python3
"""Golden shifted rectified-flow schedules from the real diffusers, for schedtui's shift fields.

Writes Tests/SchedulesTests/Fixtures/flow_shift_golden.json. Every σ is what the installed
diffusers' FlowMatchEulerDiscreteScheduler computes (never re-derived here):
  - "training": σ'(t) at t = i/1000 for a subset of i, the noise level a flow-matching trainer
    draws at t:
      * static shift 3 (SD3): the scheduler's own `sigmas` after __init__(shift=3) (float32);
      * dynamic μ: the scheduler's `time_shift(mu, 1.0, t)` with time_shift_type exponential
        and linear, μ from Flux's pipeline `calculate_shift((side // 16) ** 2)` at 512 and
        1024 px (float64 t, so the comparison sees diffusers' formula, not float32 rounding);
  - "sampling": set_timesteps(N, mu=μ) lists with use_dynamic_shifting for each time shift and
    μ of 512/1024 px, and a μ given directly (0.8), at N in {1, 4, 28, 50}.
Run: python3 scripts/golden_flow_shift.py   (needs torch and diffusers; not in CI)
"""
import json
import os

import numpy as np
import torch
import diffusers
from diffusers import FlowMatchEulerDiscreteScheduler
from diffusers.pipelines.flux.pipeline_flux import calculate_shift

T = 1000
INDICES = [1, 2, 5, 10, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950, 990, 999, 1000]
STEPS = [1, 4, 28, 50]


def f32(x):
    return float(str(np.float32(x)))


def main():
    training = []
    s = FlowMatchEulerDiscreteScheduler(num_train_timesteps=T, shift=3.0)
    # __init__'s sigmas run from t = 1 (index 0) down to t = 1/T (index T − 1).
    sig = s.sigmas.numpy()
    training.append(dict(shift=3.0, t=[i / T for i in INDICES],
                         sigma=[f32(sig[T - i]) for i in INDICES]))
    for side in (512, 1024):
        mu = calculate_shift((side // 16) ** 2)
        for kind in ("exponential", "linear"):
            s = FlowMatchEulerDiscreteScheduler(num_train_timesteps=T, use_dynamic_shifting=True,
                                                time_shift_type=kind)
            t = torch.tensor([i / T for i in INDICES], dtype=torch.float64)
            shifted = s.time_shift(mu, 1.0, t).numpy()
            training.append(dict(image_side=side, mu=mu, time_shift=kind,
                                 t=[i / T for i in INDICES], sigma=[float(x) for x in shifted]))
    sampling = []
    cases = [(side, calculate_shift((side // 16) ** 2)) for side in (512, 1024)] + [(None, 0.8)]
    for side, mu in cases:
        for kind in ("exponential", "linear"):
            runs = []
            for n in STEPS:
                s = FlowMatchEulerDiscreteScheduler(num_train_timesteps=T,
                                                    use_dynamic_shifting=True,
                                                    time_shift_type=kind)
                s.set_timesteps(n, mu=mu)
                runs.append(dict(steps=n, sigma=[f32(x) for x in s.sigmas.numpy()],
                                 timestep=[f32(x) for x in s.timesteps.numpy()]))
            case = dict(mu=mu, time_shift=kind, runs=runs)
            if side is not None:
                case["image_side"] = side
            sampling.append(case)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "SchedulesTests", "Fixtures", "flow_shift_golden.json")
    data = dict(source="scripts/golden_flow_shift.py: diffusers %s, torch %s"
                % (diffusers.__version__, torch.__version__),
                train_steps=T, training=training, sampling=sampling)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(training)} training curves, {len(sampling)} sampling settings")


if __name__ == "__main__":
    main()
