#!/usr/bin/env python3
"""Try every bad input of `schedtui curve / export / presets` and check the message and exit code.

Each case must exit non-zero, print a message containing the expected words (the option or
field, the value, what is allowed), and write no file.
Usage: python3 scripts/check_cli_errors.py [path/to/schedtui]  (default .build/debug/schedtui)
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")


def cases(tmp):
    bad_json = os.path.join(tmp, "bad.json")
    with open(bad_json, "w") as f:
        f.write('{"schedtui_config_version": 1, "schedule": {"family": "cosine", "tau": 0}}')
    not_json = os.path.join(tmp, "not.json")
    with open(not_json, "w") as f:
        f.write("family: cosine\n")
    good = os.path.join(tmp, "good.json")
    subprocess.run([EXE, "export", "--family", "linear", "--output", good], check=True,
                   capture_output=True)
    out = os.path.join(tmp, "out.json")
    return [
        ("curve --points 1", "--points 1 is not allowed: a whole number in [2"),
        ("curve --format xml", "'xml' is invalid for '--format"),
        ("curve --family karras", "'karras' is invalid for '--family"),
        ("curve --scale 0", "--scale 0.0 is not allowed: a number > 0"),
        ("curve --scale nan", "--scale nan is not allowed"),
        ("curve --family cosine --tau 0", "--tau 0.0 is not allowed: a number > 0"),
        ("curve --family cosine --start 0.5 --end 0.5", "--end 0.5 is not allowed: a number > start"),
        ("curve --family cosine --end 1.5", "--end 1.5 is not allowed: a number in (start, 1]"),
        ("curve --family sigmoid --start 900 --end 1000", "must differ from sigmoid(end/τ)"),
        ("curve --family linear --clip-min 0", "--clip-min 0.0 is not allowed: a number in (0, 1)"),
        ("curve --family ddpm-linear --train-steps 1", "--train-steps 1 is not allowed"),
        ("curve --family ddpm-linear --beta-end 1", "--beta-end 1.0 is not allowed: a number in (0, 1)"),
        ("curve --family edm --sigma-min 5 --sigma-max 1", "--sigma-max 1.0 is not allowed: a number > σmin"),
        ("curve --family edm --rho 0", "--rho 0.0 is not allowed"),
        ("curve --family laplace --laplace-beta -1", "--laplace-beta -1.0 is not allowed"),
        ("curve --family rectified-flow --shift 0", "--shift 0.0 is not allowed"),
        ("curve --family shifted-cosine --target-resolution 0", "--target-resolution 0.0 is not allowed"),
        ("curve --family edm --tau 2", "--tau is not used by family edm (it takes --sigma-min"),
        (f"curve --config {bad_json}", f"{bad_json}:1:72: schedule.tau: 0.0 is not allowed: a number > 0"),
        (f"curve --config {not_json}", f"{not_json}:1:1: not valid JSON: unexpected text"),
        (f"curve --config {tmp}/missing.json", "missing.json: cannot read the file (no such file)"),
        (f"curve --config {tmp}", "cannot read the file (it is a folder)"),
        (f"curve --config {good} --tau 2", "--tau cannot be combined with --config"),
        (f"curve --config {good} --preset edm", "--config and --preset cannot be combined"),
        ("curve --preset nope", "--preset nope is not a preset"),
        ("curve --preset edm --sigma-max 3", "--sigma-max cannot be combined with --preset"),
        ("export --family linear", "Say where to write: --output FILE"),
        (f"export --output {out} --steps 10", "--steps only applies with --diffusers"),
        (f"export --diffusers {tmp}/d --steps 1", "--steps 1 is not allowed: a whole number in [2"),
        (f"export --diffusers {tmp}/d --max-beta 0", "--max-beta 0.0 is not allowed: a number in (0, 1]"),
        (f"export --diffusers {good}", "is a file; give a folder"),
        (f"export --output {out} --family cosine --tau -1", "--tau -1.0 is not allowed"),
        (f"export --output {out} --inference-steps 0", "--inference-steps 0 is not allowed"),
        ("export --family linear --sigmas 0", "--sigmas 0 is not allowed: a whole number of sampling steps in [1, 100000]"),
        ("export --family linear --sigmas x", "'x' is invalid for '--sigmas"),
        (f"export --python {tmp}/m.txt", f"--python {tmp}/m.txt is not allowed: a file name ending in .py"),
        (f"export --python {tmp}/m.py --prediction foo", "'foo' is invalid for '--prediction <output>'. Please provide one of 'eps'"),
        (f"export --python {tmp}/m.py --weighting l1", "'l1' is invalid for '--weighting <weighting>'. Please provide one of the following:\n  - eps-mse"),
        (f"export --python {tmp}/m.py --min-snr-gamma 0", "--min-snr-gamma 0.0 is not allowed: a number in [1e-6, 1e6]"),
        (f"export --output {out} --data-rms 1", "--data-rms only applies with --python FILE.py"),
        ("presets --source nowhere", "--source \"nowhere\" is not allowed: one of \"Table 1\""),
        ("presets --format yaml", "'yaml' is invalid for '--format"),
    ], [out, os.path.join(tmp, "d"), os.path.join(tmp, "m.py"), os.path.join(tmp, "m.txt")]


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        checks, must_not_exist = cases(tmp)
        for args, expected in checks:
            res = subprocess.run([EXE] + args.split(), capture_output=True, text=True)
            message = (res.stderr + res.stdout).strip().splitlines()
            first = message[0] if message else ""
            ok = res.returncode != 0 and expected in res.stderr + res.stdout
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} exit {res.returncode:3d}  schedtui {args.replace(tmp, 'TMP')}\n"
                  f"                 {first.replace(tmp, 'TMP')}")
        for path in must_not_exist:
            if os.path.exists(path):
                failures += 1
                print("FAIL a failed command left", path)
    print(f"{len(checks) - failures}/{len(checks)} bad inputs rejected with the expected message")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
