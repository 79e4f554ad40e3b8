#!/usr/bin/env python3
"""Golden histograms for schedtui's training densities p(lambda), from NumPy and real diffusers.

Writes Tests/SchedulesTests/Fixtures/densities_golden.json:
  - "numpy": for each case (a schedule, its input scale b, a t-sampling), 10^6 draws made by the
    sampling's own formula in NumPy (t = sigmoid(M + S n); SD3's mode f(u); lognormal's
    lambda = -2 (P_mean + P_std n)), turned into the scaled process's logSNR
    lambda = log(gamma b^2 / (1 - gamma)) with the schedule written independently (the paper's
    Algorithm 1 from golden_schedules.py, rectified flow's formula), then counted in bins of
    lambda; draws where gamma is clipped are counted apart ("clipped").
  - "diffusers": 10^6 draws of u from diffusers' own compute_density_for_timestep_sampling
    ("logit_normal", "mode"), counted in bins of u on [0, 1].
The Swift tests integrate schedtui's density over each bin and compare with the counts.
Run (diffusers and torch needed for the second part, not part of CI):
    python3 scripts/golden_densities.py
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_schedules import cosine_schedule, rectified_flow, simple_linear_schedule  # noqa: E402

N = 1_000_000
CLIP_MIN = 1e-9


def draw_t(sampling, rng):
    kind = sampling[0]
    if kind == "uniform":
        return rng.random(N)
    if kind == "logit-normal":
        m, s = sampling[1:]
        return 1 / (1 + np.exp(-(m + s * rng.standard_normal(N))))
    if kind == "mode":
        (scale,) = sampling[1:]
        u = rng.random(N)
        return 1 - u - scale * (np.cos(np.pi * u / 2) ** 2 - 1 + u)
    raise ValueError(kind)


def cosine_gamma(t, s, e, tau):
    # Algorithm 1's cosine_schedule works on one t at a time (math.cos).
    return np.array([cosine_schedule(x, s, e, tau) for x in t])


CASES = [
    dict(family="linear", params={}, b=1.0, sampling=("uniform",),
         gamma=lambda t: simple_linear_schedule(t)),
    dict(family="linear", params={}, b=0.5, sampling=("mode", 1.29),
         gamma=lambda t: simple_linear_schedule(t)),
    dict(family="cosine", params={"start": 0.2, "end": 1.0, "tau": 1.0}, b=0.5,
         sampling=("logit-normal", 0.0, 1.0),
         gamma=lambda t: cosine_gamma(t, 0.2, 1.0, 1.0)),
    dict(family="rectified-flow", params={"shift": 3.0}, b=1.0,
         sampling=("logit-normal", 0.0, 1.0), gamma=lambda t: rectified_flow(t, 3.0)),
    dict(family="rectified-flow", params={"shift": 1.0}, b=0.7,
         sampling=("logit-normal", 0.5, 0.8), gamma=lambda t: rectified_flow(t, 1.0)),
    dict(family="linear", params={}, b=1.0, sampling=("mode", -0.5),
         gamma=lambda t: simple_linear_schedule(t)),
    dict(family="edm", params={}, b=1.0, sampling=("lognormal", -1.2, 1.2), gamma=None),
]

EDGES = np.linspace(-16, 16, 65)


def numpy_cases():
    out = []
    rng = np.random.default_rng(20261204)
    for c in CASES:
        s = c["sampling"]
        if s[0] == "lognormal":
            m, sd = s[1:]
            lam = -2 * (m + sd * rng.standard_normal(N))
            clipped = 0
        else:
            t = draw_t(s, rng)
            g = c["gamma"](t)
            is_clipped = (g <= CLIP_MIN) | (g >= 1.0)
            clipped = int(is_clipped.sum())
            g = g[~is_clipped]
            lam = np.log(g * c["b"] ** 2) - np.log1p(-g)
        counts, _ = np.histogram(lam, bins=EDGES)
        out.append({
            "family": c["family"], "params": c["params"], "input_scale": c["b"],
            "t_sampling": ":".join(s[:1] + tuple(f"{x:g}" for x in s[1:])),
            "draws": N, "clipped": clipped, "edges": EDGES.tolist(),
            "counts": counts.tolist(),
        })
    return out


def diffusers_cases():
    import diffusers
    import torch
    from diffusers.training_utils import compute_density_for_timestep_sampling as density
    out = []
    edges = np.linspace(0, 1, 41)
    for scheme, kw, name in [("logit_normal", dict(logit_mean=0.0, logit_std=1.0), "logit-normal:0:1"),
                             ("logit_normal", dict(logit_mean=0.5, logit_std=0.8), "logit-normal:0.5:0.8"),
                             ("mode", dict(mode_scale=1.29), "mode:1.29")]:
        gen = torch.Generator().manual_seed(0)
        u = density(scheme, N, generator=gen, **kw).double().numpy()
        counts, _ = np.histogram(u, bins=edges)
        out.append({"scheme": scheme, "arguments": kw, "t_sampling": name, "draws": N,
                    "edges": edges.tolist(), "counts": counts.tolist()})
    return out, diffusers.__version__


def main():
    numpy_part = numpy_cases()
    try:
        diffusers_part, version = diffusers_cases()
        source = f"NumPy {np.__version__}; diffusers {version} compute_density_for_timestep_sampling"
    except ImportError as e:
        sys.exit(f"diffusers and torch are needed for the second part: {e}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                        "SchedulesTests", "Fixtures", "densities_golden.json")
    with open(path, "w") as f:
        json.dump({"source": source, "numpy": numpy_part, "diffusers": diffusers_part}, f)
        f.write("\n")
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
