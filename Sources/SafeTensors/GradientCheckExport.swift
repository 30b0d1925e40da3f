import Unrolled

// `book gradcheck --export FILE`: the gradient-check problem written as safetensors, so
// another framework can check the book's gradients.

extension RNNGradientCheckProblem {
    /// The problem and its analytic gradients as safetensors tensors, so another framework
    /// (PyTorch, numpy) can recompute the loss and the gradients and compare. Layout:
    ///
    /// - `wXH` (V, H), `wHH` (H, H), `wHY` (H, V), `bH` (1, H), `bY` (1, V): F64, row-major,
    ///   rows are inputs: h_t = f(x_t·wXH + h_{t−1}·wHH + bH) with f = tanh (cell "rnn") or
///   max(0, ·) (cell "relu"), logits y_t = h_t·wHY + bY.
    /// - `hStart` (B, H) F64: h_0, the state the window starts from.
    /// - `inputs`, `targets` (B, T) I64: token ids, batch first; x_t is the one-hot row
    ///   of `inputs[:, t]`, and `targets[:, t]` is the class y_t is scored against.
    /// - `loss` [] F64: the cross-entropy, summed over all B·T predictions or their mean,
    ///   as metadata `reduction` says.
    /// - `grad.wXH`, `grad.wHH`, `grad.wHY`, `grad.bH`, `grad.bY`, `grad.hStart`: ∂loss/∂·
    ///   from `RNN.backward`, each the shape of its variable.
    ///
    /// Metadata: `format` = "unrolled-gradcheck-1", `cell`, `reduction`, and `equations`.
    public func exportTensors() -> (tensors: [SafeTensors.Tensor], metadata: [String: String]) {
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: hStart, reduction: reduction, activation: activation)
        let (gradients, dhStart) = model.backward(pass, activation: activation)
        func tensor(_ name: String, _ m: Matrix<Double>) -> SafeTensors.Tensor {
            SafeTensors.Tensor(name: name, shape: [m.rows, m.columns], doubles: m.scalars)
        }
        func ids(_ name: String, _ batch: TokenBatch) -> SafeTensors.Tensor {
            SafeTensors.Tensor(name: name, shape: [batch.batchSize, batch.steps], int64s: batch.ids.map { Int64($0) })
        }
        var tensors: [SafeTensors.Tensor] = []
        for (name, value) in model.namedParameters { tensors.append(tensor(name, value)) }
        tensors.append(tensor("hStart", hStart))
        tensors.append(ids("inputs", inputs))
        tensors.append(ids("targets", targets))
        tensors.append(SafeTensors.Tensor(name: "loss", shape: [], doubles: [pass.loss]))
        for (name, value) in gradients.namedParameters { tensors.append(tensor("grad." + name, value)) }
        tensors.append(tensor("grad.hStart", dhStart))
        let metadata = [
            "format": "unrolled-gradcheck-1",
            "cell": (activation == .relu ? RecurrentCell.relu : RecurrentCell.rnn).rawValue,
            "reduction": reduction.rawValue,
            "equations": "h_t = \(activation == .relu ? "relu" : "tanh")(onehot(inputs[:,t]) @ wXH + h_{t-1} @ wHH + bH); logits_t = h_t @ wHY + bY; "
                + "loss = \(reduction == .sum ? "sum" : "mean") over b,t of cross_entropy(logits_t[b], targets[b,t]); h_0 = hStart",
        ]
        return (tensors, metadata)
    }
}
