#ifndef SCHEDTUI_CELEMENTWISE_H
#define SCHEDTUI_CELEMENTWISE_H
// The elementwise loops of the denoisers' SiLU and GroupNorm (Engine's Layers.swift and
// GroupNorm.swift state the math and call these). In C for the reason CWinograd is:
// clang's target_clones compiles each for AVX-512, AVX2 and the baseline and picks one when
// the program loads, where the Swift engine is built for baseline x86-64 (SSE), 4 lanes.
//
// Every value is the operations of the Swift 8-lane code these replaced (its exp8, then
// x/(1 + e)) in the same order, with no contraction to FMA: all three builds give the floats
// its vector loops gave (its scalar tails and debug builds took libm's expf instead), and the
// same floats as each other, so a run reproduces on any of these CPUs.

/// e^x as the SiLUs compute it (inputs clamped to [−87, 88]); for tests.
float schedtui_exp(float x);

/// out[i] = x[i]·σ(x[i]) over n values.
void schedtui_silu_forward(float *out, const float *inp, long n);

/// d = dout[i]·σ(x)·(1 + x·(1 − σ(x))); dinp[i] = d, or dinp[i] + d when `accumulate`.
void schedtui_silu_backward(
    float *dinp, const float *inp, const float *dout, long n, int accumulate);

/// y = x[i]·scale + shift; norm[i] = y, act[i] = SiLU(y). norm may be x (in place).
void schedtui_affine_silu(float *norm, float *act, const float *x, long n, float scale,
                          float shift);

/// x = h[i] + prev[i]; h[i] = x, act[i] = SiLU(x) (a residual sum and the SiLU after it).
void schedtui_add_silu(float *h, float *act, const float *prev, long n);

/// The SiLU's backward then a GroupNorm channel's backward sums, in one pass:
/// d = dact[i]·σ(y)·(1 + y·(1 − σ(y))) into dnorm[i]; sums[0] = Σ d·x[i], sums[1] = Σ d,
/// each in 16 running lanes added lane 0 to 15, then the tail in order.
void schedtui_silu_backward_sums(
    float *dnorm, const float *y, const float *dact, const float *x, long n, float *sums);

/// Σ x[i] over n values: 16 running lanes added lane 0 to 15, then the tail in order.
float schedtui_sum(const float *x, long n);

/// Σ (x[i] − m)² over n values, summed as schedtui_sum sums.
float schedtui_centred_squares(const float *x, long n, float m);

/// d = (k1·dy[i] + k2·x[i]) + k3; out[i] = d, or out[i] + d when `accumulate`.
void schedtui_affine2(float *out, const float *dy, const float *x, long n, float k1, float k2,
                      float k3, int accumulate);

#endif
