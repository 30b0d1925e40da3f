import Foundation
import ProgramRunner
import Testing

/// `Benchmarks/min_char_rnn_numpy.py`, found from this file's place in the repository.
private let referenceScript = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Benchmarks/min_char_rnn_numpy.py").path

/// A small corpus (a few dozen distinct characters) in a fresh folder; remove the folder after.
private func smallCorpus() throws -> URL {
    let folder = try temporaryFolder()
    let text = (0..<40).map { "Line \($0): the quick brown fox jumps over the lazy dog; ÆØÅ?\n" }.joined()
    let url = folder.appendingPathComponent("corpus.txt")
    try text.write(to: url, atomically: false, encoding: .utf8)
    return url
}

/// The benchmark's reference is only worth its ratio if it trains correctly and keeps the
/// output contract `make bench` reads.
@Suite("numpy min-char-rnn reference", .enabled(if: Python.hasNumpy, "needs python3 with numpy: pip install numpy"))
struct NumpyReferenceTests {

    @Test("its gradients agree with central differences", arguments: ["windowed", "per-step"])
    func gradients(style: String) throws {
        let corpus = try smallCorpus()
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        let (status, output) = try Python.run(file: referenceScript,
                                              arguments: ["--data", corpus.path, "--check-gradients", "--style", style])
        #expect(status == 0, "\(output)")
        for name in ["W_xh", "W_hh", "b_h", "W_hy", "b_y"] {
            #expect(output.contains("\(name) ") && output.contains("max relative error"), "\(output)")
        }
    }

    @Test("a short run ends with the line make bench reads: chars_per_second N")
    func benchmarkLine() throws {
        let corpus = try smallCorpus()
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        let (status, output) = try Python.run(file: referenceScript, arguments: ["--data", corpus.path, "--seconds", "0.3"])
        #expect(status == 0, "\(output)")
        // The line make bench reads; a warning about OPENBLAS_CORETYPE may follow it.
        let rateLine = output.split(separator: "\n").first { $0.hasPrefix("chars_per_second ") } ?? ""
        let parts = rateLine.split(separator: " ")
        #expect(parts.count == 2 && parts[0] == "chars_per_second", "\(output)")
        #expect((parts.count == 2 ? Double(parts[1]) : nil).map { $0 > 0 } == true, "\(output)")
        #expect(output.contains("smooth loss"), "\(output)")
    }

    /// `bench` printed one window's loss next to numpy's smoothed loss, two different
    /// measures side by side. Both now print min-char-rnn's smooth loss per character,
    /// under the same label, starting from the same ln V.
    @Test("bench and the numpy reference print the same smoothed loss measure")
    func sameLossMeasure() throws {
        let corpus = try smallCorpus()
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        let (status, numpy) = try Python.run(file: referenceScript, arguments: ["--data", corpus.path, "--seconds", "0.3"])
        #expect(status == 0, "\(numpy)")
        let bench = try Subprocess.run(try Subprocess.builtBeside("bench").path,
                                       ["--data", corpus.path, "--windows", "20", "--only", "a-float"], timeout: 120)
        #expect(bench.succeeded, "\(bench.text)")
        func smoothLoss(_ output: String) -> (first: String, last: String)? {
            guard let match = output.firstMatch(of: /smooth loss\/char ([0-9.]+) -> ([0-9.]+)/) else { return nil }
            return (String(match.1), String(match.2))
        }
        let fromNumpy = smoothLoss(numpy), fromSwift = smoothLoss(bench.text)
        #expect(fromNumpy != nil && fromSwift != nil, "numpy: \(numpy)\nbench: \(bench.text)")
        #expect(fromNumpy?.first == fromSwift?.first, "both start at ln V: numpy \(numpy), bench \(bench.text)")
    }

    @Test("a missing corpus is a one-line error and exit status 2")
    func missingCorpus() throws {
        let (status, output) = try Python.run(file: referenceScript, arguments: ["--data", "/no/such/corpus.txt"])
        #expect(status == 2)
        #expect(output.split(separator: "\n").last == "min_char_rnn_numpy.py: error: /no/such/corpus.txt: no such file")
    }
}
