#!/usr/bin/env python3
"""Validate configs against assets/config.schema.json (draft 2020-12) with python's jsonschema.

Good configs: every preset exported by `schedtui export --preset NAME --output`, one config per
family from the options, and a hand-written one with every section. Bad configs (wrong type,
unknown family, field of another family, unknown field, newer version, out of range) must be
rejected by BOTH the schema and `schedtui curve --config`.
Usage: python3 scripts/check_config_schema.py [path/to/schedtui]  (default .build/debug/schedtui)
"""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "schedtui")
SCHEMA = json.load(open(os.path.join(ROOT, "assets", "config.schema.json")))
jsonschema.Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

FULL = {
    "schedtui_config_version": 1,
    "schedule": {"family": "sigmoid", "start": 0, "end": 3, "tau": 0.5, "clip_min": 1e-9,
                 "zero_terminal_snr": False},
    "input_scale": 0.5, "normalize": True,
    "inference": {"schedule": {"family": "cosine"}, "steps": 50},
    "training": {"model": "convres-s", "steps": 100, "batch": 32, "lr": 0.0002, "seed": 7,
                 "data": "patches", "resolution": 32, "prediction": "v", "sampler": "ddim",
                 "guidance": 2.5},
}

BAD = [
    ("wrong type", {"schedtui_config_version": 1, "schedule": {"family": "cosine", "tau": "2"}}),
    ("unknown family", {"schedtui_config_version": 1, "schedule": {"family": "karras"}}),
    ("field of another family", {"schedtui_config_version": 1, "schedule": {"family": "edm", "tau": 1}}),
    ("unknown top-level field", {"schedtui_config_version": 1, "schedule": {"family": "linear"}, "x": 1}),
    ("newer version", {"schedtui_config_version": 2, "schedule": {"family": "linear"}}),
    ("tau <= 0", {"schedtui_config_version": 1, "schedule": {"family": "cosine", "tau": 0}}),
    ("cosine end > 1", {"schedtui_config_version": 1, "schedule": {"family": "cosine", "end": 1.5}}),
    ("T < 2", {"schedtui_config_version": 1, "schedule": {"family": "ddpm-cosine", "train_steps": 1}}),
    ("bad model", dict(FULL, training={"model": "unet"})),
    ("bad sampler", dict(FULL, training={"sampler": "euler"})),
    ("guidance > 20", dict(FULL, training={"guidance": 21})),
    ("missing schedule", {"schedtui_config_version": 1}),
]


def run(args, check=True):
    return subprocess.run([EXE] + args, check=check, capture_output=True, text=True)


def main():
    failures = 0
    good = []
    with tempfile.TemporaryDirectory() as tmp:
        presets = json.loads(run(["presets", "--format", "json"]).stdout)
        for p in presets:
            path = os.path.join(tmp, p["name"] + ".json")
            run(["export", "--preset", p["name"], "--output", path])
            good.append((p["name"], json.load(open(path))))
        families = SCHEMA["$defs"]["schedule"]["properties"]["family"]["enum"]
        for f in families:
            path = os.path.join(tmp, f + ".json")
            run(["export", "--family", f, "--output", path])
            good.append(("--family " + f, json.load(open(path))))
        good.append(("full hand-written config", FULL))
        for name, cfg in good:
            errors = list(VALIDATOR.iter_errors(cfg))
            if errors:
                failures += 1
                print("FAIL valid config rejected by the schema:", name, errors[0].message)
        print(f"{len(good) - failures}/{len(good)} valid configs pass the schema")
        bad_fail = 0
        for name, cfg in BAD:
            path = os.path.join(tmp, "bad.json")
            json.dump(cfg, open(path, "w"))
            schema_rejects = not VALIDATOR.is_valid(cfg)
            res = run(["curve", "--config", path, "--points", "2"], check=False)
            tool_rejects = res.returncode != 0
            ok = schema_rejects and tool_rejects
            bad_fail += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name:26s} schema rejects: {schema_rejects}, "
                  f"schedtui: {res.stderr.strip().splitlines()[0] if tool_rejects else 'ACCEPTED'}")
        failures += bad_fail
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
