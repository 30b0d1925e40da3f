// `swift run -c release bench`: how many characters per second the book's RNN trains on,
// on one thread. `make bench` runs it beside the numpy reference and passes numpy's figure
// in with `--numpy`, so the ratio is printed here. See Benchmarks/README.md.
//
//   bench [--data FILE] [--seconds S | --windows N] [--numpy CHARS_PER_SECOND] [--only a|a-float|b]
//   bench --write-default-corpus FILE     (the corpus used without --data, for numpy)
//   bench --kernels                       (element-wise kernels vs the same loops written here:
//                                          in a debug build, what the kernels module saves)

import Foundation
import Unrolled

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

struct Options {
    var data: String?
    var seconds = 5.0
    var numpyCharsPerSecond: Double?
    var only: String?  // "a", "a-float" or "b"
    var writeCorpus: String?
    var kernels = false
    /// A fixed number of windows per run instead of a time (for counting instructions).
    var windows: Int?

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError(description: "\(flag) needs a value") }
            return v
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--data": data = try value(flag)
            case "--seconds":
                guard let s = Double(try value(flag)), s > 0 else { throw BenchError(description: "--seconds needs a positive number") }
                seconds = s
            case "--numpy":
                guard let n = Double(try value(flag)), n > 0 else { throw BenchError(description: "--numpy needs numpy's characters per second, a positive number") }
                numpyCharsPerSecond = n
            case "--only":
                let o = try value(flag)
                guard ["a", "a-float", "b"].contains(o) else { throw BenchError(description: "--only takes a, a-float or b") }
                only = o
            case "--write-default-corpus": writeCorpus = try value(flag)
            case "--kernels": kernels = true
            case "--windows":
                guard let n = Int(try value(flag)), n > 0 else { throw BenchError(description: "--windows needs a positive count") }
                windows = n
            case "--help", "-h":
                print("usage: bench [--data FILE] [--seconds S | --windows N] [--numpy CHARS_PER_SECOND] [--only a|a-float|b]\n"
                      + "       bench --write-default-corpus FILE\n       bench --kernels")
                exit(0)
            default: throw BenchError(description: "unknown argument \(flag); try --help")
            }
        }
    }
}

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

/// One configuration of the benchmark.
struct Configuration {
    var label: String
    var hidden: Int
    var steps: Int
    var batch: Int
    var optimizer: String
    var clip: String
}

/// Trains `model` on `text` for `seconds` of wall time, B streams side by side, each
/// carrying its state from one window to the next. Returns characters per second and
/// the first and last window losses (mean per character).
func train<Scalar, O: Optimizer>(
    _ model: inout RNN<Scalar>, optimizer: inout O, text: EncodedText, batch B: Int, steps T: Int,
    reduction: LossReduction, seconds: Double, windowLimit: Int? = nil, clip: (inout RNN<Scalar>) -> Void
) -> (charsPerSecond: Double, cpuCharsPerSecond: Double, firstLoss: Double, lastLoss: Double) where O.Scalar == Scalar {
    let H = model.hiddenSize
    let segment = text.ids.count / B                                  // stream b reads [b·segment, (b+1)·segment)
    precondition(segment > T + 1, "the corpus is too short for \(B) streams of windows of \(T)")
    var cursor = 0
    var h = Matrix<Scalar>.zeros(B, H)
    var first = Double.nan, last = Double.nan
    var windows = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let startCPU = threadCPUSeconds()
    var elapsed = 0.0
    while windowLimit.map({ windows < $0 }) ?? (elapsed < seconds) {
        if cursor + T + 1 > segment {                                 // the streams wrap: start again from zero state
            cursor = 0
            h = .zeros(B, H)
        }
        var inputs: [Int] = [], targets: [Int] = []
        inputs.reserveCapacity(B * T)
        targets.reserveCapacity(B * T)
        for b in 0..<B {
            let base = b * segment + cursor
            inputs.append(contentsOf: text.ids[base..<(base + T)])
            targets.append(contentsOf: text.ids[(base + 1)..<(base + T + 1)])
        }
        let pass = model.forward(.tokens(TokenBatch(batchSize: B, steps: T, ids: inputs)),
                                 targets: TokenBatch(batchSize: B, steps: T, ids: targets), hStart: h, reduction: reduction)
        var (gradients, _) = model.backward(pass)
        clip(&gradients)
        optimizer.update(&model, with: gradients)
        h = pass.hEnd
        cursor += T
        windows += 1
        let perCharacter = pass.loss * reduction.scale(count: 1) / (reduction == .sum ? Double(B * T) : 1)
        if windows == 1 { first = perCharacter }
        last = perCharacter
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    let characters = Double(windows * B * T)
    return (characters / elapsed, characters / (threadCPUSeconds() - startCPU), first, last)
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

/// A model with one parameter matrix, to time an optimiser step alone.
struct OneMatrix: ParameterSet {
    var w: Matrix<Float>
    static let parameterNames = ["w"]
    var parameters: [Matrix<Float>] { [w] }
    mutating func forEachParameter(_ body: (Int, inout Matrix<Float>) -> Void) { body(0, &w) }
    mutating func forEachParameter(pairedWith other: OneMatrix, _ body: (Int, inout Matrix<Float>, Matrix<Float>) -> Void) {
        body(0, &w, other.w)
    }
}

/// Nanoseconds per element of each kernel, next to the same loop compiled with this
/// program (unoptimised in a debug build, like a chapter run with `swift run`).
func timeKernels() {
    let n = 1 << 20
    let a = Matrix<Float>(rows: 1 << 10, columns: 1 << 10, repeating: 0.5)
    let g = a
    var parameter = [Float](repeating: 0.5, count: n), memory = parameter
    func nanoseconds(_ body: () -> Void) -> Double {
        body()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<5 { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 5 / Double(n)
    }
    var sink: Float = 0
    var adagrad = Adagrad<Float>(learningRate: 0.1)
    let rows: [(String, Double, Double)] = [
        ("a + b", nanoseconds { sink += (a + g).scalars[7] },
         nanoseconds { var r = [Float](repeating: 0, count: n); for i in 0..<n { r[i] = a.scalars[i] + g.scalars[i] }; sink += r[7] }),
        ("tanh", nanoseconds { sink += tanh(a).scalars[7] },
         nanoseconds { var r = [Float](repeating: 0, count: n); for i in 0..<n { r[i] = Foundation.tanh(a.scalars[i]) }; sink += r[7] }),
        ("softmax rows", nanoseconds { sink += softmax(a).scalars[7] },
         nanoseconds {
             var r = [Float](repeating: 0, count: n)
             for i in 0..<(1 << 10) {
                 var m = a.scalars[i << 10], total: Float = 0
                 for j in 0..<(1 << 10) { m = max(m, a.scalars[(i << 10) + j]) }
                 for j in 0..<(1 << 10) { r[(i << 10) + j] = Foundation.exp(a.scalars[(i << 10) + j] - m); total += r[(i << 10) + j] }
                 for j in 0..<(1 << 10) { r[(i << 10) + j] /= total }
             }
             sink += r[7]
         }),
        ("Adagrad step", nanoseconds { var p = OneMatrix(w: a); adagrad.update(&p, with: OneMatrix(w: g)); sink += p.w.scalars[7] },
         nanoseconds {
             for i in 0..<n {
                 memory[i] += g.scalars[i] * g.scalars[i]
                 parameter[i] -= 0.1 * g.scalars[i] / (memory[i] + 1e-8).squareRoot()
             }
         }),
    ]
    print("element-wise work on 2^20 Floats, ns per element: kernel | the same loop in this program")
    for (name, kernel, loop) in rows {
        print("  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(String(format: "%6.2f", kernel)) | \(String(format: "%7.2f", loop))  (×\(String(format: "%.0f", loop / kernel)))")
    }
    if sink == .infinity || parameter[7] == .infinity { print(sink) }
}

func run() throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if options.kernels {
        #if DEBUG
        print("debug build")
        #else
        print("release build")
        #endif
        timeKernels()
        return
    }
    if let path = options.writeCorpus {
        let corpus = try DefaultCorpus.load()
        try Data(corpus.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        print("wrote \(corpus.source) to \(path)")
        return
    }
    let corpus = try Corpus.load(path: options.data)
    let text = EncodedText(corpus.text)
    let needed = options.only == "b" ? 32 * 66 : (options.only == nil ? 32 * 66 : 27)
    guard text.ids.count >= needed else {
        throw BenchError(description: "\(corpus.source) has \(text.ids.count) characters; the benchmark needs at least \(needed) (32 streams of 65-character windows)")
    }
    print("corpus: \(corpus.source): \(format(Double(text.ids.count))) characters, V = \(text.vocabularySize); \(options.seconds) s per run")
    print("BLAS: \(BLAS.description)")
    #if DEBUG
    print("warning: this is a debug build; `make bench` builds with -c release")
    #endif

    if options.only != "b" {
        // (a) min-char-rnn: H 100, T 25, one stream, N(0, 0.01²) weights, summed loss,
        // element-wise clip 5, Adagrad 0.1.
        func minCharRNN<Scalar: KernelScalar>(_ type: Scalar.Type) -> (Double, Double, Double, Double) {
            var generator = SeededGenerator(seed: 1)
            var model = RNN<Scalar>(inputSize: text.vocabularySize, hiddenSize: 100, outputSize: text.vocabularySize,
                                    initialisation: .normal(standardDeviation: 0.01), using: &generator)
            var adagrad = Adagrad<Scalar>(learningRate: 0.1)
            return train(&model, optimizer: &adagrad, text: text, batch: 1, steps: 25, reduction: .sum,
                         seconds: options.seconds, windowLimit: options.windows) { $0.clipElementwise(to: 5) }
        }
        let runs = options.only == "a-float" ? [("Float", minCharRNN(Float.self))]
            : [("Float", minCharRNN(Float.self)), ("Double", minCharRNN(Double.self))]
        for (name, result) in runs {
            var line = "(a) min-char-rnn H=100 T=25 B=1 Adagrad 0.1, clip ±5, \(name): \(format(result.0)) chars/s (per CPU second \(format(result.1)))"
            if let numpy = options.numpyCharsPerSecond {
                line += String(format: " = %.1f× numpy (%@ chars/s)", result.0 / numpy, format(numpy))
            }
            line += String(format: "; loss/char %.2f → %.2f", result.2, result.3)
            print(line)
        }
    }

    if options.only == nil || options.only == "b" {
        // (b) batched: B 32, T 64, Adam 2e-3, global-norm clip 5, Float, mean loss per character.
        for (hidden, target) in [(128, 200_000.0), (512, 25_000.0)] {
            var generator = SeededGenerator(seed: 1)
            var model = RNN<Float>(inputSize: text.vocabularySize, hiddenSize: hidden, outputSize: text.vocabularySize,
                                   initialisation: .xavier, using: &generator)
            var adam = Adam<Float>(learningRate: 2e-3)
            let result = train(&model, optimizer: &adam, text: text, batch: 32, steps: 64, reduction: .mean,
                               seconds: options.seconds, windowLimit: options.windows) { $0.clipByGlobalNorm(5) }
            print("(b) batched H=\(hidden) T=64 B=32 Adam 2e-3, global-norm clip 5, Float: \(format(result.0)) chars/s"
                  + " (per CPU second \(format(result.1)); target \(format(target)))" + String(format: "; loss/char %.2f → %.2f", result.2, result.3))
        }
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(2)
}
