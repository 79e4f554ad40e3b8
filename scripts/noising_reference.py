#!/usr/bin/env python3
"""Reference for schedtui's noising (Tests/EngineTests/Images/NoisingTests.swift): Algorithm 2's
noising and normalisation lines run verbatim by NumPy in float64, on a small batch with fixed x0
and eps, written to Tests/EngineTests/Fixtures/noising.json.

Run: python3 scripts/noising_reference.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261126)
bsz, h, w, c = 3, 4, 5, 3
x = rng.uniform(-1, 1, size=[bsz, h, w, c])
eps = rng.normal(0, 1, size=[bsz, h, w, c])
gamma = np.array([0.7, 0.05, 0.999]).reshape(bsz, 1, 1, 1)
scale = 0.5

# Algorithm 2 ("Add noise to data" and the normalisation line), with gamma(t) already evaluated.
x_t = np.sqrt(gamma) * scale * x + np.sqrt(1 - gamma) * eps
empirical = x_t / x_t.std(axis=(1, 2, 3), keepdims=True)
analytic = x_t / np.sqrt((scale**2 - 1) * gamma + 1)

out = {
    "shape": [bsz, h, w, c], "gamma": gamma.reshape(-1).tolist(), "inputScale": scale,
    "x0": x.reshape(-1).tolist(), "eps": eps.reshape(-1).tolist(),
    "none": x_t.reshape(-1).tolist(), "empirical": empirical.reshape(-1).tolist(),
    "analytic": analytic.reshape(-1).tolist(),
    "std": x_t.std(axis=(1, 2, 3)).tolist(),
}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Fixtures",
                    "noising.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(path))
