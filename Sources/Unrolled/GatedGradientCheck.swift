// The gradient checks of chapter 10's gated cells on random problems: what
// `swift run book gradcheck --cell gru` / `--cell lstm` print and what the tests assert.

/// A random window shared by the gated cells' checks: token inputs and targets and a
/// non-zero starting state, drawn after the model from the same generator.
private func randomWindow(batchSize B: Int, steps T: Int, vocabularySize V: Int, hiddenSize H: Int,
                          using generator: inout SeededGenerator) -> (inputs: TokenBatch, targets: TokenBatch, hStart: Matrix<Double>) {
    let inputs = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
    let targets = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
    return (inputs, targets, Matrix(rows: B, columns: H, uniformIn: -0.9, 0.9, using: &generator))
}

/// One variable to check per name, from parallel lists of values, analytic gradients and,
/// when the compiler can differentiate, its gradients.
private func checkVariables(names: [String], values: [Matrix<Double>], analytic: [Matrix<Double>],
                            autodiff: [Matrix<Double>]?) -> [GradientCheckVariable] {
    names.indices.map { GradientCheckVariable(name: names[$0], value: values[$0], analytic: analytic[$0], autodiff: autodiff?[$0]) }
}

/// A random, reproducible problem for checking the GRU's gradients in Double.
public struct GRUGradientCheckProblem {
    public var model: GRU<Double>
    public var inputs: TokenBatch
    public var targets: TokenBatch
    public var hStart: Matrix<Double>
    public var reduction: LossReduction

    /// Draws everything from `seed`: weights Xavier-uniform per gate, biases N(0, 0.1²), h_0
    /// uniform in ±0.9 (as if carried over from an earlier window).
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 8, vocabularySize V: Int = 7,
                hiddenSize H: Int = 6, reduction: LossReduction = .mean) {
        var generator = SeededGenerator(seed: seed)
        var model = GRU<Double>(inputSize: V, hiddenSize: H, outputSize: V, using: &generator)
        model.bX = Matrix(rows: 1, columns: 3 * H, standardDeviation: 0.1, using: &generator)
        model.bH = Matrix(rows: 1, columns: 3 * H, standardDeviation: 0.1, using: &generator)
        model.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        (inputs, targets, hStart) = randomWindow(batchSize: B, steps: T, vocabularySize: V, hiddenSize: H, using: &generator)
        self.reduction = reduction
    }

    /// The loss at the given parameters and starting state.
    public func loss(_ model: GRU<Double>, hStart: Matrix<Double>) -> Double {
        model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction).loss
    }

    /// The six parameters and h_0, each with its gradient from `GRU.backward` and, when
    /// available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let (gradients, dhStart) = model.backward(model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction))
        var autodiff: [Matrix<Double>]?
        #if canImport(_Differentiation)
        let compiled = gruAutodiffGradients(model: model, hStart: hStart, inputs: inputs, targets: targets, reduction: reduction)
        autodiff = compiled.gradients.parameters + [compiled.dhStart]
        #endif
        return checkVariables(names: GRU<Double>.parameterNames + ["hStart"], values: model.parameters + [hStart],
                              analytic: gradients.parameters + [dhStart], autodiff: autodiff)
    }

    /// Every variable against central differences (a seeded sample of at most
    /// `maxEntriesPerVariable` entries each) and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(model.replacingParameters(with: values[0..<6]), hStart: values[6])
        }
    }
}

/// A random, reproducible problem for checking the LSTM's gradients in Double.
public struct LSTMGradientCheckProblem {
    public var model: LSTM<Double>
    public var inputs: TokenBatch
    public var targets: TokenBatch
    public var hStart: Matrix<Double>
    public var cStart: Matrix<Double>
    public var reduction: LossReduction

    /// Draws everything from `seed`: weights Xavier-uniform per block, biases N(0, 0.1²)
    /// added to the usual start (forget gate 1), h_0 uniform in ±0.9 and c_0 in ±2.
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 8, vocabularySize V: Int = 7,
                hiddenSize H: Int = 6, reduction: LossReduction = .mean) {
        var generator = SeededGenerator(seed: seed)
        var model = LSTM<Double>(inputSize: V, hiddenSize: H, outputSize: V, using: &generator)
        model.b += Matrix(rows: 1, columns: 4 * H, standardDeviation: 0.1, using: &generator)
        model.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        (inputs, targets, hStart) = randomWindow(batchSize: B, steps: T, vocabularySize: V, hiddenSize: H, using: &generator)
        cStart = Matrix(rows: B, columns: H, uniformIn: -2, 2, using: &generator)
        self.reduction = reduction
    }

    /// The loss at the given parameters and starting states.
    public func loss(_ model: LSTM<Double>, hStart: Matrix<Double>, cStart: Matrix<Double>) -> Double {
        model.forward(.tokens(inputs), targets: targets, hStart: hStart, cStart: cStart, reduction: reduction).loss
    }

    /// The five parameters, h_0 and c_0, each with its gradient from `LSTM.backward` and,
    /// when available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, cStart: cStart, reduction: reduction)
        let (gradients, dhStart, dcStart) = model.backward(pass)
        var autodiff: [Matrix<Double>]?
        #if canImport(_Differentiation)
        let compiled = lstmAutodiffGradients(model: model, hStart: hStart, cStart: cStart, inputs: inputs, targets: targets,
                                             reduction: reduction)
        autodiff = compiled.gradients.parameters + [compiled.dhStart, compiled.dcStart]
        #endif
        return checkVariables(names: LSTM<Double>.parameterNames + ["hStart", "cStart"], values: model.parameters + [hStart, cStart],
                              analytic: gradients.parameters + [dhStart, dcStart], autodiff: autodiff)
    }

    /// Every variable against central differences and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(model.replacingParameters(with: values[0..<5]), hStart: values[5], cStart: values[6])
        }
    }
}
