// C ← [C +] A · op(B) for a small number of rows m, with op(B) packed once and reused.
//
// Why: a recurrent layer multiplies the same (H, 4H) weight by a (B, H) state at every one
// of the T steps of a window, forward and again (transposed) backward. A general BLAS sgemm
// copies ("packs") the weight into a cache-friendly layout inside every call; with only
// B = 32 rows to multiply, that copy is a quarter of the LSTM's time. Here the weight is
// packed once per window and each step's product reads the packed copy.
//
// Layout of the packed op(B): panels of NR = 32 columns side by side; panel p holds columns
// 32p ..< 32p + 32 for every k, row after row: packed[p·k·32 + kk·32 + jj] = op(B)[kk, 32p + jj],
// zero past column n. A product then reads each panel front to back.
//
// Two micro-kernels, chosen at run time by what the processor supports. AVX-512 keeps an
// 8 × 32 block of C in 16 registers: for each kk it loads one 32-wide row of the panel (two
// registers) and adds 8 broadcast entries of A times it. AVX2 (16 registers of 8 floats)
// keeps a 6 × 16 block, half a panel, in 12. Either way each C entry is the sum over kk in
// increasing order, in single precision with fused multiply-adds: the same products as
// BLAS, rounded in another order.

#include "CPackedGEMM.h"
#include <stdlib.h>
#include <string.h>

enum { NR = 32 };

size_t packed_gemm_packed_count(int k, int n) {
    size_t panels = ((size_t)n + NR - 1) / NR;
    return panels * (size_t)NR * (size_t)k;
}

void packed_gemm_pack(int transposeB, int k, int n, const float *b, int ldb, float *packed) {
    int panels = (n + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *panel = packed + (size_t)p * NR * k;
        int j0 = p * NR, width = n - j0 < NR ? n - j0 : NR;
        if (!transposeB) {
            for (int kk = 0; kk < k; kk++) {
                memcpy(panel + (size_t)kk * NR, b + (size_t)kk * ldb + j0, (size_t)width * sizeof(float));
                for (int jj = width; jj < NR; jj++) panel[(size_t)kk * NR + jj] = 0;
            }
        } else {  // op(B)[kk, j] = B[j, kk]: a transpose, done in 32 × 32 tiles that stay in cache
            for (int k0 = 0; k0 < k; k0 += NR) {
                int depth = k - k0 < NR ? k - k0 : NR;
                for (int jj = 0; jj < NR; jj++) {
                    const float *row = jj < width ? b + (size_t)(j0 + jj) * ldb + k0 : NULL;
                    for (int kk = 0; kk < depth; kk++) panel[(size_t)(k0 + kk) * NR + jj] = row ? row[kk] : 0;
                }
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

int packed_gemm_best_kernel(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return PACKED_GEMM_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return PACKED_GEMM_AVX2;
    return PACKED_GEMM_NONE;
}

// One 8 × 32 block: c[r][0 ..< cols] (+)= Σ_kk a[r·lda + kk] · panel[kk·32 ..< kk·32 + 32], for r < rows.
// A must have 8 readable rows (the caller pads an edge block); cols ≤ 32 are written with masks.
__attribute__((target("avx512f")))
static void block_avx512(int k, const float *a, int lda, const float *panel, float *c, int ldc,
                         int accumulate, int rows, int cols) {
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps(), c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * (size_t)lda, *a3 = a + 3 * (size_t)lda;
    const float *a4 = a + 4 * (size_t)lda, *a5 = a + 5 * (size_t)lda, *a6 = a + 6 * (size_t)lda, *a7 = a + 7 * (size_t)lda;
    for (int kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(panel + (size_t)kk * NR), b1 = _mm512_loadu_ps(panel + (size_t)kk * NR + 16);
        __m512 x;
        x = _mm512_set1_ps(a0[kk]); c00 = _mm512_fmadd_ps(x, b0, c00); c01 = _mm512_fmadd_ps(x, b1, c01);
        x = _mm512_set1_ps(a1[kk]); c10 = _mm512_fmadd_ps(x, b0, c10); c11 = _mm512_fmadd_ps(x, b1, c11);
        x = _mm512_set1_ps(a2[kk]); c20 = _mm512_fmadd_ps(x, b0, c20); c21 = _mm512_fmadd_ps(x, b1, c21);
        x = _mm512_set1_ps(a3[kk]); c30 = _mm512_fmadd_ps(x, b0, c30); c31 = _mm512_fmadd_ps(x, b1, c31);
        x = _mm512_set1_ps(a4[kk]); c40 = _mm512_fmadd_ps(x, b0, c40); c41 = _mm512_fmadd_ps(x, b1, c41);
        x = _mm512_set1_ps(a5[kk]); c50 = _mm512_fmadd_ps(x, b0, c50); c51 = _mm512_fmadd_ps(x, b1, c51);
        x = _mm512_set1_ps(a6[kk]); c60 = _mm512_fmadd_ps(x, b0, c60); c61 = _mm512_fmadd_ps(x, b1, c61);
        x = _mm512_set1_ps(a7[kk]); c70 = _mm512_fmadd_ps(x, b0, c70); c71 = _mm512_fmadd_ps(x, b1, c71);
    }
    __m512 acc[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    __mmask16 m0 = cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
    for (int r = 0; r < rows; r++) {
        float *cr = c + (size_t)r * ldc;
        __m512 v0 = acc[r][0], v1 = acc[r][1];
        if (accumulate) {
            v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, cr), v0);
            v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, cr + 16), v1);
        }
        _mm512_mask_storeu_ps(cr, m0, v0);
        _mm512_mask_storeu_ps(cr + 16, m1, v1);
    }
}

// The mask for lanes 0 ..< count of 8 (count may be ≤ 0 or ≥ 8).
__attribute__((target("avx2")))
static __m256i lanes_avx2(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// One 6 × 32 block as two 6 × 16 halves of the panel, each kept in 12 registers.
__attribute__((target("avx2,fma")))
static void block_avx2(int k, const float *a, int lda, const float *panel, float *c, int ldc,
                       int accumulate, int rows, int cols) {
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * (size_t)lda, *a3 = a + 3 * (size_t)lda;
    const float *a4 = a + 4 * (size_t)lda, *a5 = a + 5 * (size_t)lda;
    for (int half = 0; half < 2 && 16 * half < cols; half++) {
        const float *p = panel + 16 * half;
        __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
        __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
        __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
        for (int kk = 0; kk < k; kk++) {
            __m256 b0 = _mm256_loadu_ps(p + (size_t)kk * NR), b1 = _mm256_loadu_ps(p + (size_t)kk * NR + 8);
            __m256 x;
            x = _mm256_broadcast_ss(a0 + kk); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
            x = _mm256_broadcast_ss(a1 + kk); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
            x = _mm256_broadcast_ss(a2 + kk); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
            x = _mm256_broadcast_ss(a3 + kk); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
            x = _mm256_broadcast_ss(a4 + kk); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
            x = _mm256_broadcast_ss(a5 + kk); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
        }
        __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        int j0 = 16 * half;
        __m256i m0 = lanes_avx2(cols - j0), m1 = lanes_avx2(cols - j0 - 8);
        for (int r = 0; r < rows; r++) {
            float *cr = c + (size_t)r * ldc + j0;
            __m256 v0 = acc[r][0], v1 = acc[r][1];
            if (accumulate) {
                v0 = _mm256_add_ps(_mm256_maskload_ps(cr, m0), v0);
                v1 = _mm256_add_ps(_mm256_maskload_ps(cr + 8, m1), v1);
            }
            _mm256_maskstore_ps(cr, m0, v0);
            _mm256_maskstore_ps(cr + 8, m1, v1);
        }
    }
}

void packed_gemm(int kernel, int m, int n, int k, const float *a, int lda, const float *packed, int accumulate, float *c, int ldc) {
    typedef void (*Block)(int, const float *, int, const float *, float *, int, int, int, int);
    Block block = kernel == PACKED_GEMM_AVX512 ? block_avx512 : kernel == PACKED_GEMM_AVX2 ? block_avx2 : NULL;
    int mr = kernel == PACKED_GEMM_AVX512 ? 8 : 6;
    if (block == NULL || packed_gemm_best_kernel() < kernel) abort();  // the caller asked for a kernel this processor lacks
    int panels = (n + NR - 1) / NR;
    int fullRows = m / mr * mr, edgeRows = m - fullRows;
    // The last block of fewer than mr rows reads A from a copy padded with zero rows, so the
    // micro-kernel always reads mr rows; only the real rows of C are written.
    float *edgeA = NULL;
    if (edgeRows > 0) {
        edgeA = calloc((size_t)mr * k, sizeof(float));
        if (edgeA == NULL) abort();
        for (int r = 0; r < edgeRows; r++) memcpy(edgeA + (size_t)r * k, a + (size_t)(fullRows + r) * lda, (size_t)k * sizeof(float));
    }
    for (int p = 0; p < panels; p++) {
        const float *panel = packed + (size_t)p * NR * k;
        int j0 = p * NR, cols = n - j0 < NR ? n - j0 : NR;
        for (int i = 0; i < fullRows; i += mr)
            block(k, a + (size_t)i * lda, lda, panel, c + (size_t)i * ldc + j0, ldc, accumulate, mr, cols);
        if (edgeRows > 0)
            block(k, edgeA, k, panel, c + (size_t)fullRows * ldc + j0, ldc, accumulate, edgeRows, cols);
    }
    free(edgeA);
}

#else

int packed_gemm_best_kernel(void) { return PACKED_GEMM_NONE; }

void packed_gemm(int kernel, int m, int n, int k, const float *a, int lda, const float *packed, int accumulate, float *c, int ldc) {
    (void)kernel; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)accumulate; (void)c; (void)ldc;
    abort();  // no kernel on this processor: packed_gemm_best_kernel() said so
}

#endif
