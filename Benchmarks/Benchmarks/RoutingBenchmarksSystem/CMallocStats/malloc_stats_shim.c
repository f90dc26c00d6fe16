#include "malloc_stats_shim.h"
#if defined(__GLIBC__)
#include <malloc.h>
void bench_malloc_trim(void) { malloc_trim(0); }
#else
void bench_malloc_trim(void) {}
#endif
