/// A model's parameters as a fixed list of named matrices.
///
/// The same type holds a model's gradients (the gradient of `wHH` is in the `wHH` field),
/// so optimisers, clipping and gradient checks work on any model that lists its matrices
/// here, and later cells need no new optimiser code. A conforming type lists its matrices
/// once, as names and key paths (`("wHH", \.wHH)`); the names, the array of values and the
/// loops that hand each matrix out `inout`, to be updated in place, all follow from it.
public protocol ParameterSet {
    associatedtype Scalar: KernelScalar
    /// Every parameter's name, as the book and exported files write it, and the stored
    /// property that holds it, in order.
    static var parameterPaths: [(name: String, path: WritableKeyPath<Self, Matrix<Scalar>>)] { get }
}

extension ParameterSet {
    /// Every parameter's name, in order.
    public static var parameterNames: [String] { parameterPaths.map(\.name) }

    /// Every parameter, in the same order.
    public var parameters: [Matrix<Scalar>] { Self.parameterPaths.map { self[keyPath: $0.path] } }

    /// (name, matrix) for every parameter, in order.
    public var namedParameters: [(name: String, value: Matrix<Scalar>)] {
        Self.parameterPaths.map { ($0.name, self[keyPath: $0.path]) }
    }

    /// Calls `body` with the index and the matrix of every parameter, in order, the
    /// matrix `inout` so that it is changed in place.
    public mutating func forEachParameter(_ body: (_ index: Int, _ parameter: inout Matrix<Scalar>) -> Void) {
        for (index, entry) in Self.parameterPaths.enumerated() { body(index, &self[keyPath: entry.path]) }
    }

    /// Calls `body` with every parameter and the matching matrix of `other` (for example
    /// its gradient), in order.
    public mutating func forEachParameter(pairedWith other: Self, _ body: (_ index: Int, _ parameter: inout Matrix<Scalar>, _ other: Matrix<Scalar>) -> Void) {
        for (index, entry) in Self.parameterPaths.enumerated() { body(index, &self[keyPath: entry.path], other[keyPath: entry.path]) }
    }

    /// The same set with its parameters replaced by `values`, in the order of `parameterPaths`.
    public func replacingParameters(with values: some Collection<Matrix<Scalar>>) -> Self {
        precondition(values.count == Self.parameterPaths.count, "\(Self.self) has \(Self.parameterPaths.count) parameters, got \(values.count)")
        var copy = self
        for (entry, value) in zip(Self.parameterPaths, values) {
            let old = copy[keyPath: entry.path]
            precondition(old.rows == value.rows && old.columns == value.columns, "\(entry.name) is \(old.shapeText), got \(value.shapeText)")
            copy[keyPath: entry.path] = value
        }
        return copy
    }

    /// The same set with every matrix replaced by zeros of its shape: the starting point
    /// for accumulated gradients.
    public func zerosLike() -> Self {
        var copy = self
        copy.forEachParameter { _, p in p = Matrix(rows: p.rows, columns: p.columns) }
        return copy
    }

    /// The total number of scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// √(Σ over every entry of every matrix of g²): the length of the gradient as one vector.
    public var globalNorm: Double {
        parameters.reduce(0.0) { $0 + $1.sumOfSquares() }.squareRoot()
    }

    /// Clamps every entry into [−limit, limit] (min-char-rnn clips its gradients at 5).
    /// It changes the gradient's direction; `clipByGlobalNorm` does not.
    public mutating func clipElementwise(to limit: Scalar) {
        precondition(limit > 0, "clipping limit \(limit) must be positive")
        forEachParameter { _, p in
            let n = p.count
            p.withMutablePointer { Scalar.clamp($0, limit: limit, count: n) }
        }
    }

    /// If the global norm ‖g‖ exceeds `maxNorm`, scales every matrix by maxNorm / ‖g‖, so
    /// the gradient keeps its direction and its length becomes `maxNorm` (Pascanu et al.,
    /// 2013). Returns ‖g‖ before clipping, which is worth plotting.
    @discardableResult
    public mutating func clipByGlobalNorm(_ maxNorm: Double) -> Double {
        precondition(maxNorm > 0, "clipping norm \(maxNorm) must be positive")
        let norm = globalNorm
        if norm > maxNorm {
            let s = Scalar(maxNorm / norm)
            forEachParameter { _, p in
                let n = p.count
                p.withMutablePointer { q in Scalar.scale(q, by: s, into: q, count: n) }
            }
        }
        return norm
    }
}
