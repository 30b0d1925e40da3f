#ifndef UNROLLED_CALLOCATOR_H
#define UNROLLED_CALLOCATOR_H

/// Asks the C allocator to keep large blocks (up to 32 MB) in its heaps for reuse instead of
/// mapping each one afresh and unmapping it at free(). Training allocates the same large
/// temporaries every window; on glibc each fresh mapping costs page faults, and the page
/// faults of two threads of one process wait for each other. Returns 1 where the allocator
/// took the settings (glibc), 0 where it has no such settings (the call then does nothing).
int allocator_keep_large_blocks_in_heap(void);

#endif
