extension Chapter {
    /// Reads a chapter from its Markdown source.
    ///
    /// - Parameters:
    ///   - path: the path diagnostics should print, e.g. `chapters/01-the-recurrent-cell.md`;
    ///     its file name gives the chapter's number and slug.
    ///   - source: the file's text. CRLF and CR line endings are accepted.
    /// - Throws: ``Diagnostics`` listing every problem found, each with its line.
    public init(path: String, source: String) throws(Diagnostics) {
        var problems: [Diagnostic] = []
        func report(_ line: Int?, _ message: String) {
            problems.append(Diagnostic(file: path, line: line, message: message))
        }

        let fileName = String(path.split(separator: "/").last ?? Substring(path))
        let name = ChapterFileName(fileName)
        if name == nil {
            report(nil, "a chapter's file name must be NN-slug.md (digits or one capital letter, a dash, lower-case words), like 01-the-recurrent-cell.md")
        }

        // cmark counts a lone CR as a line ending too, so this keeps every line number.
        let text = source.replacingLineEndingsWithNewlines()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // cmark would silently turn a NUL byte into U+FFFD; name it instead.
        for (index, line) in lines.enumerated() where line.unicodeScalars.contains("\0") {
            report(index + 1, "a NUL byte (U+0000): chapters are text; remove it")
        }
        let markdownBlocks = MarkdownTree.blocks(of: text)

        var cells: [Cell] = []
        var title: String?
        var sections: [Section] = []
        var anchors = AnchorMaker()
        var runDeclaration: (line: Int, arguments: [String])?

        for block in markdownBlocks {
            switch block.kind {
            case .heading(let level, let headingText):
                if level == 1 {
                    if title == nil { title = headingText }
                } else if level <= 3 {
                    sections.append(Section(title: headingText, level: level, anchor: anchors.anchor(for: headingText), line: block.startLine))
                }
            case .codeBlock(let info, let literal):
                if let problem = Self.unclosedFenceProblem(block, lines: lines) {
                    report(block.startLine, problem)
                }
                if BookRunDeclaration.isDeclaration(info: info) {
                    do throws(BookRunDeclaration.Problem) {
                        guard block.isTopLevel else {
                            throw BookRunDeclaration.Problem(message: "a ```sh book-run block must not be inside a list or block quote: move the fence to the start of a line")
                        }
                        let arguments = try BookRunDeclaration.arguments(info: info, literal: literal, target: name.map { Chapter.targetName(forNumber: $0.number) })
                        if let first = runDeclaration {
                            report(block.startLine, "the chapter declares the book's run twice (first at line \(first.line)): keep one ```sh book-run block")
                        } else {
                            runDeclaration = (block.startLine, arguments)
                        }
                    } catch {
                        report(block.startLine, error.message)
                    }
                    continue
                }
                let kind: CellKind?
                do {
                    kind = try CellAttributes.kind(fromInfo: info)
                } catch {
                    report(block.startLine, error.message)
                    continue
                }
                guard let kind else { continue }  // Not Swift: prose.
                guard block.isTopLevel else {
                    report(block.startLine, "a Swift cell must not be inside a list or block quote: move the fence to the start of a line")
                    continue
                }
                cells.append(Cell(kind: kind, code: literal, fenceLine: block.startLine, index: cells.count))
            case .other:
                break
            }
        }

        if title == nil {
            report(1, "a chapter starts with its title as a first-level heading: '# Title'")
        }
        problems += Self.exercisePairingProblems(cells, path: path)
        if let declaration = runDeclaration, cells.isEmpty {
            report(declaration.line, "a ```sh book-run block declares how the book runs the chapter's program, but the chapter has no Swift cells, so no program")
        }

        guard problems.isEmpty, let name, let title else {
            throw Diagnostics(problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        self.init(
            path: path,
            number: name.number,
            slug: name.slug,
            title: title,
            sections: sections,
            blocks: Self.interleave(cells: cells, lines: lines, blocks: markdownBlocks),
            runArguments: runDeclaration?.arguments ?? []
        )
    }

    /// A fenced code block that cmark ran to the end of its container because its closing
    /// fence is missing. Left alone it would swallow the rest of the chapter silently.
    private static func unclosedFenceProblem(_ block: MarkdownBlock, lines: [Substring]) -> String? {
        let opening = lines[block.startLine - 1].drop(while: { $0 == " " || $0 == ">" || $0 == "-" || $0 == "*" || $0.isNumber || $0 == "." })
        guard let fenceCharacter = opening.first, fenceCharacter == "`" || fenceCharacter == "~" else {
            return nil  // An indented code block has no fences.
        }
        let fenceLength = opening.prefix(while: { $0 == fenceCharacter }).count
        guard fenceLength >= 3 else { return nil }
        let fence = String(repeating: fenceCharacter, count: fenceLength)
        if block.endLine > block.startLine, block.endLine <= lines.count {
            let closing = lines[block.endLine - 1].drop(while: { $0 == " " || $0 == ">" })
            let closingFence = closing.prefix(while: { $0 == fenceCharacter })
            if closingFence.count >= fenceLength, closing.dropFirst(closingFence.count).allSatisfy({ $0 == " " || $0 == "\t" }) {
                return nil
            }
        }
        return "code fence opened here is never closed: add a line '\(fence)' after the code"
    }

    /// Every exercise needs exactly one solution and every solution one exercise: the
    /// tangler compiles one or the other in its place.
    private static func exercisePairingProblems(_ cells: [Cell], path: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var exercises: [String: Cell] = [:]
        var solutions: [String: Cell] = [:]
        for cell in cells {
            switch cell.kind {
            case .exercise(let id):
                if let first = exercises[id] {
                    problems.append(Diagnostic(file: path, line: cell.fenceLine, message: "exercise \(id) is defined twice (first at line \(first.fenceLine))"))
                } else {
                    exercises[id] = cell
                }
            case .solution(let id):
                if let first = solutions[id] {
                    problems.append(Diagnostic(file: path, line: cell.fenceLine, message: "exercise \(id) has two solutions (the first at line \(first.fenceLine))"))
                } else {
                    solutions[id] = cell
                }
            default:
                break
            }
        }
        for (id, cell) in exercises where solutions[id] == nil {
            problems.append(Diagnostic(file: path, line: cell.fenceLine, message: "exercise \(id) has no solution: add a cell fenced ```swift solution=\(id)"))
        }
        for (id, cell) in solutions where exercises[id] == nil {
            problems.append(Diagnostic(file: path, line: cell.fenceLine, message: "solution \(id) has no exercise: add a cell fenced ```swift exercise=\(id)"))
        }
        return problems
    }

    /// Splits the file into prose and cells. Prose is cut straight from the source lines,
    /// not re-rendered by cmark, so math and everything else in it survives byte for byte.
    private static func interleave(cells: [Cell], lines: [Substring], blocks: [MarkdownBlock]) -> [Block] {
        let endLineOfFence = Dictionary(blocks.map { ($0.startLine, $0.endLine) }, uniquingKeysWith: { first, _ in first })
        var result: [Block] = []
        var nextProseLine = 1
        func addProse(upTo lastLine: Int) {
            guard lastLine >= nextProseLine else { return }
            let text = lines[(nextProseLine - 1)..<lastLine].joined(separator: "\n")
            if !text.allSatisfy(\.isWhitespace) {
                result.append(.prose(Prose(markdown: text, firstLine: nextProseLine)))
            }
        }
        for cell in cells {
            addProse(upTo: cell.fenceLine - 1)
            result.append(.cell(cell))
            nextProseLine = (endLineOfFence[cell.fenceLine] ?? cell.fenceLine) + 1
        }
        addProse(upTo: lines.count)
        return result
    }
}

/// `01-the-recurrent-cell.md` -> number "01", slug "the-recurrent-cell".
struct ChapterFileName {
    var number: String
    var slug: String

    init?(_ fileName: String) {
        guard fileName.hasSuffix(".md") else { return nil }
        let stem = fileName.dropLast(3)
        guard let dash = stem.firstIndex(of: "-") else { return nil }
        let number = stem[..<dash]
        let slug = stem[stem.index(after: dash)...]
        let numberIsValid = (!number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber })
            || (number.count == 1 && number.allSatisfy { $0.isASCII && $0.isUppercase })
        let slugIsValid = !slug.isEmpty && slug.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        guard numberIsValid, slugIsValid else { return nil }
        self.number = String(number)
        self.slug = String(slug)
    }
}

/// Turns headings into URL fragments: "Shapes, once and for all" -> "shapes-once-and-for-all".
struct AnchorMaker {
    private var used: [String: Int] = [:]

    mutating func anchor(for title: String) -> String {
        var words: [String] = []
        var word = ""
        for character in title.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        let base = words.isEmpty ? "section" : words.joined(separator: "-")
        let count = used[base, default: 0]
        used[base] = count + 1
        return count == 0 ? base : "\(base)-\(count + 1)"
    }
}

extension String {
    /// The same text with every CRLF and lone CR turned into LF.
    func replacingLineEndingsWithNewlines() -> String {
        guard contains("\r") else { return self }
        // "\r\n" is a single Character in Swift, so this handles both forms in one pass.
        return String(map { $0 == "\r\n" || $0 == "\r" ? "\n" : $0 })
    }
}
