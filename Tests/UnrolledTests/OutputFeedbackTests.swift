import Foundation
import Notebook
import Testing
@testable import Unrolled

/// Architecture 2 (chapter 8): its hand-derived backward pass in both forms of feedback
/// against central differences and the compiler's derivative, and what teacher forcing
/// does to the gradient.
@Suite struct OutputFeedbackGradientTests {
    /// (seed, B, T, V, H, reduction): batch > 1, T from 1 to 30, different shapes.
    static let problems: [(UInt64, Int, Int, Int, Int, LossReduction)] = [
        (1, 2, 1, 5, 4, .mean),
        (2, 3, 7, 6, 5, .sum),
        (3, 4, 20, 9, 8, .mean),
        (4, 2, 30, 27, 7, .mean),
    ]

    @Test(arguments: problems, OutputFeedback.allCases)
    func everyGradientMatchesNumericAndAutodiff(_ p: (UInt64, Int, Int, Int, Int, LossReduction), _ feedback: OutputFeedback) {
        let problem = OutputFeedbackGradientCheckProblem(seed: p.0, batchSize: p.1, steps: p.2, vocabularySize: p.3,
                                                         hiddenSize: p.4, feedback: feedback, reduction: p.5)
        let report = problem.check(maxEntriesPerVariable: 40, seed: p.0)
        for row in report.rows {
            #expect(row.numericError < 1e-6, "\(feedback) \(row.name): analytic vs numeric \(row.numericError) at \(row.worstEntry)")
            #if canImport(_Differentiation)
            #expect(row.autodiffError != nil && row.autodiffError! < 1e-9, "\(feedback) \(row.name): analytic vs autodiff \(String(describing: row.autodiffError))")
            #endif
        }
        #expect(report.rows.map(\.name) == ["wXH", "wOH", "wHY", "bH", "bY", "oStart"])
    }

    #if canImport(_Differentiation)
    @Test(arguments: OutputFeedback.allCases)
    func autodiffLossEqualsForwardLoss(_ feedback: OutputFeedback) {
        for reduction in LossReduction.allCases {
            let problem = OutputFeedbackGradientCheckProblem(seed: 9, batchSize: 3, steps: 6, feedback: feedback, reduction: reduction)
            let compiled = outputFeedbackAutodiffGradients(model: problem.model, oStart: problem.oStart, inputs: problem.inputs,
                                                           targets: problem.targets, feedback: feedback, reduction: reduction)
            #expect(relativeError(compiled.loss, problem.loss(problem.model, oStart: problem.oStart)) < 1e-12)
        }
    }
    #endif

    /// A gradient 1% off must fail the check, and only for that parameter.
    @Test func aWrongGradientFails() {
        let problem = OutputFeedbackGradientCheckProblem(seed: 11, batchSize: 2, steps: 5, feedback: .ownOutput)
        var variables = problem.variables()
        variables[1].analytic = 1.01 * variables[1].analytic
        let report = checkGradients(variables, maxEntriesPerVariable: 20) { values in
            problem.loss(problem.model.replacingParameters(with: values.dropLast()), oStart: values.last!)
        }
        #expect(!report.passed)
        #expect(report.rows[1].numericError > 1e-3)
        #expect(report.rows[0].numericError < 1e-6)
    }

    /// With teacher forcing, the loss of every step after the first does not depend on o_0:
    /// the gradient stops at each step. On its own output, it does.
    @Test func teacherForcingStopsTheGradientAtEachStep() {
        for feedback in OutputFeedback.allCases {
            let problem = OutputFeedbackGradientCheckProblem(seed: 13, batchSize: 2, steps: 6, feedback: feedback, reduction: .sum)
            func doStart(steps k: Int) -> Matrix<Double> {
                let cut = { (batch: TokenBatch) in TokenBatch((0..<batch.batchSize).map { b in (0..<k).map { batch[b, $0] } }) }
                let pass = problem.model.forward(cut(problem.inputs), targets: cut(problem.targets), oStart: problem.oStart,
                                                 feedback: feedback, reduction: .sum)
                return problem.model.backward(pass).doStart
            }
            let first = doStart(steps: 1), all = doStart(steps: 6)
            let later = (all - first).maxMagnitude()
            if feedback == .teacherForcing {
                #expect(later <= 1e-12 * first.maxMagnitude(), "steps 2…6 moved ∂L/∂o_0 by \(later)")
            } else {
                #expect(later > 1e-6, "running on its own output, later steps must depend on o_0")
            }
        }
    }

    /// Both forms score the window from the logits (chapter 8): with a wrong logit 2·2000·tanh 1
    /// above the target's, the loss is that many nats, where −log of the rounded probability is +∞.
    @Test(arguments: OutputFeedback.allCases)
    func lossIsFiniteWhenTheTargetProbabilityRoundsToZero(_ feedback: OutputFeedback) {
        let ones = Matrix<Float>(rows: 3, columns: 2, repeating: 1)                     // W_xh: every input sets z = 1
        let model = OutputFeedbackRNN<Float>(wXH: ones, wOH: .zeros(3, 2), wHY: Matrix([[1000, -1000, 0], [1000, -1000, 0]]),
                                             bH: .zeros(1, 2), bY: .zeros(1, 3))        // logits ±2000 tanh 1 and 0
        let pass = model.forward(TokenBatch([[0, 1, 2]]), targets: TokenBatch([[1, 1, 1]]), oStart: .oneHot([0], classes: 3),
                                 feedback: feedback, reduction: .mean)
        #expect(crossEntropy(probabilities: pass.probabilities, targets: pass.targets, reduction: .mean) == .infinity)
        #expect(abs(pass.loss - 4000 * Double(Foundation.tanh(Float(1)))) < 1e-2)
    }

    /// The two forms are the same computation when the fed-back output happens to be the
    /// truth: a teacher-forced window of one step equals an own-output window of one step.
    @Test func oneStepWindowsAgree() {
        let forced = OutputFeedbackGradientCheckProblem(seed: 14, batchSize: 3, steps: 1, feedback: .teacherForcing)
        let own = OutputFeedbackGradientCheckProblem(seed: 14, batchSize: 3, steps: 1, feedback: .ownOutput)
        #expect(forced.loss(forced.model, oStart: forced.oStart) == own.loss(own.model, oStart: own.oStart))
    }
}

/// The 27-symbol alphabet of text8 (chapter 8).
@Suite struct Text8Tests {
    @Test(arguments: [
        ("Crème brûlée, naïve café", "creme brulee naive cafe"),
        ("R2-D2 and C-3PO", "r two d two and c three po"),
        ("1984\n\n\nOrwell...", "one nine eight four orwell"),
        ("  --==**  ", ""),
        ("", ""),
        ("ﬁnal ﬂight: Œuvre", "final flight uvre"),   // Œ does not decompose: a separator
        ("tab\tseparated\r\nlines\n", "tab separated lines"),
        ("don't", "don t"),
        ("x²+y₂", "x two y two"),
        ("Σ straße ø", "stra e"),
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(Text8.normalize(input) == expected)
    }

    @Test func writesOnlyTheAlphabet() throws {
        let text = Text8.normalize("Any text, with every kind of thing: ∑ ∂x/∂t = 0.5 — «quotes» 🎉\n\tend")
        #expect(Text8.vocabulary.size == 27)
        #expect(!text.hasPrefix(" ") && !text.hasSuffix(" ") && !text.contains("  "))
        let ids = try Text8.vocabulary.encode(text)
        #expect(Text8.vocabulary.decode(ids) == text)
        #expect(Text8.vocabulary.id(of: " ") == 0 && Text8.vocabulary.id(of: "a") == 1 && Text8.vocabulary.id(of: "z") == 26)
    }

    @Test func isIdempotent() {
        let once = Text8.normalize("Héllo, Wörld! 42 times\n")
        #expect(Text8.normalize(once) == once)
    }
}
