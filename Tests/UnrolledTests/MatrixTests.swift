import Foundation
import Notebook
import Testing
@testable import Unrolled

/// Products and element-wise operations against their definitions, computed entry by entry.
@Suite struct MatrixTests {
    /// Σₖ A[i, k] B[k, j], the definition, for comparison.
    func naiveProduct(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    func random(_ r: Int, _ c: Int, _ g: inout SeededGenerator) -> Matrix<Double> {
        Matrix(rows: r, columns: c, uniformIn: -1, 1, using: &g)
    }

    @Test(arguments: [(1, 1, 1), (1, 7, 5), (3, 4, 5), (6, 1, 9), (17, 13, 11), (1, 100, 65)])
    func productsMatchTheDefinition(_ shape: (Int, Int, Int)) {
        var g = SeededGenerator(seed: UInt64(shape.0 * 100 + shape.1 * 10 + shape.2))
        let (m, k, n) = shape
        let a = random(m, k, &g), b = random(k, n, &g)
        let expected = naiveProduct(a, b)
        #expect(maxRelativeError(a * b, expected).error < 1e-12)
        #expect(maxRelativeError(a.transposed().transposedTimes(b), expected).error < 1e-12)
        #expect(maxRelativeError(a.timesTransposed(b.transposed()), expected).error < 1e-12)
        var c = random(m, n, &g)
        let before = c
        c.addProduct(a, b, scale: 2)
        #expect(maxRelativeError(c, before + 2 * expected).error < 1e-12)
        // Float agrees with Double within the classical bound for a sum of k products,
        // |fl(AB) − AB|_ij ≤ γ_k (|A||B|)_ij with γ_k ≈ k·u, u = 2⁻²⁴ (plus the rounding of
        // A and B to Float, another 2u per product). A relative error per entry has no such
        // bound: an entry near zero by cancellation can be off by a large fraction of
        // itself, and which entries are, depends on the BLAS kernel's order of summation.
        let f = Matrix<Double>(Matrix<Float>(a) * Matrix<Float>(b))
        let u = Double(Float.ulpOfOne) / 2
        for i in 0..<m {
            for j in 0..<n {
                var magnitude = 0.0
                for p in 0..<k { magnitude += abs(a[i, p] * b[p, j]) }
                let bound = Double(k + 2) * u * magnitude * 1.01
                #expect(abs(f[i, j] - expected[i, j]) <= bound, "entry (\(i), \(j)): \(f[i, j]) against \(expected[i, j]), bound \(bound)")
            }
        }
    }

    @Test func elementwiseOperations() {
        let a = Matrix<Double>([[1, -2, 3], [4, 5, -6]])
        let b = Matrix<Double>([[0.5, 1, 2], [-1, 0, 3]])
        #expect((a + b).scalars == [1.5, -1, 5, 3, 5, -3])
        #expect((a - b).scalars == [0.5, -3, 1, 5, 5, -9])
        #expect((a .* b).scalars == [0.5, -2, 6, -4, 0, -18])
        #expect((3 * a).scalars == [3, -6, 9, 12, 15, -18])
        #expect((a + Matrix([[10, 20, 30]])).scalars == [11, 18, 33, 14, 25, 24])  // a bias row, broadcast
        #expect(a.columnSums().scalars == [5, 3, -3])
        #expect(a.sum() == 5)
        #expect(a.sumOfSquares() == 91)
        #expect(a.transposed().scalars == [1, 4, -2, 5, 3, -6])
        #expect(a.rows(1..<2).scalars == [4, 5, -6])
        #expect(Matrix(stacking: [a, b]).rows(2..<4) == b)
        #expect(a.rows(at: [1, 0, 1]).scalars == [4, 5, -6, 1, -2, 3, 4, 5, -6])
        var table = Matrix<Double>.zeros(2, 3)
        table.addRows(Matrix([[1, 1, 1], [2, 2, 2], [3, 3, 3]]), at: [1, 0, 1])
        #expect(table.scalars == [2, 2, 2, 4, 4, 4])
        #expect(Matrix<Double>.zero + a == a && a - .zero == a)
    }

    @Test func tanhAndItsBackward() {
        var g = SeededGenerator(seed: 3)
        let z = Matrix<Double>(rows: 4, columns: 9, uniformIn: -6, 6, using: &g)
        let h = tanh(z)
        for i in 0..<z.count { #expect(relativeError(h.scalars[i], Foundation.tanh(z.scalars[i])) < 1e-15) }
        let dh = Matrix<Double>(rows: 4, columns: 9, uniformIn: -1, 1, using: &g)
        let dz = tanhBackward(output: h, gradient: dh)
        for i in 0..<z.count { #expect(relativeError(dz.scalars[i], (1 - h.scalars[i] * h.scalars[i]) * dh.scalars[i]) < 1e-15) }
        // Float uses a rational approximation: within a few ulp of the true tanh everywhere.
        let x = Matrix<Float>(rows: 1, columns: 24_001, scalars: (0...24_000).map { Float($0) / 1000 - 12 })
        let fast = tanh(x)
        var worst = 0.0
        for i in 0..<x.count { worst = max(worst, (Double(fast.scalars[i]) - Foundation.tanh(Double(x.scalars[i]))).magnitude) }
        #expect(worst < 5e-7)
    }

    @Test func conversionAndRandomInitialisers() {
        var g = SeededGenerator(seed: 5)
        let w = Matrix<Float>.xavier(40, 60, using: &g)
        let limit = Float((6.0 / 100).squareRoot())
        #expect(w.scalars.allSatisfy { $0.magnitude <= limit })
        #expect(w.maxMagnitude() > limit * 0.9)
        let n = Matrix<Double>(rows: 100, columns: 100, normalMean: 2, standardDeviation: 3, using: &g)
        let mean = n.sum() / 10_000
        let variance = n.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 10_000
        #expect((mean - 2).magnitude < 0.1)
        #expect((variance.squareRoot() - 3).magnitude < 0.1)
    }
}

@Suite struct TokenBatchTests {
    @Test func timeMajorOrderAndSteps() {
        let batch = TokenBatch([[1, 2, 3], [4, 5, 6]])                // B = 2, T = 3
        #expect(batch[1, 0] == 4 && batch.step(2) == [3, 6])
        #expect(batch.timeMajor == [1, 4, 2, 5, 3, 6])
        #expect(TokenBatch([[7, 8, 9]]).timeMajor == [7, 8, 9])
        #expect(batch.vocabularyBound == 7)
    }
}
