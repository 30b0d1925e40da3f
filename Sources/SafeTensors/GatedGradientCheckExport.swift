import Unrolled

// `book gradcheck --cell gru|lstm --export FILE`: chapter 10's gated cells' gradient-check
// problems written as safetensors, in the layout of the RNN's (GradientCheckExport.swift).

/// A parameter or state as a safetensors tensor, F64, row-major.
private func exported(_ name: String, _ m: Matrix<Double>) -> SafeTensors.Tensor {
    SafeTensors.Tensor(name: name, shape: [m.rows, m.columns], doubles: m.scalars)
}

/// Token ids as a (B, T) I64 tensor, batch first.
private func exported(_ name: String, _ batch: TokenBatch) -> SafeTensors.Tensor {
    SafeTensors.Tensor(name: name, shape: [batch.batchSize, batch.steps], int64s: batch.ids.map { Int64($0) })
}

extension GRUGradientCheckProblem {
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

extension LSTMGradientCheckProblem {
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
