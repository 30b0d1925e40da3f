// Element-wise arithmetic, broadcasting of bias rows, and reductions. Each operation is one
// call into `UnrolledKernels`; none allocates per element.

infix operator .* : MultiplicationPrecedence

extension Matrix: AdditiveArithmetic {
    /// The empty (0, 0) matrix, which `+` and `-` treat as the zero of every shape.
    /// Automatic differentiation needs a zero before it knows any shape; code that knows
    /// the shape should write `Matrix.zeros(rows, columns)`.
    public static var zero: Matrix { Matrix(rows: 0, columns: 0) }

    var isShapelessZero: Bool { rows == 0 && columns == 0 }

    /// A + B, entry by entry. If B is a single row (1, C) and A is (R, C), B is added to
    /// every row of A: that is how a bias `b` joins `x * W` for a whole batch.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        if b.isShapelessZero { return a }
        if a.isShapelessZero { return b }
        if b.rows == 1 && a.rows != 1 {
            var r = a
            r += b
            return r
        }
        precondition(a.rows == b.rows && a.columns == b.columns, "adding a \(b.shapeText) matrix to a \(a.shapeText) one")
        var r = Matrix(uninitializedRows: a.rows, columns: a.columns)
        a.withPointer { pa in b.withPointer { pb in r.withMutablePointer { pr in
            Scalar.add(pa, pb, into: pr, count: a.count)
        } } }
        return r
    }

    /// A − B, entry by entry (B of the same shape as A).
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        if b.isShapelessZero { return a }
        if a.isShapelessZero { return -b }
        precondition(a.rows == b.rows && a.columns == b.columns, "subtracting a \(b.shapeText) matrix from a \(a.shapeText) one")
        var r = Matrix(uninitializedRows: a.rows, columns: a.columns)
        a.withPointer { pa in b.withPointer { pb in r.withMutablePointer { pr in
            Scalar.subtract(pa, pb, into: pr, count: a.count)
        } } }
        return r
    }

    /// A ← A + B; B may be a (1, C) row added to every row, as for `+`.
    public static func += (a: inout Matrix, b: Matrix) {
        if b.isShapelessZero { return }
        if a.isShapelessZero { a = b; return }
        if b.rows == 1 && a.rows != 1 {
            precondition(b.columns == a.columns, "adding a \(b.shapeText) row to the rows of a \(a.shapeText) matrix")
            let (rows, columns) = (a.rows, a.columns)
            b.withPointer { pb in a.withMutablePointer { pa in
                Scalar.addRowVector(pb, to: pa, rows: rows, columns: columns)
            } }
            return
        }
        precondition(a.rows == b.rows && a.columns == b.columns, "adding a \(b.shapeText) matrix to a \(a.shapeText) one")
        let n = a.count
        b.withPointer { pb in a.withMutablePointer { pa in Scalar.addScaled(pb, by: 1, to: pa, count: n) } }
    }

    /// A ← A − B (same shapes).
    public static func -= (a: inout Matrix, b: Matrix) {
        a.add(b, scaledBy: -1)
    }

    /// A ← A + s·B (same shapes): one pass, no temporary.
    public mutating func add(_ b: Matrix, scaledBy s: Scalar) {
        if b.isShapelessZero { return }
        if isShapelessZero { self = Matrix(rows: b.rows, columns: b.columns) }
        precondition(rows == b.rows && columns == b.columns, "adding a \(b.shapeText) matrix to a \(shapeText) one")
        let n = count
        b.withPointer { pb in withMutablePointer { pa in Scalar.addScaled(pb, by: s, to: pa, count: n) } }
    }

    /// −A.
    public static prefix func - (a: Matrix) -> Matrix { -1 * a }

    /// s · A.
    public static func * (s: Scalar, a: Matrix) -> Matrix {
        var r = Matrix(uninitializedRows: a.rows, columns: a.columns)
        a.withPointer { pa in r.withMutablePointer { pr in Scalar.scale(pa, by: s, into: pr, count: a.count) } }
        return r
    }

    /// A ⊙ B, the element-wise (Hadamard) product, written `.*` as in MATLAB.
    public static func .* (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "element-wise product of a \(a.shapeText) and a \(b.shapeText) matrix")
        var r = Matrix(uninitializedRows: a.rows, columns: a.columns)
        a.withPointer { pa in b.withPointer { pb in r.withMutablePointer { pr in
            Scalar.multiply(pa, pb, into: pr, count: a.count)
        } } }
        return r
    }

    /// Sets every entry to zero, keeping the shape (and the storage).
    public mutating func setToZero() {
        let n = count
        withMutablePointer { p in p.update(repeating: 0, count: n) }
    }
}

// MARK: - Reductions

extension Matrix {
    /// Σᵢⱼ aᵢⱼ (accumulated in Double).
    public func sum() -> Scalar { Scalar(withPointer { Scalar.sum($0, count: count) }) }

    /// Σᵢⱼ aᵢⱼ² (in Double): the squared Frobenius norm, used by gradient clipping.
    public func sumOfSquares() -> Double { withPointer { Scalar.sumOfSquares($0, count: count) } }

    /// The (1, C) row of column sums Σᵢ aᵢⱼ: the gradient of a bias that was added to
    /// every row of a batch.
    public func columnSums() -> Matrix {
        var r = Matrix(rows: 1, columns: columns)
        withPointer { pa in r.withMutablePointer { pr in Scalar.addColumnSums(pa, rows: rows, columns: columns, to: pr) } }
        return r
    }

    /// The largest |aᵢⱼ|, or 0 for an empty matrix.
    public func maxMagnitude() -> Scalar { scalars.reduce(0) { Swift.max($0, $1.magnitude) } }
}

// MARK: - Non-linearities

/// tanh, entry by entry.
public func tanh<Scalar>(_ a: Matrix<Scalar>) -> Matrix<Scalar> {
    var r = Matrix<Scalar>(uninitializedRows: a.rows, columns: a.columns)
    a.withPointer { pa in r.withMutablePointer { pr in Scalar.tanh(pa, into: pr, count: a.count) } }
    return r
}

/// Back through h = tanh(z): given h and dL/dh, returns dL/dz = (1 − h²) ⊙ dL/dh.
/// It needs only the output h, which the forward pass keeps anyway.
public func tanhBackward<Scalar>(output h: Matrix<Scalar>, gradient dh: Matrix<Scalar>) -> Matrix<Scalar> {
    precondition(h.rows == dh.rows && h.columns == dh.columns, "tanh backward: output \(h.shapeText) and gradient \(dh.shapeText) differ")
    var r = Matrix<Scalar>(uninitializedRows: h.rows, columns: h.columns)
    h.withPointer { ph in dh.withPointer { pd in r.withMutablePointer { pr in
        Scalar.tanhBackward(output: ph, gradient: pd, into: pr, count: h.count)
    } } }
    return r
}

// MARK: - One-hot products

extension Matrix {
    /// onehot(ids) · A: row i of the result is row `ids[i]` of A. Multiplying a one-hot row
    /// by a matrix only selects a row, so this looks rows up instead of multiplying by zeros.
    public func rows(at ids: [Int]) -> Matrix {
        for id in ids { precondition(id >= 0 && id < rows, "row id \(id) outside a \(shapeText) matrix") }
        var r = Matrix(uninitializedRows: ids.count, columns: columns)
        withPointer { table in ids.withUnsafeBufferPointer { pid in r.withMutablePointer { pr in
            Scalar.gatherRows(table, ids: pid.baseAddress!, count: ids.count, columns: columns, into: pr, accumulate: false)
        } } }
        return r
    }

    /// A ← A + onehot(ids)ᵀ · D: adds row i of D to row `ids[i]` of A. The backward of
    /// `rows(at:)`: the gradient of a looked-up table.
    public mutating func addRows(_ d: Matrix, at ids: [Int]) {
        precondition(d.rows == ids.count && d.columns == columns, "adding \(d.shapeText) rows at \(ids.count) ids into a \(shapeText) matrix")
        for id in ids { precondition(id >= 0 && id < rows, "row id \(id) outside a \(shapeText) matrix") }
        let columns = columns
        d.withPointer { pd in ids.withUnsafeBufferPointer { pid in withMutablePointer { table in
            Scalar.scatterAddRows(pd, ids: pid.baseAddress!, count: ids.count, columns: columns, into: table)
        } } }
    }
}
