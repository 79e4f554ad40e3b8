#!/usr/bin/env python3
"""Validate configs against assets/config.schema.json (draft 2020-12) with python's jsonschema.

The schema is `schedtui schema`'s output (checked first: the committed file must equal it).
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

# The settings and shift fields that landed after the first schema (flow, UNet-S, Flux's μ).
FLOW = {
    "schedtui_config_version": 1,
    "schedule": {"family": "rectified-flow", "image_side": 1024, "time_shift": "linear",
                 "base_shift": 0.5, "max_shift": 1.15, "base_image_seq_len": 256,
                 "max_image_seq_len": 4096},
    "training": {"model": "unet-s", "prediction": "flow", "weighting": "flow-mse",
                 "t_sampling": "logit-normal:0:1", "eval_samples": 0, "warmup": 0, "ema": 0,
                 "checkpoint_every": 1, "min_snr_gamma": 5},
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
    ("bad prediction", dict(FULL, training={"prediction": "flowx"})),
    ("eval_samples 1", dict(FULL, training={"eval_samples": 1})),
    ("t_sampling unknown", dict(FULL, training={"t_sampling": "gauss"})),
    ("t_sampling extra number", dict(FULL, training={"t_sampling": "mode:1:2"})),
    ("ema 1", dict(FULL, training={"ema": 1})),
    ("lr 0", dict(FULL, training={"lr": 0})),
    ("resolution 12", dict(FULL, training={"resolution": 12})),
    ("clip_min 1", {"schedtui_config_version": 1, "schedule": {"family": "linear", "clip_min": 1}}),
    ("cosine start < 0", {"schedtui_config_version": 1, "schedule": {"family": "cosine", "start": -0.5}}),
    ("image_side 8", {"schedtui_config_version": 1, "schedule": {"family": "rectified-flow", "image_side": 8}}),
    ("time_shift unknown", {"schedtui_config_version": 1, "schedule": {"family": "rectified-flow", "time_shift": "log"}}),
    ("shift 0", {"schedtui_config_version": 1, "schedule": {"family": "edm", "shift": 0}}),
    ("inference steps 0", dict(FULL, inference={"steps": 0})),
    ("input_scale 0", dict(FULL, input_scale=0)),
]


def run(args, check=True):
    return subprocess.run([EXE] + args, check=check, capture_output=True, text=True)


def main():
    failures = 0
    generated = run(["schema"]).stdout
    if generated != open(os.path.join(ROOT, "assets", "config.schema.json")).read():
        failures += 1
        print("FAIL assets/config.schema.json differs from `schedtui schema`; regenerate it with "
              "`swift run schedtui schema > assets/config.schema.json`")
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
        good.append(("flow, UNet-S and Flux's shift fields", FLOW))
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
