#ifndef SCHEDTUI_CLONES_H
#define SCHEDTUI_CLONES_H
// CLONES before a function compiles it for AVX-512, AVX2 and baseline x86-64, and the loader
// picks the first the CPU runs (clang's target_clones; elsewhere, one plain build). The C
// loops of CWinograd and CElementwise use it: the Swift engine is built for the baseline (SSE),
// and users' CPUs may have less than AVX-512.
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef CLONES
#define CLONES
#endif
#endif
