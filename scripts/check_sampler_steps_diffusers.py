#!/usr/bin/env python3
"""Compare `schedtui sigmas` with the live diffusers for every combination (not in CI).

The same matrix as scripts/golden_sampler_steps.py, but every list whole and the conversions
with steps_offset 1 too: Euler, DDIM and DPM-Solver on scaled_linear and linear (T = 1000),
spacing linspace / leading (offset 0, 1) / trailing, sigmas schedule / karras / exponential /
beta, with and without zero terminal SNR, N in {1, 2, 4, 10, 28, 50, 61, 999}; FlowMatch with
shift 3 and each conversion, and the dynamic shift at image sides 256, 512, 1024. Each list
is made by diffusers itself and by the built schedtui (`sigmas --format json`); a combination
diffusers refuses must be refused by schedtui (exit 64). Prints the worst differences.

Zero terminal SNR: torch's float32 sqrt is not correctly rounded on every machine (on the one
this was run on, AVX512 with MKL, 177 of the 1000 √ᾱ in rescale_zero_terminal_snr are one ulp
off IEEE sqrt, which schedtui uses), so diffusers' zero-SNR tables differ from machine to
machine in their last float32 digit. Their σ still agree to the tolerance; their timesteps can
differ where diffusers maps σ back to t on a non-monotone table (the linear table's 2⁻²⁴ floor)
or rounds at .5; those differences are counted apart, not as failures.

Usage: python3 scripts/check_sampler_steps_diffusers.py [path/to/schedtui]
"""
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_sampler_steps as golden  # noqa: E402  (diffusers runs, shared with the fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")

# Keep whole lists: the fixture's subsampling is for the committed file only.
golden.stored = lambda case, sigmas, timesteps: dict(
    case, sigma=list(sigmas), timestep=[float(t) for t in timesteps])


def schedtui(case):
    args = [EXE, "sigmas", "--steps", str(case["steps"]), "--sigmas", case["sigmas"]]
    if case["scheduler"] == "flow-match":
        args += ["--family", "rectified-flow"]
        if "image_side" in case:
            args += ["--image-side", str(case["image_side"])]
        else:
            args += ["--shift", str(case["shift"])]
    else:
        family = "ddpm-linear" if case["table"] == "linear" else "ddpm-scaled-linear"
        args += ["--family", family, "--scheduler", case["scheduler"],
                 "--spacing", case["spacing"], "--steps-offset", str(case["steps_offset"])]
        if case["zero_snr"]:
            args.append("--zero-terminal-snr")
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr, " ".join(args[1:])


def alpha_bar(sigma, flow):
    return sigma if flow else (0.0 if math.isinf(sigma) else 1 / (1 + sigma * sigma))


def main():
    cases = []
    for name in golden.SCHEDULERS:
        for table in golden.TABLES:
            for spacing, offset in golden.SPACINGS:
                for conversion in golden.CONVERSIONS:
                    for zero_snr in (False, True):
                        for n in golden.STEPS:
                            cases.append(golden.discrete_case(name, table, spacing, offset,
                                                              conversion, zero_snr, n))
    for conversion in golden.CONVERSIONS:
        for n in golden.STEPS:
            cases.append(golden.flow_case(n, conversion, shift=3.0))
    for side in (256, 512, 1024):
        for n in golden.STEPS:
            cases.append(golden.flow_case(n, "schedule", image_side=side))
    worst = {}
    failures = []
    zero_snr_timesteps = []
    refusals = 0
    for case in cases:
        status, out, err, cmd = schedtui(case)
        if "refused" in case:
            refusals += 1
            if status != 64:
                failures.append(f"{cmd}: diffusers refuses ({case['refused']}), schedtui exit {status}")
            continue
        if status != 0:
            failures.append(f"{cmd}: exit {status}: {err.strip()}")
            continue
        got = json.loads(out)
        mine = [math.inf if s is None else s for s in got["sigmas"]]
        theirs = case["sigma"]
        flow = case["scheduler"] == "flow-match"
        if len(mine) != len(theirs):
            failures.append(f"{cmd}: {len(mine)} levels, diffusers {len(theirs)}")
            continue
        key = (case["scheduler"], case.get("zero_snr", False))
        w = worst.setdefault(key, [0, 0.0, 0.0, 0.0])
        w[0] += 1
        for a, b in zip(mine, theirs):
            rel = 0.0 if a == b else abs(a - b) / max(abs(a), abs(b))
            dab = abs(alpha_bar(a, flow) - alpha_bar(b, flow))
            w[1] = max(w[1], rel)
            w[2] = max(w[2], dab)
            if not (rel <= 4e-6 or dab <= 2.5e-7):
                failures.append(f"{cmd}: σ {a} vs diffusers {b}")
        for a, b in zip(got["timesteps"], case["timestep"]):
            w[3] = max(w[3], abs(a - b))
            if abs(a - b) > 1e-3:
                if case.get("zero_snr"):
                    zero_snr_timesteps.append(abs(a - b))
                else:
                    failures.append(f"{cmd}: timestep {a} vs diffusers {b}")
    print(f"diffusers {golden.diffusers.__version__}, torch {golden.torch.__version__}; "
          f"{sum(w[0] for w in worst.values())} lists compared whole, {refusals} refusals")
    for (name, zsnr), (count, rel, dab, dt) in sorted(worst.items()):
        print(f"  {name:10} zero-SNR {str(zsnr):5}: {count:3} lists, worst relative Δσ {rel:.2e}, "
              f"worst |Δᾱ| {dab:.2e}, worst |Δtimestep| {dt:.2e}")
    if zero_snr_timesteps:
        print(f"  zero-SNR timesteps apart (torch's float32 sqrt): {len(zero_snr_timesteps)}, "
              f"largest {max(zero_snr_timesteps):.3g}")
    for f in failures[:20]:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
