// The training loop `bench` times, and its small helpers.

import Foundation
import Unrolled

/// The corpus as ids into its sorted set of distinct characters.
struct EncodedText {
    let ids: [Int]
    let vocabularySize: Int

    init(_ text: String) {
        let characters = Array(text.unicodeScalars)
        let vocabulary = Array(Set(characters)).sorted()
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        ids = characters.map { index[$0]! }
        vocabularySize = vocabulary.count
    }
}

/// Trains `model` on `text` for `seconds` of wall time, B streams side by side, each
/// carrying its state from one window to the next. Returns characters per second and the
/// smooth loss per character at the start (ln V) and at the end: min-char-rnn's measure,
/// a 0.999 moving average of each window's loss, the same the numpy reference prints (one
/// window's loss alone jumps with the text it happens to cover).
func train<Scalar, O: Optimizer>(
    _ model: inout RNN<Scalar>, optimizer: inout O, text: EncodedText, batch B: Int, steps T: Int,
    reduction: LossReduction, seconds: Double, windowLimit: Int? = nil, clip: (inout RNN<Scalar>) -> Void
) -> (charsPerSecond: Double, cpuCharsPerSecond: Double, firstSmoothLoss: Double, lastSmoothLoss: Double) where O.Scalar == Scalar {
    var h = Matrix<Scalar>.zeros(B, model.hiddenSize)
    return timeWindows(text: text, batch: B, steps: T, seconds: seconds, windowLimit: windowLimit) { inputs, targets, restart in
        if restart { h = .zeros(B, model.hiddenSize) }                // the streams wrap: start again from zero state
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: h, reduction: reduction)
        var (gradients, _) = model.backward(pass)
        clip(&gradients)
        optimizer.update(&model, with: gradients)
        h = pass.hEnd
        return pass.loss * reduction.scale(count: 1) / (reduction == .sum ? Double(B * T) : 1)
    }
}

/// The CPU time this thread has used: unlike wall time, it does not count the time other
/// programs on a busy machine take from us.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func format(_ x: Double) -> String {
    let n = Int(x.rounded())
    let digits = String(n)
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}
