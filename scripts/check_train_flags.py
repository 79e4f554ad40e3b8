#!/usr/bin/env python3
"""Check `schedtui export --train-flags` against the trainers' own code (not in CI).

For each setting, schedtui prints the flags of diffusers' train_dreambooth_sd3.py and kohya's
flux_train_network.py. This script
  1. parses those flags with each script's *own* argparse definitions (diffusers'
     `parse_args`, kohya's `add_flux_train_arguments` and train_util's
     `add_dit_training_arguments`, taken from the scripts' source, not rewritten), so a flag that
     does not exist or a value outside its choices fails;
  2. draws 200,000 noise levels σ the way each script's training loop does: diffusers with its
     own `compute_density_for_timestep_sampling` and a FlowMatchEulerDiscreteScheduler(shift=S)
     (S from schedtui's note, as the model's scheduler config would hold it), the three lines of
     the script's loop (u → indices → scheduler sigmas); kohya with its own
     `get_noisy_model_input_and_timesteps` (and `time_shift`, `get_lin_function`, `get_sigmas`,
     `compute_density_for_timestep_sampling`) on latents of the image side's shape;
  3. compares the distribution of λ = 2·ln((1 − σ)/σ) with schedtui's own density p(λ) of the
     same setting (`schedtui curve --points 200001 --format json`, integrated per bin): the
     largest difference of the two CDFs over λ ∈ [−10, 10] in steps of 0.25.
The scheduler's 1000 levels make diffusers' and kohya's `sigma` draws discrete (t in steps of
0.001), so the bound is 0.006 (binomial standard deviation ≤ 0.0011 at 2·10⁵ draws, plus the grid).

Needs torch, diffusers and the two repositories' sources: DIFFUSERS_REPO and KOHYA_REPO (git
checkouts; default: the mirrors under /work/.mirror). Usage:
  python3 scripts/check_train_flags.py [path/to/schedtui]
"""
import argparse
import ast
import json
import math
import os
import subprocess
import sys
import typing
import warnings

import numpy as np
import torch
from diffusers import FlowMatchEulerDiscreteScheduler
from diffusers.training_utils import compute_density_for_timestep_sampling

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")
DIFFUSERS = os.environ.get("DIFFUSERS_REPO", "/work/.mirror/huggingface+diffusers/repo")
KOHYA = os.environ.get("KOHYA_REPO", "/work/.mirror/kohya-ss+sd-scripts/repo")
DRAWS = 200_000
BOUND = 0.006

# (schedtui options, image side for kohya's latents)
CASES = [
    (["--preset", "sd3"], 1024),
    (["--preset", "flux-dev-1024"], 1024),
    (["--preset", "flux-dev-512"], 512),
    (["--preset", "sd3", "--t-sampling", "logit-normal:0.5:1.2"], 1024),
    (["--preset", "sd3", "--t-sampling", "mode:1.29"], 1024),
    (["--family", "rectified-flow", "--shift", "2", "--scale", "0.5", "--t-sampling",
      "logit-normal:-0.3:0.8", "--prediction", "flow", "--weighting", "flow-mse"], 512),
    (["--family", "rectified-flow", "--t-sampling", "uniform", "--prediction", "flow",
      "--weighting", "flow-mse"], 512),
    (["--family", "rectified-flow", "--flux-mu", "0.9", "--time-shift", "linear",
      "--t-sampling", "logit-normal:0:1", "--prediction", "flow", "--weighting", "flow-mse"], 512),
]


def source(repo, path):
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True,
                          capture_output=True, text=True).stdout


def functions(repo, path, names, namespace):
    """The named top-level functions of a repository file, executed in `namespace`."""
    text = source(repo, path)
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            exec(compile(ast.get_source_segment(text, node), path, "exec"), namespace)
    missing = [n for n in names if n not in namespace]
    assert not missing, f"{path}: no {missing}"
    return namespace


def run(args):
    return subprocess.run([EXE] + args, check=True, capture_output=True, text=True).stdout


def schedtui_flags(case, trainer):
    """{script: (flags, notes, missing)} from `export --train-flags`."""
    out, script = {}, None
    for line in run(["export"] + case + ["--train-flags", trainer]).splitlines():
        if line.startswith("# ") and not line.startswith(("# note:", "# no equivalent:", "# (")):
            script = line[2:]
            out[script] = ([], [], [])
        elif line.startswith("# note: "):
            out[script][1].append(line[8:])
        elif line.startswith("# no equivalent: "):
            out[script][2].append(line[17:])
        elif line and not line.startswith("#"):
            out[script][0].extend(line.split())
    return out


def lam(sigma):
    s = np.asarray(sigma, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return 2 * (np.log1p(-s) - np.log(s))


EDGES = np.arange(-10, 10.0001, 0.25)


def cdf_of_draws(sigma):
    l = np.sort(lam(sigma))
    return np.searchsorted(l, EDGES, side="right") / len(l)


def cdf_of_schedtui(case):
    """P(λ ≤ edge) from schedtui's p(λ), integrated by trapezoids between grid points."""
    opts = [a for a in case if a not in ("--prediction", "flow", "--weighting", "flow-mse")]
    curve = json.loads(run(["curve"] + opts + ["--points", "200001", "--format", "json"]))
    l = np.array([x if x is not None else math.inf for x in curve["logsnr"]], dtype=float)
    p = np.array([x if x is not None else 0.0 for x in curve["density"]], dtype=float)
    ok = np.isfinite(l[:-1]) & np.isfinite(l[1:])
    mass = np.where(ok, 0.5 * (p[:-1] + p[1:]) * np.abs(np.diff(np.where(np.isfinite(l), l, 0))), 0)
    mid = np.where(ok, 0.5 * (l[:-1] + l[1:]), np.inf)
    order = np.argsort(mid)
    cum = np.cumsum(mass[order])
    below = np.searchsorted(mid[order], EDGES, side="right")
    # (The mass beyond the grid's ends, λ above λ(1/200000) ≈ 24 or at the clip, is not in
    # [−10, 10] either way.)
    return np.where(below > 0, cum[np.maximum(below - 1, 0)], 0)


def diffusers_draw(flags, notes):
    ns = functions(DIFFUSERS, "examples/dreambooth/train_dreambooth_sd3.py", ["parse_args"],
                   {"argparse": argparse, "os": os, "warnings": warnings, "logger": None})
    args = ns["parse_args"](["--pretrained_model_name_or_path", "x", "--instance_prompt", "p",
                             "--instance_data_dir", "d"] + flags)
    shift = next(float(n.split("needs shift ")[1].split()[0]) for n in notes if "needs shift" in n)
    sched = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=shift)
    g = torch.Generator().manual_seed(0)
    u = compute_density_for_timestep_sampling(
        weighting_scheme=args.weighting_scheme, batch_size=DRAWS, logit_mean=args.logit_mean,
        logit_std=args.logit_std, mode_scale=args.mode_scale, generator=g)
    # train_dreambooth_sd3.py's loop: indices = (u * T).long(); timesteps[indices]; get_sigmas.
    indices = (u * sched.config.num_train_timesteps).long()
    return sched.sigmas[indices].double().numpy()


def kohya_draw(flags, side):
    parser = argparse.ArgumentParser()
    ns = {"argparse": argparse}
    functions(KOHYA, "library/flux_train_utils.py", ["add_flux_train_arguments"], ns)
    functions(KOHYA, "library/train_util.py", ["add_dit_training_arguments"], ns)
    ns["add_flux_train_arguments"](parser)
    ns["add_dit_training_arguments"](parser)
    args, unknown = parser.parse_known_args(flags)
    assert not unknown, f"kohya does not know {unknown}"
    args.ip_noise_gamma = None
    fns = functions(KOHYA, "library/flux_train_utils.py",
                    ["time_shift", "get_lin_function", "get_sigmas",
                     "compute_density_for_timestep_sampling",
                     "get_noisy_model_input_and_timesteps"],
                    {"torch": torch, "math": math, "Callable": typing.Callable,
                     "Tuple": typing.Tuple})
    # flux_train_network.py's get_noise_scheduler: shift = --discrete_flow_shift.
    sched = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=args.discrete_flow_shift)
    torch.manual_seed(0)
    out = []
    h = side // 8
    chunk = 2000
    for _ in range(DRAWS // chunk):
        latents = torch.zeros(chunk, 1, h, h)
        _, _, sigmas = fns["get_noisy_model_input_and_timesteps"](
            args, sched, latents, torch.zeros_like(latents), "cpu", torch.float32)
        out.append(sigmas.flatten().double().numpy())
    return np.concatenate(out)


def main():
    failures = 0
    for case, side in CASES:
        mine = cdf_of_schedtui(case)
        d = schedtui_flags(case, "diffusers")
        k = schedtui_flags(case, "kohya")
        sd3 = next(v for name, v in d.items() if "sd3" in name)
        kohya = next(iter(k.values()))
        for who, (flags, notes, missing), draw in [
            ("diffusers sd3", sd3, lambda f, n: diffusers_draw(f, n)),
            ("kohya flux", kohya, lambda f, n: kohya_draw(f, side)),
        ]:
            density_missing = [m for m in missing if "t-sampling" in m or "uniform t" in m
                               or "shift" in m]
            if density_missing:
                print(f"skip {who:14s} {' '.join(case)}: named {density_missing[0][:70]}")
                continue
            theirs = cdf_of_draws(draw(flags, notes))
            worst = float(np.max(np.abs(theirs - mine)))
            ok = worst <= BOUND
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {who:14s} {' '.join(case):70s} "
                  f"max |ΔCDF| {worst:.4f}  flags: {' '.join(flags)}")
    print("all match" if not failures else f"{failures} FAILED")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
