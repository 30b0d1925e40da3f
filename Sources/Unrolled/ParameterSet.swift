/// A model's parameters as a fixed list of named matrices.
///
/// The same type holds a model's gradients (the gradient of `wHH` is in the `wHH` field),
/// so optimisers, clipping and gradient checks work on any model that lists its matrices
/// here, and later cells (GRU, LSTM) need no new optimiser code. A conforming type lists
/// its matrices three times, in the same order: names, `parameters`, and the two
/// `forEach` methods, which hand each matrix out `inout` so it is updated in place.
public protocol ParameterSet {
    associatedtype Scalar: KernelScalar
    /// Every parameter's name, in order, as the book and checkpoint files write it.
    static var parameterNames: [String] { get }
    /// Every parameter, in the same order.
    var parameters: [Matrix<Scalar>] { get }
    /// Calls `body` with the index and the matrix of every parameter, in order.
    mutating func forEachParameter(_ body: (_ index: Int, _ parameter: inout Matrix<Scalar>) -> Void)
    /// Calls `body` with every parameter and the matching matrix of `other` (for example
    /// its gradient), in order.
    mutating func forEachParameter(pairedWith other: Self, _ body: (_ index: Int, _ parameter: inout Matrix<Scalar>, _ other: Matrix<Scalar>) -> Void)
}

extension ParameterSet {
    /// (name, matrix) for every parameter, in order.
    public var namedParameters: [(name: String, value: Matrix<Scalar>)] {
        Array(zip(Self.parameterNames, parameters))
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

    // clipElementwise(to:), min-char-rnn's clamp, is written out in chapter 6 (a lib cell there).

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
