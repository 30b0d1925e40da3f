// The vanilla recurrent network, forward and backward side by side.
//
//   z_t = x_t W_xh + h_{t-1} W_hh + b_h        (B, H)
//   h_t = tanh(z_t)                            (B, H)
//   y_t = h_t W_hy + b_y                       (B, V)   the logits
//   p_t = softmax(y_t)                         (B, V)
//   L   = Σ_t Σ_b −log p_t[b, target]          (or that sum / (T·B): see LossReduction)
//
// Rows are examples (batch first). Code arrays count from 0: `hs[0]` is h_0, the state the
// window starts from, and step t = 0..<T produces `hs[t + 1]`.

/// The parameters of a vanilla RNN with D inputs, H hidden units and V outputs. The same
/// type holds their gradients: in the value `backward` returns, `wHH` is ∂L/∂W_hh.
public struct RNN<Scalar: KernelScalar>: ParameterSet, Equatable, Sendable {
    /// W_xh, (D, H): input to hidden.
    public var wXH: Matrix<Scalar>
    /// W_hh, (H, H): hidden to hidden, the recurrence.
    public var wHH: Matrix<Scalar>
    /// W_hy, (H, V): hidden to output logits.
    public var wHY: Matrix<Scalar>
    /// b_h, (1, H).
    public var bH: Matrix<Scalar>
    /// b_y, (1, V).
    public var bY: Matrix<Scalar>

    public static var parameterNames: [String] { ["wXH", "wHH", "wHY", "bH", "bY"] }

    public var parameters: [Matrix<Scalar>] { [wXH, wHH, wHY, bH, bY] }

    public mutating func forEachParameter(_ body: (Int, inout Matrix<Scalar>) -> Void) {
        body(0, &wXH)
        body(1, &wHH)
        body(2, &wHY)
        body(3, &bH)
        body(4, &bY)
    }

    public mutating func forEachParameter(pairedWith other: RNN, _ body: (Int, inout Matrix<Scalar>, Matrix<Scalar>) -> Void) {
        body(0, &wXH, other.wXH)
        body(1, &wHH, other.wHH)
        body(2, &wHY, other.wHY)
        body(3, &bH, other.bH)
        body(4, &bY, other.bY)
    }

    /// An RNN from its parameters in the order of `parameterNames`.
    public init(parameters: [Matrix<Scalar>]) {
        precondition(parameters.count == 5, "an RNN has 5 parameters, got \(parameters.count)")
        self.init(wXH: parameters[0], wHH: parameters[1], wHY: parameters[2], bH: parameters[3], bY: parameters[4])
    }

    /// An RNN from its five matrices, with their shapes checked against each other.
    public init(wXH: Matrix<Scalar>, wHH: Matrix<Scalar>, wHY: Matrix<Scalar>, bH: Matrix<Scalar>, bY: Matrix<Scalar>) {
        let H = wHH.rows
        precondition(wHH.columns == H, "W_hh must be square, got \(wHH.shapeText)")
        precondition(wXH.columns == H, "W_xh \(wXH.shapeText) must have H = \(H) columns")
        precondition(wHY.rows == H, "W_hy \(wHY.shapeText) must have H = \(H) rows")
        precondition(bH.rows == 1 && bH.columns == H, "b_h must be (1, \(H)), got \(bH.shapeText)")
        precondition(bY.rows == 1 && bY.columns == wHY.columns, "b_y must be (1, \(wHY.columns)), got \(bY.shapeText)")
        self.wXH = wXH
        self.wHH = wHH
        self.wHY = wHY
        self.bH = bH
        self.bY = bY
    }

    /// How the weights start. Biases always start at zero.
    public enum Initialisation: Sendable {
        /// Normal with mean 0 and this standard deviation (min-char-rnn uses 0.01).
        case normal(standardDeviation: Double)
        /// Xavier/Glorot uniform, from each matrix's fan-in and fan-out.
        case xavier
    }

    /// A fresh network with D = `inputSize`, H = `hiddenSize`, V = `outputSize`.
    public init(inputSize D: Int, hiddenSize H: Int, outputSize V: Int,
                initialisation: Initialisation = .xavier, using generator: inout SeededGenerator) {
        precondition(D > 0 && H > 0 && V > 0, "RNN sizes must be positive, got D = \(D), H = \(H), V = \(V)")
        func weight(_ rows: Int, _ columns: Int) -> Matrix<Scalar> {
            switch initialisation {
            case .normal(let σ): return Matrix(rows: rows, columns: columns, standardDeviation: Scalar(σ), using: &generator)
            case .xavier: return Matrix.xavier(rows, columns, using: &generator)
            }
        }
        self.init(wXH: weight(D, H), wHH: weight(H, H), wHY: weight(H, V), bH: .zeros(1, H), bY: .zeros(1, V))
    }

    /// D, the size of an input vector (the vocabulary size for one-hot characters).
    public var inputSize: Int { wXH.rows }
    /// H, the size of the hidden state.
    public var hiddenSize: Int { wHH.rows }
    /// V, the number of output classes.
    public var outputSize: Int { wHY.columns }
}

/// What `RNN.forward` keeps for `RNN.backward`, and what the caller wants from the window.
public struct RNNForwardPass<Scalar: KernelScalar>: Sendable {
    /// The inputs x_1 … x_T.
    public let inputs: RNNInputs<Scalar>
    /// The targets in time-major order (step 0's B targets first), matching `probabilities`' rows.
    public let targets: [Int]
    /// h_0 … h_T, each (B, H); `hs[0]` is the state the window started from.
    public let hs: [Matrix<Scalar>]
    /// h_1 … h_T stacked in time order: (T·B, H), the rows `probabilities` came from.
    public let hAll: Matrix<Scalar>
    /// p_1 … p_T stacked in time order: (T·B, V), row t·B + b for sequence b at step t.
    public let probabilities: Matrix<Scalar>
    /// The cross-entropy of the window, reduced as asked.
    public let loss: Double
    public let reduction: LossReduction

    /// h_T, the state to start the next window from (truncated BPTT carries it over, but
    /// no gradient flows back through it).
    public var hEnd: Matrix<Scalar> { hs[hs.count - 1] }
}

extension RNN {
    /// x_t · W_xh for the B inputs of step t: a row look-up for tokens, a product for vectors.
    func inputProduct(_ inputs: RNNInputs<Scalar>, step t: Int) -> Matrix<Scalar> {
        switch inputs {
        case .tokens(let batch):
            return wXH.rows(at: batch.step(t))                        // (B, H)
        case .vectors(let xs):
            precondition(xs[t].columns == inputSize, "x_\(t) is \(xs[t].shapeText), but W_xh expects \(inputSize) columns")
            return xs[t] * wXH                                       // (B, D)·(D, H) = (B, H)
        }
    }

    /// x_t · W_xh for every step, stacked in time order: (T·B, H).
    func allInputProducts(_ inputs: RNNInputs<Scalar>) -> Matrix<Scalar> {
        switch inputs {
        case .tokens(let batch):
            return wXH.rows(at: batch.timeMajor)                      // one-hot rows: a look-up
        case .vectors(let xs):
            for x in xs { precondition(x.columns == inputSize, "x_t is \(x.shapeText), but W_xh expects \(inputSize) columns") }
            return Matrix(stacking: xs) * wXH                         // (T·B, D)·(D, H)
        }
    }

    /// One step of the recurrence, h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h), for
    /// sampling: returns h_t (B, H) and the logits y_t (B, V).
    public func step(_ inputs: RNNInputs<Scalar>, at t: Int = 0, from h: Matrix<Scalar>) -> (h: Matrix<Scalar>, logits: Matrix<Scalar>) {
        var z = inputProduct(inputs, step: t)                         // (B, H)
        z.addProduct(h, wHH)
        z += bH
        let hNext = tanh(z)
        return (hNext, hNext * wHY + bY)                             // (B, H), (B, V)
    }

    /// Runs the window forward from the state `hStart` (B, H) and scores it against the
    /// targets (B sequences of T ids, one per input step).
    public func forward(_ inputs: RNNInputs<Scalar>, targets: TokenBatch, hStart: Matrix<Scalar>,
                        reduction: LossReduction) -> RNNForwardPass<Scalar> {
        let T = inputs.steps, B = inputs.batchSize
        precondition(T > 0 && B > 0, "an RNN window needs at least one step and one sequence")
        precondition(targets.steps == T && targets.batchSize == B,
                     "targets are (B, T) = (\(targets.batchSize), \(targets.steps)), inputs (\(B), \(T))")
        precondition(hStart.rows == B && hStart.columns == hiddenSize,
                     "h_0 must be (B, H) = (\(B), \(hiddenSize)), got \(hStart.shapeText)")
        if case .tokens(let batch) = inputs {
            precondition(batch.vocabularyBound <= inputSize, "input id \(batch.vocabularyBound - 1) outside the \(inputSize) rows of W_xh")
        }

        // The input's share of every step does not depend on the state: x_t W_xh + b_h for
        // all T steps at once, stacked in time order like the outputs below.
        var inputShare = allInputProducts(inputs)                     // (T·B, H)
        inputShare += bH

        // The recurrence, one step at a time: h_t needs h_{t-1}.
        var hs = [hStart]                                             // hs[t]: (B, H)
        hs.reserveCapacity(T + 1)
        for t in 0..<T {
            var z = inputShare.rows((t * B)..<((t + 1) * B))          // x_t W_xh + b_h  (B, H)
            z.addProduct(hs[t], wHH)                                  //  + h_{t-1} W_hh
            hs.append(tanh(z))                                        // h_t             (B, H)
        }

        // The output layer does not feed back into the recurrence, so all T steps go
        // through it as one (T·B, H) matrix: one large product instead of T small ones.
        let hAll = Matrix(stacking: Array(hs[1...]))                  // (T·B, H)
        var logits = hAll * wHY                                       // (T·B, V)
        logits += bY
        let p = softmax(logits)                                       // (T·B, V)
        let y = targets.timeMajor                                     // (T·B)
        let loss = crossEntropy(probabilities: p, targets: y, reduction: reduction)
        return RNNForwardPass(inputs: inputs, targets: y, hs: hs, hAll: hAll, probabilities: p, loss: loss, reduction: reduction)
    }

    /// Backpropagation through time over the window `pass` came from. Returns ∂L/∂θ for
    /// every parameter (in an `RNN` value) and ∂L/∂h_0, the gradient of the state the
    /// window started from. The loss ends at the window, so nothing flows in from beyond h_T.
    public func backward(_ pass: RNNForwardPass<Scalar>) -> (gradients: RNN, dhStart: Matrix<Scalar>) {
        let hs = pass.hs
        let T = hs.count - 1, B = hs[0].rows, H = hiddenSize
        var g = zerosLike()

        // Output layer, all steps at once: dy = ∂L/∂y for the stacked logits.
        let dy = crossEntropyBackward(probabilities: pass.probabilities, targets: pass.targets, reduction: pass.reduction)  // (T·B, V)
        g.wHY.addProduct(pass.hAll, dy, transposeA: true)                  // dW_hy = Σ_t h_tᵀ dy_t      (H, V)
        g.bY = dy.columnSums()                                        // db_y  = Σ_t Σ_b dy_t       (1, V)
        let dhFromOutput = dy.timesTransposed(wHY)                    // dy_t W_hyᵀ                 (T·B, H)

        // The recurrence, backwards: h_t's gradient comes from its output and from step t+1.
        var dz = Matrix<Scalar>(rows: T * B, columns: H)              // ∂L/∂z_t for every step    (T·B, H)
        var dhNext = Matrix<Scalar>.zeros(B, H)                       // ∂L/∂h_t through h_{t+1}; 0 after the window
        for t in stride(from: T - 1, through: 0, by: -1) {
            var dh = dhFromOutput.rows((t * B)..<((t + 1) * B))       // ∂L/∂h_t from y_t            (B, H)
            dh += dhNext                                              //   + from h_{t+1}
            let dzt = tanhBackward(output: hs[t + 1], gradient: dh)  // (1 − h_t²) ⊙ dh             (B, H)
            dz.setRows(startingAt: t * B, to: dzt)
            dhNext.addProduct(dzt, wHH, transposeB: true, overwrite: true)  // ∂L/∂h_{t-1} = dz_t W_hhᵀ (B, H)
        }

        // The weights are shared by all steps: their gradients sum over t, one product each.
        let hPrevious = Matrix(stacking: Array(hs[0..<T]))            // h_0 … h_{T-1}              (T·B, H)
        g.wHH.addProduct(hPrevious, dz, transposeA: true)             // dW_hh = Σ_t h_{t-1}ᵀ dz_t  (H, H)
        g.bH = dz.columnSums()                                        // db_h  = Σ_t Σ_b dz_t       (1, H)
        switch pass.inputs {
        case .tokens(let batch):
            g.wXH.addRows(dz, at: batch.timeMajor)                    // dW_xh = Σ_t x_tᵀ dz_t, x_t one-hot
        case .vectors(let xs):
            g.wXH.addProduct(Matrix(stacking: xs), dz, transposeA: true)  // (D, H)
        }
        return (g, dhNext)                                            // dhNext is now ∂L/∂h_0
    }
}
