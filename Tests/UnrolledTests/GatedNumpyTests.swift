import Foundation
import Testing
@testable import SafeTensors
@testable import Unrolled

/// The GRU's and the LSTM's equations written again in numpy, from the metadata of
/// `book gradcheck --export`: the loss must match the Swift forward pass, and numpy's own
/// central differences must match the exported (hand-derived) gradients. A fourth witness,
/// in another language, for the layout another framework will read.
private let numpyGatedCheck = """
    import sys
    import numpy as np
    from safetensors.numpy import load_file
    from safetensors import safe_open
    path = sys.argv[1]
    t = load_file(path)
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
    cell = meta["cell"]
    X, Y = t["inputs"], t["targets"]
    B, T = X.shape
    sig = lambda a: 1 / (1 + np.exp(-a))
    def cross_entropy(logits, y):
        m = logits.max(1, keepdims=True)
        log_p = logits - m - np.log(np.exp(logits - m).sum(1, keepdims=True))
        return -log_p[np.arange(len(y)), y]
    def loss(p):
        h, c = p["hStart"], p.get("cStart")
        H = h.shape[1]
        total = 0.0
        for s in range(T):
            x = p["wX"][X[:, s]]                       # one-hot x_t times W_x: a row look-up
            if cell == "gru":
                ax, ah = x + p["bX"][0], h @ p["wH"] + p["bH"][0]
                r = sig(ax[:, :H] + ah[:, :H])
                z = sig(ax[:, H:2*H] + ah[:, H:2*H])
                n = np.tanh(ax[:, 2*H:] + r * ah[:, 2*H:])
                h = (1 - z) * n + z * h
            else:
                a = x + h @ p["wH"] + p["b"][0]
                i, f, g, o = sig(a[:, :H]), sig(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), sig(a[:, 3*H:])
                c = f * c + i * g
                h = o * np.tanh(c)
            total += cross_entropy(h @ p["wHY"] + p["bY"][0], Y[:, s]).sum()
        return total / (B * T) if meta["reduction"] == "mean" else total
    values = {k: v for k, v in t.items() if not k.startswith("grad.") and k not in ("inputs", "targets", "loss")}
    assert abs(loss(values) - float(t["loss"])) <= 1e-12 * abs(float(t["loss"])), (loss(values), float(t["loss"]))
    rng = np.random.default_rng(0)
    worst = 0.0
    for name, value in values.items():
        for flat in rng.choice(value.size, size=min(value.size, 15), replace=False):
            index = np.unravel_index(flat, value.shape)
            def moved(offset):
                q = dict(values)
                q[name] = value.copy()
                q[name][index] += offset
                return loss(q)
            h = 1e-3                                    # five points, as the Swift check
            numeric = (8 * (moved(h) - moved(-h)) - (moved(2 * h) - moved(-2 * h))) / (12 * h)
            analytic = t["grad." + name][index]
            worst = max(worst, abs(analytic - numeric) / max(1e-8, abs(analytic) + abs(numeric)))
    assert worst < 1e-6, worst
    print("ok", cell, len(values))
    """

@Suite("GRU and LSTM exports checked by numpy",
       .enabled(if: Python.hasSafetensors, "needs python3 with numpy and safetensors: pip install numpy safetensors"))
struct GatedNumpyTests {
    func check(_ exported: (tensors: [SafeTensors.Tensor], metadata: [String: String]), expecting line: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-gated-\(UInt64.random(in: 0...UInt64.max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(exported.tensors, metadata: exported.metadata, to: url)
        let (status, output) = try Python.run(numpyGatedCheck, arguments: [url.path])
        #expect(status == 0, "python: \(output)")
        #expect(output.hasSuffix(line + "\n"), "python: \(output)")
    }

    @Test func gruExportMatchesNumpy() throws {
        try check(GRUGradientCheckProblem(seed: 31, batchSize: 3, steps: 6, vocabularySize: 5, hiddenSize: 4, reduction: .mean).exportTensors(),
                  expecting: "ok gru 7")
    }

    @Test func lstmExportMatchesNumpy() throws {
        try check(LSTMGradientCheckProblem(seed: 32, batchSize: 3, steps: 6, vocabularySize: 5, hiddenSize: 4, reduction: .sum).exportTensors(),
                  expecting: "ok lstm 7")
    }
}
