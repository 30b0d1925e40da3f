// Turning scores into probabilities, and scoring probabilities against the truth.

/// How a loss over many predictions is reduced to one number.
public enum LossReduction: String, Sendable, CaseIterable {
    /// The sum over every prediction in the window (min-char-rnn's loss): it grows with
    /// the batch size and the number of steps, and so do its gradients.
    case sum
    /// The mean per prediction, i.e. per character: comparable across window sizes, and
    /// log V for a model that knows nothing about V symbols.
    case mean

    /// The factor that turns the summed loss into this reduction, for `count` predictions.
    public func scale(count: Int) -> Double { self == .sum ? 1 : 1 / Double(count) }
}

/// Softmax of each row: pⱼ = exp(zⱼ) / Σₖ exp(zₖ), computed as exp(zⱼ − max z) / Σₖ
/// exp(zₖ − max z), which is the same number and cannot overflow.
public func softmax<Scalar>(_ logits: Matrix<Scalar>) -> Matrix<Scalar> {
    precondition(logits.columns > 0, "softmax of a \(logits.shapeText) matrix: rows need at least one entry")
    var p = Matrix<Scalar>(uninitializedRows: logits.rows, columns: logits.columns)
    logits.withPointer { z in p.withMutablePointer { out in
        Scalar.softmaxRows(z, into: out, rows: logits.rows, columns: logits.columns)
    } }
    return p
}

/// Log-softmax of each row: zⱼ − log Σₖ exp(zₖ), stably (never the log of a softmax
/// that has rounded to 0).
public func logSoftmax<Scalar>(_ logits: Matrix<Scalar>) -> Matrix<Scalar> {
    precondition(logits.columns > 0, "log-softmax of a \(logits.shapeText) matrix: rows need at least one entry")
    var r = Matrix<Scalar>(uninitializedRows: logits.rows, columns: logits.columns)
    logits.withPointer { z in r.withMutablePointer { out in
        Scalar.logSoftmaxRows(z, into: out, rows: logits.rows, columns: logits.columns)
    } }
    return r
}

/// The cross-entropy of row i of `probabilities` against the class `targets[i]`:
/// −log p[i, targets[i]], summed over rows or averaged (see `LossReduction`).
public func crossEntropy<Scalar>(probabilities p: Matrix<Scalar>, targets: [Int], reduction: LossReduction) -> Double {
    checkTargets(targets, for: p)
    let total = p.withPointer { pp in targets.withUnsafeBufferPointer { tt in
        Scalar.crossEntropySum(probabilities: pp, targets: tt.baseAddress!, rows: p.rows, columns: p.columns)
    } }
    return total * reduction.scale(count: p.rows)
}

/// The gradient of `crossEntropy(probabilities: softmax(z), …)` with respect to the
/// logits z: (p − onehot(target)) per row, divided by the row count for `.mean`.
/// (Softmax and cross-entropy together have this simple derivative; apart, each has a
/// messy one.)
public func crossEntropyBackward<Scalar>(probabilities p: Matrix<Scalar>, targets: [Int], reduction: LossReduction) -> Matrix<Scalar> {
    checkTargets(targets, for: p)
    var d = Matrix<Scalar>(uninitializedRows: p.rows, columns: p.columns)
    let s = Scalar(reduction.scale(count: p.rows))
    p.withPointer { pp in targets.withUnsafeBufferPointer { tt in d.withMutablePointer { dd in
        Scalar.crossEntropyGradient(probabilities: pp, targets: tt.baseAddress!, scale: s, into: dd, rows: p.rows, columns: p.columns)
    } } }
    return d
}

private func checkTargets<Scalar>(_ targets: [Int], for p: Matrix<Scalar>) {
    precondition(targets.count == p.rows, "cross-entropy: \(targets.count) targets for \(p.rows) rows of probabilities")
    precondition(p.rows > 0, "cross-entropy of no predictions")
    for t in targets {
        precondition(t >= 0 && t < p.columns, "cross-entropy: target \(t) outside the \(p.columns) classes")
    }
}
