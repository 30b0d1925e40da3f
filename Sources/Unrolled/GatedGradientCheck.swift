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

/// A parameter or state as a safetensors tensor, F64, row-major.
private func exported(_ name: String, _ m: Matrix<Double>) -> SafeTensors.Tensor {
    SafeTensors.Tensor(name: name, shape: [m.rows, m.columns], doubles: m.scalars)
}

/// Token ids as a (B, T) I64 tensor, batch first.
private func exported(_ name: String, _ batch: TokenBatch) -> SafeTensors.Tensor {
    SafeTensors.Tensor(name: name, shape: [batch.batchSize, batch.steps], int64s: batch.ids.map { Int64($0) })
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
        var autodiff: (gradients: GRU<Double>, dhStart: Matrix<Double>)?
        #if canImport(_Differentiation)
        let compiled = gruAutodiffGradients(model: model, hStart: hStart, inputs: inputs, targets: targets, reduction: reduction)
        autodiff = (compiled.gradients, compiled.dhStart)
        #endif
        var list: [GradientCheckVariable] = []
        for (i, name) in GRU<Double>.parameterNames.enumerated() {
            list.append(GradientCheckVariable(name: name, value: model.parameters[i], analytic: gradients.parameters[i],
                                              autodiff: autodiff?.gradients.parameters[i]))
        }
        list.append(GradientCheckVariable(name: "hStart", value: hStart, analytic: dhStart, autodiff: autodiff?.dhStart))
        return list
    }

    /// Every variable against central differences (a seeded sample of at most
    /// `maxEntriesPerVariable` entries each) and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(GRU(parameters: Array(values[0..<6])), hStart: values[6])
        }
    }

    /// The problem and its analytic gradients as safetensors tensors: `wX` (V, 3H),
    /// `wH` (H, 3H), `bX`, `bH` (1, 3H), `wHY` (H, V), `bY` (1, V), `hStart` (B, H), `loss` []
    /// in F64; `inputs`, `targets` (B, T) I64; `grad.<name>` for every variable. The gate
    /// columns are r | z | n, PyTorch's order: `weight_ih_l0` is `wX`ᵀ, `weight_hh_l0` is
    /// `wH`ᵀ, `bias_ih_l0` is `bX`, `bias_hh_l0` is `bH`.
    public func exportTensors() -> (tensors: [SafeTensors.Tensor], metadata: [String: String]) {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction)
        let (gradients, dhStart) = model.backward(pass)
        var tensors = model.namedParameters.map { exported($0.name, $0.value) }
        tensors += [exported("hStart", hStart), exported("inputs", inputs), exported("targets", targets),
                    SafeTensors.Tensor(name: "loss", shape: [], doubles: [pass.loss])]
        tensors += gradients.namedParameters.map { exported("grad." + $0.name, $0.value) }
        tensors.append(exported("grad.hStart", dhStart))
        let metadata = [
            "format": "unrolled-gradcheck-1",
            "cell": "gru",
            "reduction": reduction.rawValue,
            "equations": "x_t = onehot(inputs[:,t]); ax = x_t @ wX + bX; ah = h_{t-1} @ wH + bH; columns r|z|n of width H; "
                + "r = sigmoid(ax_r + ah_r); z = sigmoid(ax_z + ah_z); n = tanh(ax_n + r * ah_n); h_t = (1 - z) * n + z * h_{t-1}; "
                + "logits_t = h_t @ wHY + bY; loss = \(reduction == .sum ? "sum" : "mean") over b,t of cross_entropy(logits_t[b], targets[b,t]); h_0 = hStart",
        ]
        return (tensors, metadata)
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
        var autodiff: (gradients: LSTM<Double>, dhStart: Matrix<Double>, dcStart: Matrix<Double>)?
        #if canImport(_Differentiation)
        let compiled = lstmAutodiffGradients(model: model, hStart: hStart, cStart: cStart, inputs: inputs, targets: targets,
                                             reduction: reduction)
        autodiff = (compiled.gradients, compiled.dhStart, compiled.dcStart)
        #endif
        var list: [GradientCheckVariable] = []
        for (i, name) in LSTM<Double>.parameterNames.enumerated() {
            list.append(GradientCheckVariable(name: name, value: model.parameters[i], analytic: gradients.parameters[i],
                                              autodiff: autodiff?.gradients.parameters[i]))
        }
        list.append(GradientCheckVariable(name: "hStart", value: hStart, analytic: dhStart, autodiff: autodiff?.dhStart))
        list.append(GradientCheckVariable(name: "cStart", value: cStart, analytic: dcStart, autodiff: autodiff?.dcStart))
        return list
    }

    /// Every variable against central differences and against autodiff.
    public func check(maxEntriesPerVariable: Int = 100, seed: UInt64 = 0) -> GradientCheckReport {
        checkGradients(variables(), maxEntriesPerVariable: maxEntriesPerVariable, seed: seed) { values in
            loss(LSTM(parameters: Array(values[0..<5])), hStart: values[5], cStart: values[6])
        }
    }

    /// The problem and its analytic gradients as safetensors tensors: `wX` (V, 4H),
    /// `wH` (H, 4H), `b` (1, 4H), `wHY` (H, V), `bY` (1, V), `hStart`, `cStart` (B, H), `loss` []
    /// in F64; `inputs`, `targets` (B, T) I64; `grad.<name>` for every variable. The block
    /// columns are i | f | g | o, PyTorch's order: `weight_ih_l0` is `wX`ᵀ, `weight_hh_l0` is
    /// `wH`ᵀ, and `bias_ih_l0 + bias_hh_l0` is `b`.
    public func exportTensors() -> (tensors: [SafeTensors.Tensor], metadata: [String: String]) {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, cStart: cStart, reduction: reduction)
        let (gradients, dhStart, dcStart) = model.backward(pass)
        var tensors = model.namedParameters.map { exported($0.name, $0.value) }
        tensors += [exported("hStart", hStart), exported("cStart", cStart), exported("inputs", inputs), exported("targets", targets),
                    SafeTensors.Tensor(name: "loss", shape: [], doubles: [pass.loss])]
        tensors += gradients.namedParameters.map { exported("grad." + $0.name, $0.value) }
        tensors += [exported("grad.hStart", dhStart), exported("grad.cStart", dcStart)]
        let metadata = [
            "format": "unrolled-gradcheck-1",
            "cell": "lstm",
            "reduction": reduction.rawValue,
            "equations": "x_t = onehot(inputs[:,t]); a = x_t @ wX + h_{t-1} @ wH + b; columns i|f|g|o of width H; "
                + "i = sigmoid(a_i); f = sigmoid(a_f); g = tanh(a_g); o = sigmoid(a_o); c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t); "
                + "logits_t = h_t @ wHY + bY; loss = \(reduction == .sum ? "sum" : "mean") over b,t of cross_entropy(logits_t[b], targets[b,t]); "
                + "h_0 = hStart; c_0 = cStart",
        ]
        return (tensors, metadata)
    }
}
