// Matrix products, all through BLAS. The transposed variants let backpropagation form
// Aᵀ·B and A·Bᵀ without ever building Aᵀ or Bᵀ.

extension Matrix {
    /// C ← C + α · op(A) · op(B), where op(X) is X or Xᵀ: the one product every other
    /// product here is a case of. With `overwrite`, C ← α · op(A) · op(B) instead
    /// (C's old entries are ignored, so it may be uninitialised garbage of the right shape).
    public mutating func addProduct(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        scale α: Scalar = 1, overwrite: Bool = false
    ) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kB, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kB, "matrix product: \(transposeA ? "transposed " : "")\(a.shapeText) times \(transposeB ? "transposed " : "")\(b.shapeText): inner sizes \(k) and \(kB) differ")
        precondition(rows == m && columns == n, "matrix product: result is (\(m), \(n)), but the destination is \(shapeText)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if overwrite { setToZero() }
            return
        }
        a.withPointer { pa in
            b.withPointer { pb in
                withMutablePointer { pc in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: α, a: pa, lda: a.columns, b: pb, ldb: b.columns,
                        beta: overwrite ? 0 : 1, c: pc, ldc: n)
                }
            }
        }
    }

    /// A · B: (m, k) times (k, n) gives (m, n).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        var c = Matrix(uninitializedRows: a.rows, columns: b.columns)
        c.addProduct(a, b, overwrite: true)
        return c
    }

    /// Aᵀ · B, where A is (k, m) and B is (k, n): gives (m, n). Backward uses it for
    /// weight gradients, e.g. dW_hy = hᵀ · dy.
    public func transposedTimes(_ b: Matrix) -> Matrix {
        var c = Matrix(uninitializedRows: columns, columns: b.columns)
        c.addProduct(self, b, transposeA: true, overwrite: true)
        return c
    }

    /// A · Bᵀ, where A is (m, k) and B is (n, k): gives (m, n). Backward uses it to send
    /// a gradient back through a weight, e.g. dh = dy · W_hyᵀ.
    public func timesTransposed(_ b: Matrix) -> Matrix {
        var c = Matrix(uninitializedRows: rows, columns: b.rows)
        c.addProduct(self, b, transposeB: true, overwrite: true)
        return c
    }

    /// Aᵀ, materialised (a copy with rows and columns swapped). The products above never
    /// need it; it is here for printing and for tests.
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t.scalars[j * rows + i] = scalars[i * columns + j] }
        }
        return t
    }
}

extension Matrix {
    /// The product of a block of rows, in place: rows `cRow ..< cRow + m` of C ← (those rows
    /// +) rows `aRow ..< aRow + m` of A times op(B). A recurrent layer keeps all T steps
    /// stacked as (T·B, k) matrices; this multiplies one step's (B, k) block where it lies,
    /// instead of copying it out and back. With `overwrite` the block's old entries are ignored.
    public mutating func addRowBlockProduct(
        rows m: Int, at cRow: Int, _ a: Matrix, rowsAt aRow: Int, _ b: Matrix,
        transposeB: Bool = false, overwrite: Bool = false
    ) {
        let (k, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(a.columns == k, "matrix product: rows of \(a.shapeText) times \(transposeB ? "transposed " : "")\(b.shapeText): inner sizes \(a.columns) and \(k) differ")
        precondition(columns == n, "matrix product: result has \(n) columns, but the destination is \(shapeText)")
        precondition(m >= 0 && cRow >= 0 && cRow + m <= rows && aRow >= 0 && aRow + m <= a.rows,
                     "matrix product: rows \(aRow)..<\(aRow + m) of \(a.shapeText) into rows \(cRow)..<\(cRow + m) of \(shapeText)")
        if m == 0 || n == 0 || k == 0 {
            if overwrite && k == 0 { withMutablePointer { Scalar.fill($0 + cRow * n, with: 0, count: m * n) } }
            return
        }
        // B is a recurrent weight that the next steps multiply by again: the kernel may keep
        // it packed between calls (UnrolledKernels/SharedWeightProducts.swift). The run
        // depends on the kernel's C code from here on, and says so.
        _ = PackedKernelSources.noted
        a.withPointer { pa in
            withMutablePointer { pc in
                Scalar.gemm(sharedB: b.scalars, transposeB: transposeB, m: m, n: n, k: k, a: pa + aRow * k, lda: k,
                            ldb: b.columns, accumulate: !overwrite, c: pc + cRow * n, ldc: n)
            }
        }
    }
}
