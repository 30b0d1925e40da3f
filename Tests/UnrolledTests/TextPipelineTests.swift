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

    @Test func theDefaultCorpusIsTheSnapshotShippedWithThePackage() throws {
        let corpus = try Corpus.load(path: nil)
        #expect(corpus.files == [DefaultCorpus.snapshotPath])
        #expect(corpus.text.unicodeScalars.count > 500_000)
        // The snapshot was made from the chapters and sources: both kinds are in it.
        #expect(corpus.text.contains("public enum DefaultCorpus"))
        #expect(corpus.text.contains("# Batching text"))
    }

    @Test func aBuiltCorpusIsThisPackagesChaptersAndSources() throws {
        let corpus = try DefaultCorpus.build()
        #expect(corpus.files.contains("chapters/05-batching-text.md"))
        #expect(corpus.files.contains("Sources/Unrolled/DefaultCorpus.swift"))
        #expect(corpus.files.allSatisfy { $0.hasSuffix(".md") || $0.hasSuffix(".swift") })
        #expect(corpus.text.contains("public enum DefaultCorpus"))
        // Prose first, and both kinds within the first five files: chapter 6 reads only the
        // start. Every file is in the list once.
        #expect(Set(corpus.files).count == corpus.files.count)
        #expect(corpus.files.first?.hasPrefix("chapters/") == true)
        #expect(corpus.files.prefix(5).contains { $0.hasSuffix(".swift") })
        // Each kind keeps its own order.
        let chapters = corpus.files.filter { $0.hasPrefix("chapters/") }
        let sources = corpus.files.filter { $0.hasPrefix("Sources/") }
        #expect(chapters == chapters.sorted() && sources == sources.sorted())
    }

    @Test func theDefaultCorpusWritesRareCharactersAsOne() throws {
        for corpus in [try Corpus.load(path: nil), try DefaultCorpus.build()] {
            var counts: [Unicode.Scalar: Int] = [:]
            for symbol in corpus.text.unicodeScalars { counts[symbol, default: 0] += 1 }
            #expect(counts.allSatisfy { $0.value >= DefaultCorpus.minimumCount || $0.key == DefaultCorpus.replacement })
            #expect(counts[DefaultCorpus.replacement, default: 0] >= DefaultCorpus.minimumCount)
            #expect(corpus.source.contains("interleaved"))
        }
    }

    @Test func aMissingSnapshotIsOneLineNamingTheCommandThatWritesIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("// root\n", to: folder.appendingPathComponent("Package.swift"))
        try write("# A\n", to: folder.appendingPathComponent("chapters/01-a.md"))
        let error = #expect(throws: CorpusError.self) {
            try DefaultCorpus.load(root: folder)
        }
        #expect(error == .snapshotMissing(DefaultCorpus.snapshotPath))
        #expect(error?.description.contains("book corpus --refresh") == true)
    }

    @Test func rareCharactersAreReplacedAndListed() {
        let (text, replaced) = DefaultCorpus.replacingRareCharacters(in: "aaab·cc·τ", minimumCount: 2, with: "?")
        #expect(text == "aaa?·cc·?")
        #expect(replaced == ["b", "τ"])
        #expect(DefaultCorpus.replacingRareCharacters(in: "abc", minimumCount: 1, with: "?") == ("abc", []))
        #expect(DefaultCorpus.replacingRareCharacters(in: "", minimumCount: 5, with: "?") == ("", []))
    }

    @Test func piecesEndAtBlankLinesAndJoinToTheText() {
        let text = "ab\n\ncd\nef\n\n\ngh"
        #expect(DefaultCorpus.pieces(of: text, length: 3) == ["ab\n\n", "cd\nef\n\n", "\ngh"])
        #expect(DefaultCorpus.pieces(of: text, length: 100) == [text])
        #expect(DefaultCorpus.pieces(of: "", length: 3) == [])
    }

    @Test func interleavingKeepsBothListsAtTheSameShare() {
        // Lengths: prose 10 + 10, code 5 + 5 + 5 + 5. After "p1" prose is half read, so code
        // catches up to half before "p2".
        let length = ["p1": 10, "p2": 10, "c1": 5, "c2": 5, "c3": 5, "c4": 5]
        let merged = DefaultCorpus.interleave(["p1", "p2"], ["c1", "c2", "c3", "c4"]) { length[$0]! }
        #expect(merged == ["p1", "c1", "c2", "p2", "c3", "c4"])
        #expect(DefaultCorpus.interleave([] as [String], ["c1"]) { length[$0]! } == ["c1"])
        #expect(DefaultCorpus.interleave(["p1"], [] as [String]) { length[$0]! } == ["p1"])
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
        let found = DefaultCorpus.files(under: folder)
        #expect(found.chapters == ["chapters/01-a.md"] && found.sources == ["Sources/X/b.swift"])
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
        // One distinct character, V = 1: nothing for a character model to predict.
        let xs = folder.appendingPathComponent("xs.txt"), newlines = folder.appendingPathComponent("newlines.txt")
        try write(String(repeating: "x", count: 1000), to: xs)
        try write("\n\n\n", to: newlines)
        let cases: [(String, CorpusError)] = [
            (folder.appendingPathComponent("missing.txt").path, .missingFile(folder.appendingPathComponent("missing.txt").path)),
            (folder.path, .isDirectory(folder.path)),
            (empty.path, .empty(empty.path)),
            (binary.path, .notUTF8(binary.path)),
            (xs.path, .oneCharacter(xs.path, "x")),
            (newlines.path, .oneCharacter(newlines.path, "\n")),
        ]
        for (path, expected) in cases {
            #expect(throws: expected) { try Corpus.load(path: path) }
            #expect(!expected.description.contains("\n"))
        }
        let good = folder.appendingPathComponent("good.txt")
        try write("héllo\r\nworld", to: good)
        #expect(try Corpus.load(path: good.path).text == "héllo\r\nworld")
        #expect(CorpusError.oneCharacter(newlines.path, "\n").description.contains(#"only 1 distinct character, "\n";"#))
        // Two distinct characters, the fewest a character model can use: an e and its accent are two code points.
        let two = folder.appendingPathComponent("two.txt")
        try write(String(repeating: "e\u{301}", count: 10), to: two)
        #expect(try Corpus.load(path: two.path).text.unicodeScalars.count == 20)
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

/// Chapter 6's measures of a sample (`TextProfile`, `repeatingCycle`) and the element-wise
/// operations its Adagrad is written with.
@Suite struct SampleMeasureTests {
    let profile = TextProfile("the cat sat on the mat; the end.\n")

    @Test func wordsAreRunsOfTwoOrMoreLetters() {
        #expect(TextProfile.words(in: "h_t = tanh(x) of héllo, a b") == ["tanh", "of", "héllo"])
        #expect(TextProfile.words(in: "") == [])
        #expect(profile.words == ["the", "cat", "sat", "on", "mat", "end"])
    }

    @Test func knownWordShareCountsEveryOccurrence() {
        #expect(profile.knownWordShare("the dog sat") == 2.0 / 3.0)
        #expect(profile.knownWordShare("the the xyz") == 2.0 / 3.0)
        #expect(profile.knownWordShare("1 + 2 = x") == nil)
    }

    @Test func commonCharactersAreTheMostFrequent() {
        // The text's most frequent characters: ' ' (7), 't' (6), 'e' (4), then 'a' and 'h'
        // (3 each, 'a' first by code point).
        #expect(Array(profile.charactersByFrequency.prefix(5)) == [" ", "t", "e", "a", "h"])
        #expect(profile.commonCharacterShare("tt  ", top: 2) == 1)
        #expect(profile.commonCharacterShare("t#", top: 2) == 0.5)
        #expect(profile.commonCharacterShare("", top: 2) == 0)
    }

    @Test func unigramLossOfTheTextIsItsEntropy() {
        let text = "aab"
        let profile = TextProfile(text)
        let entropy = -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3))
        #expect(abs(profile.unigramEntropy - entropy) < 1e-12)
        #expect(abs(profile.unigramLoss(text) - entropy) < 1e-12)
        #expect(profile.unigramLoss("bbb") > profile.unigramLoss("aaa"))
        #expect(profile.unigramLoss("z") > profile.unigramLoss("b"))      // unseen: rarer than the rarest
    }

    @Test func cyclesAreFoundWithTheirStart() {
        let looping = Array("abcdefg") + Array(repeating: Array("xyz"), count: 100).flatMap { $0 }
        let found = repeatingCycle(in: looping)
        #expect(found?.period == 3 && found?.start == 7)
        #expect(repeatingCycle(in: Array(repeating: 1, count: 300))! == (1, 0))
        #expect(repeatingCycle(in: Array(0..<300)) == nil)
        #expect(repeatingCycle(in: [1, 1, 1]) == nil)                       // shorter than the tail checked
    }

    @Test func elementwiseQuotientRootAndShift() {
        let a = Matrix<Double>([[1, 4], [9, 16]]), b = Matrix<Double>([[2, 2], [3, 4]])
        #expect((a ./ b).scalars == [0.5, 2, 3, 4])
        #expect(sqrt(a).scalars == [1, 2, 3, 4])
        #expect((a + 0.5).scalars == [1.5, 4.5, 9.5, 16.5])
    }
}
