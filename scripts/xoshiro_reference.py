#!/usr/bin/env python3
"""Reference outputs of SplitMix64 and xoshiro256** (transcribed from Vigna's C code with Python
integers), the independent source for Tests/EngineTests/RandomTests.swift.

Run: python3 scripts/xoshiro_reference.py
"""
M = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def xoshiro(seed, count):
    s, st = [], seed
    for _ in range(4):
        st, v = splitmix64(st)
        s.append(v)
    out = []
    for _ in range(count):
        out.append((rotl((s[1] * 5) & M, 7) * 9) & M)
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out


st = 0
for _ in range(3):
    st, v = splitmix64(st)
    print(f"splitmix64(0): 0x{v:016X}")
print("xoshiro256**(SplitMix64(42)):", ", ".join(f"0x{v:016X}" for v in xoshiro(42, 3)))
