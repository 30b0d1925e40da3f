#ifndef UNROLLED_CALLOCATOR_H
#define UNROLLED_CALLOCATOR_H

/// Asks the C allocator to keep freed blocks up to 32 MiB for reuse instead of handing each
/// back to the system (munmap, trimming the heap). Training allocates the same large
/// temporaries every window; handed back, they are faulted in again by the next one.
/// Returns 1 where the allocator took the settings (glibc), 0 where it has no such settings
/// (the call then does nothing).
int allocator_keep_large_freed_blocks(void);

/// Asks the C allocator to serve every thread from one arena. glibc gives each new thread
/// an arena of its own, a mapping it shrinks after frees, so the thresholds above do not
/// keep a worker thread's blocks; and the page faults of two threads of one process wait
/// for each other. Call before the threads first allocate. Returns 1 where taken (glibc).
int allocator_share_one_arena(void);

#endif
