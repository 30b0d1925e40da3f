import Foundation

/// The format a captured chapter writes to standard output, and the reader for it.
///
/// A transcript is the chapter's own output with two kinds of marker lines, each starting
/// with the ASCII record separator (U+001E):
///
/// ```text
/// ␞unrolled-cell 3            everything after this belongs to cell 3
/// ␞unrolled-figure 1234       the next 1234 bytes are an SVG document, then a newline
/// ␞unrolled-value KEY TEXT     the run recorded TEXT (the rest of the line) as KEY
/// ␞unrolled-input PATH         the run read the file PATH
/// ␞unrolled-claim-failed TEXT  a claim failed; TEXT says where and what
/// ␞unrolled-verdict ID PASS TEXT an exercise check's verdict (PASS or FAIL) and its line
/// ␞unrolled-claims-checked N   at the end: the run checked N claims
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

    public static func valueMarker(key: String, value: String) -> String {
        separator + "unrolled-value \(key) " + oneLine(value)
    }

    public static func inputMarker(path: String) -> String {
        separator + "unrolled-input " + oneLine(path)
    }

    public static func claimFailureMarker(_ text: String) -> String {
        separator + "unrolled-claim-failed " + oneLine(text)
    }

    public static func verdictMarker(exercise id: String, passed: Bool, line: String) -> String {
        separator + "unrolled-verdict \(oneLine(id).replacingOccurrences(of: " ", with: "_")) \(passed ? "PASS" : "FAIL") " + oneLine(line)
    }

    static func claimsCheckedMarker(_ count: Int) -> String {
        separator + "unrolled-claims-checked \(count)"
    }

    /// Keys of recorded values: letters, digits, `_`, `.` and `-`, as the prose writes them in `{{key}}`.
    public static func isValidKey(_ key: Substring) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
    }

    public static func isValidKey(_ key: String) -> Bool { isValidKey(key[...]) }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: separator, with: " ")
    }

    /// Everything a transcript holds: the outputs of each cell, and what the run recorded
    /// about itself.
    public struct Contents: Equatable, Sendable {
        /// Outputs per cell index (-1: printed before the first cell). A failed claim is
        /// also shown as text under the cell that made it.
        public var outputs: [Int: [Output]] = [:]
        /// Values recorded with `Notebook.record`, by key (the last one wins).
        public var values: [String: String] = [:]
        /// Files the run read, in the order it first read them.
        public var inputs: [String] = []
        /// The lines of the claims that failed, and the cell each failed in.
        public var failedClaims: [String] = []
        public var failedClaimCells: [Int] = []
        /// How many claims the run checked (reported when the program finished).
        public var claimsChecked = 0
        /// Whether the program reached its end (the claims-checked marker is its last word):
        /// a run that failed only its claims ran every cell.
        public var finished = false
        /// The exercise checks' verdicts, in the order the run printed them.
        public var verdicts: [ExerciseVerdict] = []
        /// The last cell whose marker the transcript holds (-1: none): where a program that
        /// stopped early was, even when that cell printed nothing.
        public var lastCell = -1
    }

    /// One exercise check's verdict: which exercise, whether it passed, and the line it printed.
    public struct ExerciseVerdict: Codable, Equatable, Sendable {
        public var exercise: String
        public var passed: Bool
        public var line: String

        public init(exercise: String, passed: Bool, line: String) {
            (self.exercise, self.passed, self.line) = (exercise, passed, line)
        }
    }

    /// One thing a cell produced, in the order it produced it.
    public enum Output: Codable, Equatable, Sendable {
        case text(String)
        case figure(svg: String)
    }

    /// Splits a transcript into the outputs of each cell, keyed by cell index.
    /// Adjacent text is merged, and a cell that printed nothing has no entry.
    public static func parse(_ data: Data) -> [Int: [Output]] {
        read(data).outputs
    }

    /// Reads a whole transcript: outputs, recorded values, inputs and failed claims.
    public static func read(_ data: Data) -> Contents {
        let bytes = [UInt8](data)
        var contents = Contents()
        var cell = -1
        var position = 0
        func append(_ text: String) {
            if case .text(let previous)? = contents.outputs[cell]?.last {
                contents.outputs[cell]![contents.outputs[cell]!.count - 1] = .text(previous + text)
            } else {
                contents.outputs[cell, default: []].append(.text(text))
            }
        }
        func append(text range: Range<Int>) {
            guard !range.isEmpty else { return }
            append(String(decoding: bytes[range], as: UTF8.self))
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
            let rest = words.count > 1 ? String(header[words[1].startIndex...]) : ""
            switch words.first {
            case "unrolled-value"? where words.count >= 3 && isValidKey(words[1]):
                contents.values[String(words[1])] = String(header[words[2].startIndex...])
                position = afterHeader
                continue
            case "unrolled-input"? where !rest.isEmpty:
                if !contents.inputs.contains(rest) { contents.inputs.append(rest) }
                position = afterHeader
                continue
            case "unrolled-claim-failed"? where !rest.isEmpty:
                contents.failedClaims.append(rest)
                contents.failedClaimCells.append(cell)
                append("⚠ " + rest + "\n")
                position = afterHeader
                continue
            case "unrolled-verdict"? where words.count >= 3 && (words[2] == "PASS" || words[2] == "FAIL"):
                let line = words.count > 3 ? String(header[words[3].startIndex...]) : ""
                contents.verdicts.append(ExerciseVerdict(exercise: String(words[1]), passed: words[2] == "PASS", line: line))
                position = afterHeader
                continue
            case "unrolled-claims-checked"? where words.count == 2 && Int(words[1]) != nil:
                contents.claimsChecked = Int(words[1])!
                contents.finished = true
                position = afterHeader
                continue
            default:
                break
            }
            switch (words.first, words.count == 2 ? Int(words[1]) : nil) {
            case ("unrolled-cell"?, let index?) where index >= 0:
                cell = index
                contents.lastCell = index
                position = afterHeader
            case ("unrolled-figure"?, let count?) where count >= 0 && afterHeader + count <= bytes.count:
                let svg = String(decoding: bytes[afterHeader..<(afterHeader + count)], as: UTF8.self)
                contents.outputs[cell, default: []].append(.figure(svg: svg))
                position = afterHeader + count
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            default:
                // Not a marker: keep the separator as text and go on after it.
                append(text: marker..<(marker + 1))
                position = marker + 1
            }
        }
        return contents
    }
}
