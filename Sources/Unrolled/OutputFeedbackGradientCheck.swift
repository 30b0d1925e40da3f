// The gradient check of Architecture 2 (chapter 8), in both its forms: what
// `swift run book gradcheck --cell arch2` prints and what the tests assert.

/// A random, reproducible problem for checking Architecture 2's gradients in Double: a
/// model, a window of token inputs and targets, a fed-back o_0 that is a distribution (as
/// if carried in from an earlier window), and the form of feedback to differentiate.
public struct OutputFeedbackGradientCheckProblem {
    public var model: OutputFeedbackRNN<Double>
    public var inputs: TokenBatch
    public var targets: TokenBatch
    public var oStart: Matrix<Double>
    public var feedback: OutputFeedback
    public var reduction: LossReduction

    /// Draws everything from `seed`: Xavier weights, non-zero biases, random ids and
    /// o_0 = softmax of normal logits, so every row is a distribution with no zero entry.
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 8, vocabularySize V: Int = 7,
                hiddenSize H: Int = 6, feedback: OutputFeedback, reduction: LossReduction = .mean) {
        var generator = SeededGenerator(seed: seed)
        var model = OutputFeedbackRNN<Double>(inputSize: V, hiddenSize: H, outputSize: V, using: &generator)
        model.bH = Matrix(rows: 1, columns: H, standardDeviation: 0.1, using: &generator)
        model.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        inputs = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        targets = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        oStart = softmax(Matrix(rows: B, columns: V, standardDeviation: 1, using: &generator))
        self.feedback = feedback
        self.reduction = reduction
    }

    /// The loss at the given parameters and o_0.
    public func loss(_ model: OutputFeedbackRNN<Double>, oStart: Matrix<Double>) -> Double {
        model.forward(inputs, targets: targets, oStart: oStart, feedback: feedback, reduction: reduction).loss
    }

    /// The variables to check: the five parameters and o_0, each with its analytic gradient
    /// from `OutputFeedbackRNN.backward` and, when available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let pass = model.forward(inputs, targets: targets, oStart: oStart, feedback: feedback, reduction: reduction)
        let (gradients, doStart) = model.backward(pass)
        var autodiff: (gradients: OutputFeedbackRNN<Double>, doStart: Matrix<Double>)?
        #if canImport(_Differentiation)
        let compiled = outputFeedbackAutodiffGradients(model: model, oStart: oStart, inputs: inputs, targets: targets,
                                                       feedback: feedback, reduction: reduction)
        autodiff = (compiled.gradients, compiled.doStart)
        #endif
        var list: [GradientCheckVariable] = []
        for (i, name) in OutputFeedbackRNN<Double>.parameterNames.enumerated() {
            list.append(GradientCheckVariable(name: name, value: model.parameters[i], analytic: gradients.parameters[i],
                                              autodiff: autodiff?.gradients.parameters[i]))
        }
        list.append(GradientCheckVariable(name: "oStart", value: oStart, analytic: doStart, autodiff: autodiff?.doStart))
        return list
    }

    /// Runs the check: every variable against central differences (a sample of
    /// `maxEntriesPerVariable` entries for larger ones) and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(model.replacingParameters(with: values.dropLast()), oStart: values.last!)   // the last variable is o_0
        }
    }
}
