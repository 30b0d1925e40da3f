import ArgumentParser
import CommandLineSupport
import Foundation
import Unrolled

/// The parts of the benchmark `--only` can pick.
enum BenchPart: String, CaseIterable, ExpressibleByArgument {
    /// min-char-rnn, in Float and in Double.
    case a
    /// min-char-rnn in Float only.
    case aFloat = "a-float"
    /// Batched training at hidden sizes 128 and 512.
    case b
    /// The gated cells of chapter 10, LSTM and GRU, batched at hidden size 512.
    case gated
    /// The LSTM alone, batched at hidden size 512.
    case lstm
    /// The GRU alone, batched at hidden size 512.
    case gru
}

/// `swift run -c release bench`: how many characters per second the book's RNN trains on,
/// on one thread. `make bench` runs it beside the numpy reference and passes numpy's
/// figures in, so the ratios are printed here. See Benchmarks/README.md.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time how many characters per second the book's RNN trains on, on one thread.",
        discussion: """
            (a) is min-char-rnn: hidden size 100, windows of 25, one stream, Adagrad 0.1, \
            gradients clipped element-wise to ±5; it runs in Float and in Double. (b) is batched \
            training in Float: hidden sizes 128 and 512, batch 32, windows of 64, Adam 2e-3, \
            gradients clipped by global norm 5; (c) trains chapter 10's LSTM and GRU the same way at \
            hidden size 512. Each run trains for --seconds of wall time (or \
            --windows windows) and prints characters per second, the same per second of this \
            thread's CPU time (what an idle core would give), and the smooth loss per character at \
            the start and the end: min-char-rnn's 0.999 moving average of each window's loss, \
            started at ln V, the measure the numpy reference prints too.

            Build it with -c release: `make bench` does, times Benchmarks/min_char_rnn_numpy.py \
            in both its styles, and passes their figures in with --numpy-per-step and --numpy, \
            so that (a) is printed as a ratio to each.
            """
    )

    @Option(help: ArgumentHelp("The UTF-8 text to train on; without it, the book's default corpus.", valueName: "file"))
    var data: String?

    @Option(help: "Wall-clock seconds per run (default 5).", range: 0...3_600, excludingLower: true)
    var seconds: Double?

    @Option(help: "A fixed number of training windows per run instead of a time (to count instructions).", range: 1...100_000_000)
    var windows: Int?

    @Option(name: .customLong("numpy-per-step"),
            help: "The numpy reference's characters per second in its per-step style (the classic min-char-rnn loop); (a) is printed as a ratio to it.",
            range: 0...1e12, excludingLower: true)
    var numpyPerStep: Double?

    @Option(name: [.customLong("numpy"), .customLong("numpy-windowed")],
            help: "The numpy reference's characters per second in its windowed style (its default); (a) is printed as a ratio to it.",
            range: 0...1e12, excludingLower: true)
    var numpyWindowed: Double?

    @Option(name: .customLong("torch-lstm"), help: "PyTorch's characters per second for nn.LSTM at (c)'s configuration; the LSTM line is printed as a ratio to it.",
            range: 0...1e12, excludingLower: true)
    var torchLSTM: Double?

    @Option(name: .customLong("torch-gru"), help: "PyTorch's characters per second for nn.GRU at (c)'s configuration; the GRU line is printed as a ratio to it.",
            range: 0...1e12, excludingLower: true)
    var torchGRU: Double?

    @Option(name: .customLong("torch-rnn128"), help: "PyTorch's characters per second for nn.RNN (tanh) at (b)'s configuration with hidden size 128.",
            range: 0...1e12, excludingLower: true)
    var torchRNN128: Double?

    @Option(name: .customLong("torch-rnn512"), help: "PyTorch's characters per second for nn.RNN (tanh) at (b)'s configuration with hidden size 512.",
            range: 0...1e12, excludingLower: true)
    var torchRNN512: Double?

    @Option(name: .customLong("torch-cpu-lstm"), help: "PyTorch's characters per second of its thread's CPU time for nn.LSTM; the LSTM's per-CPU-second figure is printed as a ratio to it.",
            range: 0...1e12, excludingLower: true)
    var torchCPULSTM: Double?

    @Option(name: .customLong("torch-cpu-gru"), help: "PyTorch's characters per CPU second for nn.GRU, for the GRU's per-CPU-second ratio.",
            range: 0...1e12, excludingLower: true)
    var torchCPUGRU: Double?

    @Option(name: .customLong("torch-cpu-rnn128"), help: "PyTorch's characters per CPU second for nn.RNN at hidden size 128.",
            range: 0...1e12, excludingLower: true)
    var torchCPURNN128: Double?

    @Option(name: .customLong("torch-cpu-rnn512"), help: "PyTorch's characters per CPU second for nn.RNN at hidden size 512.",
            range: 0...1e12, excludingLower: true)
    var torchCPURNN512: Double?

    @Option(help: ArgumentHelp("Run only part of the benchmark: a is min-char-rnn in Float and Double, a-float the same in Float only, b the batched runs, gated the LSTM and the GRU (c), lstm or gru one of them.", valueName: "part"))
    var only: BenchPart?

    @Option(help: ArgumentHelp("Write the corpus used without --data to this file and stop, so the numpy reference can read the same text.", valueName: "file"))
    var writeDefaultCorpus: String?

    @Flag(help: "Time the element-wise kernels against the same loops compiled in this program, and stop. In a debug build this shows what the kernels module saves.")
    var kernels = false

    /// Parsed as every program of the book is: one leading `--` ignored, bad input one line.
    static func main() { runCommandLine() }

    func validate() throws {
        if seconds != nil && windows != nil {
            throw ValidationError("give --seconds or --windows, not both")
        }
        if kernels && writeDefaultCorpus != nil {
            throw ValidationError("--kernels and --write-default-corpus are separate runs; give one of them")
        }
    }

    func run() throws {
        do {
            try benchmark()
        } catch let error as CocoaError {
            throw fail(error.localizedDescription)
        } catch {
            throw fail(String(describing: error))
        }
    }

    /// Prints `message` as a one-line error on standard error; the exit status is 2.
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
        return ExitCode(2)
    }

    private func benchmark() throws {
        if kernels {
            #if DEBUG
            print("debug build")
            #else
            print("release build")
            #endif
            timeKernels()
            return
        }
        if let path = writeDefaultCorpus {
            let corpus = try DefaultCorpus.load()
            do {
                try Data(corpus.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw BenchError(description: "cannot write \(path): \(error.localizedDescription)")
            }
            print("wrote \(corpus.source) to \(path)")
            return
        }
        let corpus = try Corpus.load(path: data)
        let text = EncodedText(corpus.text)
        let runsA = only == nil || only == .a || only == .aFloat, runsB = only == nil || only == .b
        let gatedCells: [GatedCell] = switch only {
        case nil, .gated: [.lstm, .gru]
        case .lstm: [.lstm]
        case .gru: [.gru]
        default: []
        }
        // A stream needs one window of T inputs plus its next target: 32 × (64 + 2) for (b) and (c), 25 + 2 for (a).
        let (needed, shape) = runsB || !gatedCells.isEmpty ? (32 * 66, "32 streams of 65-character windows") : (27, "one stream of 26-character windows")
        guard text.ids.count >= needed else {
            throw BenchError(description: "\(corpus.source) has \(counted(text.ids.count, "character")); the benchmark needs at least \(needed) (\(shape))")
        }
        let seconds = self.seconds ?? 5
        let length = windows.map { "\($0) windows" } ?? "\(seconds) s"
        print("corpus: \(corpus.source): \(format(Double(text.ids.count))) characters, V = \(text.vocabularySize); \(length) per run")
        print("BLAS: \(BLAS.description)")
        // The LSTM's per-step products by W_h (UnrolledKernels/SharedWeightProducts.swift).
        print("LSTM step products: \(PackedWeights.kernelDescription) (UNROLLED_PACKED_GEMM=0: BLAS, =avx2: AVX2 at most)")
        if let line = keepLargeFreedBlocks() { print(line) }
        print("smooth loss/char: min-char-rnn's 0.999 moving average of each window's loss per character, from ln V; numpy prints the same")
        #if DEBUG
        print("warning: this is a debug build; `make bench` builds with -c release")
        #endif

        if runsA {
            let numpy = [("per-step (classic)", numpyPerStep), ("windowed", numpyWindowed)]
                .compactMap { name, value in value.map { (name, $0) } }
            if !numpy.isEmpty {
                print("numpy reference (a), one thread: " + numpy.map { "\($0.0) \(format($0.1)) chars/s" }.joined(separator: " · "))
            }
            // (a) min-char-rnn: H 100, T 25, one stream, N(0, 0.01²) weights, summed loss,
            // element-wise clip 5, Adagrad 0.1.
            func minCharRNN<Scalar: KernelScalar>(_ type: Scalar.Type) -> (Double, Double, Double, Double) {
                var generator = SeededGenerator(seed: 1)
                var model = RNN<Scalar>(inputSize: text.vocabularySize, hiddenSize: 100, outputSize: text.vocabularySize,
                                        initialisation: .normal(standardDeviation: 0.01), using: &generator)
                var adagrad = Adagrad<Scalar>(learningRate: 0.1)
                return train(&model, optimizer: &adagrad, text: text, batch: 1, steps: 25, reduction: .sum,
                             seconds: seconds, windowLimit: windows) { $0.clipElementwise(to: 5) }
            }
            let runs = only == .aFloat ? [("Float", minCharRNN(Float.self))]
                : [("Float", minCharRNN(Float.self)), ("Double", minCharRNN(Double.self))]
            for (name, result) in runs {
                var line = "(a) min-char-rnn H=100 T=25 B=1 Adagrad 0.1, clip ±5, \(name): \(format(result.0)) chars/s"
                if !numpy.isEmpty {
                    line += " = " + numpy.map { String(format: "%.1f× numpy %@", result.0 / $0.1, $0.0) }.joined(separator: " · ")
                }
                line += " (per CPU second \(format(result.1)))" + String(format: "; smooth loss/char %.3f -> %.3f", result.2, result.3)
                print(line)
            }
        }

        if runsB {
            // (b) batched: B 32, T 64, Adam 2e-3, global-norm clip 5, Float, mean loss per character.
            for (hidden, target) in [(128, 200_000.0), (512, 25_000.0)] {
                var generator = SeededGenerator(seed: 1)
                var model = RNN<Float>(inputSize: text.vocabularySize, hiddenSize: hidden, outputSize: text.vocabularySize,
                                       initialisation: .xavier, using: &generator)
                var adam = Adam<Float>(learningRate: 2e-3)
                let result = train(&model, optimizer: &adam, text: text, batch: 32, steps: 64, reduction: .mean,
                                   seconds: seconds, windowLimit: windows) { $0.clipByGlobalNorm(5) }
                let torch = hidden == 128 ? (torchRNN128, torchCPURNN128) : (torchRNN512, torchCPURNN512)
                print("(b) batched H=\(hidden) T=64 B=32 Adam 2e-3, global-norm clip 5, Float: \(format(result.0)) chars/s"
                      + ratio(result.0, result.1, to: torch)
                      + " (per CPU second \(format(result.1)); target \(format(target)))" + String(format: "; smooth loss/char %.3f -> %.3f", result.2, result.3))
            }
        }

        // (c) the gated cells of chapter 10 in (b)'s configuration at H = 512.
        for cell in gatedCells {
            let result = trainGated(cell, hidden: 512, text: text, batch: 32, steps: 64, seconds: seconds, windowLimit: windows)
            let torch = cell == .lstm ? (torchLSTM, torchCPULSTM) : (torchGRU, torchCPUGRU)
            print("(c) \(cell.rawValue) H=512 T=64 B=32 Adam 2e-3, global-norm clip 5, Float: \(format(result.0)) chars/s"
                  + ratio(result.0, result.1, to: torch)
                  + " (per CPU second \(format(result.1)))" + String(format: "; smooth loss/char %.3f -> %.3f", result.2, result.3))
        }
    }

    /// " = 1.23× PyTorch (…)" when PyTorch's wall-clock figure was passed in, and the ratio
    /// of the two per-CPU-second figures when that was too: on a busy machine the second
    /// is the steadier one, since neither program is charged for time others took.
    private func ratio(_ swift: Double, _ swiftCPU: Double, to torch: (wall: Double?, cpu: Double?)) -> String {
        guard let wall = torch.wall else { return "" }
        var text = String(format: " = %.2f× PyTorch (%@ chars/s", swift / wall, format(wall))
        if let cpu = torch.cpu { text += String(format: "; per CPU second %.2f×", swiftCPU / cpu) }
        return text + ")"
    }
}

/// A problem with the benchmark's input, reported as one line.
struct BenchError: Error, CustomStringConvertible {
    var description: String
}
