// The gradient check of a recurrent cell on a random problem: what
// `swift run book gradcheck` prints and what the tests assert.

/// The recurrent cells whose gradients `book gradcheck --cell` can check, by the name the
/// flag takes. (Not Literate's `CellKind`, which is a kind of Markdown code cell.)
public enum RecurrentCell: String, CaseIterable, Sendable {
    /// The vanilla RNN with tanh (chapter 4).
    case rnn
    /// The same RNN with ReLU, h_t = max(0, z_t) (chapter 7).
    case relu
    /// Architecture 2 of chapter 8: the previous output fed back, in both forms of feedback.
    case arch2
    /// Chapter 10's gated cells.
    case gru, lstm
    /// Chapter 9's stacked network: an embedding table, three vanilla layers, dropout on
    /// each layer's output with the masks held fixed.
    case stacked

    /// The non-linearity of the vanilla cell this names (the gated cells and Architecture 2 use tanh).
    public var activation: Activation { self == .relu ? .relu : .tanh }
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
    /// The cell's non-linearity: tanh, or ReLU for chapter 7's cell.
    public var activation: Activation

    /// Draws everything from `seed`: weights Xavier-initialised, biases and h_0 non-zero
    /// (h_0 uniform in ±0.9, so some tanh units start far from their linear range).
    public init(seed: UInt64, batchSize B: Int = 3, steps T: Int = 8, vocabularySize V: Int = 7,
                hiddenSize H: Int = 6, reduction: LossReduction = .mean, activation: Activation = .tanh) {
        var generator = SeededGenerator(seed: seed)
        var model = RNN<Double>(inputSize: V, hiddenSize: H, outputSize: V, initialisation: .xavier, using: &generator)
        model.bH = Matrix(rows: 1, columns: H, standardDeviation: 0.1, using: &generator)
        model.bY = Matrix(rows: 1, columns: V, standardDeviation: 0.1, using: &generator)
        self.model = model
        inputs = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        targets = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        hStart = Matrix(rows: B, columns: H, uniformIn: -0.9, 0.9, using: &generator)
        self.reduction = reduction
        self.activation = activation
    }

    /// The loss at the given parameters and starting state.
    public func loss(_ model: RNN<Double>, hStart: Matrix<Double>) -> Double {
        model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction, activation: activation).loss
    }

    /// The variables to check: the five parameters and h_0, each with its analytic
    /// gradient from `RNN.backward` and, when available, the compiler's.
    public func variables() -> [GradientCheckVariable] {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction, activation: activation)
        let (gradients, dhStart) = model.backward(pass, activation: activation)
        var autodiff: (gradients: RNN<Double>, dhStart: Matrix<Double>)?
        #if canImport(_Differentiation)
        let compiled = rnnAutodiffGradients(model: model, hStart: hStart, inputs: inputs, targets: targets, reduction: reduction,
                                            activation: activation)
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
    ///
    /// The ReLU has a corner at z = 0, and with a thousand pre-activations in a window some
    /// z_t lies within a nudge of it: a central difference that straddles the corner
    /// measures neither side's slope (chapter 7 saw errors near 1e-4 for some seeds, and
    /// smaller steps only traded straddles for rounding). So for ReLU the differences are
    /// taken of `frozenPatternLoss`, which equals the loss near the problem's parameters and has the same gradient there, but no corner.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        let pattern = activation == .relu ? onPattern() : []
        return checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            let model = model.replacingParameters(with: values.dropLast()), h0 = values.last!   // the last variable is h_0
            return activation == .relu ? frozenPatternLoss(model, hStart: h0, pattern: pattern) : loss(model, hStart: h0)
        }
    }

    /// m_t = 1[z_t > 0] for every step of the ReLU network at the problem's parameters: which
    /// units are on, (B, H) per step.
    public func onPattern() -> [Matrix<Double>] {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction, activation: .relu)
        return pass.hs.dropFirst().map { h in Matrix(rows: h.rows, columns: h.columns, scalars: h.scalars.map { $0 > 0 ? 1 : 0 }) }
    }

    /// The loss of the ReLU network with each unit's on/off state frozen: h_t = z_t ⊙ m_t.
    /// Where no z_t is exactly 0, this is the ReLU network's loss in a neighbourhood of the
    /// parameters the pattern came from, so both have the same gradient there; unlike the
    /// ReLU network it is smooth, so a central difference of any step measures that gradient.
    public func frozenPatternLoss(_ model: RNN<Double>, hStart: Matrix<Double>, pattern m: [Matrix<Double>]) -> Double {
        precondition(m.count == inputs.steps, "a pattern per step: \(inputs.steps), got \(m.count)")
        var h = hStart                                                            // (B, H)
        var logits: [Matrix<Double>] = []
        for t in 0..<inputs.steps {
            let z = model.wXH.rows(at: inputs.step(t)) + h * model.wHH + model.bH    // (B, H)
            h = z .* m[t]                                                         // the units that were on pass z
            logits.append(h * model.wHY + model.bY)                               // (B, V)
        }
        let p = softmax(Matrix(stacking: logits))                                 // (T·B, V), time-major
        return crossEntropy(probabilities: p, targets: targets.timeMajor, reduction: reduction)
    }
}

// MARK: - Export for other frameworks

extension RNNGradientCheckProblem {
}
