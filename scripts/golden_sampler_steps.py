#!/usr/bin/env python3
"""Golden sampler step lists from the real diffusers, for `schedtui sigmas`.

Writes Tests/SchedulesTests/Fixtures/sampler_steps_golden.json. Every list is what the installed
diffusers' own `set_timesteps` makes (never re-derived here):
  - EulerDiscreteScheduler, DDIMScheduler and DPMSolverMultistepScheduler on SD 1.x's
    `scaled_linear` table (0.00085 … 0.012) and the DDPM `linear` table (1e-4 … 0.02), T = 1000;
    spacing linspace, leading (steps_offset 0 and 1), trailing; with and without
    rescale_betas_zero_snr; Euler and DPM-Solver also with use_karras_sigmas,
    use_exponential_sigmas and use_beta_sigmas;
  - FlowMatchEulerDiscreteScheduler with the static shift 3 (SD3), also with each σ conversion,
    and with use_dynamic_shifting at μ from Flux's calculate_shift for a few image sides;
at N in {1, 2, 4, 10, 28, 50, 61, 999}. A combination diffusers refuses (it raises) is stored as
{"refused": message}. DDIM stores its timesteps and σ = sqrt((1 - ᾱ_t)/ᾱ_t) at them from the
scheduler's own alphas_cumprod (float32, as it steps), then its final level from
final_alpha_cumprod (1 with the default set_alpha_to_one, so σ = 0).

To keep the committed file small: a list longer than 8 is stored at 8 indices (the first 3,
2 in the middle, the last 3) with those indices; σ are float32 as diffusers holds them; the
conversions run without steps_offset 1 (it only moves leading's list, which the plain cases
cover); DDIM's refusal of each conversion is stored once.
Run: python3 scripts/golden_sampler_steps.py   (needs torch, diffusers and scipy; not in CI)
"""
import json
import math
import os
import warnings

import numpy as np
import torch
import diffusers
from diffusers import (DDIMScheduler, DPMSolverMultistepScheduler, EulerDiscreteScheduler,
                       FlowMatchEulerDiscreteScheduler)
from diffusers.pipelines.flux.pipeline_flux import calculate_shift

# 61: trailing's np.arange overshoots, N + 1 timesteps (the last −1).
STEPS = [1, 2, 4, 10, 28, 50, 61, 999]
TABLES = {"scaled_linear": (0.00085, 0.012), "linear": (0.0001, 0.02)}
SPACINGS = [("linspace", 0), ("leading", 0), ("leading", 1), ("trailing", 0)]
CONVERSIONS = ["schedule", "karras", "exponential", "beta"]
FLAGS = {"karras": "use_karras_sigmas", "exponential": "use_exponential_sigmas",
         "beta": "use_beta_sigmas"}
SCHEDULERS = {"euler": EulerDiscreteScheduler, "ddim": DDIMScheduler,
              "dpm-solver": DPMSolverMultistepScheduler}


def pick(n):
    """Indices kept for a list of n numbers."""
    if n <= 8:
        return list(range(n))
    mid = n // 2
    return sorted(set(list(range(3)) + [mid - 1, mid] + list(range(n - 3, n))))


def f32(x):
    # Shortest text that reads back to the same float32 (the value diffusers holds).
    if math.isinf(x):
        return None
    return float(str(np.float32(x)))


def num(x):
    return int(x) if x == int(x) else x


def stored(case, sigmas, timesteps):
    idx = pick(len(sigmas))
    case["length"] = len(sigmas)
    if len(idx) < len(sigmas):
        case["index"] = idx
    case["sigma"] = [f32(sigmas[i]) for i in idx]
    # The timesteps have one number fewer (no final level); index past them is left out.
    case["timestep"] = [num(f32(timesteps[i])) for i in idx if i < len(timesteps)]
    return case


def discrete_case(name, table, spacing, offset, conversion, zero_snr, n):
    case = dict(scheduler=name, table=table, spacing=spacing, steps_offset=offset,
                sigmas=conversion, zero_snr=zero_snr, steps=n)
    beta_start, beta_end = TABLES[table]
    kwargs = dict(num_train_timesteps=1000, beta_start=beta_start, beta_end=beta_end,
                  beta_schedule=table, timestep_spacing=spacing, steps_offset=offset,
                  rescale_betas_zero_snr=zero_snr)
    if conversion != "schedule":
        kwargs[FLAGS[conversion]] = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = SCHEDULERS[name](**kwargs)
            s.set_timesteps(n)
    except Exception as e:  # diffusers refuses this combination: the test mirrors it
        case["refused"] = f"{type(e).__name__}: {e}"
        return case
    if conversion != "schedule" and not getattr(s.config, FLAGS[conversion], False):
        # The scheduler has no such option (DDIM): from_config-style kwargs are dropped silently.
        case["refused"] = f"{name} has no {FLAGS[conversion]}"
        return case
    timesteps = s.timesteps.numpy().astype(np.float64)
    if name == "ddim":
        ac = s.alphas_cumprod.numpy()
        # DDIM's step reads alphas_cumprod[timestep]; a timestep −1 wraps to the last.
        sig = [float(np.sqrt((1 - ac[int(t)]) / ac[int(t)])) if ac[int(t)] > 0 else math.inf
               for t in s.timesteps.numpy()]
        fin = float(s.final_alpha_cumprod)
        sig.append(math.sqrt((1 - fin) / fin))
        sigmas = sig
    else:
        sigmas = [float(x) for x in s.sigmas.numpy()]
    return stored(case, sigmas, timesteps)


def flow_case(n, conversion, shift=None, image_side=None):
    case = dict(scheduler="flow-match", sigmas=conversion, steps=n)
    kwargs = dict(num_train_timesteps=1000)
    if conversion != "schedule":
        kwargs[FLAGS[conversion]] = True
    mu = None
    if image_side is None:
        kwargs["shift"] = shift
        case["shift"] = shift
    else:
        kwargs["use_dynamic_shifting"] = True
        # Flux's pipeline: the packed latent has (side/16)² tokens.
        mu = calculate_shift((image_side // 16) ** 2)
        case["image_side"] = image_side
        case["mu"] = mu
    try:
        s = FlowMatchEulerDiscreteScheduler(**kwargs)
        s.set_timesteps(n, mu=mu)
    except Exception as e:
        case["refused"] = f"{type(e).__name__}: {e}"
        return case
    case["init_sigma_min"] = s.sigma_min
    return stored(case, [float(x) for x in s.sigmas.numpy()],
                  s.timesteps.numpy().astype(np.float64))


def main():
    cases = []
    for name in SCHEDULERS:
        for table in TABLES:
            for spacing, offset in SPACINGS:
                for conversion in CONVERSIONS:
                    if conversion != "schedule" and (offset == 1 or name == "ddim"):
                        continue
                    for zero_snr in (False, True):
                        for n in STEPS:
                            cases.append(discrete_case(name, table, spacing, offset,
                                                       conversion, zero_snr, n))
    for conversion in CONVERSIONS[1:]:
        cases.append(discrete_case("ddim", "scaled_linear", "leading", 0, conversion, False, 10))
    for conversion in CONVERSIONS:
        for n in STEPS:
            cases.append(flow_case(n, conversion, shift=3.0))
    for side in (256, 512, 1024):
        for n in STEPS:
            cases.append(flow_case(n, "schedule", image_side=side))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "SchedulesTests", "Fixtures", "sampler_steps_golden.json")
    data = dict(source="scripts/golden_sampler_steps.py: diffusers %s, torch %s, NumPy %s"
                % (diffusers.__version__, torch.__version__, np.__version__),
                train_steps=1000, cases=cases)
    # One line per setting, its lists by N: the settings are written once.
    groups = {}
    per_n = ("steps", "length", "index", "sigma", "timestep", "refused", "mu", "init_sigma_min")
    for c in cases:
        head = {k: v for k, v in c.items() if k not in per_n}
        key = json.dumps(head, sort_keys=True)
        groups.setdefault(key, dict(head, runs=[]))["runs"].append(
            {k: v for k, v in c.items() if k in per_n})
    with open(path, "w") as f:
        f.write('{"source": %s, "train_steps": 1000, "settings": [\n' % json.dumps(data["source"]))
        f.write(",\n".join(json.dumps(g, separators=(",", ":")) for g in groups.values()))
        f.write("\n]}\n")
    refused = sum("refused" in c for c in cases)
    print(f"wrote {path}: {len(cases)} cases, {refused} refused by diffusers")


if __name__ == "__main__":
    main()
