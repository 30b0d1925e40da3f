import Testing
@testable import Unrolled
@testable import UnrolledKernels

/// `addRowBlockProduct`, the per-step product of a recurrent layer, which on AVX-512 and
/// AVX2 processors multiplies by a packed copy of the weight kept between calls
/// (UnrolledKernels/SharedWeightProducts.swift, Sources/CPackedGEMM): the same products as
/// BLAS up to Float rounding, with each kernel the processor runs, at every edge of their
/// blocks (8 or 6 rows, 32 columns), and never a stale copy after the weight changes.
@Suite struct SharedWeightProductTests {
    func random(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> Matrix<Float> {
        Matrix(rows: rows, columns: columns, scalars: (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    /// Rows `aRow ..< aRow + m` of A times op(B), added to (or written over) rows `cRow ..< cRow + m`
    /// of C, against the same rows through the general BLAS product, entry by entry, within
    /// Float rounding of Σ_k |a||b| (the two sum in different orders).
    /// With `kernel` nil, through `addRowBlockProduct` (the kernel this processor uses);
    /// else with that packed kernel.
    func check(m: Int, n: Int, k: Int, transposeB: Bool, overwrite: Bool, kernel: Int32?, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let (aRow, cRow) = (2, 3)
        let a = random(aRow + m + 1, k, &generator)
        let b = transposeB ? random(n, k, &generator) : random(k, n, &generator)
        let start = random(cRow + m + 2, n, &generator)
        var c = start
        if let kernel {
            a.withPointer { pa in c.withMutablePointer { pc in
                PackedWeights.product(kernel: kernel, sharedB: b.scalars, transposeB: transposeB, m: m, n: n, k: k, a: pa + aRow * k, lda: k,
                                      ldb: b.columns, accumulate: !overwrite, c: pc + cRow * n, ldc: n)
            } }
        } else {
            c.addRowBlockProduct(rows: m, at: cRow, a, rowsAt: aRow, b, transposeB: transposeB, overwrite: overwrite)
        }

        var expected = start.rows(cRow..<(cRow + m))
        expected.addProduct(a.rows(aRow..<(aRow + m)), b, transposeB: transposeB, overwrite: overwrite)
        let absA = Matrix(rows: a.rows, columns: a.columns, scalars: a.scalars.map(abs))
        let absB = Matrix(rows: b.rows, columns: b.columns, scalars: b.scalars.map(abs))
        var bound = Matrix<Float>(rows: m, columns: n)
        bound.addProduct(absA.rows(aRow..<(aRow + m)), absB, transposeB: transposeB)
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                let error = abs(c[cRow + i, j] - expected[i, j]) / (bound[i, j] + (overwrite ? 0 : abs(start[cRow + i, j])) + 1e-30)
                worst = max(worst, error)
            }
        }
        #expect(worst < 1e-5, "m \(m) n \(n) k \(k) transposeB \(transposeB) overwrite \(overwrite) kernel \(kernel.map(String.init) ?? "used"): worst error \(worst) of Σ|a||b|")
        // Rows outside the block are untouched.
        for i in Array(0..<cRow) + Array((cRow + m)..<c.rows) {
            #expect(c.rows(i..<(i + 1)) == start.rows(i..<(i + 1)), "row \(i) outside the block changed")
        }
    }

    // Shapes large enough for the packed path (n·k ≥ 2^14), around the block edges: m below,
    // at and above multiples of 8 and of 6, n of 32 and 16, one row, one column, k = 1.
    @Test(arguments: [(1, 130, 129), (7, 33, 513), (8, 32, 512), (9, 31, 600), (32, 512, 128), (33, 130, 129),
                      (17, 257, 130), (3, 16_417, 1), (17, 1, 16_400), (64, 96, 200), (5, 47, 400), (13, 17, 1_000), (6, 48, 350)])
    func matchesBLAS(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for kernel in [nil] + PackedWeights.kernelsHere {
            for transposeB in [false, true] {
                for overwrite in [false, true] {
                    check(m: m, n: n, k: k, transposeB: transposeB, overwrite: overwrite, kernel: kernel, seed: UInt64(m * 1_000_003 + n * 1_009 + k))
                }
            }
        }
    }

    /// The optimiser updates a weight in place between windows; the next product must see
    /// the new entries, not the packed copy of the old ones. Also a second weight of the
    /// same shape, and a copy of the first (the same entries, so the same product).
    @Test func seesEveryChangeToTheWeight() {
        var generator = SeededGenerator(seed: 7)
        let (m, n, k) = (32, 256, 128)
        let a = random(m, k, &generator)
        var w = random(k, n, &generator)
        func product(_ weight: Matrix<Float>) -> Matrix<Float> {
            var c = Matrix<Float>(rows: m, columns: n)
            c.addRowBlockProduct(rows: m, at: 0, a, rowsAt: 0, weight, overwrite: true)
            return c
        }
        func reference(_ weight: Matrix<Float>) -> Matrix<Float> { a * weight }
        func close(_ x: Matrix<Float>, _ y: Matrix<Float>) -> Bool {
            zip(x.scalars, y.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * (1 + abs($1)) }
        }
        #expect(close(product(w), reference(w)))
        #expect(close(product(w), reference(w)))                 // the cached copy
        w[5, 7] += 10                                            // one entry, in place
        #expect(close(product(w), reference(w)))
        w.withMutablePointer { Float.scale($0, by: -0.5, into: $0, count: k * n) }  // the way kernels write
        #expect(close(product(w), reference(w)))
        let other = random(k, n, &generator)
        #expect(close(product(other), reference(other)))
        let copy = w
        #expect(close(product(copy), reference(w)))
        #expect(close(product(w), reference(w)))
    }
}
