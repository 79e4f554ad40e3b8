#!/usr/bin/env python3
"""Golden values for schedtui's copy rate (CopyDetector), from independent NumPy code.

Reads assets/digits/digits.csv the way the README describes the split (every 6th row, rows 5, 11,
17, ..., held out; pixels v/8 - 1), then computes with NumPy:
  - the threshold: np.percentile of the held-out digits' Euclidean distances to their nearest
    training digit, at 5 (NumPy's default linear interpolation);
  - the copy rate (share of images closer than the threshold to a training digit) of: the
    training digits, the held-out digits, uniform noise in [-1, 1] from a fixed NumPy generator
    (written into the fixture, so Swift scores the same images), and training digits with a
    small fixed perturbation.
Writes Tests/EngineTests/Fixtures/copy_rate.json. Run: python3 scripts/golden_copy_rate.py
"""
import json
import os

import numpy as np

root = os.path.join(os.path.dirname(__file__), "..")
rows = np.loadtxt(os.path.join(root, "assets/digits/digits.csv"), delimiter=",")
pixels = rows[:, :64] / 8 - 1
held = np.arange(len(rows)) % 6 == 5
train, heldout = pixels[~held], pixels[held]


def nearest(images):
    d2 = ((images[:, None, :] - train[None, :, :]) ** 2).sum(-1)
    return np.sqrt(d2.min(1))


threshold = float(np.percentile(nearest(heldout), 5))
rng = np.random.default_rng(2024)
noise = rng.uniform(-1, 1, size=(50, 64)).astype(np.float32)
# Training digits moved by 0.02 per pixel (distance 0.16): still copies.
nudged = (train[:40] + 0.02).astype(np.float32)


def rate(images):
    return float((nearest(images.astype(np.float64)) < threshold).mean())


out = {
    "threshold": threshold,
    "train_rate": rate(train),
    "heldout_rate": rate(heldout),
    "noise": noise.flatten().tolist(),
    "noise_rate": rate(noise),
    "nudged_rate": rate(nudged),
    "heldout_nearest_first5": nearest(heldout)[:5].tolist(),
}
path = os.path.join(root, "Tests/EngineTests/Fixtures/copy_rate.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"threshold {threshold:.6f}; rates: train {out['train_rate']:.3f}, held-out "
      f"{out['heldout_rate']:.3f}, noise {out['noise_rate']:.3f}, nudged {out['nudged_rate']:.3f}")
