#ifndef SCHEDTUI_CPNG_SHIM_H
#define SCHEDTUI_CPNG_SHIM_H
#include <png.h>
#endif
