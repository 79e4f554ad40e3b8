#ifndef SCHEDTUI_CCPUID_SHIM_H
#define SCHEDTUI_CCPUID_SHIM_H
// CPUID and XGETBV for the choice of OpenBLAS's kernel (Engine's BLASCore): what the CPU has
// and what the operating system saves on a context switch. Swift cannot issue either
// instruction itself.

/// The four registers CPUID returns for one leaf and sub-leaf.
typedef struct {
  unsigned int eax, ebx, ecx, edx;
} schedtui_cpuid_regs;

/// CPUID(leaf, subleaf) into *out. Returns 0 when the leaf is above the CPU's maximum or the
/// machine is not x86 (then *out is all zero), 1 otherwise.
int schedtui_cpuid(unsigned int leaf, unsigned int subleaf, schedtui_cpuid_regs *out);

/// XCR0, the register of state components the OS enables (bits 1–2: SSE and AVX; 5–7: the
/// AVX-512 opmask and ZMM state). 0 when the OS has not set CR4.OSXSAVE (XGETBV would fault)
/// or the machine is not x86.
unsigned long long schedtui_xgetbv0(void);

#endif
