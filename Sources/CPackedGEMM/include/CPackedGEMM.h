// A single-precision product C (m, n) ← [C +] A (m, k) · op(B) for small m, with op(B) packed
// once into column panels and reused across many products (Sources/CPackedGEMM/PackedGEMM.c).
#ifndef CPACKEDGEMM_H
#define CPACKEDGEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The micro-kernels, by the instructions they need.
enum { PACKED_GEMM_NONE = 0, PACKED_GEMM_AVX2 = 1, PACKED_GEMM_AVX512 = 2 };

/// The fastest kernel this processor runs (x86-64: AVX-512F, else AVX2 with FMA), or
/// PACKED_GEMM_NONE: then callers multiply with BLAS and never pack.
int packed_gemm_best_kernel(void);

/// How many floats the packed form of a (k, n) op(B) takes: n rounded up to whole panels.
size_t packed_gemm_packed_count(int k, int n);

/// Packs op(B), (k, n), into `packed` (packed_gemm_packed_count(k, n) floats). B is stored
/// row-major with row stride ldb: as (k, n) when transposeB is 0, as (n, k) when it is 1.
void packed_gemm_pack(int transposeB, int k, int n, const float *b, int ldb, float *packed);

/// C ← A · op(B) (accumulate = 0) or C ← C + A · op(B) (accumulate = 1), every matrix
/// row-major: A (m, k) with row stride lda, C (m, n) with row stride ldc, op(B) as packed
/// by packed_gemm_pack, with `kernel` (one this processor runs: at most packed_gemm_best_kernel()).
void packed_gemm(int kernel, int m, int n, int k, const float *a, int lda, const float *packed, int accumulate, float *c, int ldc);

#ifdef __cplusplus
}
#endif

#endif
