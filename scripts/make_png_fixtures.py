#!/usr/bin/env python3
"""Writes small PNG test files with known sample values, by hand (zlib + struct, no imaging
library), and expected.json with each file's samples scaled to [0, 1]: the independent reference
for schedtui's PNG reader (Tests/EngineTests/PNGTests.swift).

Covers every colour type, bit depths 1, 2, 8 and 16, all five row filters, Adam7 interlacing, tRNS,
and a gAMA chunk on the 16-bit files (the reader must ignore it and return the stored samples).

Run: python3 scripts/make_png_fixtures.py  (writes Tests/EngineTests/Fixtures/png/)
"""
import json
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Fixtures", "png")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Filters raw byte rows, using filter type (row index % 5) to exercise all five."""
    out = b""
    prev = bytes(len(rows[0])) if rows else b""
    for y, row in enumerate(rows):
        ft = y % 5
        f = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ft]
            f.append((x - pred) & 0xFF)
        out += bytes([ft]) + bytes(f)
        prev = row
    return out


def pack_row(samples, depth):
    """Packs one row of integer samples at the given bit depth (big-endian for 16)."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, nbits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        nbits += depth
        if nbits == 8:
            out.append(acc)
            acc, nbits = 0, 0
    if nbits:
        out.append(acc << (8 - nbits))
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


def png(width, height, color_type, depth, rows, extra=b"", interlace=False):
    """rows: list of rows, each a list of per-pixel lists of integer samples."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bpp = max(1, channels * depth // 8)
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = [[rows[y][x] for x in range(x0, width, dx)] for y in range(y0, height, dy)]
            sub = [r for r in sub if r]
            if sub:
                raw += filter_rows([pack_row(sum(r, []), depth) for r in sub], bpp)
    else:
        raw = filter_rows([pack_row(sum(r, []), depth) for r in rows], bpp)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


GAMA = chunk(b"gAMA", struct.pack(">I", 45455))  # gamma 1/2.2: must NOT be applied
expected = {}


def emit(name, width, height, color_type, depth, rows, values, extra=b"", interlace=False):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(png(width, height, color_type, depth, rows, extra, interlace))
    flat = [v for row in values for px in row for v in px]
    expected[name] = {"width": width, "height": height, "channels": len(values[0][0]),
                      "samples": flat}


os.makedirs(OUT, exist_ok=True)

# 16-bit grey, 5×3, values spread over the whole range, including 1 and 65534.
g16 = [[[(x * 13107 + y * 4369 + (x * y) % 3) % 65536] for x in range(5)] for y in range(3)]
g16[0][0], g16[0][1], g16[2][4] = [0], [1], [65535]
emit("grey16.png", 5, 3, 0, 16, g16, [[[s[0] / 65535] for s in r] for r in g16], GAMA)

# 16-bit RGBA, 3×2, partial alpha (no premultiplication expected).
rgba16 = [[[1000 * (x + 1), 30000 + y, 65535 - 7 * x, [0, 16384, 65535][x]] for x in range(3)]
          for y in range(2)]
emit("rgba16.png", 3, 2, 6, 16, rgba16, [[[v / 65535 for v in p] for p in r] for r in rgba16],
     GAMA)

# 16-bit RGB, 2×2.
rgb16 = [[[12345, 54321, 255], [256, 65280, 40000]], [[7, 8, 9], [65535, 0, 32767]]]
emit("rgb16.png", 2, 2, 2, 16, rgb16, [[[v / 65535 for v in p] for p in r] for r in rgb16], GAMA)

# 8-bit grey, grey+alpha, RGB, RGBA, 7×6 (so every filter type appears, with bpp 1..4).
def v8(x, y, c):
    return (x * 37 + y * 91 + c * 53 + x * y * 7) % 256

for name, ct, ch in [("grey8.png", 0, 1), ("ga8.png", 4, 2), ("rgb8.png", 2, 3),
                     ("rgba8.png", 6, 4)]:
    rows = [[[v8(x, y, c) for c in range(ch)] for x in range(7)] for y in range(6)]
    emit(name, 7, 6, ct, 8, rows, [[[v / 255 for v in p] for p in r] for r in rows])

# 8-bit RGB, 9×10, Adam7 interlaced.
rows = [[[v8(x, y, c) for c in range(3)] for x in range(9)] for y in range(10)]
emit("rgb8_interlaced.png", 9, 10, 2, 8, rows, [[[v / 255 for v in p] for p in r] for r in rows],
     interlace=True)

# Palette, 2-bit indices, with tRNS: becomes RGBA.
palette = [(255, 0, 0), (0, 128, 255), (10, 20, 30), (200, 200, 200)]
alphas = [255, 128, 0]  # entry 3 has no tRNS entry: opaque
plte = chunk(b"PLTE", bytes(v for p in palette for v in p)) + chunk(b"tRNS", bytes(alphas))
idx = [[[(x + 2 * y) % 4] for x in range(5)] for y in range(3)]
values = [[[*(c / 255 for c in palette[i[0]]), (alphas + [255])[i[0]] / 255] for i in r]
          for r in idx]
emit("palette2_trns.png", 5, 3, 3, 2, idx, values, plte)

# Palette, 8-bit indices, no tRNS: becomes RGB.
plte = chunk(b"PLTE", bytes(v for p in palette for v in p))
idx = [[[(x * y + x) % 4] for x in range(4)] for y in range(4)]
emit("palette8.png", 4, 4, 3, 8, idx,
     [[[c / 255 for c in palette[i[0]]] for i in r] for r in idx], plte)

# 1-bit grey, 10×3 (row not a multiple of 8 pixels).
bits = [[[(x + y) % 3 == 0] for x in range(10)] for y in range(3)]
bits = [[[int(b[0])] for b in r] for r in bits]
emit("grey1.png", 10, 3, 0, 1, bits, [[[float(b[0])] for b in r] for r in bits])

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=0)
print("wrote", len(expected), "files to", os.path.normpath(OUT))
