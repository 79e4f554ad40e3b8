#!/usr/bin/env python3
"""Check `schedtui export --sigmas N` in the real diffusers (needs torch + diffusers; not in CI).

For the issue's case (cosine@0.2,1,1, b = 0.5, N = 20) and a few others: the σ list from the
built schedtui, the same list from NumPy (gamma from Algorithm 1 or the family's formula, b
folded in as gamma' = gamma*b^2/(gamma*b^2 + 1 - gamma)), and diffusers'
EulerDiscreteScheduler loaded from schedtui's own `--diffusers` export of the same schedule:
set_timesteps(sigmas=...) must accept the list, keep it (float32), map it to timesteps inside
[0, T) in decreasing order, and step() through it with a stand-in model output.

Usage: .build/recipe-venv/bin/python scripts/check_sigmas_diffusers.py [path/to/schedtui]
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import diffusers
from diffusers import EulerDiscreteScheduler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Algorithm 1 verbatim and the σ list computed from gamma', independently of schedtui.
from golden_sigmas import cosine_schedule, sigmas as numpy_sigmas  # noqa: E402


CASES = [
    (["--family", "cosine", "--start", "0.2", "--end", "1", "--tau", "1", "--scale", "0.5"], 20,
     lambda t: cosine_schedule(t, 0.2, 1, 1), 0.5),
    (["--preset", "table3-cosine-s0.2-e1-tau2"], 50, lambda t: cosine_schedule(t, 0.2, 1, 2), 1.0),
    (["--preset", "edm"], 30, None, 1.0),
    (["--preset", "sd-scaled-linear"], 25, None, 1.0),
]


def main():
    print(f"diffusers {diffusers.__version__}, torch {torch.__version__}")
    worst_numpy = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for k, (args, n, gamma, b) in enumerate(CASES):
            out = subprocess.run([EXE, "export", *args, "--sigmas", str(n)], check=True,
                                 capture_output=True, text=True).stdout
            sigmas = json.loads(out)
            assert len(sigmas) == n + 1 and sigmas[-1] == 0, sigmas
            line = f"{' '.join(args)} N={n}: σ_max {sigmas[0]:.6g}, σ_min {sigmas[-2]:.6g}"
            if gamma is not None:
                ref = numpy_sigmas(gamma, b, n)
                rel = max(abs(a - r) / r for a, r in zip(sigmas[:-1], ref[:-1]))
                worst_numpy = max(worst_numpy, rel)
                assert rel < 1e-6, (args, rel)
                line += f"; NumPy worst relative difference {rel:.2e}"
            folder = os.path.join(tmp, f"s{k}")
            subprocess.run([EXE, "export", *args, "--diffusers", folder], check=True,
                           capture_output=True)
            sched = EulerDiscreteScheduler.from_pretrained(folder)
            sched.set_timesteps(sigmas=sigmas)
            got = sched.sigmas.numpy()
            assert len(got) == n + 1, got
            assert np.allclose(got, np.float32(sigmas), rtol=1e-6, atol=0), (got, sigmas)
            ts = sched.timesteps.numpy()
            T = sched.config.num_train_timesteps
            # Where γ is clipped at clipMin, diffusers' log σ table is flat at its end and its
            # interpolation gives 0/0: a σ there maps to timestep NaN. Only those may be NaN.
            ac = sched.alphas_cumprod.numpy().astype(np.float64)
            table_max = math.sqrt((1 - ac[-1]) / ac[-1])
            flat = np.isnan(ts)
            assert all(sigmas[i] >= table_max * (1 - 1e-6) for i in np.flatnonzero(flat)), (args, ts)
            ok = ts[~flat]
            assert len(ts) == n and np.all(np.diff(ok) <= 0) and ok.min() >= 0 and ok.max() <= T - 1, (
                args, ts)
            if flat.any():
                line += (f"; {flat.sum()} σ in the clipped stretch (σ ≥ {table_max:.6g}) map to "
                         "timestep NaN in diffusers")
            # A sampling loop with a stand-in model (ε̂ = 0): the scheduler takes every step.
            # A NaN timestep cannot be looked up by value: start the step index explicitly, as
            # diffusers' pipelines do with set_begin_index.
            sched.set_begin_index(0)
            x = torch.randn(1, 1, 4, 4) * sched.init_noise_sigma
            for t in sched.timesteps:
                x_in = sched.scale_model_input(x, t)
                x = sched.step(torch.zeros_like(x_in), t, x).prev_sample
            assert torch.isfinite(x).all()
            print(line + f"; diffusers kept it, timesteps {ok[0]:.1f} … {ok[-1]:.1f} of T={T}, "
                  f"{n} steps taken")
    print(f"OK: {len(CASES)} σ lists accepted by EulerDiscreteScheduler.set_timesteps(sigmas=…); "
          f"worst NumPy difference {worst_numpy:.2e}")


if __name__ == "__main__":
    main()
