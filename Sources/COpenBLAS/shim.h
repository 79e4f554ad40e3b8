#ifndef SCHEDTUI_COPENBLAS_SHIM_H
#define SCHEDTUI_COPENBLAS_SHIM_H
// pkg-config puts the pthread variant's include dir first, so this is OpenBLAS's cblas.h, which
// also declares openblas_set_num_threads / openblas_get_num_threads.
#include <cblas.h>
#endif
