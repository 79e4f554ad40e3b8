#include "cpuid_shim.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int schedtui_cpuid(unsigned int leaf, unsigned int subleaf, schedtui_cpuid_regs *out) {
  out->eax = out->ebx = out->ecx = out->edx = 0;
  // __get_cpuid_count checks the maximum leaf (basic or extended) before asking.
  return __get_cpuid_count(leaf, subleaf, &out->eax, &out->ebx, &out->ecx, &out->edx);
}

unsigned long long schedtui_xgetbv0(void) {
  schedtui_cpuid_regs r;
  // CPUID.1:ECX bit 27 (OSXSAVE): without it XGETBV is an invalid instruction.
  if (!schedtui_cpuid(1, 0, &r) || !(r.ecx & (1u << 27))) return 0;
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

#else

int schedtui_cpuid(unsigned int leaf, unsigned int subleaf, schedtui_cpuid_regs *out) {
  (void)leaf;
  (void)subleaf;
  out->eax = out->ebx = out->ecx = out->edx = 0;
  return 0;
}

unsigned long long schedtui_xgetbv0(void) { return 0; }

#endif
