// The gated cells' training loop for `bench` (issue 11): the library's GRU and LSTM of
// chapter 10, trained as configuration (b) is, so that their figures sit beside the
// vanilla network's and beside PyTorch's nn.GRU / nn.LSTM (Benchmarks/gated_torch.py).

import Foundation
import Unrolled

/// Which gated cell a run trains.
enum GatedCell: String, CaseIterable {
    case lstm = "LSTM", gru = "GRU"
}

/// Trains a fresh `cell` with hidden size H on `text` for `seconds` of wall time (or
/// `windowLimit` windows): B streams side by side carrying their state from one window of
/// T to the next, mean cross-entropy per character, gradients clipped by global norm 5,
/// Adam 2e-3, Float. Returns what `train` returns for the vanilla network.
func trainGated(
    _ cell: GatedCell, hidden H: Int, text: EncodedText, batch B: Int, steps T: Int,
    seconds: Double, windowLimit: Int? = nil
) -> (charsPerSecond: Double, cpuCharsPerSecond: Double, firstSmoothLoss: Double, lastSmoothLoss: Double) {
    var generator = SeededGenerator(seed: 1)
    let V = text.vocabularySize
    switch cell {
    case .lstm:
        var model = LSTM<Float>(inputSize: V, hiddenSize: H, outputSize: V, using: &generator)
        var adam = Adam<Float>(learningRate: 2e-3)
        var h = Matrix<Float>.zeros(B, H), c = Matrix<Float>.zeros(B, H)
        return timeWindows(text: text, batch: B, steps: T, seconds: seconds, windowLimit: windowLimit) { inputs, targets, restart in
            if restart { (h, c) = (.zeros(B, H), .zeros(B, H)) }
            let pass = model.forward(.tokens(inputs), targets: targets, hStart: h, cStart: c, reduction: .mean)
            var (gradients, _, _) = model.backward(pass)
            _ = gradients.clipByGlobalNorm(5)
            adam.update(&model, with: gradients)
            (h, c) = (pass.hEnd, pass.cEnd)
            return pass.loss
        }
    case .gru:
        var model = GRU<Float>(inputSize: V, hiddenSize: H, outputSize: V, using: &generator)
        var adam = Adam<Float>(learningRate: 2e-3)
        var h = Matrix<Float>.zeros(B, H)
        return timeWindows(text: text, batch: B, steps: T, seconds: seconds, windowLimit: windowLimit) { inputs, targets, restart in
            if restart { h = .zeros(B, H) }
            let pass = model.forward(.tokens(inputs), targets: targets, hStart: h, reduction: .mean)
            var (gradients, _) = model.backward(pass)
            _ = gradients.clipByGlobalNorm(5)
            adam.update(&model, with: gradients)
            h = pass.hEnd
            return pass.loss
        }
    }
}

/// The clock and the data of every batched run: feeds `step` one window of B streams at a
/// time (`restart` is true when the streams wrap around and the state must start from
/// zero) until the time or the window count is up. `step` returns the mean loss per
/// character of its window.
func timeWindows(
    text: EncodedText, batch B: Int, steps T: Int, seconds: Double, windowLimit: Int?,
    step: (_ inputs: TokenBatch, _ targets: TokenBatch, _ restart: Bool) -> Double
) -> (charsPerSecond: Double, cpuCharsPerSecond: Double, firstSmoothLoss: Double, lastSmoothLoss: Double) {
    let segment = text.ids.count / B                                  // stream b reads [b·segment, (b+1)·segment)
    precondition(segment > T + 1, "the corpus is too short for \(B) streams of windows of \(T)")
    var cursor = 0
    let first = log(Double(text.vocabularySize))
    var smooth = first
    var windows = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let startCPU = threadCPUSeconds()
    var elapsed = 0.0
    while windowLimit.map({ windows < $0 }) ?? (elapsed < seconds) {
        var restart = windows == 0
        if cursor + T + 1 > segment {
            cursor = 0
            restart = true
        }
        var inputs: [Int] = [], targets: [Int] = []
        inputs.reserveCapacity(B * T)
        targets.reserveCapacity(B * T)
        for b in 0..<B {
            let base = b * segment + cursor
            inputs.append(contentsOf: text.ids[base..<(base + T)])
            targets.append(contentsOf: text.ids[(base + 1)..<(base + T + 1)])
        }
        let loss = step(TokenBatch(batchSize: B, steps: T, ids: inputs), TokenBatch(batchSize: B, steps: T, ids: targets), restart)
        cursor += T
        windows += 1
        smooth = 0.999 * smooth + 0.001 * loss
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    let characters = Double(windows * B * T)
    return (characters / elapsed, characters / (threadCPUSeconds() - startCPU), first, smooth)
}
