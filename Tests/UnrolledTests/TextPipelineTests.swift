import Foundation
import Testing
@testable import Unrolled

/// The default corpus loader and its errors (Sources/Unrolled/DefaultCorpus.swift).
@Suite struct CorpusTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test func theDefaultCorpusIsThisPackagesChaptersAndSources() throws {
        let corpus = try Corpus.load(path: nil)
        #expect(corpus.files.contains("chapters/05-batching-text.md"))
        #expect(corpus.files.contains("Sources/Unrolled/DefaultCorpus.swift"))
        #expect(corpus.files == corpus.files.sorted())
        #expect(corpus.files.allSatisfy { $0.hasSuffix(".md") || $0.hasSuffix(".swift") })
        #expect(corpus.text.contains("public enum DefaultCorpus"))
    }

    @Test func theRootIsFoundFromTheSourceFileOrTheCurrentDirectory() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("// package\n", to: folder.appendingPathComponent("Package.swift"))
        try write("# A\n", to: folder.appendingPathComponent("chapters/01-a.md"))
        try write("let b = 1\n", to: folder.appendingPathComponent("Sources/X/b.swift"))
        try write("hidden\n", to: folder.appendingPathComponent("Sources/.hidden/c.swift"))
        try write("not swift\n", to: folder.appendingPathComponent("Sources/X/notes.txt"))
        let deep = folder.appendingPathComponent("Sources/X")

        let fromSource = try DefaultCorpus.packageRoot(sourceFile: folder.appendingPathComponent("Sources/Unrolled/DefaultCorpus.swift").path,
                                                       currentDirectory: "/")
        #expect(fromSource.standardizedFileURL.path == folder.standardizedFileURL.path)
        let fromDirectory = try DefaultCorpus.packageRoot(sourceFile: "/nonexistent/Sources/Unrolled/DefaultCorpus.swift",
                                                          currentDirectory: deep.path)
        #expect(fromDirectory.standardizedFileURL.path == folder.standardizedFileURL.path)
        #expect(DefaultCorpus.files(under: folder) == ["Sources/X/b.swift", "chapters/01-a.md"])
    }

    @Test func noRootIsAClearError() {
        #expect(throws: CorpusError.self) {
            try DefaultCorpus.packageRoot(sourceFile: "/nonexistent/Sources/Unrolled/DefaultCorpus.swift", currentDirectory: "/")
        }
    }

    @Test func badFilesAreOneLineErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.txt"), binary = folder.appendingPathComponent("binary.txt")
        try Data().write(to: empty)
        try Data([0x61, 0xFF, 0xFE, 0x62]).write(to: binary)
        let cases: [(String, CorpusError)] = [
            (folder.appendingPathComponent("missing.txt").path, .missingFile(folder.appendingPathComponent("missing.txt").path)),
            (folder.path, .isDirectory(folder.path)),
            (empty.path, .empty(empty.path)),
            (binary.path, .notUTF8(binary.path)),
        ]
        for (path, expected) in cases {
            #expect(throws: expected) { try Corpus.load(path: path) }
            #expect(!expected.description.contains("\n"))
        }
        let good = folder.appendingPathComponent("good.txt")
        try write("héllo\r\nworld", to: good)
        #expect(try Corpus.load(path: good.path).text == "héllo\r\nworld")
    }
}

/// Chapter 5's text pipeline and chapter 6's sampling (lib cells of those chapters).
@Suite struct TextPipelineTests {
    @Test func encodingRoundTripsAndNamesUnknownCharacters() throws {
        let text = "e\u{301}\r\nΣ x_t ← 1"     // a combining accent and CRLF stay separate scalars
        let vocabulary = Vocabulary(of: text)
        #expect(vocabulary.symbols == vocabulary.symbols.sorted { $0.value < $1.value })
        #expect(vocabulary.size == Set(text.unicodeScalars).count)
        let ids = try vocabulary.encode(text)
        #expect(ids.count == text.unicodeScalars.count)
        #expect(vocabulary.decode(ids) == text)
        #expect(throws: VocabularyError.unknownCharacters(["z", "q"], vocabularySize: vocabulary.size)) {
            try vocabulary.encode("zqz")
        }
        #expect(Vocabulary.visible("\n") == "⏎" && Vocabulary.visible(" ") == "␣" && Vocabulary.visible("\u{7}") == "U+7")
    }

    @Test func oneHotRowsTimesAMatrixAreItsRows() {
        var g = SeededGenerator(seed: 3)
        let w = Matrix<Double>(rows: 6, columns: 4, standardDeviation: 1, using: &g)
        let ids = [5, 0, 5, 2]
        let x = Matrix<Double>.oneHot(ids, classes: 6)
        #expect(x.shapeText == "(4, 6)")
        #expect(x.scalars.reduce(0, +) == 4)
        #expect(x * w == w.rows(at: ids))
    }

    @Test(arguments: [(1000, 4, 25), (1001, 7, 10), (52, 2, 25), (26, 1, 25)])
    func streamsWalkTheirSegmentsAndWrap(_ shape: (Int, Int, Int)) {
        let (N, B, T) = shape
        let ids = Array(0..<N)                 // id = position, so windows show where they came from
        var streams = TextStreams(ids: ids, batchSize: B, steps: T)
        let L = (N - 1) / B, W = L / T
        #expect(streams.streamLength == L && streams.windowsPerEpoch == W)
        for k in 0..<(2 * W + 1) {
            let window = streams.next()
            #expect(window.startsEpoch == (k % W == 0))
            for b in 0..<B {
                let c = b * L + (k % W) * T
                #expect(window.cursors[b] == c)
                #expect((0..<T).map { window.inputs[b, $0] } == Array(c ..< c + T))
                #expect((0..<T).map { window.targets[b, $0] } == Array(c + 1 ..< c + T + 1))
            }
        }
    }

    @Test func theUntrainedNetworkPaysLnVPerCharacter() {
        var g = SeededGenerator(seed: 9)
        let V = 7
        let rnn = RNN<Double>(inputSize: V, hiddenSize: 5, outputSize: V, initialisation: .normal(standardDeviation: 0), using: &g)
        let ids = (0..<400).map { _ in g.integer(below: V) }
        for carry in [true, false] {
            let loss = textLoss(of: rnn, on: ids, batchSize: 4, steps: 10, carryingState: carry)
            #expect(abs(loss.perCharacter - log(Double(V))) < 1e-12)
            #expect(loss.byPosition.count == 10)
            #expect(loss.characters == 4 * ((399 / 4) / 10) * 10)
        }
    }

    @Test func temperatureSharpensAndFlattens() {
        let y = Matrix<Double>([[2, 1, 0, -1]])
        let cold = temperatureDistribution(y, temperature: 0.5)
        let model = temperatureDistribution(y, temperature: 1)
        let hot = temperatureDistribution(y, temperature: 2)
        for p in [cold, model, hot] { #expect(abs(p.reduce(0, +) - 1) < 1e-12) }
        #expect(cold[0] > model[0] && model[0] > hot[0])
        let e = [2.0, 1, 0, -1].map { exp($0) }
        #expect(zip(model, e.map { $0 / e.reduce(0, +) }).allSatisfy { abs($0 - $1) < 1e-12 })
        var g = SeededGenerator(seed: 1)
        #expect(nextCharacter(y, strategy: .argmax, using: &g) == 0)
    }

    @Test func samplingIsReproducibleAndFeedsItsChoicesBack() {
        var g = SeededGenerator(seed: 4)
        let rnn = RNN<Double>(inputSize: 5, hiddenSize: 8, outputSize: 5, initialisation: .normal(standardDeviation: 0.5), using: &g)
        var g1 = SeededGenerator(seed: 11), g2 = SeededGenerator(seed: 11)
        let a = sample(rnn, prime: [1, 2], count: 30, strategy: .temperature(1), using: &g1)
        let b = sample(rnn, prime: [1, 2], count: 30, strategy: .temperature(1), using: &g2)
        #expect(a == b && a.count == 30 && a.allSatisfy { (0..<5).contains($0) })
        // Argmax by hand: read the prime, then feed each choice back, carrying the state.
        var h = Matrix<Double>.zeros(1, 8)
        var logits = Matrix<Double>.zeros(1, 5)
        for id in [1, 2] { (h, logits) = rnn.step(.tokens(TokenBatch([[id]])), from: h) }
        var expected: [Int] = []
        for _ in 0..<20 {
            let id = logits.scalars.indices.max { logits.scalars[$0] < logits.scalars[$1] }!
            expected.append(id)
            (h, logits) = rnn.step(.tokens(TokenBatch([[id]])), from: h)
        }
        var g3 = SeededGenerator(seed: 0)
        #expect(sample(rnn, prime: [1, 2], count: 20, strategy: .argmax, using: &g3) == expected)
    }
}
