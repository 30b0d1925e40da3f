// The gradient check of chapter 9's stacked network (embedding or one-hot input, L vanilla
// layers, dropout on each layer's output with the masks held fixed) on random problems:
// what the chapter prints and what the tests assert.

/// A random, reproducible problem for checking `StackedRNN.backward` in Double.
public struct StackedGradientCheckProblem {
    public var model: StackedRNN<Double>
    public var inputs: TokenBatch
    public var targets: TokenBatch
    /// One non-zero starting state per layer, (B, H) each.
    public var hStart: [Matrix<Double>]
    /// One mask per layer, drawn once and held fixed (nil for a rate of 0).
    public var masks: [Matrix<Double>?]
    public var reduction: LossReduction

    /// Draws everything from `seed`: the network as `StackedRNN` starts it, then biases
    /// N(0, 0.1²), the window, the states uniform in ±0.9, and the masks.
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 6, vocabularySize V: Int = 7, hiddenSize H: Int = 5,
                layers L: Int, embeddingSize E: Int?, dropout rate: Double, reduction: LossReduction = .mean) {
        var generator = SeededGenerator(seed: seed)
        var model = StackedRNN<Double>(vocabularySize: V, embeddingSize: E, hiddenSize: H, layers: L, using: &generator)
        for l in 0..<L { model.layers[l].bH = Matrix(rows: 1, columns: H, standardDeviation: 0.1, using: &generator) }
        model.output.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        inputs = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        targets = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        hStart = (0..<L).map { _ in Matrix(rows: B, columns: H, uniformIn: -0.9, 0.9, using: &generator) }
        masks = (0..<L).map { _ in rate > 0 ? dropoutMask(rows: T * B, columns: H, rate: rate, using: &generator) : nil }
        self.reduction = reduction
    }

    /// The forward pass at the problem's own parameters.
    public func forward() -> StackedForwardPass<Double> {
        model.forward(inputs, targets: targets, hStart: hStart, masks: masks, reduction: reduction)
    }

    /// The loss at the given parameters and starting states, with the problem's masks.
    public func loss(_ model: StackedRNN<Double>, hStart: [Matrix<Double>]) -> Double {
        model.forward(inputs, targets: targets, hStart: hStart, masks: masks, reduction: reduction).loss
    }

    /// The variables in order: the network's matrices, then h_0 of every layer.
    public var values: [Matrix<Double>] { model.namedParameters.map(\.value) + hStart }

    /// The loss as a function of `values`.
    public func loss(at values: [Matrix<Double>]) -> Double {
        let P = model.namedParameters.count
        return loss(model.replacingParameters(with: Array(values[0..<P])), hStart: Array(values[P...]))
    }

    /// Every matrix and starting state with its gradient from `StackedRNN.backward` and,
    /// when available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let (gradients, dhStart, _) = model.backward(forward())
        var autodiff: [Matrix<Double>]?
        #if canImport(_Differentiation)
        let compiled = stackedAutodiffGradients(model: model, hStart: hStart, masks: masks, inputs: inputs, targets: targets, reduction: reduction)
        autodiff = compiled.gradients.namedParameters.map(\.value) + compiled.dhStart
        #endif
        let names = model.namedParameters.map(\.name) + hStart.indices.map { "hStart\($0 + 1)" }
        let analytic = gradients.namedParameters.map(\.value) + dhStart
        let values = self.values
        return names.indices.map { GradientCheckVariable(name: names[$0], value: values[$0], analytic: analytic[$0], autodiff: autodiff?[$0]) }
    }

    /// Every variable against central differences (a seeded sample of at most
    /// `maxEntriesPerVariable` entries each) and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { loss(at: $0) }
    }
}
