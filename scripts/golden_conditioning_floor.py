#!/usr/bin/env python3
"""Golden conditioning floors: where a run's training put 0.1 % of its draws and a millionth of
its loss weight, by adaptive quadrature (SciPy), independent of schedtui's grid.

Writes Tests/SchedulesTests/Fixtures/conditioning_floor_golden.json, one case per schedule,
input scale b, t-sampling and objective:
  - "drawn": the lambda below which the draws hold 0.1 % (t* with P(T > t*) = 0.001, then
    lambda(t*)), or the schedule's lowest lambda when the clip alone holds more;
  - "weighted": the lambda below which the loss weight W holds 1e-6 of its total, with
        share(t*) = int_{t*}^1 p_t(t) W(lambda(t)) dt / int_0^1 p_t(t) W(lambda(t)) dt
    W being the weight on the network's own output's squared error, written out here per
    output from the objectives' definitions (not from schedtui's coefficients):
        x0 output, min-SNR-g, skip l_s:  min(1, g e^-l) * e^l * k^2,  k = sigmoid(l_s - l)
        x0 output, min-SNR-g, no skip:   min(1, g e^-l) * e^l
        eps output, eps-MSE:             1
        flow output, flow-MSE:           1   (w = (1 + b e^{-l/2})^2 = ((sqrt(g) + s)/sqrt(g))^2
                                              on the eps-MSE, out = sqrt(g)/(sqrt(g) + s))
    lambda(t) = log(gamma b^2 / (1 - gamma)) with gamma from golden_schedules.py (the paper's
    Algorithm 1, clipped at 1e-9; the clipped stretch is a point mass at the lowest lambda);
  - "floor": the higher of the two, the lowest lambda the network is told.
Run: python3 scripts/golden_conditioning_floor.py  (NumPy and SciPy; not part of CI)
"""
import json
import math
import os
import sys
import warnings

from scipy import integrate, optimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_schedules import cosine_schedule, rectified_flow, simple_linear_schedule  # noqa: E402

DRAWN_SHARE = 1e-3
WEIGHT_SHARE = 1e-6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "SchedulesTests",
                   "Fixtures", "conditioning_floor_golden.json")


def sig(x):
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


def weight(kind, lam):
    if kind == "eps" or kind == "flow":
        return 1.0
    g, skip = kind[1], kind[2]
    # min(1, g e^-l) * e^l = min(e^l, g), written so that l = +inf (gamma = 1) gives g.
    w = g if lam > math.log(g) else math.exp(lam)
    return w * sig(skip - lam) ** 2 if skip is not None else w


def density_t(sampling, t):
    if sampling[0] == "uniform":
        return 1.0
    if sampling[0] == "logit-normal":
        m, s = sampling[1:]
        x = math.log(t / (1 - t))
        return math.exp(-((x - m) / s) ** 2 / 2) / (s * math.sqrt(2 * math.pi) * t * (1 - t))
    raise ValueError(sampling)


def cdf_t(sampling, t):
    if sampling[0] == "uniform":
        return t
    m, s = sampling[1:]
    return 0.5 * math.erfc(-(math.log(t / (1 - t)) - m) / (s * math.sqrt(2)))


CASES = [
    dict(family="linear", params={}, b=1.0, sampling=("uniform",), objective=("x0", 5.0, None),
         gamma=lambda t: float(simple_linear_schedule(t))),
    dict(family="linear", params={}, b=1.0, sampling=("uniform",), objective=("x0", 5.0, 6.0),
         gamma=lambda t: float(simple_linear_schedule(t))),
    dict(family="linear", params={}, b=1.0, sampling=("uniform",), objective=("x0", 5.0, 8.0),
         gamma=lambda t: float(simple_linear_schedule(t))),
    dict(family="linear", params={}, b=0.5, sampling=("uniform",), objective=("x0", 5.0, 6.0),
         gamma=lambda t: float(simple_linear_schedule(t))),
    dict(family="cosine", params={"start": 0.2, "end": 1.0, "tau": 1.0}, b=1.0,
         sampling=("uniform",), objective=("x0", 5.0, 6.0),
         gamma=lambda t: float(cosine_schedule(t, 0.2, 1.0, 1.0))),
    dict(family="cosine", params={"start": 0.2, "end": 1.0, "tau": 1.0}, b=0.5,
         sampling=("uniform",), objective=("x0", 5.0, 6.0),
         gamma=lambda t: float(cosine_schedule(t, 0.2, 1.0, 1.0))),
    # The digits' default: the cosine schedule, b = 1, the x0 output with its skip at 8.
    dict(family="cosine", params={"start": 0.0, "end": 1.0, "tau": 1.0}, b=1.0,
         sampling=("uniform",), objective=("x0", 5.0, 8.0),
         gamma=lambda t: float(cosine_schedule(t, 0.0, 1.0, 1.0))),
    dict(family="linear", params={}, b=1.0, sampling=("uniform",), objective="eps",
         gamma=lambda t: float(simple_linear_schedule(t))),
    dict(family="rectified-flow", params={"shift": 1.0}, b=1.0,
         sampling=("logit-normal", 0.0, 1.0), objective="flow",
         gamma=lambda t: float(rectified_flow(t, 1.0))),
]


def logsnr(case, t):
    g = case["gamma"](t)
    return math.log(g * case["b"] ** 2 / (1 - g)) if g < 1 else math.inf


def lowest_t_unclipped(case):
    # Where gamma reaches the clip (1e-9): beyond it lambda is one value.
    return optimize.brentq(lambda t: case["gamma"](t) - 1e-9 * (1 + 1e-9), 0.5, 1 - 1e-15,
                           xtol=1e-16)


def solve(case):
    sampling, kind = case["sampling"], case["objective"]
    t_clip = lowest_t_unclipped(case)
    lam_low = logsnr(case, 1 - 1e-16)

    def mass(t):
        return density_t(sampling, t) * weight(kind, logsnr(case, t))

    clip_draws = 1 - cdf_t(sampling, t_clip)
    clip_mass = clip_draws * weight(kind, lam_low)

    def tail(t0):
        # Weight on draws with t > t0 (lambda below lambda(t0)), the clip's point mass included.
        v, _ = integrate.quad(mass, t0, t_clip, epsabs=0, epsrel=1e-10, limit=500)
        return v + clip_mass

    # Split at points where the integrand bends, so quad resolves both ends.
    points = [0, 1e-8, 1e-4, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, t_clip]
    total = clip_mass + sum(
        integrate.quad(mass, a, b, epsabs=0, epsrel=1e-10, limit=500)[0]
        for a, b in zip(points, points[1:]))

    if clip_draws >= DRAWN_SHARE:
        drawn = lam_low
    else:
        t_star = optimize.brentq(lambda t: (1 - cdf_t(sampling, t)) - DRAWN_SHARE, 0.5, t_clip,
                                 xtol=1e-15)
        drawn = logsnr(case, t_star)
    if clip_mass >= WEIGHT_SHARE * total:
        weighted = lam_low
    else:
        t_star = optimize.brentq(lambda t: tail(t) / total - WEIGHT_SHARE, 0.01, t_clip,
                                 xtol=1e-15)
        weighted = logsnr(case, t_star)
    shares = {str(l): tail(optimize.brentq(lambda t: logsnr(case, t) - l, 1e-9, t_clip,
                                           xtol=1e-15)) / total for l in (-10.0, -6.0, -2.0)}
    return drawn, weighted, shares


def t_sampling_name(sampling):
    # schedtui's own syntax for it (TimestepSampling(parsing:)).
    if sampling[0] == "uniform":
        return "uniform"
    return f"logit-normal:{sampling[1]:g}:{sampling[2]:g}"


def objective_json(kind):
    if kind == "eps":
        return {"prediction": "eps", "weighting": "eps-mse"}
    if kind == "flow":
        return {"prediction": "flow", "weighting": "flow-mse"}
    return {"prediction": "x0", "weighting": "min-snr", "min_snr_gamma": kind[1],
            "x0_skip": kind[2]}


def main():
    # quad warns of roundoff on the flat stretches at 1e-10; the first case's closed form,
    # (ln(1 + e^L) - sigmoid(L)) / ln 6 for L <= ln 5, agrees with it to 1e-12.
    warnings.simplefilter("ignore", integrate.IntegrationWarning)
    out = []
    for case in CASES:
        drawn, weighted, shares = solve(case)
        row = {"family": case["family"], "params": case["params"], "b": case["b"],
               "t_sampling": t_sampling_name(case["sampling"]), "objective": objective_json(case["objective"]),
               "drawn": drawn, "weighted": weighted, "floor": max(drawn, weighted),
               "weight_share_below": shares}
        out.append(row)
        print(f'{case["family"]:15s} b={case["b"]} {case["sampling"][0]:12s} '
              f'{str(case["objective"]):18s} drawn {drawn:8.4f} weighted {weighted:8.4f}')
    with open(OUT, "w") as f:
        json.dump({"source": "scripts/golden_conditioning_floor.py (SciPy quad, the paper's Algorithm 1)", "cases": out}, f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
