#include "elementwise.h"

#include "schedtui_clones.h"

#include <stdint.h>
#include <string.h>

// Each function is compiled three times (CLONES, from CWinograd). Contraction is off so that
// the AVX-512 build (which has FMA) rounds every product like the others.
#pragma clang fp contract(off)

// e^x, relative error below 3e-7 on [−87, 88] (inputs are clamped there, so e^x never
// overflows to ∞ or flushes to a denormal): x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor
// polynomial to r⁶ (truncation r⁷/5040 < 1.2e-7 there), 2^n built in the exponent bits. n is
// rounded by adding 1.5·2²³ (the float's last mantissa bits then hold n): no conversion
// instruction, so every width vectorises it.
static inline __attribute__((always_inline)) float expLane(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float magic = 12582912.0f;  // 1.5·2²³
  const float shifted = x * 1.44269504f + magic;
  const float n = shifted - magic;
  const float r = x - n * 0.69314575f - n * 1.4286068e-6f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits;
  memcpy(&bits, &shifted, sizeof bits);
  const int32_t scaleBits = (int32_t)((uint32_t)(bits - 0x4B400000 + 127) << 23);
  float scale;
  memcpy(&scale, &scaleBits, sizeof scale);
  return p * scale;
}

static inline __attribute__((always_inline)) float siluLane(float x) {
  return x / (1.0f + expLane(-x));
}

// dout·σ(x)·(1 + x·(1 − σ(x))), grouped as Layers.siluBackward groups it.
static inline __attribute__((always_inline)) float siluGradLane(float x, float dout) {
  const float s = 1.0f / (1.0f + expLane(-x));
  return dout * s * (1.0f + x * (1.0f - s));
}

float schedtui_exp(float x) { return expLane(x); }

CLONES
void schedtui_silu_forward(float *restrict out, const float *restrict inp, long n) {
  for (long i = 0; i < n; i++) out[i] = siluLane(inp[i]);
}

CLONES
void schedtui_silu_backward(
    float *restrict dinp, const float *restrict inp, const float *restrict dout, long n,
    int accumulate) {
  if (accumulate) {
    for (long i = 0; i < n; i++) dinp[i] += siluGradLane(inp[i], dout[i]);
  } else {
    for (long i = 0; i < n; i++) dinp[i] = siluGradLane(inp[i], dout[i]);
  }
}

CLONES
void schedtui_affine_silu(float *norm, float *restrict act, const float *x, long n, float scale,
                          float shift) {
  // norm may be x: each value is read before it is written at the same index, so vectors are
  // safe, but the vectoriser's overlap check would send that case to the scalar loop (ConvRes-S,
  // whose u += v runs in place, measured 5× slower): hence assume_safety. act aliases neither.
#pragma clang loop vectorize(assume_safety)
  for (long i = 0; i < n; i++) {
    const float y = x[i] * scale + shift;
    norm[i] = y;
    act[i] = siluLane(y);
  }
}

CLONES
void schedtui_add_silu(float *restrict h, float *restrict act, const float *restrict prev,
                       long n) {
  for (long i = 0; i < n; i++) {
    const float x = h[i] + prev[i];
    h[i] = x;
    act[i] = siluLane(x);
  }
}

CLONES
void schedtui_silu_backward_sums(
    float *restrict dnorm, const float *restrict y, const float *restrict dact,
    const float *restrict x, long n, float *restrict sums) {
  // Sixteen running lanes, added lane 0 to 15 at the end: the order of the sums is the
  // source's, so every build gives the same floats whatever its vector width.
  float dx[16] = {0}, ds[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 16; k++) {
      const float d = siluGradLane(y[i + k], dact[i + k]);
      dnorm[i + k] = d;
      dx[k] += d * x[i + k];
      ds[k] += d;
    }
  }
  float sdx = 0, sds = 0;
  for (int k = 0; k < 16; k++) {
    sdx += dx[k];
    sds += ds[k];
  }
  for (; i < n; i++) {
    const float d = siluGradLane(y[i], dact[i]);
    dnorm[i] = d;
    sdx += d * x[i];
    sds += d;
  }
  sums[0] = sdx;
  sums[1] = sds;
}

// The sums keep 16 lanes in the source, so every build adds in the same order.
CLONES
float schedtui_sum(const float *restrict x, long n) {
  float lanes[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 16; k++) lanes[k] += x[i + k];
  }
  float total = 0;
  for (int k = 0; k < 16; k++) total += lanes[k];
  for (; i < n; i++) total += x[i];
  return total;
}

CLONES
float schedtui_centred_squares(const float *restrict x, long n, float m) {
  float lanes[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 16; k++) {
      const float d = x[i + k] - m;
      lanes[k] += d * d;
    }
  }
  float total = 0;
  for (int k = 0; k < 16; k++) total += lanes[k];
  for (; i < n; i++) {
    const float d = x[i] - m;
    total += d * d;
  }
  return total;
}

CLONES
void schedtui_affine2(float *restrict out, const float *restrict dy, const float *restrict x,
                      long n, float k1, float k2, float k3, int accumulate) {
  if (accumulate) {
    for (long i = 0; i < n; i++) out[i] += dy[i] * k1 + x[i] * k2 + k3;
  } else {
    for (long i = 0; i < n; i++) out[i] = dy[i] * k1 + x[i] * k2 + k3;
  }
}
