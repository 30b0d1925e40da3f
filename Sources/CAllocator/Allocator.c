#include "CAllocator.h"
#include <stdlib.h>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int allocator_keep_large_freed_blocks(void) {
#if defined(__GLIBC__)
    // Blocks below the mmap threshold come from the heap; the trim threshold keeps freed
    // memory at the heap's top from being given back to the system at once. 32 MiB is the
    // largest threshold glibc accepts on 64-bit systems (a (2048, 2048) Float block is 16 MiB).
    int mapped = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int trimmed = mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return mapped == 1 && trimmed == 1;
#else
    return 0;
#endif
}

int allocator_share_one_arena(void) {
#if defined(__GLIBC__)
    // The threads that share it make few, large allocations: its lock costs nothing measurable.
    return mallopt(M_ARENA_MAX, 1) == 1;
#else
    return 0;
#endif
}
