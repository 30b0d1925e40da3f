import Foundation

/// The format a captured chapter writes to standard output, and the reader for it.
///
/// A transcript is the chapter's own output with two kinds of marker lines, each starting
/// with the ASCII record separator (U+001E):
///
/// ```text
/// ␞unrolled-cell 3            everything after this belongs to cell 3
/// ␞unrolled-figure 1234       the next 1234 bytes are an SVG document, then a newline
/// ```
///
/// A marker may follow output that did not end its line; that output still belongs to
/// the cell before the marker. Text before the first cell marker belongs to no cell and
/// is kept under index -1. A separator that does not start a well-formed marker (a stray
/// U+001E in printed data) is kept as text: the reader never fails on what a chapter
/// printed. Whoever embeds a figure must still treat it as untrusted.
public enum Transcript {
    public static let separator = "\u{1E}"

    static func figureHeader(byteCount: Int) -> String {
        separator + "unrolled-figure \(byteCount)"
    }

    /// One thing a cell produced, in the order it produced it.
    public enum Output: Equatable, Sendable {
        case text(String)
        case figure(svg: String)
    }

    /// Splits a transcript into the outputs of each cell, keyed by cell index.
    /// Adjacent text is merged, and a cell that printed nothing has no entry.
    public static func parse(_ data: Data) -> [Int: [Output]] {
        let bytes = [UInt8](data)
        var outputs: [Int: [Output]] = [:]
        var cell = -1
        var position = 0
        func append(text range: Range<Int>) {
            guard !range.isEmpty else { return }
            let text = String(decoding: bytes[range], as: UTF8.self)
            if case .text(let previous)? = outputs[cell]?.last {
                outputs[cell]![outputs[cell]!.count - 1] = .text(previous + text)
            } else {
                outputs[cell, default: []].append(.text(text))
            }
        }
        while position < bytes.count {
            guard let marker = bytes[position...].firstIndex(of: 0x1E) else {
                append(text: position..<bytes.count)
                break
            }
            append(text: position..<marker)
            let lineEnd = bytes[marker...].firstIndex(of: 0x0A) ?? bytes.count
            let header = String(decoding: bytes[(marker + 1)..<lineEnd], as: UTF8.self)
            let afterHeader = min(lineEnd + 1, bytes.count)
            let words = header.split(separator: " ", omittingEmptySubsequences: false)
            switch (words.first, words.count == 2 ? Int(words[1]) : nil) {
            case ("unrolled-cell"?, let index?) where index >= 0:
                cell = index
                position = afterHeader
            case ("unrolled-figure"?, let count?) where count >= 0 && afterHeader + count <= bytes.count:
                let svg = String(decoding: bytes[afterHeader..<(afterHeader + count)], as: UTF8.self)
                outputs[cell, default: []].append(.figure(svg: svg))
                position = afterHeader + count
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            default:
                // Not a marker: keep the separator as text and go on after it.
                append(text: marker..<(marker + 1))
                position = marker + 1
            }
        }
        return outputs
    }
}
