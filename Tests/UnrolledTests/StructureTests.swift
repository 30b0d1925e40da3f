import Foundation
import Testing
@testable import Unrolled

/// Facts about the code's shape that reviews found wrong once.
@Suite struct StructureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Unrolled's recurrent cells are `RecurrentCell` (Literate's `CellKind` is a kind of
    /// Markdown code cell): a String raw-value, CaseIterable enum, as `--cell` lists them.
    @Test func recurrentCellsAreNamedApartFromMarkdownCells() {
        #expect(RecurrentCell.allCases.map(\.rawValue).contains("rnn"))
        #expect(RecurrentCell(rawValue: "rnn") == .rnn)
    }

    /// A comment that sends the reader to a document must name one the repository has.
    @Test func commentsPointAtDocumentsThatExist() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\(see ([A-Za-z]+\.md)\)/) {
                let name = String(match.1)
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(name).path),
                        "Sources/\(file) cites \(name), which the repository does not have")
            }
        }
    }

    /// The kernels' header comment describes the attribute they carry.
    @Test func kernelCommentMatchesTheirAttribute() throws {
        let kernels = try String(contentsOf: Self.root.appendingPathComponent("Sources/UnrolledKernels/Kernels.swift"), encoding: .utf8)
        let header = kernels.prefix { _ in true }.split(separator: "\n").prefix { $0.hasPrefix("//") }.joined(separator: "\n")
        #expect(header.contains("@_specialize") && kernels.contains("@_specialize(where Self == Float)"))
        #expect(!header.contains("@inline(__always)"))
    }
}

/// A model lists its parameters once, as names and key paths; names, values, the in-place
/// loops and replacing them all follow from that one list.
@Suite struct ParameterListTests {
    @Test func theRNNsOneListDrivesEverything() {
        var generator = SeededGenerator(seed: 5)
        var model = RNN<Double>(inputSize: 3, hiddenSize: 2, outputSize: 3, using: &generator)
        #expect(RNN<Double>.parameterNames == ["wXH", "wHH", "wHY", "bH", "bY"])
        #expect(model.parameters == [model.wXH, model.wHH, model.wHY, model.bH, model.bY])
        #expect(model.namedParameters.map(\.name) == RNN<Double>.parameterNames)
        var seen: [Int] = []
        model.forEachParameter { index, p in seen.append(index); p = Matrix(rows: p.rows, columns: p.columns, repeating: 1) }
        #expect(seen == [0, 1, 2, 3, 4])
        #expect(model.bY.scalars.allSatisfy { $0 == 1 })
        let zeros = model.zerosLike()
        let back = zeros.replacingParameters(with: model.parameters)
        #expect(back == model)
    }
}
