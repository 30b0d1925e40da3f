import Foundation
import Testing
@testable import Unrolled

/// Every model the chapters teach scores a window from its logits (log-sum-exp), not from
/// its probabilities. In Float, e^−200 rounds to 0 (the smallest Float is about 1e-45), so
/// a target whose logit trails the row's largest by 200 would cost −log 0 = +∞ from the
/// probabilities, and `stopIfDiverged` would stop a run that had not diverged; from the
/// logits it costs 200 nats.
///
/// Each model gets W_hy = 0 and b_y = (200, 0, 0), so every logit row is exactly
/// (200, 0, 0) whatever the states, and every target is class 1: each prediction's loss is
/// log(1 + 2e^−200) + 200, which is 200 in Float and in Double.
///
/// Not covered: chapter 12's `CharModel` (Sources/Unrolled/CharModel.swift), whose
/// `forward` still computes `crossEntropy(probabilities:)` and so is +∞ here; it is being
/// restructured elsewhere. Chapter 5's `textLoss` also sums −log p from probabilities.
@Suite struct FiniteCrossEntropyTests {
    static let (V, H, B, T) = (3, 4, 2, 3)
    static let gap: Float = 200
    static let inputs = TokenBatch(batchSize: B, steps: T, ids: [0, 1, 2, 2, 1, 0])
    static let targets = TokenBatch(batchSize: B, steps: T, ids: Array(repeating: 1, count: B * T))
    static let wHY = Matrix<Float>.zeros(H, V)
    static let bY = Matrix<Float>(rows: 1, columns: V, scalars: [gap, 0, 0])
    static let h0 = Matrix<Float>.zeros(B, H)

    /// The loss a window of T·B such predictions must report.
    static func expected(_ reduction: LossReduction) -> Double {
        Double(gap) * (reduction == .sum ? Double(T * B) : 1)
    }

    static func check(_ loss: Double, _ reduction: LossReduction, _ model: String) {
        #expect(loss.isFinite, "\(model), \(reduction): the loss is \(loss)")
        #expect(abs(loss - expected(reduction)) <= 1e-6 * expected(reduction), "\(model), \(reduction): \(loss), expected \(expected(reduction))")
    }

    /// The premise: from the probabilities, this very row costs +∞ in Float. Without it the
    /// tests below would prove nothing.
    @Test func fromProbabilitiesTheSameRowIsInfinite() {
        let logits = Matrix<Float>(rows: 1, columns: Self.V, scalars: [Self.gap, 0, 0])
        #expect(crossEntropy(probabilities: softmax(logits), targets: [1], reduction: .sum) == .infinity)
        #expect(crossEntropy(logits: logits, targets: [1], reduction: .sum) == Double(Self.gap))
    }

    /// Chapter 4's vanilla network (tanh).
    @Test(arguments: LossReduction.allCases)
    func chapter4VanillaRNN(_ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 4)
        var model = RNN<Float>(inputSize: Self.V, hiddenSize: Self.H, outputSize: Self.V, using: &generator)
        (model.wHY, model.bY) = (Self.wHY, Self.bY)
        let pass = model.forward(.tokens(Self.inputs), targets: Self.targets, hStart: Self.h0, reduction: reduction)
        Self.check(pass.loss, reduction, "chapter 4's RNN")
    }

    /// Chapter 7's forward pass with either non-linearity, ReLU's states having no ceiling.
    @Test(arguments: Activation.allCases, LossReduction.allCases)
    func chapter7EitherActivation(_ activation: Activation, _ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 7)
        var model = RNN<Float>(inputSize: Self.V, hiddenSize: Self.H, outputSize: Self.V, using: &generator)
        (model.wHY, model.bY) = (Self.wHY, Self.bY)
        let pass = model.forward(.tokens(Self.inputs), targets: Self.targets, hStart: Self.h0, reduction: reduction, activation: activation)
        Self.check(pass.loss, reduction, "chapter 7's RNN, \(activation)")
    }

    /// Chapter 8's Architecture 2, fed the true previous symbol or its own output.
    @Test(arguments: OutputFeedback.allCases, LossReduction.allCases)
    func chapter8OutputFeedback(_ feedback: OutputFeedback, _ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 8)
        var model = OutputFeedbackRNN<Float>(inputSize: Self.V, hiddenSize: Self.H, outputSize: Self.V, using: &generator)
        (model.wHY, model.bY) = (Self.wHY, Self.bY)
        let pass = model.forward(Self.inputs, targets: Self.targets, oStart: .zeros(Self.B, Self.V), feedback: feedback, reduction: reduction)
        Self.check(pass.loss, reduction, "chapter 8's Architecture 2, \(feedback.rawValue)")
    }

    /// Chapter 9's stacked network, one-hot or embedded, two layers, with dropout masks.
    @Test(arguments: [nil, 5] as [Int?], LossReduction.allCases)
    func chapter9Stacked(embeddingSize: Int?, _ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 9)
        var model = StackedRNN<Float>(vocabularySize: Self.V, embeddingSize: embeddingSize, hiddenSize: Self.H, layers: 2, using: &generator)
        (model.output.wHY, model.output.bY) = (Self.wHY, Self.bY)
        let masks: [Matrix<Float>?] = (0..<2).map { _ in dropoutMask(rows: Self.T * Self.B, columns: Self.H, rate: 0.5, using: &generator) }
        let pass = model.forward(Self.inputs, targets: Self.targets, hStart: [Self.h0, Self.h0], masks: masks, reduction: reduction)
        Self.check(pass.loss, reduction, "chapter 9's stacked RNN, E = \(embeddingSize.map(String.init) ?? "one-hot")")
    }

    /// Chapter 10's GRU.
    @Test(arguments: LossReduction.allCases)
    func chapter10GRU(_ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 10)
        var model = GRU<Float>(inputSize: Self.V, hiddenSize: Self.H, outputSize: Self.V, using: &generator)
        (model.wHY, model.bY) = (Self.wHY, Self.bY)
        let pass = model.forward(.tokens(Self.inputs), targets: Self.targets, hStart: Self.h0, reduction: reduction)
        Self.check(pass.loss, reduction, "chapter 10's GRU")
    }

    /// Chapter 10's LSTM.
    @Test(arguments: LossReduction.allCases)
    func chapter10LSTM(_ reduction: LossReduction) {
        var generator = SeededGenerator(seed: 11)
        var model = LSTM<Float>(inputSize: Self.V, hiddenSize: Self.H, outputSize: Self.V, using: &generator)
        (model.wHY, model.bY) = (Self.wHY, Self.bY)
        let pass = model.forward(.tokens(Self.inputs), targets: Self.targets, hStart: Self.h0, cStart: Self.h0, reduction: reduction)
        Self.check(pass.loss, reduction, "chapter 10's LSTM")
    }
}
