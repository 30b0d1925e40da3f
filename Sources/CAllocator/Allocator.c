#include "CAllocator.h"
#include <stdlib.h>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int allocator_keep_large_blocks_in_heap(void) {
#if defined(__GLIBC__)
    // Blocks below the mmap threshold come from the heap; the trim threshold keeps freed
    // memory at the heap's top from being given back to the system at once. 32 MB is the
    // largest threshold glibc accepts on 64-bit systems (a (2048, 2048) Float block is 16 MB).
    int mapped = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int trimmed = mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // Every thread allocates from the main heap. A thread's own arena is a mapping glibc
    // shrinks after frees (and the next window faults its pages in again); the threads here
    // make few, large allocations, so sharing one arena's lock costs nothing measurable.
    int shared = mallopt(M_ARENA_MAX, 1);
    return mapped == 1 && trimmed == 1 && shared == 1;
#else
    return 0;
#endif
}
