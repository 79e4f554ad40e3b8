#!/usr/bin/env python3
"""Check that `schedtui curve` reproduces the paper's Algorithm 1 to 1e-12 (relative).

Runs the built binary for linear and every Table 3 row (and a few more), in JSON and CSV, and
evaluates Algorithm 1 (verbatim in scripts/golden_schedules.py) at the printed t values.
Usage: python3 scripts/check_curve_algorithm1.py [path/to/schedtui]  (default .build/debug/schedtui)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_schedules import cosine_schedule, sigmoid_schedule, simple_linear_schedule  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")

CASES = [("linear", None, lambda t: simple_linear_schedule(t))]
for s, e, tau in [(0, 1, 1), (0.2, 1, 1), (0.2, 1, 2), (0.2, 1, 3), (0.1, 0.7, 0.4)]:
    CASES.append(("cosine", (s, e, tau), lambda t, s=s, e=e, tau=tau: cosine_schedule(t, s, e, tau)))
for s, e, tau in [(-3, 3, 0.9), (-3, 3, 1.1), (0, 3, 0.3), (0, 3, 0.5), (0, 3, 0.7), (0, 3, 0.9),
                  (0, 3, 1.1), (-2, 5, 0.2)]:
    CASES.append(("sigmoid", (s, e, tau), lambda t, s=s, e=e, tau=tau: sigmoid_schedule(t, s, e, tau)))


def main():
    worst = 0.0
    for family, params, fn in CASES:
        args = [EXE, "curve", "--family", family, "--points", "1001"]
        if params:
            args += ["--start", repr(params[0]), "--end", repr(params[1]), "--tau", repr(params[2])]
        data = json.loads(subprocess.run(args + ["--format", "json"], check=True,
                                         capture_output=True, text=True).stdout)
        csv = subprocess.run(args + ["--format", "csv"], check=True, capture_output=True,
                             text=True).stdout.splitlines()[1:]
        assert data["t"][0] == 0.0 and data["t"][-1] == 1.0 and len(data["t"]) == 1001
        for i, (t, g) in enumerate(zip(data["t"], data["gamma"])):
            want = float(fn(t))
            rel = abs(g - want) / abs(want)
            worst = max(worst, rel)
            ct, cg, _ = csv[i].split(",")
            assert float(ct) == t and float(cg) == g, (family, params, i)
        print(f"{family:8s} {str(params):20s} 1001 points, max relative difference "
              f"{max(abs(g - float(fn(t))) / abs(float(fn(t))) for t, g in zip(data['t'], data['gamma'])):.1e}")
    print(f"worst relative difference over {len(CASES)} schedules: {worst:.1e}",
          "(ok: <= 1e-12)" if worst <= 1e-12 else "(FAIL: > 1e-12)")
    sys.exit(0 if worst <= 1e-12 else 1)


if __name__ == "__main__":
    main()
