// How the benchmark asks glibc's malloc to keep large freed blocks.
//
// A training window allocates a few buffers of 10-20 MB (the stacked products and
// gradients of T·B rows) and frees them at its end. glibc hands blocks that large back to
// the kernel (munmap, and trimming the heap), so the next window page-faults all of them
// in again: at H = 512 that measured 10-15 % of the LSTM's time. A training program that
// runs for hours keeps them instead; the benchmark does, and so does the PyTorch
// reference (gated_torch.py makes the same two calls), so the two are timed alike.

import CAllocator

/// Raises glibc's thresholds for mapping and trimming to 32 MiB and 1 GiB; returns a line
/// for the output saying what was set, or nil where malloc is not glibc's.
func keepLargeFreedBlocks() -> String? {
    allocator_keep_large_freed_blocks() == 1
        ? "malloc: glibc keeps freed blocks up to 32 MiB for reuse (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), as PyTorch's reference does"
        : nil
}
