import Foundation
import Notebook
import Testing
import SafeTensors
@testable import Unrolled

/// Chapter 10's hand-derived GRU and LSTM backward passes against central differences
/// (< 1e-6) and against the compiler's derivative (< 1e-9), on random problems.
@Suite struct GatedGradientTests {
    /// (seed, B, T, V, H, reduction): several seeds and shapes, T up to 30.
    static let problems: [(UInt64, Int, Int, Int, Int, LossReduction)] = [
        (1, 2, 1, 5, 4, .mean),
        (2, 3, 7, 6, 5, .sum),
        (3, 4, 20, 9, 8, .mean),
        (4, 2, 30, 5, 7, .mean),
        (5, 5, 12, 11, 3, .sum),
    ]

    func expectPasses(_ report: GradientCheckReport, names: [String]) {
        #expect(report.rows.map(\.name) == names)
        for row in report.rows {
            #expect(row.numericError < 1e-6, "\(row.name): analytic vs numeric \(row.numericError) at \(row.worstEntry)")
            #if canImport(_Differentiation)
            #expect(row.autodiffError != nil && row.autodiffError! < 1e-9, "\(row.name): analytic vs autodiff \(String(describing: row.autodiffError))")
            #endif
        }
    }

    @Test(arguments: problems)
    func gruGradientsMatchNumericAndAutodiff(_ p: (UInt64, Int, Int, Int, Int, LossReduction)) {
        let problem = GRUGradientCheckProblem(seed: p.0, batchSize: p.1, steps: p.2, vocabularySize: p.3, hiddenSize: p.4, reduction: p.5)
        expectPasses(problem.check(maxEntriesPerVariable: 40, seed: p.0), names: ["wX", "wH", "bX", "bH", "wHY", "bY", "hStart"])
    }

    @Test(arguments: problems)
    func lstmGradientsMatchNumericAndAutodiff(_ p: (UInt64, Int, Int, Int, Int, LossReduction)) {
        let problem = LSTMGradientCheckProblem(seed: p.0, batchSize: p.1, steps: p.2, vocabularySize: p.3, hiddenSize: p.4, reduction: p.5)
        #expect(problem.cStart.sumOfSquares() > 0 && problem.hStart.sumOfSquares() > 0, "the carried states must be non-zero")
        expectPasses(problem.check(maxEntriesPerVariable: 40, seed: p.0), names: ["wX", "wH", "b", "wHY", "bY", "hStart", "cStart"])
    }

    /// A gradient 1% off must fail, and only for that parameter.
    @Test func aWrongGateGradientFails() {
        let problem = LSTMGradientCheckProblem(seed: 11, batchSize: 2, steps: 5)
        var variables = problem.variables()
        variables[2].analytic = 1.01 * variables[2].analytic                  // db
        let report = checkGradients(variables, maxEntriesPerVariable: 20) { values in
            problem.loss(problem.model.replacingParameters(with: values[0..<5]), hStart: values[5], cStart: values[6])
        }
        #expect(!report.passed)
        #expect(report.rows[2].numericError > 1e-3)
        #expect(report.rows[0].numericError < 1e-6)
    }

    /// h_T and c_T of one window start the next: two windows equal one window of both.
    @Test func statesCarryAcrossWindows() {
        let problem = LSTMGradientCheckProblem(seed: 12, batchSize: 2, steps: 10, reduction: .sum)
        func part(_ batch: TokenBatch, _ range: Range<Int>) -> TokenBatch {
            TokenBatch((0..<batch.batchSize).map { b in range.map { batch[b, $0] } })
        }
        let m = problem.model
        let whole = m.forward(.tokens(problem.inputs), targets: problem.targets, hStart: problem.hStart, cStart: problem.cStart, reduction: .sum)
        let first = m.forward(.tokens(part(problem.inputs, 0..<4)), targets: part(problem.targets, 0..<4),
                              hStart: problem.hStart, cStart: problem.cStart, reduction: .sum)
        let second = m.forward(.tokens(part(problem.inputs, 4..<10)), targets: part(problem.targets, 4..<10),
                               hStart: first.hEnd, cStart: first.cEnd, reduction: .sum)
        #expect(relativeError(first.loss + second.loss, whole.loss) < 1e-12)
        #expect(maxRelativeError(second.cEnd, whole.cEnd).error < 1e-12)
    }

    /// One-hot tokens and the same inputs as dense one-hot vectors give the same loss and gradients.
    @Test func tokensAndVectorsAgree() {
        let problem = GRUGradientCheckProblem(seed: 13, batchSize: 3, steps: 4)
        let xs = (0..<4).map { Matrix<Double>.oneHot(problem.inputs.step($0), classes: problem.model.inputSize) }
        let a = problem.model.forward(.tokens(problem.inputs), targets: problem.targets, hStart: problem.hStart, reduction: .mean)
        let b = problem.model.forward(.vectors(xs), targets: problem.targets, hStart: problem.hStart, reduction: .mean)
        #expect(relativeError(a.loss, b.loss) < 1e-14)
        #expect(maxRelativeError(problem.model.backward(a).gradients.wX, problem.model.backward(b).gradients.wX).error < 1e-12)
    }

    @Test func forgetBiasStartsWhereAsked() {
        var g = SeededGenerator(seed: 1)
        let lstm = LSTM<Double>(inputSize: 3, hiddenSize: 4, outputSize: 3, forgetBias: 1, using: &g)
        #expect(lstm.b.columns(4..<8).scalars == [1, 1, 1, 1])
        #expect(lstm.b.columns(0..<4).scalars == [0, 0, 0, 0] && lstm.b.columns(8..<16).sumOfSquares() == 0)
    }

    @Test func columnBlocksRoundTrip() {
        var g = SeededGenerator(seed: 2)
        let m = Matrix<Double>(rows: 3, columns: 7, uniformIn: -1, 1, using: &g)
        let joined = Matrix(joiningColumns: [m.columns(0..<2), m.columns(2..<3), m.columns(3..<7)])
        #expect(joined == m)
        #expect(m.columns(2..<3).scalars == [m[0, 2], m[1, 2], m[2, 2]])
        let s = sigmoid(Matrix<Double>([[0, 1000, -1000]]))
        #expect(s.scalars == [0.5, 1, 0])
    }

    @Test func exportRoundTrips() throws {
        let problem = LSTMGradientCheckProblem(seed: 21, batchSize: 2, steps: 3, vocabularySize: 4, hiddenSize: 5, reduction: .sum)
        let (tensors, metadata) = problem.exportTensors()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-lstm-\(UInt64.random(in: 0...UInt64.max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        let file = try SafeTensors.read(from: url)
        #expect(file.metadata["cell"] == "lstm" && file.metadata["reduction"] == "sum")
        #expect(try file.tensor(named: "wH", shape: [5, 20]).doubles == problem.model.wH.scalars)
        #expect(try file.tensor(named: "cStart", shape: [2, 5]).doubles == problem.cStart.scalars)
        let pass = problem.model.forward(.tokens(problem.inputs), targets: problem.targets, hStart: problem.hStart,
                                         cStart: problem.cStart, reduction: .sum)
        let (gradients, _, dcStart) = problem.model.backward(pass)
        #expect(try file.tensor(named: "grad.b", shape: [1, 20]).doubles == gradients.b.scalars)
        #expect(try file.tensor(named: "grad.cStart", shape: [2, 5]).doubles == dcStart.scalars)
        #expect(file.tensors.count == 17)   // 5 parameters, h_0, c_0, inputs, targets, loss, 7 gradients
        let gru = GRUGradientCheckProblem(seed: 22, batchSize: 2, steps: 3, vocabularySize: 4, hiddenSize: 5).exportTensors()
        #expect(gru.tensors.count == 17 && gru.metadata["cell"] == "gru")   // 6 parameters, h_0, inputs, targets, loss, 7 gradients
    }
}

#if canImport(_Differentiation)
import _Differentiation

/// The two derivatives chapter 10 registers, against central differences.
@Suite struct GatedDerivativeTests {
    @Test func sigmoidAndColumns() {
        var g = SeededGenerator(seed: 101)
        let a = Matrix<Double>(rows: 3, columns: 6, uniformIn: -2, 2, using: &g)
        let w = Matrix<Double>(rows: 3, columns: 2, uniformIn: -1, 1, using: &g)
        let f: @differentiable(reverse) (Matrix<Double>) -> Double = { a in (w .* sigmoid(a.columns(2..<4))).sum() }
        let da = gradient(at: a, of: f)
        for i in 0..<a.count {
            let numeric = CentralDifference.standard.derivative { offset in
                var v = a
                v.scalars[i] += offset
                return f(v)
            }
            #expect(relativeError(da.scalars[i], numeric) < 1e-8, "entry \(i)")
        }
    }
}
#endif
