#!/usr/bin/env python3
"""Golden values for schedtui's GroupNorm (Engine's Layers.groupNormForward/Backward), from
torch.nn.GroupNorm itself (forward, and autograd for the backward).

Two cases, each a small batch in PyTorch's (B, C, H, W) layout with per-image offsets and scales
(so the statistics matter): C = 6 in G = 3 groups of 2 channels, and C = 8 in G = 8 (one channel
per group), B = 3 (an odd batch: the engine's two workers get unequal shares), eps 1e-5 (the
default), affine γ and β drawn at random (not 1 and 0, so their gradients are tested).
For each case the fixture holds x, γ, β, a random upstream gradient dy, and PyTorch's y, dx, dγ
and dβ, all flattened in (B, C, H, W) order, in float32 as torch computed them.

Writes Tests/EngineTests/Fixtures/group_norm.json. Run: python3 scripts/golden_group_norm.py
"""
import json
import os

import torch

torch.manual_seed(2026)


def case(B, C, G, H, W):
    offset = torch.randn(B, 1, 1, 1) * 2
    scale = torch.rand(B, 1, 1, 1) * 3 + 0.5
    x = (torch.randn(B, C, H, W) * scale + offset).requires_grad_(True)
    norm = torch.nn.GroupNorm(G, C)  # eps 1e-5, affine
    with torch.no_grad():
        norm.weight.copy_(torch.randn(C))
        norm.bias.copy_(torch.randn(C))
    dy = torch.randn(B, C, H, W)
    y = norm(x)
    y.backward(dy)

    def flat(t):
        return [float(v) for v in t.detach().reshape(-1)]

    return {
        "B": B, "C": C, "G": G, "H": H, "W": W, "eps": norm.eps,
        "x": flat(x), "gamma": flat(norm.weight), "beta": flat(norm.bias), "dy": flat(dy),
        "y": flat(y), "dx": flat(x.grad), "dgamma": flat(norm.weight.grad),
        "dbeta": flat(norm.bias.grad),
    }


cases = [case(3, 6, 3, 3, 4), case(3, 8, 8, 4, 5)]
out = {"torch": torch.__version__, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Fixtures",
                    "group_norm.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.normpath(path)} (torch {torch.__version__})")
