// The compiler's derivatives for the gated cells of chapter 10: the sigmoid, blocks of
// columns, and the GRU's and the LSTM's losses written plainly, step by step, for the
// compiler to differentiate (the same mathematics as `GRU.forward` and `LSTM.forward`, not
// the same code). DESIGN.md ("Gated cells under autodiff") lists what this compiler
// rejects, crashes on or gets silently wrong; the functions below avoid all of it.

#if canImport(_Differentiation)
import _Differentiation

@derivative(of: sigmoid)
public func vjpSigmoid<Scalar>(_ a: Matrix<Scalar>) -> (value: Matrix<Scalar>, pullback: (Matrix<Scalar>) -> Matrix<Scalar>)
where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    let s = sigmoid(a)
    return (s, { ds in sigmoidBackward(output: s, gradient: ds.isShapelessZero ? .zeros(s.rows, s.columns) : ds) })
}

extension Matrix where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    @derivative(of: columns(_:))
    public func vjpColumns(_ range: Range<Int>) -> (value: Matrix, pullback: (Matrix) -> Matrix) {
        let (rows, columns) = (self.rows, self.columns)
        return (self.columns(range), { dBlock in
            var d = Matrix.zeros(rows, columns)                       // the other columns get nothing
            if !dBlock.isShapelessZero { d.setColumns(startingAt: range.lowerBound, to: dBlock) }
            return d
        })
    }
}

/// The GRU's variables: its six parameters and h_0.
public struct GRUVariables: Differentiable {
    public var wX, wH, bX, bH, wHY, bY, hStart: Matrix<Double>

    // Written out: a synthesised memberwise initialiser has crashed this compiler.
    @differentiable(reverse)
    public init(wX: Matrix<Double>, wH: Matrix<Double>, bX: Matrix<Double>, bH: Matrix<Double>,
                wHY: Matrix<Double>, bY: Matrix<Double>, hStart: Matrix<Double>) {
        self.wX = wX
        self.wH = wH
        self.bX = bX
        self.bH = bH
        self.wHY = wHY
        self.bY = bY
        self.hStart = hStart
    }
}

/// The GRU's loss over a window of tokens, plainly: h_t = (1 − z) ⊙ n + z ⊙ h_{t-1} written
/// as n + z ⊙ (h_{t-1} − n).
@differentiable(reverse, wrt: v)
public func gruLoss(_ v: GRUVariables, inputs: TokenBatch, targets: TokenBatch, reduction: LossReduction) -> Double {
    let H = withoutDerivative(at: v.wH.rows)
    var h = v.hStart                                                  // (B, H)
    var loss = 0.0
    var t = 0
    while t < withoutDerivative(at: inputs.steps) {
        let ax = v.wX.rows(at: inputs.step(t)) + v.bX                 // (B, 3H)
        let ah = h * v.wH + v.bH                                      // (B, 3H)
        let r = sigmoid(ax.columns(0..<H) + ah.columns(0..<H))
        let z = sigmoid(ax.columns(H..<(2 * H)) + ah.columns(H..<(2 * H)))
        let n = tanh(ax.columns((2 * H)..<(3 * H)) + r .* ah.columns((2 * H)..<(3 * H)))
        h = n + z .* (h - n)
        loss = loss + softmaxCrossEntropy(logits: h * v.wHY + v.bY, targets: targets.step(t), reduction: reduction)
        t += 1
    }
    return reduction == .mean ? loss / Double(inputs.steps) : loss
}

/// The compiler's gradient of `gruLoss` at (model, hStart).
public func gruAutodiffGradients(model: GRU<Double>, hStart: Matrix<Double>, inputs: TokenBatch, targets: TokenBatch,
                                 reduction: LossReduction) -> (loss: Double, gradients: GRU<Double>, dhStart: Matrix<Double>) {
    let v = GRUVariables(wX: model.wX, wH: model.wH, bX: model.bX, bH: model.bH, wHY: model.wHY, bY: model.bY, hStart: hStart)
    let (loss, g) = valueWithGradient(at: v) { gruLoss($0, inputs: inputs, targets: targets, reduction: reduction) }
    func dense(_ d: Matrix<Double>, like m: Matrix<Double>) -> Matrix<Double> { d.isShapelessZero ? .zeros(m.rows, m.columns) : d }
    let gradients = GRU(wX: dense(g.wX, like: v.wX), wH: dense(g.wH, like: v.wH), bX: dense(g.bX, like: v.bX),
                        bH: dense(g.bH, like: v.bH), wHY: dense(g.wHY, like: v.wHY), bY: dense(g.bY, like: v.bY))
    return (loss, gradients, dense(g.hStart, like: hStart))
}

/// The LSTM's variables: its five parameters, h_0 and c_0.
public struct LSTMVariables: Differentiable {
    public var wX, wH, b, wHY, bY, hStart, cStart: Matrix<Double>

    @differentiable(reverse)
    public init(wX: Matrix<Double>, wH: Matrix<Double>, b: Matrix<Double>, wHY: Matrix<Double>, bY: Matrix<Double>,
                hStart: Matrix<Double>, cStart: Matrix<Double>) {
        self.wX = wX
        self.wH = wH
        self.b = b
        self.wHY = wHY
        self.bY = bY
        self.hStart = hStart
        self.cStart = cStart
    }
}

/// The LSTM's loss over a window of tokens, plainly.
@differentiable(reverse, wrt: v)
public func lstmLoss(_ v: LSTMVariables, inputs: TokenBatch, targets: TokenBatch, reduction: LossReduction) -> Double {
    let H = withoutDerivative(at: v.wH.rows)
    var h = v.hStart                                                  // (B, H)
    var c = v.cStart                                                  // (B, H)
    var loss = 0.0
    var t = 0
    while t < withoutDerivative(at: inputs.steps) {
        let a = v.wX.rows(at: inputs.step(t)) + h * v.wH + v.b        // (B, 4H)
        let i = sigmoid(a.columns(0..<H))
        let f = sigmoid(a.columns(H..<(2 * H)))
        let g = tanh(a.columns((2 * H)..<(3 * H)))
        let o = sigmoid(a.columns((3 * H)..<(4 * H)))
        c = f .* c + i .* g
        h = o .* tanh(c)
        loss = loss + softmaxCrossEntropy(logits: h * v.wHY + v.bY, targets: targets.step(t), reduction: reduction)
        t += 1
    }
    return reduction == .mean ? loss / Double(inputs.steps) : loss
}

/// The compiler's gradient of `lstmLoss` at (model, hStart, cStart).
public func lstmAutodiffGradients(model: LSTM<Double>, hStart: Matrix<Double>, cStart: Matrix<Double>, inputs: TokenBatch,
                                  targets: TokenBatch, reduction: LossReduction)
    -> (loss: Double, gradients: LSTM<Double>, dhStart: Matrix<Double>, dcStart: Matrix<Double>) {
    let v = LSTMVariables(wX: model.wX, wH: model.wH, b: model.b, wHY: model.wHY, bY: model.bY, hStart: hStart, cStart: cStart)
    let (loss, g) = valueWithGradient(at: v) { lstmLoss($0, inputs: inputs, targets: targets, reduction: reduction) }
    func dense(_ d: Matrix<Double>, like m: Matrix<Double>) -> Matrix<Double> { d.isShapelessZero ? .zeros(m.rows, m.columns) : d }
    let gradients = LSTM(wX: dense(g.wX, like: v.wX), wH: dense(g.wH, like: v.wH), b: dense(g.b, like: v.b),
                         wHY: dense(g.wHY, like: v.wHY), bY: dense(g.bY, like: v.bY))
    return (loss, gradients, dense(g.hStart, like: hStart), dense(g.cStart, like: cStart))
}

#endif
