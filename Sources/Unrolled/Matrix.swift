@_exported import UnrolledKernels

/// A dense `rows × columns` matrix, stored row by row (row-major).
///
/// The book's vectors are rows: a batch of B inputs of size D is a (B, D) matrix, and a
/// layer computes `x * W + b` with W of shape (D, H) and b a (1, H) row. `Scalar` is `Float`
/// for training and `Double` for gradient checks.
///
/// Every operation checks shapes with a precondition that names both shapes. Products go
/// to BLAS and element-wise loops to `UnrolledKernels`, which is optimised even in a debug
/// build; reading or writing single entries with the subscript is the slow path.
public struct Matrix<Scalar: KernelScalar>: Equatable, Sendable {
    /// The number of rows (for a batch: the batch size).
    public private(set) var rows: Int
    /// The number of columns (for a batch: the size of each vector).
    public private(set) var columns: Int
    /// The entries, row by row: entry (i, j) is `scalars[i * columns + j]`.
    public internal(set) var scalars: [Scalar]

    /// A matrix with every entry equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape (\(rows), \(columns)) has a negative side")
        self.rows = rows
        self.columns = columns
        self.scalars = Self.storage(count: rows * columns, repeating: value)
    }

    /// `count` copies of `value`, written by a kernel (generic code here would write them
    /// one by one through the type's value witnesses, slowly).
    static func storage(count: Int, repeating value: Scalar) -> [Scalar] {
        guard count > 0 else { return [] }
        return [Scalar](unsafeUninitializedCapacity: count) { buffer, initialised in
            Scalar.fill(buffer.baseAddress!, with: value, count: count)
            initialised = count
        }
    }

    /// A matrix whose entries are not set: only for results that a kernel overwrites
    /// entirely before anyone reads them (zero-filling first cost measurable time).
    init(uninitializedRows rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape (\(rows), \(columns)) has a negative side")
        self.rows = rows
        self.columns = columns
        let count = rows * columns
        self.scalars = count == 0 ? [] : [Scalar](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }

    /// A matrix over `scalars`, given row by row; there must be `rows * columns` of them.
    public init(rows: Int, columns: Int, scalars: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape (\(rows), \(columns)) has a negative side")
        precondition(scalars.count == rows * columns,
                     "Matrix (\(rows), \(columns)) needs \(rows * columns) scalars, got \(scalars.count)")
        self.rows = rows
        self.columns = columns
        self.scalars = scalars
    }

    /// A matrix from a list of rows of equal length, as it reads on the page:
    /// `Matrix([[1, 2], [3, 4]])`.
    public init(_ rowList: [[Scalar]]) {
        let columns = rowList.first?.count ?? 0
        for (i, row) in rowList.enumerated() {
            precondition(row.count == columns, "Matrix row \(i) has \(row.count) entries, row 0 has \(columns)")
        }
        self.init(rows: rowList.count, columns: columns, scalars: rowList.flatMap { $0 })
    }

    /// The same matrix in another scalar type (`Float` ↔ `Double`).
    public init<Other: KernelScalar>(_ other: Matrix<Other>) {
        self.init(rows: other.rows, columns: other.columns, scalars: other.scalars.map { Scalar($0) })
    }

    /// A (rows, columns) matrix of zeros.
    public static func zeros(_ rows: Int, _ columns: Int) -> Matrix { Matrix(rows: rows, columns: columns) }

    /// (rows, columns), the way shape comments in the book write it.
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// rows · columns.
    public var count: Int { scalars.count }

    /// Entry (i, j), with bounds checked.
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) outside a (\(rows), \(columns)) matrix")
            return scalars[i * columns + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) outside a (\(rows), \(columns)) matrix")
            scalars[i * columns + j] = newValue
        }
    }

    /// Row i as a (1, columns) matrix.
    public func row(_ i: Int) -> Matrix { rows(i..<(i + 1)) }

    /// The rows in `range`, copied into a (range.count, columns) matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside a (\(rows), \(columns)) matrix")
        var block = Matrix(uninitializedRows: range.count, columns: columns)
        let (offset, count) = (range.lowerBound * columns, block.count)
        withPointer { source in block.withMutablePointer { target in
            Scalar.copy(source + offset, into: target, count: count)
        } }
        return block
    }

    /// Overwrites rows `start ..< start + block.rows` with `block`.
    public mutating func setRows(startingAt start: Int, to block: Matrix) {
        precondition(block.columns == columns, "cannot write \(block.shapeText) rows into a \(shapeText) matrix")
        precondition(start >= 0 && start + block.rows <= rows, "rows \(start)..<\(start + block.rows) outside a \(shapeText) matrix")
        let offset = start * columns
        block.withPointer { source in withMutablePointer { target in
            Scalar.copy(source, into: target + offset, count: block.count)
        } }
    }

    /// The matrices on top of each other: shapes (r₁, C), (r₂, C), … give (r₁ + r₂ + …, C).
    public init(stacking blocks: [Matrix]) {
        let columns = blocks.first?.columns ?? 0
        var rows = 0
        for block in blocks {
            precondition(block.columns == columns, "cannot stack a \(block.shapeText) matrix under ones with \(columns) columns")
            rows += block.rows
        }
        self.init(uninitializedRows: rows, columns: columns)   // every row is written below
        var row = 0
        for block in blocks {
            setRows(startingAt: row, to: block)
            row += block.rows
        }
    }

    /// "(rows, columns)", for messages.
    public var shapeText: String { "(\(rows), \(columns))" }

    /// Calls `body` with the entries as a pointer (read-only). An empty matrix passes a
    /// pointer that must not be read, which every kernel honours since its count is 0.
    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0.baseAddress ?? UnsafePointer(Self.emptyPointer)) }
    }

    /// Calls `body` with the entries as a mutable pointer.
    @inline(__always)
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0.baseAddress ?? Self.emptyPointer) }
    }

    private static var emptyPointer: UnsafeMutablePointer<Scalar> {
        UnsafeMutablePointer(bitPattern: MemoryLayout<Scalar>.alignment)!
    }
}

extension Matrix: CustomStringConvertible {
    /// The entries row by row, at most 8 rows and 8 columns, with "…" for the rest.
    public var description: String {
        var lines: [String] = []
        for i in 0..<min(rows, 8) {
            var cells: [String] = []
            for j in 0..<min(columns, 8) {
                let value = Double(self[i, j])
                cells.append(value.magnitude >= 1e4 || (value != 0 && value.magnitude < 1e-3)
                             ? "\(value)" : String(format4: value))
            }
            if columns > 8 { cells.append("…") }
            lines.append("[" + cells.joined(separator: ", ") + "]")
        }
        if rows > 8 { lines.append("… (\(rows) rows)") }
        return "Matrix\(shapeText)\n" + lines.joined(separator: "\n")
    }
}

extension String {
    /// `value` rounded to 4 decimals without Foundation's `String(format:)`.
    init(format4 value: Double) {
        let scaled = (value * 10_000).rounded() / 10_000
        self = "\(scaled)"
    }
}
