/// A place where the prose shows a value of the chapter's run: `{{key}}` or `{{key=TEXT}}`.
///
/// The chapter's program records the value (`Notebook.record("key", …)`) and the site puts
/// it in the prose, so a number in the text is always the number the run beside it
/// produced. `{{key=TEXT}}` shows TEXT as written, and is a claim: the build fails unless
/// the run recorded exactly TEXT. References inside code spans and fenced blocks are code,
/// not references, so the book can show the syntax itself.
public struct ValueReference: Equatable, Sendable {
    /// Letters, digits, `_`, `.` and `-`.
    public var key: String
    /// The text after `=`, which the run must have recorded; `nil` for a plain `{{key}}`.
    public var expected: String?
    /// The line of the chapter file it is on.
    public var line: Int
    /// Written inside inline math, `` $`B = {{batch}}`$ ``, where nothing fills it in (the
    /// math is typeset as written): an error, so the page never shows the key as if it were TeX.
    public var isInMath = false

    public init(key: String, expected: String?, line: Int, isInMath: Bool = false) {
        self.key = key
        self.expected = expected
        self.line = line
        self.isInMath = isInMath
    }

    /// Reads the inside of `{{…}}`: `key` or `key=TEXT`. `nil` when it is not a reference
    /// (braces in ordinary text, or a key with other characters).
    public static func parse(inner: Substring, line: Int) -> ValueReference? {
        let parts = inner.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = parts[0]
        guard isValidKey(key) else { return nil }
        return ValueReference(key: String(key), expected: parts.count > 1 ? String(parts[1]) : nil, line: line)
    }

    public static func isValidKey(_ key: Substring) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
        }
    }

    /// The references in a piece of Markdown whose first line is `firstLine`, skipping
    /// fenced blocks and code spans (one line at a time: a code span that crosses a line
    /// break is rare in this book and only hides a reference, never invents one).
    public static func scan(_ markdown: String, firstLine: Int) -> [ValueReference] {
        var found: [ValueReference] = []
        var fence: Substring?
        for (offset, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix { $0 == trimmed.first }
                continue
            }
            for inner in braces(in: outsideCodeSpans(line)) {
                if let reference = parse(inner: inner, line: firstLine + offset) { found.append(reference) }
            }
            for math in inlineMath(in: line) {
                for inner in braces(in: String(math)) {
                    if var reference = parse(inner: inner, line: firstLine + offset) {
                        reference.isInMath = true
                        found.append(reference)
                    }
                }
            }
        }
        return found
    }

    /// The line with its code spans blanked out.
    static func outsideCodeSpans(_ line: Substring) -> String {
        var out = ""
        var rest = line
        while let tick = rest.firstIndex(of: "`") {
            out += rest[..<tick]
            let run = rest[tick...].prefix { $0 == "`" }
            let afterOpen = rest[run.endIndex...]
            guard let close = afterOpen.range(of: String(run)) else {
                out += run
                rest = afterOpen
                continue
            }
            out += " "
            rest = afterOpen[close.upperBound...]
        }
        return out + rest
    }

    /// The TeX of every inline formula `` $`…`$ `` on the line.
    static func inlineMath(in line: Substring) -> [Substring] {
        var found: [Substring] = []
        var rest = line
        while let open = rest.range(of: "$`"), let close = rest[open.upperBound...].range(of: "`$") {
            found.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// The insides of every `{{…}}` in `text`, in order.
    public static func braces(in text: String) -> [Substring] {
        var found: [Substring] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            found.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }
}

extension Chapter {
    /// Every `{{key}}` and `{{key=TEXT}}` in the chapter's prose, in order.
    public var valueReferences: [ValueReference] {
        blocks.flatMap { block -> [ValueReference] in
            guard case .prose(let prose) = block else { return [] }
            return ValueReference.scan(prose.markdown, firstLine: prose.firstLine)
        }
    }

    /// What is wrong between the prose and the values a run recorded: a reference the run
    /// did not record, or a `{{key=TEXT}}` whose TEXT is not what the run recorded. Each
    /// is one line naming the Markdown line, the way compilers report.
    public func valueProblems(recorded values: [String: String]) -> [String] {
        valueReferences.compactMap { reference in
            let place = "\(path):\(reference.line)"
            if reference.isInMath {
                return "\(place): error: {{\(reference.key)}} is inside math, which is typeset as written; put it outside the $`…`$"
            }
            guard let value = values[reference.key] else {
                return "\(place): error: the prose shows {{\(reference.key)}}, which the run did not record (Notebook.record(\"\(reference.key)\", …))"
            }
            if let expected = reference.expected, expected != value {
                return "\(place): claim failed: the prose says \(reference.key) = \(expected), the run recorded \(value)"
            }
            return nil
        }
    }
}
