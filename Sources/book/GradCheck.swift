import ArgumentParser
import CommandLineSupport
import Foundation
import SafeTensors
import Unrolled

extension RecurrentCell: ExpressibleByArgument {}
extension LossReduction: ExpressibleByArgument {}

/// `book gradcheck`: are the hand-derived gradients right? Three witnesses per variable.
struct GradCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check a cell's hand-derived gradients against central differences and the compiler's derivative.",
        discussion: """
            Builds a random problem (a model in Double, a window of token inputs and targets, a \
            non-zero starting state) from --seed, runs the cell forward and backward, and prints \
            for every parameter and the starting state the largest relative error |a − b| / \
            max(1e-8, |a| + |b|) of the analytic gradient against central differences (PASS below \
            1e-6) and against automatic differentiation (PASS below 1e-9). Exits 1 if any fails.

            --cell arch2 checks chapter 8's Architecture 2 (the previous output fed back) in both \
            its forms, teacher forcing and its own output; its variables are wXH, wOH, wHY, bH, bY \
            and oStart, the fed-back distribution the window starts from.

            --cell stacked checks chapter 9's network: an embedding table of width H/2, three \
            vanilla layers, dropout (rate 0.3) on each layer's output with the masks drawn once \
            and held fixed; its variables are E, wXH1 … bH3, wHY, bY and each layer's hStart.

            --export FILE writes the problem and the analytic gradients to a safetensors file: \
            the cell's parameters (rnn: wXH (V,H), wHH (H,H), bH (1,H); gru: wX (V,3H), wH (H,3H), \
            bX, bH (1,3H); lstm: wX (V,4H), wH (H,4H), b (1,4H); all: wHY (H,V), bY (1,V)), hStart \
            (B,H) (lstm also cStart) and loss [] in F64; inputs and targets (B,T) in I64, batch \
            first; grad.<name> for every variable. The metadata holds the equations and the loss \
            reduction, so PyTorch or numpy can check them.
            """
    )

    @Option(help: "The cell to check: \(RecurrentCell.allCases.map(\.rawValue).joined(separator: ", ")).")
    var cell: RecurrentCell = .rnn

    @Option(help: "Seed of the random problem.", range: 0...UInt64.max)
    var seed: UInt64 = 1

    @Option(help: "Batch size B.", range: 1...256)
    var batch: Int = 4

    @Option(help: "T, the unroll length: the steps in the window.", range: 1...1_024)
    var unroll: Int = 20

    @Option(help: "Vocabulary size V (inputs and outputs).", range: 2...1_024)
    var vocabulary: Int = 10

    @Option(help: "Hidden size H.", range: 1...1_024)
    var hidden: Int = 16

    @Option(help: "Loss over the window: sum (as min-char-rnn) or mean per character.")
    var reduction: LossReduction = .mean

    @Option(help: "Most entries per variable checked numerically (a seeded sample of larger ones).", range: 1...1_000_000)
    var entries: Int = 200

    @Option(help: "Write the problem and its analytic gradients to this safetensors file.")
    var export: String?

    func validate() throws {
        // Each factor is at most 1,024, so these products cannot overflow.
        guard vocabulary * hidden <= 1 << 20, hidden * hidden <= 1 << 20, batch * unroll <= 1 << 16 else {
            throw ValidationError("the problem is too large for a gradient check; keep V·H and H·H under 2^20 and B·T under 2^16")
        }
        if cell == .arch2 || cell == .stacked, export != nil {
            throw ValidationError("--export writes the rnn, gru and lstm problems; drop it for --cell \(cell.rawValue)")
        }
    }

    func run() throws {
        let shape = "B = \(batch), T = \(unroll), V = \(vocabulary), H = \(hidden), loss = \(reduction.rawValue) cross-entropy"
        let report: GradientCheckReport
        let exportable: (tensors: [SafeTensors.Tensor], metadata: [String: String])
        switch cell {
        case .rnn, .relu:
            let problem = RNNGradientCheckProblem(seed: seed, batchSize: batch, steps: unroll, vocabularySize: vocabulary,
                                                  hiddenSize: hidden, reduction: reduction, activation: cell.activation)
            let name = cell == .relu ? "vanilla RNN with ReLU (chapter 7)" : "vanilla RNN"
            print("\(name), seed \(seed): \(shape), non-zero h_0")
            report = problem.check(maxEntriesPerVariable: entries, seed: seed)
            exportable = export == nil ? ([], [:]) : problem.exportTensors()
        case .gru:
            let problem = GRUGradientCheckProblem(seed: seed, batchSize: batch, steps: unroll, vocabularySize: vocabulary,
                                                  hiddenSize: hidden, reduction: reduction)
            print("GRU, seed \(seed): \(shape), non-zero h_0")
            report = problem.check(maxEntriesPerVariable: entries, seed: seed)
            exportable = export == nil ? ([], [:]) : problem.exportTensors()
        case .lstm:
            let problem = LSTMGradientCheckProblem(seed: seed, batchSize: batch, steps: unroll, vocabularySize: vocabulary,
                                                   hiddenSize: hidden, reduction: reduction)
            print("LSTM, seed \(seed): \(shape), non-zero h_0 and c_0")
            report = problem.check(maxEntriesPerVariable: entries, seed: seed)
            exportable = export == nil ? ([], [:]) : problem.exportTensors()
        case .stacked:
            let problem = StackedGradientCheckProblem(seed: seed, batchSize: batch, steps: unroll, vocabularySize: vocabulary,
                                                      hiddenSize: hidden, layers: 3, embeddingSize: max(1, hidden / 2),
                                                      dropout: 0.3, reduction: reduction)
            print("stacked network (chapter 9), seed \(seed): \(shape), E = \(max(1, hidden / 2)), 3 layers, dropout 0.3 with fixed masks, non-zero h_0")
            report = problem.check(maxEntriesPerVariable: entries, seed: seed)
            exportable = ([], [:])
        case .arch2:
            // Two problems, one per form of feedback; both must pass.
            var passed = true
            for feedback in OutputFeedback.allCases {
                let problem = OutputFeedbackGradientCheckProblem(seed: seed, batchSize: batch, steps: unroll, vocabularySize: vocabulary,
                                                                 hiddenSize: hidden, feedback: feedback, reduction: reduction)
                print("Architecture 2 (output fed back), \(feedback.rawValue), seed \(seed): \(shape), o_0 a distribution")
                let report = problem.check(maxEntriesPerVariable: entries, seed: seed)
                print(report)
                passed = passed && report.passed
            }
            if !passed { throw ExitCode.failure }
            return
        }
        print(report)
        if let export {
            do {
                try SafeTensors.write(exportable.tensors, metadata: exportable.metadata, to: URL(fileURLWithPath: export))
            } catch {
                printError("error: \(error.description)")
                throw ExitCode.failure
            }
            print("wrote the problem and its analytic gradients to \(export)")
        }
        if !report.passed { throw ExitCode.failure }
    }
}
