// Products by a weight that many calls in a row share: a recurrent layer's W_h, multiplied
// by the (B, H) state at every step of a window, forward and (transposed) backward.
//
// A BLAS sgemm copies ("packs") its operands into a cache-friendly layout inside every
// call. For chapter 10's LSTM at H = 512, B = 32 that copy of the (512, 2048) weight was a
// quarter of the training time (Benchmarks/README.md), repeated 128 times per window for a
// weight that does not change within it. On x86-64 processors with AVX-512 or AVX2, Float
// products here pack the weight once into the layout of the kernels in Sources/CPackedGEMM
// and keep the packed copy for the calls that follow; measured in isolation on the project's
// machine, the (32, 512)·(512, 2048) product then runs at about 240 GFLOP/s (AVX2: 105)
// against OpenBLAS 0.3.21's 110 (AVX2 kernels: 90). Elsewhere (and for Double, the gradient
// checks' type) it is the plain BLAS product.
//
// How a packed copy is known to still match the weight: the cache keeps a reference to the
// weight's array. Swift arrays are copy-on-write, so while that reference exists, anyone who
// writes to the weight (the optimiser's step, in place) first gets a fresh copy of its own
// buffer: the buffer the cache holds never changes. A weight whose buffer is the very one
// the cache holds has the packed copy's entries; after an update it has a new buffer, misses,
// and is packed again, once per window. The price is that one copy of each cached weight.

import CPackedGEMM
import Foundation

extension Float {
    public static func gemm(
        sharedB b: [Float], transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        PackedWeights.product(kernel: PackedWeights.kernel, sharedB: b, transposeB: transposeB, m: m, n: n, k: k,
                              a: a, lda: lda, ldb: ldb, accumulate: accumulate, c: c, ldc: ldc)
    }
}

extension Double {
    /// Double products (gradient checks) always go to BLAS.
    public static func gemm(
        sharedB b: [Double], transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        precondition(m > 0 && n > 0 && k > 0 && ldb >= (transposeB ? k : n) && b.count >= (transposeB ? (n - 1) * ldb + k : (k - 1) * ldb + n),
                     "shared-weight product: B of \(b.count) entries, row stride \(ldb), cannot be op(B) of shape (\(k), \(n))")
        b.withUnsafeBufferPointer { pb in
            gemm(transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                 b: pb.baseAddress!, ldb: ldb, beta: accumulate ? 1 : 0, c: c, ldc: ldc)
        }
    }
}

/// One weight op(B), (k, n), in the packed kernel's layout, with the array it was packed from.
final class PackedWeight: @unchecked Sendable {  // immutable after init
    /// The weight's entries as they were packed; holding them is what keeps them unchanged.
    let source: [Float]
    let transposeB: Bool, k: Int, n: Int, ldb: Int
    let panels: UnsafeMutablePointer<Float>

    init(_ source: [Float], transposeB: Bool, k: Int, n: Int, ldb: Int) {
        (self.source, self.transposeB, self.k, self.n, self.ldb) = (source, transposeB, k, n, ldb)
        // On a cache line's boundary, so no 64-byte row of a panel straddles two lines.
        let count = packed_gemm_packed_count(Int32(k), Int32(n))
        panels = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        source.withUnsafeBufferPointer { packed_gemm_pack(transposeB ? 1 : 0, Int32(k), Int32(n), $0.baseAddress!, Int32(ldb), panels) }
    }

    deinit { UnsafeMutableRawPointer(panels).deallocate() }

    /// Whether `weight` is the very array this was packed from, read the same way.
    func matches(_ weight: [Float], transposeB: Bool, k: Int, n: Int, ldb: Int) -> Bool {
        guard self.transposeB == transposeB && self.k == k && self.n == n && self.ldb == ldb && source.count == weight.count
        else { return false }
        let mine = source.withUnsafeBufferPointer { $0.baseAddress }
        return mine != nil && mine == weight.withUnsafeBufferPointer { $0.baseAddress }
    }
}

/// The few most recently used packed weights, shared by all threads (an LSTM needs two:
/// W_h forward and W_hᵀ backward).
public final class PackedWeights: @unchecked Sendable {  // every access under `lock`
    static let shared = PackedWeights()
    static let capacity = 4
    /// The packed kernel products use: the fastest this processor runs (AVX-512, else AVX2),
    /// unless the environment sets UNROLLED_PACKED_GEMM=0 (BLAS alone) or =avx2 (at most
    /// AVX2), to time or compare them on one machine.
    static let kernel: Int32 = {
        switch ProcessInfo.processInfo.environment["UNROLLED_PACKED_GEMM"] {
        case "0": Int32(PACKED_GEMM_NONE)
        case "avx2": min(packed_gemm_best_kernel(), Int32(PACKED_GEMM_AVX2))
        default: packed_gemm_best_kernel()
        }
    }()

    /// Every packed kernel this processor runs (for tests).
    static var kernelsHere: [Int32] {
        [Int32(PACKED_GEMM_AVX2), Int32(PACKED_GEMM_AVX512)].filter { $0 <= packed_gemm_best_kernel() }
    }

    /// What the LSTM's step products run on, for people: "AVX-512 packed-weight kernel" or "BLAS".
    public static var kernelDescription: String {
        switch kernel {
        case Int32(PACKED_GEMM_AVX512): "AVX-512 packed-weight kernel"
        case Int32(PACKED_GEMM_AVX2): "AVX2 packed-weight kernel"
        default: "BLAS"
        }
    }

    /// Few rows (where BLAS's per-call packing costs most) and a weight big enough for the
    /// packing to matter; sizes that fit the C kernel's Int32 arguments.
    static func worthPacking(m: Int, n: Int, k: Int) -> Bool {
        m >= 1 && m <= 256 && n * k >= 1 << 14 && n < 1 << 24 && k < 1 << 24 && n * k < 1 << 30
    }

    /// C (+)= A·op(B) with `kernel` (PACKED_GEMM_NONE: BLAS) when the shape is worth packing
    /// for, else with BLAS. Tests call it with each kernel the processor runs.
    static func product(
        kernel: Int32, sharedB b: [Float], transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // The kernels read B through raw pointers: a B too small for its shape is refused here.
        precondition(m > 0 && n > 0 && k > 0 && ldb >= (transposeB ? k : n) && b.count >= (transposeB ? (n - 1) * ldb + k : (k - 1) * ldb + n),
                     "shared-weight product: B of \(b.count) entries, row stride \(ldb), cannot be op(B) of shape (\(k), \(n))")
        guard kernel != Int32(PACKED_GEMM_NONE) && worthPacking(m: m, n: n, k: k) else {
            b.withUnsafeBufferPointer { pb in
                Float.gemm(transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                           b: pb.baseAddress!, ldb: ldb, beta: accumulate ? 1 : 0, c: c, ldc: ldc)
            }
            return
        }
        let packed = shared.packed(b, transposeB: transposeB, k: k, n: n, ldb: ldb)
        packed_gemm(kernel, Int32(m), Int32(n), Int32(k), a, Int32(lda), packed.panels, accumulate ? 1 : 0, c, Int32(ldc))
        withExtendedLifetime(packed) {}
    }

    private let lock = NSLock()
    private var entries: [PackedWeight] = []  // most recently used first

    /// The packed form of `weight`, packed now if it is not among the cached ones.
    func packed(_ weight: [Float], transposeB: Bool, k: Int, n: Int, ldb: Int) -> PackedWeight {
        lock.lock()
        defer { lock.unlock() }
        if let index = entries.firstIndex(where: { $0.matches(weight, transposeB: transposeB, k: k, n: n, ldb: ldb) }) {
            let entry = entries.remove(at: index)
            entries.insert(entry, at: 0)
            return entry
        }
        let entry = PackedWeight(weight, transposeB: transposeB, k: k, n: n, ldb: ldb)
        entries.insert(entry, at: 0)
        if entries.count > Self.capacity { entries.removeLast() }
        return entry
    }
}
