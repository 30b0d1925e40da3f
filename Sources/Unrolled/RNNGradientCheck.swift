// The gradient check of a recurrent cell on a random problem: what
// `swift run book gradcheck` prints and what the tests assert.

/// The recurrent cells whose gradients `book gradcheck --cell` can check, by the name the
/// flag takes. (Not Literate's `CellKind`, which is a kind of Markdown code cell.)
public enum RecurrentCell: String, CaseIterable, Sendable {
    case rnn
    /// Architecture 2 of chapter 8: the previous output fed back, in both forms of feedback.
    case arch2
    /// Chapter 10's gated cells.
    case gru, lstm
}

/// A random, reproducible problem for checking the vanilla RNN's gradients in Double:
/// a model, a window of token inputs and targets, and a non-zero starting state (as if
/// carried over from an earlier window).
public struct RNNGradientCheckProblem {
    public var model: RNN<Double>
    public var inputs: TokenBatch
    public var targets: TokenBatch
    public var hStart: Matrix<Double>
    public var reduction: LossReduction

    /// Draws everything from `seed`: weights Xavier-initialised, biases and h_0 non-zero
    /// (h_0 uniform in ±0.9, so some tanh units start far from their linear range).
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 8, vocabularySize V: Int = 7,
                hiddenSize H: Int = 6, reduction: LossReduction = .mean) {
        var generator = SeededGenerator(seed: seed)
        var model = RNN<Double>(inputSize: V, hiddenSize: H, outputSize: V, initialisation: .xavier, using: &generator)
        model.bH = Matrix(rows: 1, columns: H, standardDeviation: 0.1, using: &generator)
        model.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        inputs = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        targets = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        hStart = Matrix(rows: B, columns: H, uniformIn: -0.9, 0.9, using: &generator)
        self.reduction = reduction
    }

    /// The loss at the given parameters and starting state.
    public func loss(_ model: RNN<Double>, hStart: Matrix<Double>) -> Double {
        model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction).loss
    }

    /// The variables to check: the five parameters and h_0, each with its analytic
    /// gradient from `RNN.backward` and, when available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction)
        let (gradients, dhStart) = model.backward(pass)
        var autodiff: (gradients: RNN<Double>, dhStart: Matrix<Double>)?
        #if canImport(_Differentiation)
        let compiled = rnnAutodiffGradients(model: model, hStart: hStart, inputs: inputs, targets: targets, reduction: reduction)
        autodiff = (compiled.gradients, compiled.dhStart)
        #endif
        var list: [GradientCheckVariable] = []
        for (i, name) in RNN<Double>.parameterNames.enumerated() {
            list.append(GradientCheckVariable(name: name, value: model.parameters[i], analytic: gradients.parameters[i],
                                              autodiff: autodiff?.gradients.parameters[i]))
        }
        list.append(GradientCheckVariable(name: "hStart", value: hStart, analytic: dhStart, autodiff: autodiff?.dhStart))
        return list
    }

    /// Runs the check: every variable against central differences (a sample of
    /// `maxEntriesPerVariable` entries for larger ones) and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(model.replacingParameters(with: values.dropLast()), hStart: values.last!)   // the last variable is h_0
        }
    }
}

// MARK: - Export for other frameworks

extension RNNGradientCheckProblem {
}
