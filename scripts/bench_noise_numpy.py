#!/usr/bin/env python3
"""NumPy reference for `schedtui-bench noise`: the noising and normalisation lines of the paper's
Algorithm 2 on a float32 batch of shape [batch, resolution, resolution, 3], timed two ways:

- excluding noise generation: eps is drawn once beforehand; the timed part is exactly
      x_t = np.sqrt(gamma) * scale * x + np.sqrt(1 - gamma) * eps
      x_t = x_t / x_t.std(axis=(1, 2, 3), keepdims=True)
- including noise generation: the same, plus drawing eps in each run with NumPy's fastest
  float32 normal sampler, np.random.default_rng().standard_normal(dtype=np.float32) (ziggurat;
  Algorithm 2's np.random.normal would be slower: float64 and the legacy polar method).

Prints a human summary, then one line `RESULT {json}` that schedtui-bench parses.
Run: python3 scripts/bench_noise_numpy.py [--batch 32] [--resolution 256] [--runs 11]
"""
import argparse
import json
import os
import time

import numpy as np


def kernel_info():
    """Which NumPy SIMD kernels can run here (elementwise ufuncs dispatch to the best one)."""
    try:
        from numpy._core._multiarray_umath import (__cpu_baseline__, __cpu_dispatch__,
                                                   __cpu_features__)
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import (__cpu_baseline__, __cpu_dispatch__,
                                                  __cpu_features__)
    enabled = [t for t in __cpu_dispatch__ if __cpu_features__.get(t, False)]
    return {"baseline": __cpu_baseline__, "dispatch_enabled": enabled,
            "best": enabled[-1] if enabled else (__cpu_baseline__[-1] if __cpu_baseline__ else "none")}


def median_time(fn, runs, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--resolution", type=int, default=256)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    shape = (a.batch, a.resolution, a.resolution, 3)
    x = rng.uniform(-1, 1, size=shape).astype(np.float32)
    gamma = rng.uniform(0.05, 0.95, size=(a.batch, 1, 1, 1)).astype(np.float32)
    scale = np.float32(0.5)
    eps = rng.standard_normal(shape, dtype=np.float32)

    def excluding():
        x_t = np.sqrt(gamma) * scale * x + np.sqrt(1 - gamma) * eps
        x_t = x_t / x_t.std(axis=(1, 2, 3), keepdims=True)
        return x_t

    def including():
        e = rng.standard_normal(shape, dtype=np.float32)
        x_t = np.sqrt(gamma) * scale * x + np.sqrt(1 - gamma) * e
        x_t = x_t / x_t.std(axis=(1, 2, 3), keepdims=True)
        return x_t

    assert excluding().dtype == np.float32
    result = {
        "numpy": np.__version__,
        "kernel": kernel_info(),
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "shape": list(shape),
        "median_excluding_noise_s": median_time(excluding, a.runs),
        "median_including_noise_s": median_time(including, a.runs),
    }
    print(f"numpy {result['numpy']}, SIMD kernels {result['kernel']['best']}, shape {shape}")
    print(f"excluding noise generation: {result['median_excluding_noise_s'] * 1e3:.2f} ms")
    print(f"including noise generation: {result['median_including_noise_s'] * 1e3:.2f} ms")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
