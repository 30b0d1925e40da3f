/// A model's parameters as a fixed list of named matrices.
///
/// The same type holds a model's gradients (the gradient of `wHH` is in the `wHH` field),
/// so optimisers, clipping and gradient checks work on any model that lists its matrices
/// here, and later cells (GRU, LSTM) need no new optimiser code.
public protocol ParameterSet {
    associatedtype Scalar: KernelScalar
    /// Every parameter, in a fixed order, with the name the book and files use for it.
    static var parameterPaths: [(name: String, path: WritableKeyPath<Self, Matrix<Scalar>>)] { get }
}

extension ParameterSet {
    /// The parameters' names, in order.
    public static var parameterNames: [String] { parameterPaths.map(\.name) }

    /// (name, matrix) for every parameter, in order.
    public var namedParameters: [(name: String, value: Matrix<Scalar>)] {
        Self.parameterPaths.map { ($0.name, self[keyPath: $0.path]) }
    }

    /// The same set with every matrix replaced by zeros of its shape: the starting point
    /// for accumulated gradients.
    public func zerosLike() -> Self {
        var copy = self
        for (_, path) in Self.parameterPaths {
            let m = self[keyPath: path]
            copy[keyPath: path] = Matrix(rows: m.rows, columns: m.columns)
        }
        return copy
    }

    /// The total number of scalars.
    public var parameterCount: Int { Self.parameterPaths.reduce(0) { $0 + self[keyPath: $1.path].count } }

    /// √(Σ over every entry of every matrix of g²): the length of the gradient as one vector.
    public var globalNorm: Double {
        Self.parameterPaths.reduce(0.0) { $0 + self[keyPath: $1.path].sumOfSquares() }.squareRoot()
    }

    /// Clamps every entry into [−limit, limit] (min-char-rnn clips its gradients at 5).
    /// It changes the gradient's direction; `clipByGlobalNorm` does not.
    public mutating func clipElementwise(to limit: Scalar) {
        precondition(limit > 0, "clipping limit \(limit) must be positive")
        for (_, path) in Self.parameterPaths {
            let n = self[keyPath: path].count
            self[keyPath: path].withMutablePointer { Scalar.clamp($0, limit: limit, count: n) }
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
            for (_, path) in Self.parameterPaths {
                let n = self[keyPath: path].count
                self[keyPath: path].withMutablePointer { p in Scalar.scale(p, by: s, into: p, count: n) }
            }
        }
        return norm
    }
}
