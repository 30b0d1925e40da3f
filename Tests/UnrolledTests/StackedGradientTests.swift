import Notebook
import Testing
@testable import Unrolled

/// Chapter 9's stacked network: the embedding's scatter-add, BPTT through depth and time,
/// and dropout with a fixed mask, against central differences (< 1e-6) and the compiler (< 1e-9).
@Suite struct StackedGradientTests {
    /// (seed, B, T, V, H, layers, E or 0 for one-hot, dropout rate, reduction).
    static let problems: [(UInt64, Int, Int, Int, Int, Int, Int, Double, LossReduction)] = [
        (1, 2, 1, 5, 4, 1, 0, 0, .mean),
        (2, 3, 7, 6, 5, 1, 3, 0, .sum),
        (3, 2, 12, 9, 6, 2, 4, 0.5, .mean),
        (4, 3, 20, 5, 4, 3, 6, 0.3, .mean),
        (5, 4, 9, 11, 3, 3, 0, 0.2, .sum),
    ]

    @Test(arguments: problems)
    func gradientsMatchNumericAndAutodiff(_ p: (UInt64, Int, Int, Int, Int, Int, Int, Double, LossReduction)) {
        let problem = StackedGradientCheckProblem(seed: p.0, batchSize: p.1, steps: p.2, vocabularySize: p.3, hiddenSize: p.4,
                                                  layers: p.5, embeddingSize: p.6 == 0 ? nil : p.6, dropout: p.7, reduction: p.8)
        let report = problem.check(maxEntriesPerVariable: 40, seed: p.0)
        let expected = (p.6 == 0 ? [] : ["E"]) + (1...p.5).flatMap { ["wXH\($0)", "wHH\($0)", "bH\($0)"] } + ["wHY", "bY"]
            + (1...p.5).map { "hStart\($0)" }
        #expect(report.rows.map(\.name) == expected)
        for row in report.rows {
            #expect(row.numericError < 1e-6, "\(row.name): analytic vs numeric \(row.numericError) at \(row.worstEntry)")
            #if canImport(_Differentiation)
            #expect(row.autodiffError != nil && row.autodiffError! < 1e-9, "\(row.name): analytic vs autodiff \(String(describing: row.autodiffError))")
            #endif
        }
    }

    /// A gradient 1% off in one layer must fail, and only there.
    @Test func aWrongLayerGradientFails() {
        let problem = StackedGradientCheckProblem(seed: 11, layers: 2, embeddingSize: 4, dropout: 0.3)
        var variables = problem.variables()
        variables[4].analytic = 1.01 * variables[4].analytic                  // dW_xh of layer 2
        let report = checkGradients(variables, maxEntriesPerVariable: 20) { problem.loss(at: $0) }
        #expect(!report.passed)
        #expect(report.rows[4].numericError > 1e-3)
        #expect(report.rows[0].numericError < 1e-6)
    }

    /// A symbol absent from the window gets a zero row in dE; a repeated one collects every use.
    @Test func embeddingGradientIsAScatterAdd() {
        let problem = StackedGradientCheckProblem(seed: 12, batchSize: 2, steps: 3, vocabularySize: 9, layers: 1, embeddingSize: 3, dropout: 0)
        let (gradients, _, dx) = problem.model.backward(problem.forward())
        let ids = problem.inputs.timeMajor
        let dE = gradients.embedding!.table
        for symbol in 0..<9 {
            var expected = [0.0, 0.0, 0.0]
            for (n, id) in ids.enumerated() where id == symbol { for j in 0..<3 { expected[j] += dx![n, j] } }
            #expect((0..<3).allSatisfy { dE[symbol, $0] == expected[$0] }, "row \(symbol)")
        }
    }

    /// Inverted dropout: entries are 0 or 1/(1 − p), kept at about rate 1 − p; evaluation (no masks)
    /// equals masks of all ones.
    @Test func dropoutMaskAndEvaluationMode() {
        var g = SeededGenerator(seed: 13)
        let m: Matrix<Double> = dropoutMask(rows: 200, columns: 50, rate: 0.3, using: &g)
        #expect(m.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-12 })
        let kept = Double(m.scalars.filter { $0 != 0 }.count) / Double(m.count)
        #expect(abs(kept - 0.7) < 0.02)
        let problem = StackedGradientCheckProblem(seed: 14, layers: 2, embeddingSize: 3, dropout: 0)
        let ones = problem.hStart.map { _ in Matrix<Double>(rows: problem.inputs.batchSize * problem.inputs.steps, columns: 5, repeating: 1) }
        let evaluation = problem.model.forward(problem.inputs, targets: problem.targets, hStart: problem.hStart, reduction: .mean)
        let masked = problem.model.forward(problem.inputs, targets: problem.targets, hStart: problem.hStart, masks: ones, reduction: .mean)
        #expect(evaluation.loss == masked.loss)
    }

    /// The last layer's h_T of two windows equals that of one window of both (the states carry).
    @Test func statesCarryAcrossWindows() {
        let problem = StackedGradientCheckProblem(seed: 15, batchSize: 2, steps: 8, layers: 3, embeddingSize: 4, dropout: 0, reduction: .sum)
        func part(_ batch: TokenBatch, _ range: Range<Int>) -> TokenBatch {
            TokenBatch((0..<batch.batchSize).map { b in range.map { batch[b, $0] } })
        }
        let m = problem.model
        let whole = m.forward(problem.inputs, targets: problem.targets, hStart: problem.hStart, reduction: .sum)
        let first = m.forward(part(problem.inputs, 0..<3), targets: part(problem.targets, 0..<3), hStart: problem.hStart, reduction: .sum)
        let second = m.forward(part(problem.inputs, 3..<8), targets: part(problem.targets, 3..<8), hStart: first.hEnd, reduction: .sum)
        #expect(relativeError(first.loss + second.loss, whole.loss) < 1e-12)
        #expect(maxRelativeError(second.hEnd[2], whole.hEnd[2]).error < 1e-12)
    }
}
