#!/usr/bin/env python3
"""Golden values for schedtui's schedules, from independent NumPy code.

Writes Tests/SchedulesTests/Fixtures/schedules_golden.json:
  - "algorithm1": the paper's Algorithm 1 (Chen 2023), copied verbatim below, evaluated on a grid of
    t including 0 and 1 for every row of Table 3, linear, and more parameter sets.
  - "families": the other families written from their papers' formulas in NumPy (float64), on
    the same grid: shifted cosine, EDM, Laplace, rectified flow with shift, the zero-terminal-SNR
    rescale, and the diffusers discrete families' float64 formulas (betas -> cumprod).
The Swift tests compare against these at 1e-12 relative. Run: python3 scripts/golden_schedules.py
"""
import json
import math
import os

import numpy as np


def sigmoid(x):
    # Algorithm 1 uses `sigmoid` without defining it: the logistic function.
    return 1 / (1 + np.exp(-x))


# ---- Algorithm 1, verbatim from the paper -------------------------------------------------------

def simple_linear_schedule(t, clip_min=1e-9):
    # A gamma function that simply is 1-t.
    return np.clip(1 - t, clip_min, 1.)

def sigmoid_schedule(t, start=-3, end=3, tau=1.0, clip_min=1e-9):
    # A gamma function based on sigmoid function.
    v_start = sigmoid(start / tau)
    v_end = sigmoid(end / tau)
    output = sigmoid((t * (end - start) + start) / tau)
    output = (v_end - output) / (v_end - v_start)
    return np.clip(output, clip_min, 1.)

def cosine_schedule(t, start=0, end=1, tau=1, clip_min=1e-9):
    # A gamma function based on cosine function.
    v_start = math.cos(start * math.pi / 2) ** (2 * tau)
    v_end = math.cos(end * math.pi / 2) ** (2 * tau)
    output = math.cos((t * (end - start) + start) * math.pi / 2) ** (2 * tau)
    output = (v_end - output) / (v_end - v_start)
    return np.clip(output, clip_min, 1.)

# -------------------------------------------------------------------------------------------------

# t grid: both ends, a uniform grid, and points close to the ends.
T_GRID = sorted(set([0.0, 1.0] + [i / 40 for i in range(41)]
                    + [1e-6, 1e-3, 0.01, 0.99, 0.999, 1 - 1e-6, 0.123456789, 0.7071067811865476]))


def algorithm1_cases():
    cases = [dict(family="linear", params={}, fn=lambda t: simple_linear_schedule(t))]
    # Table 3 rows (and the linear row above), then more.
    cosines = [(0, 1, 1), (0.2, 1, 1), (0.2, 1, 2), (0.2, 1, 3),
               (0, 1, 0.5), (0.1, 0.9, 1.5), (0, 0.5, 1), (0.3, 1, 0.7)]
    sigmoids = [(-3, 3, 0.9), (-3, 3, 1.1), (0, 3, 0.3), (0, 3, 0.5), (0, 3, 0.7), (0, 3, 0.9),
                (0, 3, 1.1), (-3, 3, 1.0), (-1, 2, 0.25), (-5, 5, 2.0)]
    for s, e, tau in cosines:
        cases.append(dict(family="cosine", params=dict(start=s, end=e, tau=tau),
                          fn=lambda t, s=s, e=e, tau=tau: cosine_schedule(t, s, e, tau)))
    for s, e, tau in sigmoids:
        cases.append(dict(family="sigmoid", params=dict(start=s, end=e, tau=tau),
                          fn=lambda t, s=s, e=e, tau=tau: sigmoid_schedule(t, s, e, tau)))
    cases.append(dict(family="cosine", params=dict(start=0.2, end=1, tau=1, clip_min=1e-4),
                      fn=lambda t: cosine_schedule(t, 0.2, 1, 1, clip_min=1e-4)))
    cases.append(dict(family="linear", params=dict(clip_min=1e-3),
                      fn=lambda t: simple_linear_schedule(t, clip_min=1e-3)))
    out = []
    for c in cases:
        gamma = [float(c["fn"](t)) for t in T_GRID]
        out.append(dict(family=c["family"], params=c["params"], gamma=gamma))
    return out


# ---- Other families, from their papers' formulas -----------------------------------------------

def clip(g, clip_min=1e-9):
    return np.clip(g, clip_min, 1.0)


def from_logsnr(lam):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-lam))


def shifted_cosine(t, base, res):
    # simple diffusion (Hoogeboom et al. 2023): logSNR = -2 log tan(pi t / 2) + 2 log(base / res).
    with np.errstate(divide="ignore"):
        lam = -2 * np.log(np.tan(np.pi * t / 2)) + 2 * np.log(base / res)
    return clip(from_logsnr(lam))


def edm(t, smin, smax, rho):
    # Karras et al. 2022 rho-spacing, run from sigma_min (t=0) to sigma_max (t=1).
    sigma = (smin ** (1 / rho) + t * (smax ** (1 / rho) - smin ** (1 / rho))) ** rho
    return clip(1 / (1 + sigma ** 2))


def laplace(t, mu, b):
    # Hang et al. 2024: logSNR = mu - b * sign(0.5 - t) * ln(1 - 2|t - 0.5|).
    with np.errstate(divide="ignore"):
        lam = mu - b * np.sign(0.5 - t) * np.log(1 - 2 * np.abs(t - 0.5))
    return clip(from_logsnr(lam))


def rectified_flow(t, shift):
    # x_t = (1 - t') x0 + t' eps, t' = s t / (1 + (s - 1) t) (SD3's shift).
    ts = shift * t / (1 + (shift - 1) * t)
    return clip((1 - ts) ** 2 / ((1 - ts) ** 2 + ts ** 2))


def zero_snr(gamma_fn, clipped=True):
    # Lin et al. 2023 on sqrt(gamma) with sqrt(gamma(0)), sqrt(gamma(1)) of the clipped schedule.
    # clipped=False leaves the result unclipped, for a shift that comes before the clip.
    a0, a1 = math.sqrt(gamma_fn(0.0)), math.sqrt(gamma_fn(1.0))
    def g(t):
        r = max(math.sqrt(gamma_fn(t)) - a1, 0.0) * a0 / (a0 - a1)
        return clip(r * r) if clipped else r * r
    return g


def shifted(gamma_fn, shift):
    # The shift every family reads (DECISIONS 2026-12-04): logSNR - 2 ln S, i.e.
    # gamma' = gamma / (gamma + S^2 (1 - gamma)), on the (rescaled) curve, then the clip.
    def g(t):
        gam = gamma_fn(t)
        return clip(gam / (gam + shift * shift * (1 - gam)))
    return g


def ddpm_betas(kind, T, beta_start=1e-4, beta_end=0.02):
    # diffusers' formulas in float64 (diffusers itself builds the linear ones in float32).
    if kind == "ddpm-linear":
        return np.linspace(beta_start, beta_end, T, dtype=np.float64)
    if kind == "ddpm-scaled-linear":
        return np.linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=np.float64) ** 2
    if kind == "ddpm-cosine":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)])
    raise ValueError(kind)


def ddpm_alphas_cumprod(kind, T, zero_snr_rescale=False, **kw):
    ac = np.cumprod(1 - ddpm_betas(kind, T, **kw))
    if zero_snr_rescale:
        a = np.sqrt(ac)
        a0, aT = a[0], a[-1]
        a = (a - aT) * a0 / (a0 - aT)
        ac = a ** 2
    return ac


def ddpm_gamma(kind, T, zero_snr_rescale=False, clip_min=1e-9, **kw):
    # gamma(k/T) = alphas_cumprod[k-1], gamma(0) = 1, log-linear in between.
    lg = np.log(np.clip(np.concatenate([[1.0], ddpm_alphas_cumprod(kind, T, zero_snr_rescale, **kw)]),
                        clip_min, 1.0))
    def g(t):
        u = t * T
        k = min(int(math.floor(u)), T - 1)
        w = u - k
        return float(np.exp(lg[k] + w * (lg[k + 1] - lg[k])))
    return g


def family_cases():
    cases = [
        ("shifted-cosine", dict(base_resolution=64, resolution=256),
         lambda t: shifted_cosine(t, 64, 256)),
        ("shifted-cosine", dict(base_resolution=128, resolution=32),
         lambda t: shifted_cosine(t, 128, 32)),
        ("edm", dict(sigma_min=0.002, sigma_max=80, rho=7), lambda t: edm(t, 0.002, 80, 7)),
        ("edm", dict(sigma_min=0.01, sigma_max=20, rho=3), lambda t: edm(t, 0.01, 20, 3)),
        ("laplace", dict(laplace_mu=0, laplace_beta=0.5), lambda t: laplace(t, 0, 0.5)),
        ("laplace", dict(laplace_mu=1.5, laplace_beta=2), lambda t: laplace(t, 1.5, 2)),
        ("rectified-flow", dict(shift=1), lambda t: rectified_flow(t, 1)),
        ("rectified-flow", dict(shift=3), lambda t: rectified_flow(t, 3)),
        ("rectified-flow", dict(shift=0.5), lambda t: rectified_flow(t, 0.5)),
        ("edm", dict(sigma_min=0.002, sigma_max=80, rho=7, zero_terminal_snr=True),
         zero_snr(lambda t: float(edm(t, 0.002, 80, 7)))),
        ("sigmoid", dict(start=0, end=3, tau=0.5, zero_terminal_snr=True),
         zero_snr(lambda t: float(sigmoid_schedule(t, 0, 3, 0.5)))),
        # The zero-terminal-SNR rescale runs on the unshifted curve, then the shift moves it.
        ("rectified-flow", dict(shift=3, zero_terminal_snr=True),
         shifted(zero_snr(lambda t: float(rectified_flow(t, 1)), clipped=False), 3)),
        ("cosine", dict(start=0, end=1, tau=1, shift=2),
         shifted(lambda t: float(cosine_schedule(t, 0, 1, 1)), 2)),
        ("cosine", dict(start=0.2, end=1, tau=1, shift=0.5, zero_terminal_snr=True),
         shifted(zero_snr(lambda t: float(cosine_schedule(t, 0.2, 1, 1)), clipped=False), 0.5)),
    ]
    for kind, kw in [("ddpm-linear", {}), ("ddpm-scaled-linear", dict(beta_start=0.00085, beta_end=0.012)),
                     ("ddpm-cosine", {})]:
        for T in (1000, 10):
            for z in (False, True):
                params = dict(train_steps=T, zero_terminal_snr=z)
                params.update(kw)
                cases.append((kind, params, ddpm_gamma(kind, T, z, **kw)))
    out = []
    for family, params, fn in cases:
        out.append(dict(family=family, params=params, gamma=[float(fn(t)) for t in T_GRID]))
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "SchedulesTests", "Fixtures", "schedules_golden.json")
    data = dict(
        source="scripts/golden_schedules.py (NumPy %s); Algorithm 1 copied verbatim from Chen 2023"
               % np.__version__,
        t=T_GRID, algorithm1=algorithm1_cases(), families=family_cases())
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
