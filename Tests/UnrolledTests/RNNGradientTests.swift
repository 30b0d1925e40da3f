import Foundation
import Notebook
import Testing
@testable import SafeTensors
@testable import Unrolled

/// The hand-derived backward pass of the vanilla RNN against central differences and
/// against the compiler's derivative, on random problems.
@Suite struct RNNGradientTests {
    /// (seed, B, T, V, H, reduction): batch > 1, T up to 50, different shapes.
    static let problems: [(UInt64, Int, Int, Int, Int, LossReduction)] = [
        (1, 2, 1, 5, 4, .mean),
        (2, 3, 7, 6, 5, .sum),
        (3, 4, 20, 9, 8, .mean),
        (4, 2, 50, 5, 7, .mean),
        (5, 5, 12, 11, 3, .sum),
    ]

    /// Both cells: chapter 4's tanh and chapter 7's ReLU, on every problem.
    @Test(arguments: problems, Activation.allCases)
    func everyGradientMatchesNumericAndAutodiff(_ p: (UInt64, Int, Int, Int, Int, LossReduction), _ activation: Activation) {
        let problem = RNNGradientCheckProblem(seed: p.0, batchSize: p.1, steps: p.2, vocabularySize: p.3, hiddenSize: p.4,
                                              reduction: p.5, activation: activation)
        #expect(problem.hStart.sumOfSquares() > 0, "the carried state must be non-zero")
        let report = problem.check(maxEntriesPerVariable: 40, seed: p.0)
        for row in report.rows {
            #expect(row.numericError < 1e-6, "\(activation) \(row.name): analytic vs numeric \(row.numericError) at \(row.worstEntry)")
            #if canImport(_Differentiation)
            #expect(row.autodiffError != nil && row.autodiffError! < 1e-9, "\(activation) \(row.name): analytic vs autodiff \(String(describing: row.autodiffError))")
            #endif
        }
        #expect(report.rows.map(\.name) == ["wXH", "wHH", "wHY", "bH", "bY", "hStart"])
    }

    /// The ReLU cell really is a different function: its loss and gradients differ from tanh's.
    @Test func reluDiffersFromTanh() {
        let tanhProblem = RNNGradientCheckProblem(seed: 7, batchSize: 2, steps: 6)
        var reluProblem = tanhProblem
        reluProblem.activation = .relu
        #expect(relativeError(tanhProblem.loss(tanhProblem.model, hStart: tanhProblem.hStart),
                              reluProblem.loss(reluProblem.model, hStart: reluProblem.hStart)) > 1e-6)
        let pass = reluProblem.model.forward(.tokens(reluProblem.inputs), targets: reluProblem.targets, hStart: reluProblem.hStart,
                                             reduction: .mean, activation: .relu)
        #expect(pass.hs.dropFirst().allSatisfy { $0.scalars.allSatisfy { $0 >= 0 } }, "ReLU states are never negative")
    }

    /// The ReLU window is scored from its logits (chapter 7): with a wrong logit 4000 above
    /// the target's, the loss is 4000 nats, where −log of the rounded probability is +∞.
    @Test func reluLossIsFiniteWhenTheTargetProbabilityRoundsToZero() {
        let ones = Matrix<Float>(rows: 3, columns: 2, repeating: 1)                     // W_xh: every input sets z = 1
        let rnn = RNN<Float>(wXH: ones, wHH: .zeros(2, 2), wHY: Matrix([[1000, -1000, 0], [1000, -1000, 0]]),
                             bH: .zeros(1, 2), bY: .zeros(1, 3))                         // h = (1, 1): logits (2000, −2000, 0)
        let pass = rnn.forward(.tokens(TokenBatch([[0, 1, 2]])), targets: TokenBatch([[1, 1, 1]]), hStart: .zeros(1, 2),
                               reduction: .mean, activation: .relu)
        #expect(crossEntropy(probabilities: pass.probabilities, targets: pass.targets, reduction: .mean) == .infinity)
        #expect(abs(pass.loss - 4000) < 1e-3)
    }

    #if canImport(_Differentiation)
    @Test func autodiffLossEqualsForwardLoss() {
        for reduction in LossReduction.allCases {
            let problem = RNNGradientCheckProblem(seed: 9, batchSize: 3, steps: 6, reduction: reduction)
            let compiled = rnnAutodiffGradients(model: problem.model, hStart: problem.hStart, inputs: problem.inputs,
                                                targets: problem.targets, reduction: reduction)
            let forward = problem.loss(problem.model, hStart: problem.hStart)
            #expect(relativeError(compiled.loss, forward) < 1e-12)
        }
    }
    #endif

    /// A gradient 1% off (as a subtle bug would make it) must fail the check, and only
    /// for that parameter: the check can fail.
    @Test func aWrongGradientFails() {
        let problem = RNNGradientCheckProblem(seed: 11, batchSize: 2, steps: 5)
        var variables = problem.variables()
        variables[1].analytic = 1.01 * variables[1].analytic
        let report = checkGradients(variables, maxEntriesPerVariable: 20) { values in
            problem.loss(problem.model.replacingParameters(with: values.dropLast()), hStart: values.last!)
        }
        #expect(!report.passed)
        #expect(report.rows[1].numericError > 1e-3)
        #expect(report.rows[0].numericError < 1e-6)
    }

    /// Truncated BPTT: h_T of one window starts the next, and a loss over two windows
    /// run as one equals the sum of the two windows' losses.
    @Test func stateCarriesAcrossWindows() {
        let problem = RNNGradientCheckProblem(seed: 12, batchSize: 2, steps: 10, reduction: .sum)
        let whole = problem.model.forward(.tokens(problem.inputs), targets: problem.targets, hStart: problem.hStart, reduction: .sum)
        func half(_ batch: TokenBatch, _ range: Range<Int>) -> TokenBatch {
            TokenBatch((0..<batch.batchSize).map { b in range.map { batch[b, $0] } })
        }
        let first = problem.model.forward(.tokens(half(problem.inputs, 0..<4)), targets: half(problem.targets, 0..<4),
                                          hStart: problem.hStart, reduction: .sum)
        let second = problem.model.forward(.tokens(half(problem.inputs, 4..<10)), targets: half(problem.targets, 4..<10),
                                           hStart: first.hEnd, reduction: .sum)
        #expect(relativeError(first.loss + second.loss, whole.loss) < 1e-12)
        #expect(maxRelativeError(second.hEnd, whole.hEnd).error < 1e-12)
    }
}

/// `book gradcheck --export`: the file holds what its layout promises, and reads back.
@Suite struct GradientExportTests {
    @Test func exportRoundTrips() throws {
        let problem = RNNGradientCheckProblem(seed: 21, batchSize: 2, steps: 3, vocabularySize: 4, hiddenSize: 5, reduction: .sum)
        let (tensors, metadata) = problem.exportTensors()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-gradcheck-\(UInt64.random(in: 0...UInt64.max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        let file = try SafeTensors.read(from: url)
        #expect(file.metadata["reduction"] == "sum" && file.metadata["cell"] == "rnn")
        #expect(try file.tensor(named: "wHH", shape: [5, 5]).doubles == problem.model.wHH.scalars)
        #expect(try file.tensor(named: "inputs", shape: [2, 3]).int64s == problem.inputs.ids.map { Int64($0) })
        #expect(try file.tensor(named: "targets", shape: [2, 3]).int64s == problem.targets.ids.map { Int64($0) })
        #expect(try file.tensor(named: "loss", shape: []).doubles == [problem.loss(problem.model, hStart: problem.hStart)])
        let pass = problem.model.forward(.tokens(problem.inputs), targets: problem.targets, hStart: problem.hStart, reduction: .sum)
        let (gradients, dhStart) = problem.model.backward(pass)
        #expect(try file.tensor(named: "grad.wXH", shape: [4, 5]).doubles == gradients.wXH.scalars)
        #expect(try file.tensor(named: "grad.hStart", shape: [2, 5]).doubles == dhStart.scalars)
        #expect(file.tensors.count == 15)
    }

    /// The format's documentation promised `W_xh`, `dW_xh` and `I32` ids while the export
    /// wrote `wXH`, `grad.wXH` and `I64`: every tensor name the documentation's layout
    /// section shows in backquotes must be one the export writes, and ids are I64.
    @Test func theFormatsDocumentationNamesWhatTheExportWrites() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/SafeTensors/SafeTensors.swift").standardizedFileURL, encoding: .utf8)
        let start = try #require(source.range(of: "/// ## Our names and layout"))
        let end = try #require(source.range(of: "/// ## Reading and writing"))
        let layout = String(source[start.upperBound..<end.lowerBound])
        let problem = RNNGradientCheckProblem(seed: 1, batchSize: 2, steps: 3, vocabularySize: 4, hiddenSize: 5, reduction: .mean)
        let written = problem.exportTensors().tensors
        let names = Set(written.map(\.name))
        let shown = layout.matches(of: /`((?:grad\.)?[a-z][a-zA-Z]*)` \(/).map { String($0.1) }
        #expect(shown.count >= 4, "\(layout)")
        for name in shown { #expect(names.contains(name), "the documentation shows `\(name)`, the export writes \(names.sorted())") }
        #expect(layout.contains("`grad.wXH`") && names.contains("grad.wXH"))
        #expect(layout.contains("`I64`") && written.first { $0.name == "inputs" }?.dtype == .i64)
        #expect(!layout.contains("dW_xh") && !layout.contains("`W_xh`"))
    }
}

#if canImport(_Differentiation)
import _Differentiation

/// Every Matrix operation's registered derivative against central differences: for a
/// random weighting W, the gradient of Σ W ⊙ op(A, B) with respect to both inputs.
@Suite struct MatrixDerivativeTests {
    func check(_ name: String, _ a: Matrix<Double>, _ b: Matrix<Double>,
               _ f: @differentiable(reverse) (Matrix<Double>, Matrix<Double>) -> Double) {
        let (da, db) = gradient(at: a, b, of: f)
        for i in 0..<a.count {
            let numeric = CentralDifference.standard.derivative { offset in
                var v = a
                v.scalars[i] += offset
                return f(v, b)
            }
            #expect(relativeError(da.scalars[i], numeric) < 1e-8, "\(name): entry \(i) of A")
        }
        for i in 0..<b.count {
            let numeric = CentralDifference.standard.derivative { offset in
                var v = b
                v.scalars[i] += offset
                return f(a, v)
            }
            #expect(relativeError(db.scalars[i], numeric) < 1e-8, "\(name): entry \(i) of B")
        }
    }

    @Test func everyOperation() {
        var g = SeededGenerator(seed: 100)
        let a = Matrix<Double>(rows: 3, columns: 4, uniformIn: -1, 1, using: &g)
        let b = Matrix<Double>(rows: 4, columns: 3, uniformIn: -1, 1, using: &g)
        let w = Matrix<Double>(rows: 3, columns: 3, uniformIn: -1, 1, using: &g)
        let w4 = Matrix<Double>(rows: 3, columns: 4, uniformIn: -1, 1, using: &g)
        check("A * B", a, b) { a, b in (w .* (a * b)).sum() }
        check("A + B", a, b) { a, b in (w4 .* (a + b.transposed())).sum() }
        check("A + row, columnSums", a, b) { a, b in (w4 .* (a + b.transposed().columnSums())).sum() }
        check("A - B", a, b) { a, b in (w4 .* (a - b.transposed())).sum() }
        check("Aᵀ B", a, b) { a, b in (w .* a.transposed().transposedTimes(b)).sum() }
        check("A Bᵀ", a, b) { a, b in (w .* a.timesTransposed(b.transposed())).sum() }
        check("s A, -A", a, b) { a, b in (w4 .* (b.sum() * (-a))).sum() }
        check("tanh", a, b) { a, b in (w .* tanh(a * b)).sum() }
        check("relu", a, b) { a, b in (w .* relu(a * b)).sum() }
        check("softmax", a, b) { a, b in (w .* softmax(a * b)).sum() }
        check("logSoftmax", a, b) { a, b in (w .* logSoftmax(a * b)).sum() }
        check("rows(at:)", a, b) { a, b in (w .* (a * b).rows(at: [2, 0, 2])).sum() }
        check("softmaxCrossEntropy", a, b) { a, b in softmaxCrossEntropy(logits: a * b, targets: [1, 2, 0], reduction: .mean) }
    }
}
#endif
