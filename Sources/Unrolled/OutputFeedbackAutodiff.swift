// The compiler's derivative of Architecture 2 (chapter 8): its loss written plainly, step
// by step, for `_Differentiation` to differentiate. The third witness for
// `OutputFeedbackRNN.backward`, in both forms of feedback.

#if canImport(_Differentiation)
import _Differentiation

/// Everything Architecture 2's loss depends on, as one differentiable value.
public struct OutputFeedbackVariables: Differentiable {
    public var wXH: Matrix<Double>
    public var wOH: Matrix<Double>
    public var wHY: Matrix<Double>
    public var bH: Matrix<Double>
    public var bY: Matrix<Double>
    public var oStart: Matrix<Double>

    // Written out: a synthesised memberwise initialiser of a Differentiable struct has
    // crashed the Swift compiler.
    @differentiable(reverse)
    public init(wXH: Matrix<Double>, wOH: Matrix<Double>, wHY: Matrix<Double>, bH: Matrix<Double>, bY: Matrix<Double>, oStart: Matrix<Double>) {
        self.wXH = wXH
        self.wOH = wOH
        self.wHY = wHY
        self.bH = bH
        self.bY = bY
        self.oStart = oStart
    }
}

/// Architecture 2's loss over a window: the same mathematics as `OutputFeedbackRNN.forward`,
/// not the same code. With teacher forcing the fed-back one-hot rows are constants.
@differentiable(reverse, wrt: v)
public func outputFeedbackLoss(_ v: OutputFeedbackVariables, inputs: TokenBatch, targets: TokenBatch,
                               feedback: OutputFeedback, reduction: LossReduction) -> Double {
    let V = withoutDerivative(at: v.wHY).columns
    var o = v.oStart                                                  // (B, V)
    var loss = 0.0
    var t = 0
    while t < withoutDerivative(at: inputs.steps) {
        let h = tanh(v.wXH.rows(at: inputs.step(t)) + o * v.wOH + v.bH)  // (B, H)
        let logits = h * v.wHY + v.bY                                // (B, V)
        loss = loss + softmaxCrossEntropy(logits: logits, targets: targets.step(t), reduction: reduction)
        if feedback == .teacherForcing {
            o = withoutDerivative(at: Matrix<Double>.oneHot(targets.step(t), classes: V))  // the truth: data
        } else {
            o = softmax(logits)                                       // its own output
        }
        t += 1
    }
    return reduction == .mean ? loss / Double(inputs.steps) : loss
}

/// The compiler's gradient of `outputFeedbackLoss` at (model, oStart).
public func outputFeedbackAutodiffGradients(model: OutputFeedbackRNN<Double>, oStart: Matrix<Double>, inputs: TokenBatch,
                                            targets: TokenBatch, feedback: OutputFeedback, reduction: LossReduction)
    -> (loss: Double, gradients: OutputFeedbackRNN<Double>, doStart: Matrix<Double>) {
    let v = OutputFeedbackVariables(wXH: model.wXH, wOH: model.wOH, wHY: model.wHY, bH: model.bH, bY: model.bY, oStart: oStart)
    let (loss, g) = valueWithGradient(at: v) {
        outputFeedbackLoss($0, inputs: inputs, targets: targets, feedback: feedback, reduction: reduction)
    }
    func dense(_ gradient: Matrix<Double>, like value: Matrix<Double>) -> Matrix<Double> {
        gradient.isShapelessZero ? .zeros(value.rows, value.columns) : gradient
    }
    let gradients = OutputFeedbackRNN(wXH: dense(g.wXH, like: v.wXH), wOH: dense(g.wOH, like: v.wOH), wHY: dense(g.wHY, like: v.wHY),
                                      bH: dense(g.bH, like: v.bH), bY: dense(g.bY, like: v.bY))
    return (loss, gradients, dense(g.oStart, like: oStart))
}
#endif
