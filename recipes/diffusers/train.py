#!/usr/bin/env python3
"""Train a diffusers UNet2DModel with a schedule tuned in schedtui, on any number of processes.

The schedule, input scale b, normalisation and objective come from `schedtui export --python
FILE.py` (--schedule FILE.py), or from a schedtui config (--config my.json, exported with the
schedtui binary); the module used is kept as --out/schedule.py. Either way
this loop noises, normalises, conditions and weights exactly as schedtui's engine does:

    t = S.draw_t(u, n) (the config's training t-sampling: uniform, SD3's logit-normal or mode,
    EDM's log-normal), eps ~ N(0, I), network input = S.noisy(x0, t, eps), conditioned on
    S.condition(t) (the scaled process's logSNR, clamped to +-40), loss = S.loss(F, x0, t, eps)

The schedule's shift (SD3's S, Flux's μ) is in the module's logsnr, and a flow output's
velocity target in its coefficients, so a flow-matching config (`schedtui export --preset sd3
--output sd3.json`) trains here as in schedtui. Sampling is deterministic DDIM on t = 1 -> 0 with the objective's own eps_hat and x0_hat.

    accelerate launch --num_processes 8 recipes/diffusers/train.py --schedule s.py --data imgs/
    accelerate launch --multi_gpu --num_processes 2 recipes/diffusers/train.py --cpu ...  (gloo)

Writes to --out: metrics.jsonl (step, loss averaged over all processes), checkpoints/step-N
(accelerate state: model, optimiser, random states; --resume continues from the latest),
samples-step-N.png, and unet/ (save_pretrained) at the end.
"""
import argparse
import importlib.util
import json
import math
import os
import shutil
import subprocess

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from diffusers import UNet2DModel
from PIL import Image


def load_schedule(path):
    spec = importlib.util.spec_from_file_location("schedtui_schedule", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if getattr(module, "SCHEDTUI_PYTHON_VERSION", None) != 1:
        raise SystemExit(f"{path}: not a `schedtui export --python` module of version 1")
    return module


def load_images(folder, resolution, channels):
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith((".png", ".jpg", ".jpeg", ".bmp", ".webp")))
    if not names:
        raise SystemExit(f"--data {folder}: no .png/.jpg/.jpeg/.bmp/.webp images in it")
    mode = "L" if channels == 1 else "RGB"
    out = []
    for n in names:
        img = Image.open(os.path.join(folder, n)).convert(mode)
        side = min(img.size)  # centre square crop, then area-average to the resolution
        left, top = (img.width - side) // 2, (img.height - side) // 2
        img = img.crop((left, top, left + side, top + side)).resize(
            (resolution, resolution), Image.BOX)
        a = np.asarray(img, dtype=np.float32) / 127.5 - 1  # pixels in [-1, 1], as schedtui
        out.append(a[None] if channels == 1 else a.transpose(2, 0, 1))
    return torch.from_numpy(np.stack(out))


def make_unet(args):
    widths = tuple(int(w) for w in args.unet_channels.split(","))
    return UNet2DModel(
        sample_size=args.resolution, in_channels=args.channels, out_channels=args.channels,
        block_out_channels=widths, layers_per_block=args.layers_per_block,
        down_block_types=("DownBlock2D",) * len(widths), up_block_types=("UpBlock2D",) * len(widths),
        norm_num_groups=min(8, widths[0]))


def predict(unet, S, x, t):
    """eps_hat and x0_hat at x_t = x for a batch of t, through the objective's coefficients."""
    a, s = S.alpha_sigma(t)
    c = S.coefficients(a, s)
    x64 = x.double()
    F = unet(S.network_input(x64).float(), S.condition(t).float()).sample.double()
    shape = (-1,) + (1,) * (x.ndim - 1)
    eps = c["skip"].reshape(shape) * x64 + c["out"].reshape(shape) * F
    x0 = c["x0_skip"].reshape(shape) * x64 + c["x0_out"].reshape(shape) * F
    return eps, x0


@torch.no_grad()
def sample(unet, S, count, shape, steps, generator, device):
    """Deterministic DDIM from t = 1 to t = 0: x_{t'} = alpha(t')*x0_hat + sigma(t')*eps_hat."""
    ts = torch.linspace(1, 0, steps + 1, dtype=torch.float64, device=device)
    a1, s1 = S.alpha_sigma(ts[:1])
    eps = torch.randn((count,) + shape, generator=generator, dtype=torch.float64).to(device)
    x = s1 * eps  # alpha(1) is ~0 (gamma(1) >= clip_min): start from the noise alone
    for i in range(steps):
        t = ts[i].repeat(count)
        eps_hat, x0_hat = predict(unet, S, x, t)
        x0_hat = x0_hat.clamp(-1, 1)
        a, s = S.alpha_sigma(ts[i + 1:i + 2])
        x = a * x0_hat + s * eps_hat
    return x0_hat


def save_grid(images, path):
    n = images.shape[0]
    cols = int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / cols))
    c, h, w = images.shape[1:]
    grid = np.zeros((rows * h, cols * w, c), dtype=np.uint8)
    pix = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    for i in range(n):
        r, q = divmod(i, cols)
        grid[r * h:(r + 1) * h, q * w:(q + 1) * w] = pix[i]
    Image.fromarray(grid[:, :, 0] if c == 1 else grid).save(path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--schedule", help="a `schedtui export --python` file")
    source.add_argument("--config", help="a schedtui JSON config (exported with --schedtui)")
    p.add_argument("--schedtui", default="schedtui", help="the schedtui binary, for --config")
    p.add_argument("--data", required=True, help="a folder of images")
    p.add_argument("--out", default="runs/diffusers")
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--channels", type=int, choices=[1, 3], default=3)
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--batch", type=int, default=64, help="per process")
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--unet-channels", default="64,128,256")
    p.add_argument("--layers-per-block", type=int, default=2)
    p.add_argument("--checkpoint-every", type=int, default=1000)
    p.add_argument("--sample-every", type=int, default=1000)
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--sample-steps", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue from the latest checkpoint")
    p.add_argument("--cpu", action="store_true",
                   help="CPU processes only; with several (accelerate launch --multi_gpu "
                        "--num_processes N) they join by gloo")
    args = p.parse_args()
    for name in ["resolution", "steps", "batch", "checkpoint_every", "sample_every", "samples",
                 "sample_steps", "layers_per_block"]:
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} {getattr(args, name)}: a whole number >= 1")
    if not (args.lr > 0):
        p.error(f"--lr {args.lr}: a number > 0")

    accelerator = Accelerator(cpu=args.cpu)
    # The run folder keeps the module it trained with, whichever way it was given.
    kept = os.path.join(args.out, "schedule.py")
    if accelerator.is_main_process:
        os.makedirs(args.out, exist_ok=True)
        if args.config:
            subprocess.run([args.schedtui, "export", "--config", args.config, "--python", kept],
                           check=True, stdout=subprocess.DEVNULL)
        elif os.path.abspath(args.schedule) != os.path.abspath(kept):
            shutil.copyfile(args.schedule, kept)
    accelerator.wait_for_everyone()
    S = load_schedule(kept)
    set_seed(args.seed, device_specific=True)  # each process draws its own t and eps
    data = load_images(args.data, args.resolution, args.channels)
    if S.DATA_RMS_FROM_DATA:
        # The export left sigma_d to the data, as schedtui's trainer measures it on its own.
        S.set_data_rms(data)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data), batch_size=args.batch, shuffle=True, drop_last=True)
    unet = make_unet(args)
    optimizer = torch.optim.AdamW(unet.parameters(), lr=args.lr)
    unet, optimizer, loader = accelerator.prepare(unet, optimizer, loader)
    backend = torch.distributed.get_backend() if torch.distributed.is_initialized() else "none"
    accelerator.print(
        f"{accelerator.num_processes} process(es) ({accelerator.distributed_type}, "
        f"backend {backend}), "
        f"{len(data)} images, schedule {S.FAMILY} b={S.INPUT_SCALE} normalize={S.NORMALIZE}, "
        f"objective {S.PREDICTION} + {S.WEIGHTING}, sigma_d {S.DATA_RMS:.4f}, "
        f"t-sampling {getattr(S, 'T_SAMPLING', 'uniform')}, "
        f"logSNR shift {getattr(S, 'LOGSNR_SHIFT', 0.0):.4g}")

    step = 0
    ckpt_root = os.path.join(args.out, "checkpoints")
    if args.resume and os.path.isdir(ckpt_root):
        done = sorted((int(d.split("-")[1]), d) for d in os.listdir(ckpt_root)
                      if d.startswith("step-"))
        if done:
            step, latest = done[-1]
            accelerator.load_state(os.path.join(ckpt_root, latest))
            accelerator.print(f"resumed from {latest}")
    metrics = os.path.join(args.out, "metrics.jsonl")
    if accelerator.is_main_process:
        os.makedirs(args.out, exist_ok=True)
    device = accelerator.device
    while step < args.steps:
        for (x0,) in loader:
            if step >= args.steps:
                break
            u = torch.rand(x0.shape[0], dtype=torch.float64, device=device)
            n = torch.randn(x0.shape[0], dtype=torch.float64, device=device)
            # The config's training density (SD3's logit-normal, EDM's log-normal, …): the
            # module's draw_t; modules exported before it had none and trained on uniform t.
            t = S.draw_t(u, n) if hasattr(S, "draw_t") else u
            eps = torch.randn(x0.shape, dtype=torch.float64, device=device)
            x_in = S.noisy(x0.double(), t, eps).float()
            F = unet(x_in, S.condition(t).float()).sample
            loss = S.loss(F.double(), x0.double(), t, eps).mean()
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            step += 1
            mean = accelerator.gather(loss.detach().float()[None]).mean().item()
            if accelerator.is_main_process:
                with open(metrics, "a") as f:
                    f.write(json.dumps({"step": step, "loss": mean}) + "\n")
            if step % args.checkpoint_every == 0 or step == args.steps:
                accelerator.save_state(os.path.join(ckpt_root, f"step-{step}"))
            if step % args.sample_every == 0 or step == args.steps:
                if accelerator.is_main_process:
                    g = torch.Generator().manual_seed(args.seed)
                    imgs = sample(accelerator.unwrap_model(unet), S, args.samples,
                                  (args.channels, args.resolution, args.resolution),
                                  args.sample_steps, g, device)
                    save_grid(imgs, os.path.join(args.out, f"samples-step-{step}.png"))
                accelerator.wait_for_everyone()
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        accelerator.unwrap_model(unet).save_pretrained(os.path.join(args.out, "unet"))
        accelerator.print(f"done: {step} steps, wrote {args.out}")


if __name__ == "__main__":
    main()
