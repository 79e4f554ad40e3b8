#!/usr/bin/env python3
"""Golden values for Tests/EngineTests/Training/VDMBoundTests.swift, derived by hand and
integrated with SciPy, independently of the Swift code (run by hand; prints Swift literals).

Gaussian data x0 ~ N(0, s^2) per dimension, VP process z = a x0 + sg eps, a^2 = sigmoid(l),
sg^2 = sigmoid(-l), SNR e^l. The optimal denoiser is E[x0|z] = a s^2 z / (a^2 s^2 + sg^2); its
error per dimension is s^2 sg^2 / (a^2 s^2 + sg^2) = s^2 / (1 + s^2 e^l).

  diffusion  = 1/2 int_{lmin}^{lmax} e^l s^2 / (1 + s^2 e^l) dl = 1/2 ln((1 + s^2 e^lmax)/(1 + s^2 e^lmin))
  prior      = 1/2 (a^2 s^2 + sg^2 - 1 - ln sg^2)          at lmin
  recon_cont = 1/2 ln(2 pi e^-lmax) + 1/2                  (z/a - x0 = e^(-lmax/2) eps)
  sum -> 1/2 ln(2 pi s^2) + 1/2 as lmin -> -inf, lmax -> inf.
The diffusion integral is also checked with scipy.integrate.quad against the closed form.
Discretised reconstruction: E_eps -log P(bin), inner bin Phi(a - eps) - Phi(-a - eps), outer
bin Phi(a + eps), a = (1/255) / e^(-lmax/2), by quad against the normal density.
"""
import numpy as np
from scipy import integrate, stats

LN2 = np.log(2)
s = 0.5
for lmin, lmax in [(-4, 4), (-8, 8), (-12, 12)]:
    diff = 0.5 * np.log((1 + s**2 * np.exp(lmax)) / (1 + s**2 * np.exp(lmin)))
    q, _ = integrate.quad(lambda l: 0.5 * np.exp(l) * s**2 / (1 + s**2 * np.exp(l)), lmin, lmax,
                          epsabs=1e-13, epsrel=1e-13)
    assert abs(q - diff) < 1e-9, (q, diff)
    a2 = 1 / (1 + np.exp(-lmin)); sg2 = 1 / (1 + np.exp(lmin))
    prior = 0.5 * (a2 * s**2 + sg2 - 1 - np.log(sg2))
    rec = 0.5 * np.log(2 * np.pi * np.exp(-lmax)) + 0.5
    total = (diff + prior + rec) / LN2
    print(f"({lmin}, {lmax}): diffusion {diff!r} prior {prior!r} recon {rec!r} nats; "
          f"total {total!r} bits, gap {total - (0.5*np.log(2*np.pi*s**2)+0.5)/LN2!r}")
print("gaussian -log density bits", (0.5 * np.log(2 * np.pi * s**2) + 0.5) / LN2)

for lmax in [12.0, 8.0]:
    a = (1 / 255) / np.exp(-lmax / 2)
    # Phi(a - e) - Phi(-a - e) = sf(|e| - a) - sf(|e| + a): no cancellation in the tails.
    inner = integrate.quad(lambda e: -np.log(stats.norm.sf(abs(e) - a) - stats.norm.sf(abs(e) + a))
                           * stats.norm.pdf(e), -12, 12, epsabs=1e-12, limit=200)[0]
    outer = integrate.quad(lambda e: -np.log(stats.norm.cdf(a + e)) * stats.norm.pdf(e), -12, 12,
                           epsabs=1e-12, limit=200)[0]
    print(f"lmax {lmax}: inner {inner!r} outer {outer!r} nats")

# lmax chosen as the model's (VDMBound.bestLogSNRMaxIndex): for the optimal Gaussian denoiser
# with the 8-bit reconstruction, the bound over lmin = -12 as a function of lmax on the 0.5
# steps (the closed-form diffusion above, quad for the reconstruction): its minimum and the
# value at 12. Continuous data cannot snap to the levels, so e^l * error -> 1 and the bound
# rises again once the discretised reconstruction has stopped falling.
def discrete_inner(lmax):
    a = (1 / 255) / np.exp(-lmax / 2)
    return integrate.quad(lambda e: -np.log(stats.norm.sf(abs(e) - a) - stats.norm.sf(abs(e) + a))
                          * stats.norm.pdf(e), -12, 12, epsabs=1e-12, limit=200)[0]
a2 = 1 / (1 + np.exp(12)); sg2 = 1 / (1 + np.exp(-12))
prior = 0.5 * (a2 * s**2 + sg2 - 1 - np.log(sg2))
def bound_bits(lmax):
    diff = 0.5 * np.log((1 + s**2 * np.exp(lmax)) / (1 + s**2 * np.exp(-12)))
    return (diff + prior + discrete_inner(lmax)) / LN2
best = min((bound_bits(l), l) for l in np.arange(-10, 12.01, 0.5))
print(f"chosen lmax {best[1]} bound {best[0]!r} bits; at 12: {bound_bits(12.0)!r} bits")
# A floored denoiser error s^2/(1 + s^2 e^l) + c, c = e^-4: the continuous bound's derivative in
# lmax is 1/2 (e^l error - 1), zero where 1/(1 + s^2 u) = c u, u = e^l.
u = 2 * (np.sqrt(1 + np.exp(4)) - 1)
print(f"floored c = e^-4: lambda* = {np.log(u)!r}")
