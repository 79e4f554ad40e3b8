#!/usr/bin/env python3
"""PyTorch reference for `schedtui-bench train`: the same two denoisers and the same step.

MLP-S on 8x8 digits (batch 256) and ConvRes-S on 32x32 up-sampled digits (batch 32), each step
the paper's Algorithm 2 with the cosine schedule (t ~ U(0,1), eps ~ N(0,I),
x_t = sqrt(g) x0 + sqrt(1-g) eps, per-example std normalisation, conditioning on the logSNR
through the same sinusoidal embedding, label dropout 0.1), eps-prediction MSE, backward, global
grad-norm clip at 1, AdamW (beta .9/.999, wd .01), and the EMA update: what schedtui's
Trainer.step does. Prints one `RESULT {json}` line with examples/s and examples per CPU-second per model.

With --unet-steps S > 0 it also times UNet-S (the same network as Engine's UNetS with its
default GroupNorm(8), the same parameter count: 893,900 at RGB; --unet-groups 0 for none,
891,916) on random RGB images at 32x32 and 64x64, batch 32, and, with --conv64-steps,
ConvRes-S on the same 64x64 RGB data.

Usage: bench_train_torch.py --threads N [--mlp-steps S] [--conv-steps S] [--unet-steps S]
                            [--conv64-steps S]
"""
import argparse, json, math, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoidal(logsnr, dim=64):
    half = dim // 2
    i = torch.arange(half, dtype=torch.float32)
    f = i / (half - 1)
    freqs = torch.exp(math.log(1 / 64) + f * math.log(16 * 64))
    a = logsnr[:, None] * freqs[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class MLPS(nn.Module):
    def __init__(self, d=64, width=512, classes=10):
        super().__init__()
        self.fc1 = nn.Linear(d, width)
        self.time = nn.Linear(64, width, bias=False)
        self.emb = nn.Embedding(classes + 1, width)
        self.fc2 = nn.Linear(width, width)
        self.fc3 = nn.Linear(width, width)
        self.fc4 = nn.Linear(width, d)

    def forward(self, x, logsnr, y):
        h = F.silu(self.fc1(x) + self.time(sinusoidal(logsnr)) + self.emb(y))
        h = F.silu(self.fc2(h))
        h = F.silu(self.fc3(h))
        return self.fc4(h)


class Block(nn.Module):
    def __init__(self, ch=64, cond=128):
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.cond = nn.Linear(cond, ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, h, e):
        u = self.conv1(F.silu(h)) + self.cond(e)[:, :, None, None]
        return h + self.conv2(F.silu(u))


class ConvResS(nn.Module):
    def __init__(self, c=1, ch=64, cond=128, blocks=4, classes=10):
        super().__init__()
        self.cond1 = nn.Linear(64, cond)
        self.cond2 = nn.Linear(cond, cond)
        self.emb = nn.Embedding(classes + 1, cond)
        self.conv_in = nn.Conv2d(c, ch, 3, padding=1)
        self.blocks = nn.ModuleList([Block(ch, cond) for _ in range(blocks)])
        self.conv_out = nn.Conv2d(ch, c, 3, padding=1)

    def forward(self, x, logsnr, y):
        e = self.cond2(F.silu(self.cond1(sinusoidal(logsnr)))) + self.emb(y)
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h, e)
        return self.conv_out(F.silu(h))


class UBlock(nn.Module):
    """UNet-S's residual block: ConvRes-S's, with a 1x1 skip when the width changes, and with
    groups > 0 a GroupNorm before each SiLU (schedtui's `--norm group:G`, ADM's block)."""

    def __init__(self, ci, co, cond=128, groups=0):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, ci) if groups else nn.Identity()
        self.conv1 = nn.Conv2d(ci, co, 3, padding=1)
        self.cond = nn.Linear(cond, co)
        self.norm2 = nn.GroupNorm(groups, co) if groups else nn.Identity()
        self.conv2 = nn.Conv2d(co, co, 3, padding=1)
        self.skip = nn.Conv2d(ci, co, 1) if ci != co else None

    def forward(self, h, e):
        u = self.conv1(F.silu(self.norm1(h))) + self.cond(e)[:, :, None, None]
        return (h if self.skip is None else self.skip(h)) + self.conv2(F.silu(self.norm2(u)))


class UNetS(nn.Module):
    """Engine's UNetS: 2x2 pixel folding, blocks at H/2, H/4, H/8 (32, 64, 128 channels),
    average pooling down, nearest up, skips concatenated after the up-sampled features."""

    def __init__(self, c=3, widths=(32, 64, 128), cond=128, classes=10, groups=8):
        super().__init__()
        f0, f1, f2 = widths
        self.cond1 = nn.Linear(64, cond)
        self.cond2 = nn.Linear(cond, cond)
        self.emb = nn.Embedding(classes + 1, cond)
        self.conv_in = nn.Conv2d(4 * c, f0, 3, padding=1)
        self.enc0 = UBlock(f0, f0, cond, groups)
        self.enc1 = UBlock(f0, f1, cond, groups)
        self.mid0 = UBlock(f1, f2, cond, groups)
        self.mid1 = UBlock(f2, f2, cond, groups)
        self.dec1 = UBlock(f2 + f1, f1, cond, groups)
        self.dec0 = UBlock(f1 + f0, f0, cond, groups)
        self.conv_out = nn.Conv2d(f0, 4 * c, 3, padding=1)

    def forward(self, x, logsnr, y):
        e = self.cond2(F.silu(self.cond1(sinusoidal(logsnr)))) + self.emb(y)
        h = self.conv_in(F.pixel_unshuffle(x, 2))
        s0 = self.enc0(h, e)
        s1 = self.enc1(F.avg_pool2d(s0, 2), e)
        m = self.mid1(self.mid0(F.avg_pool2d(s1, 2), e), e)
        d1 = self.dec1(torch.cat([F.interpolate(m, scale_factor=2, mode="nearest"), s1], 1), e)
        d0 = self.dec0(torch.cat([F.interpolate(d1, scale_factor=2, mode="nearest"), s0], 1), e)
        return F.pixel_shuffle(self.conv_out(F.silu(d0)), 2)


def random_rgb(resolution, count=1024):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(count, 3, resolution, resolution, generator=g) * 2 - 1
    return x, torch.randint(0, 10, (count,), generator=g)


def load_digits(resolution):
    root = os.path.join(os.path.dirname(__file__), "..", "assets", "digits", "digits.csv")
    a = np.loadtxt(root, delimiter=",", dtype=np.float32)
    x = torch.from_numpy(a[:, :64] / 8 - 1).reshape(-1, 1, 8, 8)
    s = resolution // 8
    x = x.repeat_interleave(s, dim=2).repeat_interleave(s, dim=3)
    return x, torch.from_numpy(a[:, 64].astype(np.int64))


def cosine_gamma(t):
    return torch.clamp(torch.cos(t * math.pi / 2) ** 2, 1e-9, 1.0)


def bench(model, x_all, y_all, batch, steps, flat):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01)
    ema = [p.detach().clone() for p in model.parameters()]
    n = x_all.shape[0]

    def step():
        idx = torch.randint(0, n, (batch,))
        x0 = x_all[idx]
        y = y_all[idx].clone()
        y[torch.rand(batch) < 0.1] = 10
        t = torch.rand(batch)
        g = cosine_gamma(t)
        shape = (batch,) + (1,) * (x0.dim() - 1)
        eps = torch.randn_like(x0)
        xt = g.sqrt().view(shape) * x0 + (1 - g).sqrt().view(shape) * eps
        xt = xt / xt.reshape(batch, -1).std(dim=1, unbiased=False).view(shape)
        logsnr = torch.clamp(torch.log(g) - torch.log1p(-g), -40, 40)
        inp = xt.reshape(batch, -1) if flat else xt
        out = model(inp, logsnr, y)
        loss = F.mse_loss(out, eps.reshape(out.shape))
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(ema, list(model.parameters()), 0.001)

    for _ in range(3):
        step()
    start = time.perf_counter()
    cpu_start = time.process_time()  # every thread of the process, as schedtui-bench's
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    cpu_rates[len(cpu_rates)] = batch * steps / cpu
    return batch * steps / seconds


# Examples per CPU-second of each bench() call, in call order.
cpu_rates = {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--mlp-steps", type=int, default=60)
    ap.add_argument("--conv-steps", type=int, default=6)
    ap.add_argument("--unet-steps", type=int, default=0)
    ap.add_argument("--conv64-steps", type=int, default=0)
    ap.add_argument(
        "--unet-groups", type=int, default=8,
        help="GroupNorm groups in UNet-S's blocks (schedtui's --norm group:G; default 8, "
        "UNet-S's default norm group:8); 0: none")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x8, y = load_digits(8)
    mlp = bench(MLPS(), x8, y, 256, a.mlp_steps, flat=True)
    x32, y = load_digits(32)
    conv = bench(ConvResS(), x32, y, 32, a.conv_steps, flat=False)
    result = {
        "torch": torch.__version__, "threads": a.threads,
        "mlp_examples_per_second": mlp, "conv_examples_per_second": conv}
    if a.unet_steps > 0:
        result["unet_groups"] = a.unet_groups
        result["unet_parameters"] = sum(
            p.numel() for p in UNetS(groups=a.unet_groups).parameters())
        for r in (32, 64):
            xr, yr = random_rgb(r)
            result[f"unet{r}_examples_per_second"] = bench(
                UNetS(groups=a.unet_groups), xr, yr, 32, a.unet_steps, flat=False)
    if a.conv64_steps > 0:
        x64, y64 = random_rgb(64)
        result["conv64_examples_per_second"] = bench(
            ConvResS(c=3), x64, y64, 32, a.conv64_steps, flat=False)
    names = ["mlp", "conv"] + (["unet32", "unet64"] if a.unet_steps > 0 else []) + (
        ["conv64"] if a.conv64_steps > 0 else [])
    for i, name in enumerate(names):
        result[f"{name}_examples_per_cpu_second"] = cpu_rates[i]
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
