#pragma once
/// Gives free heap memory of every malloc arena back to the kernel (glibc malloc_trim), so that the next
/// allocations fault in fresh pages and show up in RSS instead of silently reusing freed memory.
void bench_malloc_trim(void);
