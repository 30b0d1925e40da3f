// Chapter 12's character model: an embedding, L stacked recurrent layers (vanilla, GRU or
// LSTM), dropout between them, and a softmax over the vocabulary.
//
//   e_t      = E[x_t]                               (B, E)    look-up, no one-hot product
//   h¹_t     = cell(e_t, h¹_{t-1})                  (B, H)
//   hˡ_t     = cell(drop(hˡ⁻¹_t), hˡ_{t-1})         (B, H)    l = 2 … L
//   y_t      = drop(hᴸ_t) W_hy + b_y                (B, V)
//
// Unlike chapter 10's `GRU` and `LSTM`, whose forward pass ends in their own softmax, a
// layer here takes a stacked input (T·B, D) and returns its states (T·B, H), and its
// backward pass takes the gradient of those states from the layer above. The gate algebra
// is chapter 10's, written in the same names; only the ends of the pass differ.
//
// The products by W_h, one per step forward (h_{t-1} W_h) and backward (dA_t W_hᵀ), go through
// `addRowBlockProduct`, as chapter 10's LSTM's do: W_h is the same for all T steps, so the
// kernel may pack it once per window instead of once per product
// (UnrolledKernels/SharedWeightProducts.swift).

/// Which recurrent cell every layer uses.
public enum CharCell: String, CaseIterable, Sendable, Codable {
    case rnn, gru, lstm

    /// Blocks of H columns in the fused weights: 1 for tanh, 3 (r | z | n), 4 (i | f | g | o).
    public var blocks: Int {
        switch self {
        case .rnn: 1
        case .gru: 3
        case .lstm: 4
        }
    }
}

/// The sizes that fix a character model's shapes, saved in every checkpoint.
public struct CharModelShape: Equatable, Sendable, Codable {
    public var cell: CharCell
    /// V, the vocabulary's size.
    public var vocabularySize: Int
    /// E, the width of a character's embedding.
    public var embeddingSize: Int
    /// H, the width of every layer's state.
    public var hiddenSize: Int
    /// L, the number of stacked layers.
    public var layers: Int

    public init(cell: CharCell, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int) {
        precondition(vocabularySize > 0 && embeddingSize > 0 && hiddenSize > 0 && layers > 0,
                     "a character model needs V, E, H, L > 0, got \(vocabularySize), \(embeddingSize), \(hiddenSize), \(layers)")
        (self.cell, self.vocabularySize, self.embeddingSize, self.hiddenSize, self.layers) =
            (cell, vocabularySize, embeddingSize, hiddenSize, layers)
    }
}

/// One recurrent layer's weights (or their gradients), PyTorch's layout transposed: D inputs,
/// H units, the cell's blocks side by side in its order.
///
/// Every cell keeps two biases, as PyTorch does. For the vanilla cell and the LSTM they are
/// only ever added, so one would do; for the GRU, b_h's n block sits inside r ⊙ (…).
public struct CharLayer<Scalar: KernelScalar>: ParameterSet, Equatable, Sendable {
    public var cell: CharCell
    /// W_x, (D, kH).
    public var wX: Matrix<Scalar>
    /// W_h, (H, kH).
    public var wH: Matrix<Scalar>
    /// b_x and b_h, (1, kH) each.
    public var bX: Matrix<Scalar>
    public var bH: Matrix<Scalar>

    public static var parameterPaths: [(name: String, path: WritableKeyPath<CharLayer, Matrix<Scalar>>)] {
        [("wX", \.wX), ("wH", \.wH), ("bX", \.bX), ("bH", \.bH)]
    }

    /// A fresh layer: Xavier-uniform blocks, zero biases except the LSTM's forget gate (1).
    public init(cell: CharCell, inputSize D: Int, hiddenSize H: Int, using generator: inout SeededGenerator) {
        self.cell = cell
        wX = fusedXavier(rows: D, hidden: H, gates: cell.blocks, using: &generator)
        wH = fusedXavier(rows: H, hidden: H, gates: cell.blocks, using: &generator)
        bX = .zeros(1, cell.blocks * H)
        bH = .zeros(1, cell.blocks * H)
        if cell == .lstm { bX.setColumns(startingAt: H, to: Matrix(rows: 1, columns: H, repeating: 1)) }
    }

    public var inputSize: Int { wX.rows }
    public var hiddenSize: Int { wH.rows }
}

/// What a layer carries from one window into the next: h, and c for the LSTM (zeros, unused,
/// for the other cells), each (B, H).
public struct RecurrentState<Scalar: KernelScalar>: Equatable, Sendable {
    public var h: Matrix<Scalar>
    public var c: Matrix<Scalar>

    public init(h: Matrix<Scalar>, c: Matrix<Scalar>) { (self.h, self.c) = (h, c) }

    public static func zeros(batchSize B: Int, hiddenSize H: Int) -> RecurrentState {
        RecurrentState(h: .zeros(B, H), c: .zeros(B, H))
    }
}

/// What a layer's forward pass keeps for its backward pass.
public struct CharLayerPass<Scalar: KernelScalar>: Sendable {
    /// The stacked input, (T·B, D).
    public let input: Matrix<Scalar>
    /// h_0 … h_T and c_0 … c_T, each (B, H).
    public let hs: [Matrix<Scalar>]
    public let cs: [Matrix<Scalar>]
    /// Per step, the activated blocks side by side (B, kH): tanh for the vanilla cell,
    /// [r z n] for the GRU, [i f g o] for the LSTM.
    public let gates: [Matrix<Scalar>]
    /// Per step, for the GRU h_{t-1} W_hn + b_hn, for the LSTM tanh(c_t) (empty for tanh).
    public let extra: [Matrix<Scalar>]
    /// h_1 … h_T stacked, (T·B, H).
    public let output: Matrix<Scalar>

    public var end: RecurrentState<Scalar> { RecurrentState(h: hs[hs.count - 1], c: cs[cs.count - 1]) }
}

extension CharLayer {
    /// Runs T steps over `input` (T·B, D), time-major, from `start`.
    public func forward(_ input: Matrix<Scalar>, steps T: Int, from start: RecurrentState<Scalar>) -> CharLayerPass<Scalar> {
        let B = start.h.rows, H = hiddenSize, k = cell.blocks
        precondition(input.rows == T * B && input.columns == inputSize, "layer input is \(input.shapeText), expected (\(T * B), \(inputSize))")
        var inputShare = input * wX                                   // x_t W_x for all t   (T·B, kH)
        inputShare += bX
        var hs = [start.h], cs = [start.c], gates: [Matrix<Scalar>] = [], extra: [Matrix<Scalar>] = []
        for t in 0..<T {
            let ax = inputShare.rows((t * B)..<((t + 1) * B))         // (B, kH)
            var ah = Matrix<Scalar>(uninitializedRows: B, columns: k * H)
            ah.addRowBlockProduct(rows: B, at: 0, hs[t], rowsAt: 0, wH, overwrite: true)  // h_{t-1} W_h  (B, kH)
            ah += bH
            switch cell {
            case .rnn:
                let h = tanh(ax + ah)                                 // (B, H)
                hs.append(h); cs.append(cs[t]); gates.append(h)
            case .gru:
                let r = sigmoid(ax.columns(0..<H) + ah.columns(0..<H))
                let z = sigmoid(ax.columns(H..<(2 * H)) + ah.columns(H..<(2 * H)))
                let hn = ah.columns((2 * H)..<(3 * H))
                let n = tanh(ax.columns((2 * H)..<(3 * H)) + r .* hn)
                hs.append(n + z .* (hs[t] - n)); cs.append(cs[t])     // (1 − z) ⊙ n + z ⊙ h_{t-1}
                gates.append(Matrix(joiningColumns: [r, z, n])); extra.append(hn)
            case .lstm:
                // i, f, g, o, c = f ⊙ c_{t-1} + i ⊙ g, h = o ⊙ tanh(c): chapter 10's fused step,
                // the same arithmetic as the separate operations in one pass (FusedLSTMStep.swift).
                let (s, c, h) = lstmCellForward(ax + ah, rowsAt: 0, cellBefore: cs[t])  // a is (B, 4H)
                hs.append(h); cs.append(c)
                gates.append(Matrix(joiningColumns: [s.i, s.f, s.g, s.o])); extra.append(s.tanhC)
            }
        }
        return CharLayerPass(input: input, hs: hs, cs: cs, gates: gates, extra: extra,
                                  output: Matrix(stacking: Array(hs[1...])))
    }

    /// Back through the window, given ∂L/∂h_t for every step from above (T·B, H). Returns the
    /// weights' gradients, ∂L/∂input (T·B, D) for the layer below, and ∂L/∂(h_0, c_0).
    public func backward(_ pass: CharLayerPass<Scalar>, outputGradient dOut: Matrix<Scalar>)
        -> (gradients: CharLayer, dInput: Matrix<Scalar>, dStart: RecurrentState<Scalar>) {
        let T = pass.gates.count, B = pass.hs[0].rows, H = hiddenSize, k = cell.blocks
        // ∂L/∂(h_{t-1} W_h + b_h) and ∂L/∂(x_t W_x + b_x): the same but for the GRU's n block.
        var dAh = Matrix<Scalar>(rows: T * B, columns: k * H)
        var dAx = Matrix<Scalar>(rows: cell == .gru ? T * B : 0, columns: k * H)
        var dhNext = Matrix<Scalar>.zeros(B, H), dcNext = Matrix<Scalar>.zeros(B, H)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let step = (t * B)..<((t + 1) * B), gate = pass.gates[t]
            switch cell {
            case .rnn:
                let dh = dOut.rows(step) + dhNext                     // (B, H)
                let da = tanhBackward(output: gate, gradient: dh)     // (1 − h²) ⊙ dh
                dAh.setRows(startingAt: t * B, to: da)
                dhNext.addRowBlockProduct(rows: B, at: 0, dAh, rowsAt: t * B, wH, transposeB: true, overwrite: true)
            case .gru:
                let dh = dOut.rows(step) + dhNext                     // (B, H)
                let r = gate.columns(0..<H), z = gate.columns(H..<(2 * H)), n = gate.columns((2 * H)..<(3 * H))
                let hn = pass.extra[t]
                let dhZ = dh .* z                                     // straight to h_{t-1}
                let daN = tanhBackward(output: n, gradient: dh - dhZ) // dn = dh ⊙ (1 − z)
                let daR = sigmoidBackward(output: r, gradient: daN .* hn)
                let daZ = sigmoidBackward(output: z, gradient: dh .* (pass.hs[t] - n))
                let dAht = Matrix(joiningColumns: [daR, daZ, daN .* r])
                dAx.setRows(startingAt: t * B, to: Matrix(joiningColumns: [daR, daZ, daN]))
                dAh.setRows(startingAt: t * B, to: dAht)
                dhNext = dhZ
                dhNext.addRowBlockProduct(rows: B, at: 0, dAh, rowsAt: t * B, wH, transposeB: true)
            case .lstm:
                let s = LSTMStep(i: gate.columns(0..<H), f: gate.columns(H..<(2 * H)), g: gate.columns((2 * H)..<(3 * H)),
                                 o: gate.columns((3 * H)..<(4 * H)), tanhC: pass.extra[t])
                // From dh = dOut_t + dhNext: dA_t = [da_i da_f da_g da_o] into dA_h's rows and
                // dc_t ⊙ f_t into dcNext, in one pass (FusedLSTMStep.swift).
                lstmCellBackward(s, cellBefore: pass.cs[t], dhFromOutput: dOut, dhNext: dhNext, dcNext: &dcNext,
                                 into: &dAh, rowsAt: t * B)
                dhNext.addRowBlockProduct(rows: B, at: 0, dAh, rowsAt: t * B, wH, transposeB: true, overwrite: true)
            }
        }
        if cell != .gru { dAx = dAh }
        var grad = zerosLike()
        grad.wX = pass.input.transposedTimes(dAx)                     // Σ_t x_tᵀ dA_x     (D, kH)
        grad.wH = Matrix(stacking: Array(pass.hs[0..<T])).transposedTimes(dAh)  // (H, kH)
        grad.bX = dAx.columnSums()
        grad.bH = dAh.columnSums()
        return (grad, dAx.timesTransposed(wX), RecurrentState(h: dhNext, c: dcNext))
    }
}

/// The model's two ends: the embedding table and the output layer.
public struct CharModelEnds<Scalar: KernelScalar>: ParameterSet, Equatable, Sendable {
    /// E, (V, E): row i is character i's vector.
    public var embedding: Matrix<Scalar>
    /// W_hy, (H, V), and b_y, (1, V).
    public var wHY: Matrix<Scalar>
    public var bY: Matrix<Scalar>

    public static var parameterPaths: [(name: String, path: WritableKeyPath<CharModelEnds, Matrix<Scalar>>)] {
        [("embedding", \.embedding), ("wHY", \.wHY), ("bY", \.bY)]
    }
}

/// The whole character model, or its gradients (the same shapes).
public struct CharModel<Scalar: KernelScalar>: Equatable, Sendable {
    public var shape: CharModelShape
    public var ends: CharModelEnds<Scalar>
    public var layers: [CharLayer<Scalar>]

    /// A fresh model: embeddings N(0, 0.1²)-ish uniform, Xavier weights elsewhere.
    public init(_ shape: CharModelShape, using generator: inout SeededGenerator) {
        let (V, E, H) = (shape.vocabularySize, shape.embeddingSize, shape.hiddenSize)
        self.shape = shape
        let embedding = Matrix<Scalar>(rows: V, columns: E, uniformIn: -0.1, 0.1, using: &generator)
        layers = (0..<shape.layers).map { l in
            CharLayer(cell: shape.cell, inputSize: l == 0 ? E : H, hiddenSize: H, using: &generator)
        }
        ends = CharModelEnds(embedding: embedding, wHY: .xavier(H, V, using: &generator), bY: .zeros(1, V))
    }

    /// A model from stored parts (a checkpoint); the shapes must agree with `shape`.
    public init(shape: CharModelShape, ends: CharModelEnds<Scalar>, layers: [CharLayer<Scalar>]) {
        (self.shape, self.ends, self.layers) = (shape, ends, layers)
    }

    /// Every parameter with its checkpoint name, in a fixed order.
    public var namedParameters: [(name: String, value: Matrix<Scalar>)] {
        ends.namedParameters + layers.enumerated().flatMap { l, layer in
            layer.namedParameters.map { ("layers.\(l).\($0.name)", $0.value) }
        }
    }

    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.value.count } }

    /// ‖g‖ over every entry of every matrix.
    public var globalNorm: Double {
        (ends.parameters + layers.flatMap(\.parameters)).reduce(0.0) { $0 + $1.sumOfSquares() }.squareRoot()
    }

    /// Scales every matrix by maxNorm / ‖g‖ when ‖g‖ > maxNorm; returns ‖g‖ before.
    @discardableResult
    public mutating func clipByGlobalNorm(_ maxNorm: Double) -> Double {
        let norm = globalNorm
        if norm > maxNorm {
            let s = Scalar(maxNorm / norm)
            let scale: (Int, inout Matrix<Scalar>) -> Void = { _, p in
                let n = p.count
                p.withMutablePointer { q in Scalar.scale(q, by: s, into: q, count: n) }
            }
            ends.forEachParameter(scale)
            for l in layers.indices { layers[l].forEachParameter(scale) }
        }
        return norm
    }

    public func zeroState(batchSize B: Int) -> [RecurrentState<Scalar>] {
        Array(repeating: .zeros(batchSize: B, hiddenSize: shape.hiddenSize), count: shape.layers)
    }
}

// The dropout masks are chapter 9's `dropoutMask` (inverted dropout, one draw per entry).

/// What `CharModel.forward` keeps for `backward`.
public struct CharModelPass<Scalar: KernelScalar>: Sendable {
    public let inputs: TokenBatch
    public let targets: [Int]
    public let layerPasses: [CharLayerPass<Scalar>]
    /// One mask per layer output (empty without dropout).
    public let masks: [Matrix<Scalar>]
    /// The top layer's output after dropout, (T·B, H).
    public let top: Matrix<Scalar>
    /// p_t for every step, (T·B, V).
    public let probabilities: Matrix<Scalar>
    public let loss: Double
    public let reduction: LossReduction
    public let end: [RecurrentState<Scalar>]
}

extension CharModel {
    /// Runs one window (B, T) from `start` (one state per layer). With `dropout` > 0 and a
    /// generator, each layer's output is masked; without, the model is evaluated as is.
    public func forward(_ inputs: TokenBatch, targets: TokenBatch, from start: [RecurrentState<Scalar>],
                        reduction: LossReduction, dropout: Double = 0, generator: inout SeededGenerator) -> CharModelPass<Scalar> {
        let T = inputs.steps, B = inputs.batchSize
        precondition(start.count == layers.count, "\(layers.count) layers need \(layers.count) states, got \(start.count)")
        var x = ends.embedding.rows(at: inputs.timeMajor)             // (T·B, E)
        var passes: [CharLayerPass<Scalar>] = [], masks: [Matrix<Scalar>] = []
        for (l, layer) in layers.enumerated() {
            let pass = layer.forward(x, steps: T, from: start[l])
            passes.append(pass)
            x = pass.output                                           // (T·B, H)
            if dropout > 0 {
                let mask: Matrix<Scalar> = dropoutMask(rows: T * B, columns: shape.hiddenSize, rate: dropout, using: &generator)
                x = x .* mask
                masks.append(mask)
            }
        }
        var logits = x * ends.wHY                                     // (T·B, V)
        logits += ends.bY
        let p = softmax(logits)
        let y = targets.timeMajor
        return CharModelPass(inputs: inputs, targets: y, layerPasses: passes, masks: masks, top: x, probabilities: p,
                             loss: crossEntropy(probabilities: p, targets: y, reduction: reduction),
                             reduction: reduction, end: passes.map(\.end))
    }

    /// The gradient of the pass's loss for every parameter (a `CharModel` of gradients) and
    /// ∂L/∂(h_0, c_0) of every layer.
    public func backward(_ pass: CharModelPass<Scalar>) -> (gradients: CharModel, dStart: [RecurrentState<Scalar>]) {
        let dy = crossEntropyBackward(probabilities: pass.probabilities, targets: pass.targets, reduction: pass.reduction)
        var grad = self
        grad.ends.wHY = pass.top.transposedTimes(dy)                  // (H, V)
        grad.ends.bY = dy.columnSums()                                // (1, V)
        var dx = dy.timesTransposed(ends.wHY)                         // ∂L/∂(top output)   (T·B, H)
        var dStart: [RecurrentState<Scalar>] = []
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            if !pass.masks.isEmpty { dx = dx .* pass.masks[l] }       // through the dropout
            let back = layers[l].backward(pass.layerPasses[l], outputGradient: dx)
            grad.layers[l] = back.gradients
            dStart.insert(back.dStart, at: 0)
            dx = back.dInput                                          // (T·B, D)
        }
        var dE = Matrix<Scalar>.zeros(ends.embedding.rows, ends.embedding.columns)
        dE.addRows(dx, at: pass.inputs.timeMajor)                     // scatter into the table
        grad.ends.embedding = dE
        return (grad, dStart)
    }

    /// One character in, one distribution's logits out (1, V): for sampling. Updates `state`.
    public func step(_ id: Int, state: inout [RecurrentState<Scalar>]) -> Matrix<Scalar> {
        var x = ends.embedding.rows(at: [id])                         // (1, E)
        for l in layers.indices {
            let pass = layers[l].forward(x, steps: 1, from: state[l])
            state[l] = pass.end
            x = pass.output
        }
        var logits = x * ends.wHY
        logits += ends.bY
        return logits
    }
}
