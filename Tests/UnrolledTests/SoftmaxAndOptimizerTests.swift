import Foundation
import Notebook
import Testing
@testable import Unrolled

@Suite struct SoftmaxTests {
    let logits = Matrix<Double>([[1, 2, 3], [-1, 0, 1000], [0.5, 0.5, 0.5]])

    @Test func softmaxIsTheDefinitionAndStable() {
        let p = softmax(logits)
        // Row 0 by the definition exp(zⱼ) / Σ exp(zₖ).
        let e = [1.0, 2, 3].map { Foundation.exp($0) }
        for j in 0..<3 { #expect(relativeError(p[0, j], e[j] / e.reduce(0, +)) < 1e-15) }
        // exp(1000) overflows; the stable form does not.
        #expect(p[1, 2] == 1 && p[1, 0] >= 0 && !p.scalars.contains { $0.isNaN })
        #expect(p.rows(2..<3).scalars.allSatisfy { relativeError($0, 1.0 / 3) < 1e-15 })
        for i in 0..<3 { #expect((p.row(i).sum() - 1).magnitude < 1e-15) }
    }

    @Test func logSoftmaxIsLogOfSoftmax() {
        let l = logSoftmax(logits), p = softmax(logits)
        for i in [0, 2] { for j in 0..<3 { #expect(relativeError(l[i, j], Foundation.log(p[i, j])) < 1e-14) } }
        #expect(relativeError(l[1, 0], -1001) < 1e-15)  // finite where log(softmax) would be log(0)
    }

    @Test func crossEntropySumAndMean() {
        let p = softmax(logits)
        let targets = [2, 2, 1]
        let expected = -(Foundation.log(p[0, 2]) + Foundation.log(p[1, 2]) + Foundation.log(p[2, 1]))
        #expect(relativeError(crossEntropy(probabilities: p, targets: targets, reduction: .sum), expected) < 1e-14)
        #expect(relativeError(crossEntropy(probabilities: p, targets: targets, reduction: .mean), expected / 3) < 1e-14)
        // A uniform guess over V classes costs log V per prediction.
        let uniform = softmax(Matrix<Double>.zeros(4, 65))
        #expect(relativeError(crossEntropy(probabilities: uniform, targets: [0, 1, 2, 3], reduction: .mean), Foundation.log(65)) < 1e-14)
    }

    @Test func crossEntropyGradientIsProbabilitiesMinusOneHot() {
        let small = Matrix<Double>([[0.3, -0.2, 0.1], [1, 2, 0]])
        let targets = [1, 2]
        for reduction in LossReduction.allCases {
            let d = crossEntropyBackward(probabilities: softmax(small), targets: targets, reduction: reduction)
            // Against central differences of the loss as a function of the logits.
            for i in 0..<small.count {
                let numeric = CentralDifference.standard.derivative { offset in
                    var z = small
                    z.scalars[i] += offset
                    return crossEntropy(probabilities: softmax(z), targets: targets, reduction: reduction)
                }
                #expect(relativeError(d.scalars[i], numeric) < 1e-9)
            }
        }
    }
}

/// A model with two small parameters, to check optimiser steps by hand.
struct TwoMatrices: ParameterSet, Equatable {
    var a: Matrix<Double>
    var b: Matrix<Double>
    static var parameterPaths: [(name: String, path: WritableKeyPath<TwoMatrices, Matrix<Double>>)] { [("a", \.a), ("b", \.b)] }
}

@Suite struct OptimizerTests {
    let start = TwoMatrices(a: Matrix([[1, -2]]), b: Matrix([[0.5], [3]]))
    let g1 = TwoMatrices(a: Matrix([[0.5, -1]]), b: Matrix([[2], [0]]))
    let g2 = TwoMatrices(a: Matrix([[-0.25, 4]]), b: Matrix([[1], [-3]]))

    func close(_ x: TwoMatrices, _ expected: [Double]) -> Bool {
        let all = x.a.scalars + x.b.scalars
        return zip(all, expected).allSatisfy { relativeError($0, $1) < 1e-14 } && all.count == expected.count
    }

    @Test func sgd() {
        var p = start
        var sgd = SGD<Double>(learningRate: 0.1)
        sgd.update(&p, with: g1)
        #expect(close(p, [1 - 0.05, -2 + 0.1, 0.5 - 0.2, 3]))
    }

    @Test func adagradByHand() {
        var p = start
        var adagrad = Adagrad<Double>(learningRate: 0.1)
        adagrad.update(&p, with: g1)
        adagrad.update(&p, with: g2)
        // Entry a[0]: m = 0.25, then 0.25 + 0.0625 = 0.3125.
        let a0 = 1 - 0.1 * 0.5 / (0.25 + 1e-8).squareRoot() - 0.1 * -0.25 / (0.3125 + 1e-8).squareRoot()
        let a1 = -2 - 0.1 * -1 / (1 + 1e-8).squareRoot() - 0.1 * 4 / (17 + 1e-8).squareRoot()
        let b0 = 0.5 - 0.1 * 2 / (4 + 1e-8).squareRoot() - 0.1 * 1 / (5 + 1e-8).squareRoot()
        let b1 = 3 - 0 - 0.1 * -3 / (9 + 1e-8).squareRoot()
        #expect(close(p, [a0, a1, b0, b1]))
    }

    @Test func adamByHand() {
        var p = start
        var adam = Adam<Double>(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        adam.update(&p, with: g1)
        adam.update(&p, with: g2)
        func entry(_ x: Double, _ ga: Double, _ gb: Double) -> Double {
            var m = 0.1 * ga, v = 0.001 * ga * ga
            var x = x - 0.01 * (m / 0.1) / ((v / 0.001).squareRoot() + 1e-8)
            m = 0.9 * m + 0.1 * gb
            v = 0.999 * v + 0.001 * gb * gb
            x -= 0.01 * (m / (1 - 0.81)) / ((v / (1 - 0.999 * 0.999)).squareRoot() + 1e-8)
            return x
        }
        #expect(adam.step == 2)
        #expect(close(p, [entry(1, 0.5, -0.25), entry(-2, -1, 4), entry(0.5, 2, 1), entry(3, 0, -3)]))
    }

    @Test func clipping() {
        var g = g2
        g.clipElementwise(to: 2)
        #expect(g.a.scalars == [-0.25, 2] && g.b.scalars == [1, -2])
        var h = g1                                    // norm √(0.25 + 1 + 4) = √5.25
        let norm = h.clipByGlobalNorm(1)
        #expect(relativeError(norm, 5.25.squareRoot()) < 1e-15)
        #expect(relativeError(h.globalNorm, 1) < 1e-14)
        #expect(relativeError(h.a[0, 0] / h.b[0, 0], 0.25) < 1e-14)   // direction kept
        var small = g1
        #expect(small.clipByGlobalNorm(10) == 5.25.squareRoot() && small == g1)
    }
}
