#ifndef SCHEDTUI_CWINOGRAD_TRANSFORMS_H
#define SCHEDTUI_CWINOGRAD_TRANSFORMS_H
// The tile transforms of the Winograd F(2×2, 3×3) convolution (Engine's ConvWinograd.swift
// documents the algorithm, the tile numbering and the buffers; these are its loops). In C
// because clang's target_clones compiles each one for AVX-512, AVX2 and the baseline and
// picks one when the program loads: the Swift engine is built for baseline x86-64 (SSE),
// and users' CPUs may have less than this machine's AVX-512.
//
// Shared arguments: a chunk is tile rows r0..<r0+nr of a (channels, B, H, W) tensor, TH × TW
// tiles per image, TW4 = TW rounded up to a multiple of 4; the 16 matrices ξ of the
// transformed side are `block` floats apart, rows (one per channel) `ld` floats apart.
// `rows` is scratch of the size Engine's winogradRowCount gives.

#include <stddef.h>

/// V[ξ, c, t] = Bᵀ d B for each tile (zero outside the image). `zero` holds W zeros.
void schedtui_winograd_input(
    float *V, const float *inp, long C, long B, long H, long W, long TH, long TW, long TW4,
    long r0, long nr, long ld, long block, float *rows, const float *zero);

/// inp += B dV Bᵀ for each tile (overlapping patches add; the padding is dropped).
void schedtui_winograd_input_adjoint(
    float *inp, const float *dV, long C, long B, long H, long W, long TH, long TW, long TW4,
    long r0, long nr, long ld, long block, float *rows);

/// out = Aᵀ M A + bias for each tile (outputs outside the image dropped).
void schedtui_winograd_output(
    float *out, const float *M, const float *bias, long OC, long B, long H, long W, long TH,
    long TW, long r0, long nr, long ld, long block);

/// dM[ξ, o, t] = A dY Aᵀ for each tile (outputs outside the image count as zero).
void schedtui_winograd_output_adjoint(
    float *dM, const float *dout, long OC, long B, long H, long W, long TH, long TW, long TW4,
    long r0, long nr, long ld, long block, float *rows);

#endif
