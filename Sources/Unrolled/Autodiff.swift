// The compiler's derivatives: the third witness for the hand-written backward pass.
//
// With `import _Differentiation`, `Matrix<Double>` is `Differentiable` and every operation
// the RNN uses has a registered derivative (a function returning the value and its
// pullback, the vector–Jacobian product). The compiler then differentiates whole programs
// written with these operations, loops included. Toolchains from swift.org ship the
// module; Xcode's does not, so everything here is conditional, and the checks say when
// the autodiff witness is missing.

#if canImport(_Differentiation)
import _Differentiation

/// True when this build can differentiate Swift code (`import _Differentiation` exists).
public let automaticDifferentiationAvailable = true

extension Matrix: Differentiable where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    /// A matrix's tangent is a matrix of the same shape (or `Matrix.zero`, shapeless).
    public typealias TangentVector = Matrix

    public mutating func move(by offset: Matrix) {
        self += offset
    }
}

extension Matrix where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    /// A zero gradient of this matrix's shape when `g` is the shapeless zero.
    fileprivate func densify(_ g: Matrix) -> Matrix {
        g.isShapelessZero ? Matrix.zeros(rows, columns) : g
    }

    @derivative(of: *)
    public static func vjpMatrixProduct(_ a: Matrix, _ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = a * b
        return (c, { dc in
            let dc = c.densify(dc)
            return (dc.timesTransposed(b), a.transposedTimes(dc))     // dA = dC Bᵀ, dB = Aᵀ dC
        })
    }

    @derivative(of: +)
    public static func vjpAdd(_ a: Matrix, _ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = a + b
        let bIsBroadcastRow = b.rows == 1 && a.rows != 1 && !b.isShapelessZero
        return (c, { dc in
            let dc = c.densify(dc)
            return (dc, bIsBroadcastRow ? dc.columnSums() : dc)       // a broadcast row collects every row's gradient
        })
    }

    @derivative(of: -)
    public static func vjpSubtract(_ a: Matrix, _ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = a - b
        return (c, { dc in
            let dc = c.densify(dc)
            return (dc, -dc)
        })
    }

    @derivative(of: .*)
    public static func vjpHadamard(_ a: Matrix, _ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = a .* b
        return (c, { dc in
            let dc = c.densify(dc)
            return (dc .* b, dc .* a)
        })
    }

    @derivative(of: rows(at:))
    public func vjpRows(at ids: [Int]) -> (value: Matrix, pullback: (Matrix) -> Matrix) {
        let r = rows(at: ids)
        let (rows, columns) = (self.rows, self.columns)
        return (r, { dr in
            var table = Matrix.zeros(rows, columns)
            if !dr.isShapelessZero { table.addRows(dr, at: ids) }
            return table
        })
    }

    @derivative(of: transposedTimes)
    public func vjpTransposedTimes(_ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = transposedTimes(b)                                    // C = AᵀB
        return (c, { dc in
            let dc = c.densify(dc)
            return (b.timesTransposed(dc), self * dc)                 // dA = B dCᵀ, dB = A dC
        })
    }

    @derivative(of: timesTransposed)
    public func vjpTimesTransposed(_ b: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Matrix, Matrix)) {
        let c = timesTransposed(b)                                    // C = ABᵀ
        return (c, { dc in
            let dc = c.densify(dc)
            return (dc * b, dc.transposedTimes(self))                 // dA = dC B, dB = dCᵀ A
        })
    }

    @derivative(of: transposed)
    public func vjpTransposed() -> (value: Matrix, pullback: (Matrix) -> Matrix) {
        let c = transposed()
        return (c, { dc in c.densify(dc).transposed() })
    }

    @derivative(of: *)
    public static func vjpScale(_ s: Scalar, _ a: Matrix) -> (value: Matrix, pullback: (Matrix) -> (Scalar, Matrix)) {
        let c = s * a
        return (c, { dc in
            let dc = c.densify(dc)
            return ((dc .* a).sum(), s * dc)                          // ds = Σ dC ⊙ A, dA = s dC
        })
    }

    @derivative(of: -)
    public static func vjpNegate(_ a: Matrix) -> (value: Matrix, pullback: (Matrix) -> Matrix) {
        let c = -a
        return (c, { dc in -c.densify(dc) })
    }

    @derivative(of: columnSums)
    public func vjpColumnSums() -> (value: Matrix, pullback: (Matrix) -> Matrix) {
        let (rows, columns) = (self.rows, self.columns)
        return (columnSums(), { dc in
            var da = Matrix.zeros(rows, columns)
            if !dc.isShapelessZero { da += dc }                        // every row receives the row dC
            return da
        })
    }

    @derivative(of: sum)
    public func vjpSum() -> (value: Scalar, pullback: (Scalar) -> Matrix) {
        let (rows, columns) = (self.rows, self.columns)
        return (sum(), { ds in Matrix(rows: rows, columns: columns, repeating: ds) })
    }
}

@derivative(of: tanh)
public func vjpTanh<Scalar>(_ z: Matrix<Scalar>) -> (value: Matrix<Scalar>, pullback: (Matrix<Scalar>) -> Matrix<Scalar>)
where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    let h = tanh(z)
    return (h, { dh in tanhBackward(output: h, gradient: h.densify(dh)) })
}

@derivative(of: relu)
public func vjpRelu<Scalar>(_ z: Matrix<Scalar>) -> (value: Matrix<Scalar>, pullback: (Matrix<Scalar>) -> Matrix<Scalar>)
where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    let h = relu(z)
    return (h, { dh in reluBackward(output: h, gradient: h.densify(dh)) })
}

@derivative(of: softmax)
public func vjpSoftmax<Scalar>(_ z: Matrix<Scalar>) -> (value: Matrix<Scalar>, pullback: (Matrix<Scalar>) -> Matrix<Scalar>)
where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    let p = softmax(z)
    return (p, { dp in
        // dz_j = p_j (dp_j − Σ_k dp_k p_k), row by row (the Jacobian diag(p) − p pᵀ, applied).
        let dp = p.densify(dp)
        var dz = p .* dp                                              // (R, C)
        for i in 0..<p.rows {
            var inner: Scalar = 0
            for j in 0..<p.columns { inner += dz[i, j] }
            for j in 0..<p.columns { dz[i, j] -= p[i, j] * inner }
        }
        return dz
    })
}

@derivative(of: logSoftmax)
public func vjpLogSoftmax<Scalar>(_ z: Matrix<Scalar>) -> (value: Matrix<Scalar>, pullback: (Matrix<Scalar>) -> Matrix<Scalar>)
where Scalar: Differentiable, Scalar.TangentVector == Scalar {
    let l = logSoftmax(z)
    let p = softmax(z)
    return (l, { dl in
        // dz_j = dl_j − p_j Σ_k dl_k, row by row.
        var dz = l.densify(dl)
        for i in 0..<p.rows {
            var total: Scalar = 0
            for j in 0..<p.columns { total += dz[i, j] }
            for j in 0..<p.columns { dz[i, j] -= p[i, j] * total }
        }
        return dz
    })
}

/// Softmax followed by cross-entropy, as one differentiable function of the logits:
/// the loss of `logits` (N, V) against N targets, reduced as asked.
@differentiable(reverse, wrt: logits)
public func softmaxCrossEntropy(logits: Matrix<Double>, targets: [Int], reduction: LossReduction) -> Double {
    crossEntropy(probabilities: softmax(logits), targets: targets, reduction: reduction)
}

@derivative(of: softmaxCrossEntropy, wrt: logits)
public func vjpSoftmaxCrossEntropy(logits: Matrix<Double>, targets: [Int], reduction: LossReduction)
    -> (value: Double, pullback: (Double) -> Matrix<Double>) {
    let p = softmax(logits)
    let loss = crossEntropy(probabilities: p, targets: targets, reduction: reduction)
    return (loss, { dLoss in dLoss * crossEntropyBackward(probabilities: p, targets: targets, reduction: reduction) })
}

/// Everything the RNN's loss depends on, as one differentiable value: the compiler's
/// gradient of the loss is then another `RNNVariables` (its `TangentVector`).
public struct RNNVariables: Differentiable {
    public var wXH: Matrix<Double>
    public var wHH: Matrix<Double>
    public var wHY: Matrix<Double>
    public var bH: Matrix<Double>
    public var bY: Matrix<Double>
    public var hStart: Matrix<Double>

    // Written out: a synthesised memberwise initialiser of a Differentiable struct has
    // crashed the Swift compiler.
    @differentiable(reverse)
    public init(wXH: Matrix<Double>, wHH: Matrix<Double>, wHY: Matrix<Double>, bH: Matrix<Double>, bY: Matrix<Double>, hStart: Matrix<Double>) {
        self.wXH = wXH
        self.wHH = wHH
        self.wHY = wHY
        self.bH = bH
        self.bY = bY
        self.hStart = hStart
    }
}

/// The RNN's loss over a window of tokens written plainly, step by step, for the compiler
/// to differentiate: the same mathematics as `RNN.forward`, not the same code.
/// `activation` picks the cell's non-linearity: tanh (chapter 4) or ReLU (chapter 7).
@differentiable(reverse, wrt: v)
public func rnnLoss(_ v: RNNVariables, inputs: TokenBatch, targets: TokenBatch, reduction: LossReduction,
                    activation: Activation = .tanh) -> Double {
    var h = v.hStart                                                  // (B, H)
    var loss = 0.0
    var t = 0
    while t < withoutDerivative(at: inputs.steps) {
        let z = v.wXH.rows(at: inputs.step(t)) + h * v.wHH + v.bH    // (B, H)
        if activation == .relu {
            h = relu(z)
        } else {
            h = tanh(z)
        }
        let logits = h * v.wHY + v.bY                                // (B, V)
        loss = loss + softmaxCrossEntropy(logits: logits, targets: targets.step(t), reduction: reduction)
        t += 1
    }
    // A mean per step, averaged over T steps, is the mean over all T·B predictions.
    return reduction == .mean ? loss / Double(inputs.steps) : loss
}

/// The compiler's gradient of `rnnLoss` at (model, hStart), for either non-linearity.
public func rnnAutodiffGradients(model: RNN<Double>, hStart: Matrix<Double>, inputs: TokenBatch, targets: TokenBatch,
                                 reduction: LossReduction, activation: Activation = .tanh)
    -> (loss: Double, gradients: RNN<Double>, dhStart: Matrix<Double>) {
    let v = RNNVariables(wXH: model.wXH, wHH: model.wHH, wHY: model.wHY, bH: model.bH, bY: model.bY, hStart: hStart)
    let (loss, g) = valueWithGradient(at: v) {
        rnnLoss($0, inputs: inputs, targets: targets, reduction: reduction, activation: activation)
    }
    let gradients = RNN(wXH: v.wXH.densify(g.wXH), wHH: v.wHH.densify(g.wHH), wHY: v.wHY.densify(g.wHY),
                        bH: v.bH.densify(g.bH), bY: v.bY.densify(g.bY))
    return (loss, gradients, hStart.densify(g.hStart))
}

#else

/// True when this build can differentiate Swift code (`import _Differentiation` exists).
public let automaticDifferentiationAvailable = false

#endif
