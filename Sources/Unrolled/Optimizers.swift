// Optimisers: given parameters θ and gradients g = ∂L/∂θ (a value of the same
// `ParameterSet` type), move θ downhill. Each keeps whatever state it needs per parameter.

/// Something that updates parameters from their gradients, one step at a time.
public protocol Optimizer {
    associatedtype Scalar: KernelScalar
    /// Moves `parameters` one step using `gradients` (same type, same shapes).
    mutating func update<P: ParameterSet>(_ parameters: inout P, with gradients: P) where P.Scalar == Scalar
}

private func checkShapes<P: ParameterSet>(_ parameters: P, _ gradients: P) {
    for (name, (p, g)) in zip(P.parameterNames, zip(parameters.parameters, gradients.parameters)) {
        precondition(p.rows == g.rows && p.columns == g.columns, "gradient of \(name) is \(g.shapeText), the parameter \(p.shapeText)")
    }
}

/// Zero matrices shaped like each parameter: an optimiser's state before its first step.
private func zeroState<P: ParameterSet>(like parameters: P) -> [Matrix<P.Scalar>] {
    parameters.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
}

/// Plain gradient descent: θ ← θ − η·g.
public struct SGD<Scalar: KernelScalar>: Optimizer {
    public var learningRate: Scalar

    public init(learningRate: Scalar) { self.learningRate = learningRate }

    public mutating func update<P: ParameterSet>(_ parameters: inout P, with gradients: P) where P.Scalar == Scalar {
        checkShapes(parameters, gradients)
        let η = learningRate
        parameters.forEachParameter(pairedWith: gradients) { _, p, g in
            g.withPointer { pg in p.withMutablePointer { pp in
                Scalar.sgdStep(pp, gradient: pg, learningRate: η, count: g.count)
            } }
        }
    }
}

// Adagrad, min-char-rnn's optimiser, is written out in chapter 6 (a lib cell there).

/// Adam (Kingma and Ba, 2015): running means of g (m) and g² (v), each corrected for
/// starting at zero, give θ ← θ − η · m̂ / (√v̂ + ε), where m̂ = m / (1 − β₁ᵗ) and
/// v̂ = v / (1 − β₂ᵗ) at step t = 1, 2, ….
public struct Adam<Scalar: KernelScalar>: Optimizer {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    /// The number of steps taken (t).
    public private(set) var step = 0
    /// m and v, one matrix per parameter (empty until the first step).
    public private(set) var firstMoments: [Matrix<Scalar>] = []
    public private(set) var secondMoments: [Matrix<Scalar>] = []

    public init(learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// An Adam that continues where a saved one stopped (a checkpoint): t, m and v restored.
    public init(learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
                step: Int, firstMoments: [Matrix<Scalar>], secondMoments: [Matrix<Scalar>]) {
        precondition(step >= 0 && firstMoments.count == secondMoments.count, "Adam state: step \(step), \(firstMoments.count) m and \(secondMoments.count) v")
        self.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        (self.step, self.firstMoments, self.secondMoments) = (step, firstMoments, secondMoments)
    }

    public mutating func update<P: ParameterSet>(_ parameters: inout P, with gradients: P) where P.Scalar == Scalar {
        checkShapes(parameters, gradients)
        if firstMoments.isEmpty {
            firstMoments = zeroState(like: parameters)
            secondMoments = firstMoments
        }
        step += 1
        // The corrections in Double: 0.999ᵗ in Float loses digits as t grows.
        let c1 = Scalar(1 - pow(Double(beta1), step))
        let c2 = Scalar(1 - pow(Double(beta2), step))
        let (η, β1, β2, ε) = (learningRate, beta1, beta2, epsilon)
        parameters.forEachParameter(pairedWith: gradients) { i, p, g in
            g.withPointer { pg in firstMoments[i].withMutablePointer { pm in secondMoments[i].withMutablePointer { pv in
                p.withMutablePointer { pp in
                    Scalar.adamStep(pp, gradient: pg, firstMoment: pm, secondMoment: pv, learningRate: η,
                                    beta1: β1, beta2: β2, epsilon: ε, correction1: c1, correction2: c2, count: g.count)
                }
            } } }
        }
    }
}

/// x to the n-th power for a whole n, by repeated squaring.
private func pow(_ x: Double, _ n: Int) -> Double {
    var result = 1.0, base = x, e = n
    while e > 0 {
        if e & 1 == 1 { result *= base }
        base *= base
        e >>= 1
    }
    return result
}
