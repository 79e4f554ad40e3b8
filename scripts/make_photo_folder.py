#!/usr/bin/env python3
"""Cuts the bundled colour photographs (assets/images: astronaut, coffee, chelsea, rocket; public
domain / CC0, see assets/LICENSES.md) into overlapping square tiles, one PNG each, for
`schedtui train --data DIR`. Usage: make_photo_folder.py OUT [SIDE=96] [STRIDE=48].
The default cut (282 tiles) is the one the README's photo numbers use; MLP-S memorises its 235
training tiles (held-out error rising from logSNR 0 to 3), and STRIDE 24 (1,067 tiles) shrinks
that, README "The x0 output's skip path"."""
import os
import sys

from PIL import Image

out = sys.argv[1]
side = int(sys.argv[2]) if len(sys.argv) > 2 else 96
stride = int(sys.argv[3]) if len(sys.argv) > 3 else 48
root = os.path.join(os.path.dirname(__file__), "..", "assets", "images")
os.makedirs(out, exist_ok=True)
n = 0
for name in ["astronaut", "coffee", "chelsea", "rocket"]:
    image = Image.open(os.path.join(root, name + ".png")).convert("RGB")
    w, h = image.size
    for y in range(0, h - side + 1, stride):
        for x in range(0, w - side + 1, stride):
            image.crop((x, y, x + side, y + side)).save(
                os.path.join(out, f"{name}-{y:03d}-{x:03d}.png"))
            n += 1
print(f"wrote {n} tiles of {side}x{side} to {out}")
