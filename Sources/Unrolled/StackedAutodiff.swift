// The compiler's derivative of chapter 9's stacked network: the same loss as
// `StackedRNN.forward`, written plainly with the layers inside the time loop (the forward
// pass runs the time loop inside each layer), for up to three layers. Fixed fields rather
// than arrays of layers: this compiler differentiates stored properties reliably, and
// unused layers simply receive a zero gradient.

#if canImport(_Differentiation)
import _Differentiation

/// Everything the stacked loss depends on, for up to three layers (unused ones are 1×1).
public struct StackedVariables: Differentiable {
    public var table, wXH1, wHH1, bH1, wXH2, wHH2, bH2, wXH3, wHH3, bH3, wHY, bY, h1, h2, h3: Matrix<Double>

    // Written out: a synthesised memberwise initialiser has crashed this compiler.
    @differentiable(reverse)
    public init(table: Matrix<Double>, wXH1: Matrix<Double>, wHH1: Matrix<Double>, bH1: Matrix<Double>,
                wXH2: Matrix<Double>, wHH2: Matrix<Double>, bH2: Matrix<Double>,
                wXH3: Matrix<Double>, wHH3: Matrix<Double>, bH3: Matrix<Double>,
                wHY: Matrix<Double>, bY: Matrix<Double>, h1: Matrix<Double>, h2: Matrix<Double>, h3: Matrix<Double>) {
        self.table = table
        self.wXH1 = wXH1
        self.wHH1 = wHH1
        self.bH1 = bH1
        self.wXH2 = wXH2
        self.wHH2 = wHH2
        self.bH2 = bH2
        self.wXH3 = wXH3
        self.wHH3 = wHH3
        self.bH3 = bH3
        self.wHY = wHY
        self.bY = bY
        self.h1 = h1
        self.h2 = h2
        self.h3 = h3
    }
}

/// The stacked network's loss over a window, plainly: `masks[l][t]` is layer l's mask at
/// step t (B, H), all ones where nothing is dropped; a constant, not differentiated.
@differentiable(reverse, wrt: v)
public func stackedLoss(_ v: StackedVariables, layers: Int, usesTable: Bool, inputs: TokenBatch, targets: TokenBatch,
                        masks: [[Matrix<Double>]], reduction: LossReduction) -> Double {
    var h1 = v.h1, h2 = v.h2, h3 = v.h3                               // (B, H) each
    var loss = 0.0
    var t = 0
    while t < withoutDerivative(at: inputs.steps) {
        let ids = withoutDerivative(at: inputs.step(t))
        var input: Matrix<Double>                                     // u^0_t W_xh^1   (B, H)
        if usesTable {
            input = v.table.rows(at: ids) * v.wXH1
        } else {
            input = v.wXH1.rows(at: ids)
        }
        h1 = tanh(input + h1 * v.wHH1 + v.bH1)
        var u = h1 .* masks[0][t]
        if layers >= 2 {
            h2 = tanh(u * v.wXH2 + h2 * v.wHH2 + v.bH2)
            u = h2 .* masks[1][t]
        }
        if layers >= 3 {
            h3 = tanh(u * v.wXH3 + h3 * v.wHH3 + v.bH3)
            u = h3 .* masks[2][t]
        }
        loss = loss + softmaxCrossEntropy(logits: u * v.wHY + v.bY, targets: targets.step(t), reduction: reduction)
        t += 1
    }
    return reduction == .mean ? loss / Double(inputs.steps) : loss
}

/// The compiler's gradient of `stackedLoss` at (model, hStart), masks held fixed.
public func stackedAutodiffGradients(model: StackedRNN<Double>, hStart: [Matrix<Double>], masks: [Matrix<Double>?],
                                     inputs: TokenBatch, targets: TokenBatch, reduction: LossReduction)
    -> (loss: Double, gradients: StackedRNN<Double>, dhStart: [Matrix<Double>]) {
    let L = model.layers.count
    precondition(L <= 3, "the autodiff witness covers up to three layers, got \(L)")
    let B = inputs.batchSize, T = inputs.steps
    let none = Matrix<Double>.zeros(1, 1)
    func layer(_ l: Int) -> RecurrentLayer<Double>? { l < L ? model.layers[l] : nil }
    let stepMasks: [[Matrix<Double>]] = (0..<3).map { l in
        (0..<T).map { t in
            guard l < L else { return none }
            return masks[l].map { $0.rows((t * B)..<((t + 1) * B)) } ?? Matrix(rows: B, columns: model.layers[l].hiddenSize, repeating: 1)
        }
    }
    let v = StackedVariables(table: model.embedding?.table ?? none,
                             wXH1: model.layers[0].wXH, wHH1: model.layers[0].wHH, bH1: model.layers[0].bH,
                             wXH2: layer(1)?.wXH ?? none, wHH2: layer(1)?.wHH ?? none, bH2: layer(1)?.bH ?? none,
                             wXH3: layer(2)?.wXH ?? none, wHH3: layer(2)?.wHH ?? none, bH3: layer(2)?.bH ?? none,
                             wHY: model.output.wHY, bY: model.output.bY,
                             h1: hStart[0], h2: L > 1 ? hStart[1] : none, h3: L > 2 ? hStart[2] : none)
    let usesTable = model.embedding != nil
    let (loss, g) = valueWithGradient(at: v) {
        stackedLoss($0, layers: L, usesTable: usesTable, inputs: inputs, targets: targets, masks: stepMasks, reduction: reduction)
    }
    func dense(_ d: Matrix<Double>, like m: Matrix<Double>) -> Matrix<Double> { d.isShapelessZero ? .zeros(m.rows, m.columns) : d }
    let grads = [(g.wXH1, g.wHH1, g.bH1), (g.wXH2, g.wHH2, g.bH2), (g.wXH3, g.wHH3, g.bH3)]
    let layers = (0..<L).map { l in
        RecurrentLayer(wXH: dense(grads[l].0, like: model.layers[l].wXH), wHH: dense(grads[l].1, like: model.layers[l].wHH),
                       bH: dense(grads[l].2, like: model.layers[l].bH))
    }
    let table = model.embedding.map { EmbeddingTable(table: dense(g.table, like: $0.table)) }
    let gradients = StackedRNN(embedding: table, layers: layers,
                               output: SoftmaxLayer(wHY: dense(g.wHY, like: model.output.wHY), bY: dense(g.bY, like: model.output.bY)))
    let dh = [g.h1, g.h2, g.h3]
    return (loss, gradients, (0..<L).map { dense(dh[$0], like: hStart[$0]) })
}

#endif
