#!/usr/bin/env python3
"""Golden σ lists for `schedtui export --sigmas N`, from independent NumPy code.

Writes Tests/SchedulesTests/Fixtures/sigmas_golden.json. For each case: the schedule's gamma from
the paper's Algorithm 1 (copied verbatim) or the family's own formula, b folded in as the
diffusers export folds it (gamma' = gamma*b^2 / (gamma*b^2 + 1 - gamma)), then k-diffusion's
convention: sigma_i = sqrt((1 - gamma') / gamma') at t_i = 1 - i/N, i = 0 .. N-1, and a final 0.
This computes sigma from gamma', not from the logSNR as schedtui does, so the two are independent.
Run: python3 scripts/golden_sigmas.py
"""
import json
import math
import os
import sys

import numpy as np


# The paper's Algorithm 1, copied verbatim once, in golden_schedules.py.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_schedules import cosine_schedule, sigmoid_schedule, simple_linear_schedule  # noqa: E402


def edm_gamma(t, smin=0.002, smax=80.0, rho=7.0):
    # Karras et al. 2022, eq. (5) read with t = 0 at sigma_min: gamma = 1 / (1 + sigma^2).
    sigma = (smin ** (1 / rho) + t * (smax ** (1 / rho) - smin ** (1 / rho))) ** rho
    return 1 / (1 + sigma ** 2)


def ddpm_linear_gamma(t, T=1000, beta_start=1e-4, beta_end=0.02):
    # diffusers' "linear" betas; alphas_cumprod[k-1] at t = k/T, log-linear in between.
    betas = np.linspace(beta_start, beta_end, T, dtype=np.float64)
    log_ac = np.concatenate([[0.0], np.cumsum(np.log1p(-betas))])
    return math.exp(np.interp(t * T, np.arange(T + 1), log_ac))


CASES = [
    # The case: cosine@0.2,1,1 with b = 0.5, N = 20.
    dict(params={"family": "cosine", "start": 0.2, "end": 1.0, "tau": 1.0}, b=0.5, n=20,
         gamma=lambda t: cosine_schedule(t, 0.2, 1.0, 1.0)),
    dict(params={"family": "sigmoid", "start": 0.0, "end": 3.0, "tau": 0.5}, b=1.0, n=10,
         gamma=lambda t: sigmoid_schedule(t, 0.0, 3.0, 0.5)),
    dict(params={"family": "linear"}, b=0.7, n=8, gamma=lambda t: simple_linear_schedule(t)),
    dict(params={"family": "edm"}, b=1.0, n=12, gamma=edm_gamma),
    dict(params={"family": "ddpm-linear"}, b=2.0, n=25, gamma=ddpm_linear_gamma),
]


def sigmas(gamma, b, n):
    out = []
    for i in range(n):
        g = float(gamma(1 - i / n))
        g1 = g * b * b / (g * b * b + 1 - g)
        out.append(math.sqrt((1 - g1) / g1))
    return out + [0.0]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cases = [dict(family=c["params"]["family"],
                  params={k: v for k, v in c["params"].items() if k != "family"},
                  input_scale=c["b"], steps=c["n"], sigmas=sigmas(c["gamma"], c["b"], c["n"]))
             for c in CASES]
    data = dict(source="scripts/golden_sigmas.py (NumPy %s); Algorithm 1 copied verbatim"
                % np.__version__, cases=cases)
    path = os.path.join(root, "Tests", "SchedulesTests", "Fixtures", "sigmas_golden.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
