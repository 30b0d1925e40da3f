import Foundation
import Testing
@testable import Unrolled

/// Numbers at the edge of what a Float or a Double holds, where the textbook formula
/// overflows or underflows and the book's code must not.
@Suite struct NumericalEdgeTests {
    /// `ch06 --temperature 1e-308` used to train for the whole run and then trap: 1/τ
    /// overflowed to ∞, the distribution became NaN. Any positive finite τ now works, and a
    /// tiny one picks the argmax.
    @Test(arguments: [1e-308, 1e-300, 5e-324, 1e-3])
    func tinyTemperatureTendsToTheArgmax(τ: Double) {
        let logits = Matrix<Float>(rows: 1, columns: 5, scalars: [0.5, -3, 2.25, 2.0, -1e30])
        let p = temperatureDistribution(logits, temperature: τ)
        #expect(p.allSatisfy { $0.isFinite }, "\(p)")
        #expect(p[2] > 0.99, "\(p)")
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            #expect(nextCharacter(logits, strategy: .temperature(τ), using: &generator) == 2)
        }
    }

    @Test func hugeTemperatureIsNearlyUniform() {
        let logits = Matrix<Double>(rows: 1, columns: 3, scalars: [5, -5, 0])
        let p = temperatureDistribution(logits, temperature: .greatestFiniteMagnitude)
        #expect(p.allSatisfy { abs($0 - 1.0 / 3) < 1e-12 }, "\(p)")
    }

    @Test func temperatureOneIsTheSoftmax() {
        let logits = Matrix<Double>(rows: 1, columns: 4, scalars: [1, 2, 3, -4])
        let p = temperatureDistribution(logits, temperature: 1)
        let q = softmax(logits).scalars
        for (a, b) in zip(p, q) { #expect(abs(a - b) < 1e-15) }
    }

    /// In Float, a target whose logit is 200 below the row's max has probability e^−200,
    /// which rounds to 0; −log 0 = +∞ made `stopIfDiverged` stop a healthy run. From the
    /// logits (log-softmax), the loss is 200.
    @Test func floatCrossEntropyFromLogitsStaysFinite() {
        let logits = Matrix<Float>(rows: 2, columns: 3, scalars: [200, 0, 0, 1, 2, 3])
        let loss = crossEntropy(logits: logits, targets: [1, 2], reduction: .sum)
        let second = log(exp(1.0) + exp(2.0) + exp(3.0)) - 3
        let first = 200 + log(1 + 2 * exp(-200.0))
        #expect(loss.isFinite)
        #expect(abs(loss - (first + second)) < 1e-4, "\(loss)")
        // The probabilities route is what overflowed.
        #expect(crossEntropy(probabilities: softmax(logits), targets: [1, 2], reduction: .sum) == .infinity)
    }

    @Test func crossEntropyFromLogitsMatchesProbabilitiesInDouble() {
        var generator = SeededGenerator(seed: 3)
        let logits = Matrix<Double>(rows: 6, columns: 9, normalMean: 0, standardDeviation: 3, using: &generator)
        let targets = [0, 8, 3, 3, 5, 1]
        for reduction in [LossReduction.sum, .mean] {
            let a = crossEntropy(logits: logits, targets: targets, reduction: reduction)
            let b = crossEntropy(probabilities: softmax(logits), targets: targets, reduction: reduction)
            #expect(abs(a - b) <= 1e-12 * max(1, abs(b)))
        }
    }

    /// The RNN's forward pass reports the loss from the logits: a model whose output bias
    /// puts a target 200 nats below the max still has a finite loss in Float.
    @Test func rnnForwardLossIsFiniteWithAFarTarget() {
        var generator = SeededGenerator(seed: 1)
        var model = RNN<Float>(inputSize: 3, hiddenSize: 4, outputSize: 3, initialisation: .normal(standardDeviation: 0.01), using: &generator)
        model.bY = Matrix(rows: 1, columns: 3, scalars: [200, 0, 0])
        let inputs = TokenBatch(batchSize: 1, steps: 2, ids: [0, 1]), targets = TokenBatch(batchSize: 1, steps: 2, ids: [1, 2])
        let pass = model.forward(.tokens(inputs), targets: targets, hStart: Matrix<Float>(rows: 1, columns: 4), reduction: .mean)
        #expect(pass.loss.isFinite && pass.loss > 150, "\(pass.loss)")
    }
}
