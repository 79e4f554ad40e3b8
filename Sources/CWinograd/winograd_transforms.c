#include "winograd_transforms.h"
#include "schedtui_clones.h"

#include <string.h>

// Each function is compiled three times (CLONES) and the loader picks the first the CPU runs:
// the loops over a tile row's tiles are plain, so the compiler vectorises them 16, 8 or 4 tiles
// wide. No multiplies: every value is a sum of inputs in the order ConvWinograd.swift states,
// so all three give the same floats (no contraction to FMA is possible).

CLONES
void schedtui_winograd_input(
    float *restrict V, const float *restrict inp, long C, long B, long H, long W, long TH,
    long TW, long TW4, long r0, long nr, long ld, long block, float *restrict rows,
    const float *restrict zero) {
  // Padded rows of Bᵀ d: position x + 1 holds column x; position 0 and those past W stay zero.
  const long P = 2 * TW4 + 12;
  memset(rows, 0, sizeof(float) * 4 * P);
  float *s0 = rows + 1, *s1 = rows + P + 1, *s2 = rows + 2 * P + 1, *s3 = rows + 3 * P + 1;
  for (long c = 0; c < C; c++) {
    for (long r = r0; r < r0 + nr; r++) {
      const float *plane = inp + (c * B + r / TH) * H * W;
      const long ty = r % TH, t0 = (r - r0) * TW;
      const float *d[4];
      for (long i = 0; i < 4; i++) {
        const long y = 2 * ty - 1 + i;
        d[i] = y >= 0 && y < H ? plane + y * W : zero;
      }
      const float *restrict d0 = d[0], *restrict d1 = d[1], *restrict d2 = d[2],
                            *restrict d3 = d[3];
      // Bᵀ d (Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]): the four row combinations.
      for (long x = 0; x < W; x++) {
        s0[x] = d0[x] - d2[x];
        s1[x] = d1[x] + d2[x];
        s2[x] = d2[x] - d1[x];
        s3[x] = d1[x] - d3[x];
      }
      // (Bᵀ d) B: tile tx reads padded positions 2tx…2tx+3.
      for (long i = 0; i < 4; i++) {
        const float *s = rows + i * P;
        float *restrict v0 = V + 4 * i * block + c * ld + t0;
        float *restrict v1 = v0 + block, *restrict v2 = v0 + 2 * block,
                        *restrict v3 = v0 + 3 * block;
        for (long tx = 0; tx < TW; tx++) {
          const float e0 = s[2 * tx], o0 = s[2 * tx + 1];
          const float e1 = s[2 * tx + 2], o1 = s[2 * tx + 3];
          v0[tx] = e0 - e1;
          v1[tx] = o0 + e1;
          v2[tx] = e1 - o0;
          v3[tx] = o0 - o1;
        }
      }
    }
  }
}

CLONES
void schedtui_winograd_input_adjoint(
    float *restrict inp, const float *restrict dV, long C, long B, long H, long W, long TH,
    long TW, long TW4, long r0, long nr, long ld, long block, float *restrict rows) {
  // rows[(4p + q)·P + tx + 1] holds tile tx's (B dV Bᵀ)[p, q]; zeros at 0 and past TW.
  const long P = TW4 + 8;
  memset(rows, 0, sizeof(float) * 16 * P);
  for (long c = 0; c < C; c++) {
    for (long r = r0; r < r0 + nr; r++) {
      float *plane = inp + (c * B + r / TH) * H * W;
      const long ty = r % TH, t0 = (r - r0) * TW;
      const float *restrict v = dV + c * ld + t0;
      float *f = rows + 1;
      // dV B along q, then B along p; B's rows are (1 0 0 0), (0 1 −1 1), (−1 1 1 0),
      // (0 0 0 −1).
      for (long tx = 0; tx < TW; tx++) {
        float t[4][4];
        for (long i = 0; i < 4; i++) {
          const float x0 = v[(4 * i) * block + tx], x1 = v[(4 * i + 1) * block + tx];
          const float x2 = v[(4 * i + 2) * block + tx], x3 = v[(4 * i + 3) * block + tx];
          t[i][0] = x0;
          t[i][1] = x1 - x2 + x3;
          t[i][2] = x1 + x2 - x0;
          t[i][3] = -x3;
        }
        for (long q = 0; q < 4; q++) {
          f[q * P + tx] = t[0][q];
          f[(4 + q) * P + tx] = t[1][q] - t[2][q] + t[3][q];
          f[(8 + q) * P + tx] = t[1][q] + t[2][q] - t[0][q];
          f[(12 + q) * P + tx] = -t[3][q];
        }
      }
      // Patch column q of tile k is input column 2k − 1 + q: column 2k gets q = 1 of tile k
      // and q = 3 of tile k − 1, column 2k + 1 gets q = 2 of tile k and q = 0 of tile k + 1.
      for (long p = 0; p < 4; p++) {
        const long y = 2 * ty - 1 + p;
        if (y < 0 || y >= H) continue;
        float *restrict out = plane + y * W;
        const float *q0 = rows + 4 * p * P, *q1 = rows + (4 * p + 1) * P;
        const float *q2 = rows + (4 * p + 2) * P, *q3 = rows + (4 * p + 3) * P;
        const long pairs = W / 2;
        for (long k = 0; k < pairs; k++) {
          out[2 * k] += q1[k + 1] + q3[k];
          out[2 * k + 1] += q2[k + 1] + q0[k + 2];
        }
        if (W % 2) out[W - 1] += q1[pairs + 1] + q3[pairs];
      }
    }
  }
}

// Tile tx's four outputs y00 y01 / y10 y11 from M (the 16 rows m + ξ·block) and beta: Aᵀ =
// [1 1 1 0; 0 1 −1 −1] along the columns (z), then along the rows.
#define TILE_OUTPUT(tx)                                                                    \
  float z[4][2];                                                                            \
  for (long i = 0; i < 4; i++) {                                                            \
    const float a0 = m[(4 * i) * block + (tx)], a1 = m[(4 * i + 1) * block + (tx)];         \
    const float a2 = m[(4 * i + 2) * block + (tx)], a3 = m[(4 * i + 3) * block + (tx)];     \
    z[i][0] = a0 + a1 + a2;                                                                 \
    z[i][1] = a1 - a2 - a3;                                                                 \
  }                                                                                         \
  const float y00 = z[0][0] + z[1][0] + z[2][0] + beta;                                     \
  const float y01 = z[0][1] + z[1][1] + z[2][1] + beta;                                     \
  const float y10 = z[1][0] - z[2][0] - z[3][0] + beta;                                     \
  const float y11 = z[1][1] - z[2][1] - z[3][1] + beta

CLONES
void schedtui_winograd_output(
    float *restrict out, const float *restrict M, const float *restrict bias, long OC, long B,
    long H, long W, long TH, long TW, long r0, long nr, long ld, long block) {
  for (long o = 0; o < OC; o++) {
    const float beta = bias[o];
    for (long r = r0; r < r0 + nr; r++) {
      float *restrict top = out + (o * B + r / TH) * H * W + 2 * (r % TH) * W;
      const float *restrict m = M + o * ld + (r - r0) * TW;
      const int second = 2 * (r % TH) + 1 < H;
      // Tiles 0..<W/2 store both columns; a last tile half outside (odd W) its first only.
      const long full = W / 2;
      if (second) {
        for (long tx = 0; tx < full; tx++) {
          TILE_OUTPUT(tx);
          top[2 * tx] = y00;
          top[2 * tx + 1] = y01;
          top[W + 2 * tx] = y10;
          top[W + 2 * tx + 1] = y11;
        }
      } else {
        for (long tx = 0; tx < full; tx++) {
          TILE_OUTPUT(tx);
          top[2 * tx] = y00;
          top[2 * tx + 1] = y01;
          (void)y10, (void)y11;
        }
      }
      if (full < TW) {
        TILE_OUTPUT(full);
        top[2 * full] = y00;
        if (second) top[W + 2 * full] = y10;
        (void)y01, (void)y11;
      }
    }
  }
}

CLONES
void schedtui_winograd_output_adjoint(
    float *restrict dM, const float *restrict dout, long OC, long B, long H, long W, long TH,
    long TW, long TW4, long r0, long nr, long ld, long block, float *restrict rows) {
  // The tile row's two output rows, zero past the image's last row and column.
  const long P = 2 * TW4 + 8;
  memset(rows, 0, sizeof(float) * 2 * P);
  float *a = rows, *b = rows + P;
  for (long o = 0; o < OC; o++) {
    for (long r = r0; r < r0 + nr; r++) {
      const float *plane = dout + (o * B + r / TH) * H * W;
      const long ty = r % TH;
      memcpy(a, plane + 2 * ty * W, sizeof(float) * W);
      if (2 * ty + 1 < H) {
        memcpy(b, plane + (2 * ty + 1) * W, sizeof(float) * W);
      } else {
        memset(b, 0, sizeof(float) * W);
      }
      float *restrict m = dM + o * ld + (r - r0) * TW;
      // Aᵀ's columns as rows of A: (1 0), (1 1), (1 −1), (0 −1). Along the columns (e for
      // output row 0, f for row 1), then along the rows.
      for (long tx = 0; tx < TW; tx++) {
        const float a0 = a[2 * tx], a1 = a[2 * tx + 1], b0 = b[2 * tx], b1 = b[2 * tx + 1];
        const float e[4] = {a0, a0 + a1, a0 - a1, -a1};
        const float f[4] = {b0, b0 + b1, b0 - b1, -b1};
        for (long j = 0; j < 4; j++) {
          m[j * block + tx] = e[j];
          m[(4 + j) * block + tx] = e[j] + f[j];
          m[(8 + j) * block + tx] = e[j] - f[j];
          m[(12 + j) * block + tx] = -f[j];
        }
      }
    }
  }
}
