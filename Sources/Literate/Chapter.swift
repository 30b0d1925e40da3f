/// A chapter of the book, read from `chapters/NN-slug.md`: its title, sections, and the
/// prose and Swift cells in the order they appear.
///
/// This is the model every later stage works from: the tangler turns its cells into
/// Swift, the site weaves its prose and outputs into HTML. It knows nothing about either.
public struct Chapter: Sendable {
    /// The path as a reader sees it and as diagnostics print it, e.g. `chapters/01-the-recurrent-cell.md`.
    public var path: String
    /// The number in the file name: "01", or a letter for an appendix ("A").
    public var number: String
    /// The file name without number and extension: "the-recurrent-cell".
    public var slug: String
    /// The text of the first `# Heading`.
    public var title: String
    /// The `##` and `###` headings, for the table of contents and anchors.
    public var sections: [Section]
    /// Prose and cells, in the order of the file.
    public var blocks: [Block]
    /// The arguments the book runs the chapter's program with (the site, `book verify`):
    /// none, unless the chapter declares them in a ```` ```sh book-run ```` block
    /// (``BookRunDeclaration``). The program's claims are binding for exactly these, or none.
    public var runArguments: [String] = []

    public enum Block: Sendable {
        case prose(Prose)
        case cell(Cell)
    }

    public var cells: [Cell] {
        blocks.compactMap { block in
            if case .cell(let cell) = block { cell } else { nil }
        }
    }

    /// The name of the chapter's executable (`swift run ch01`); `nil` for a chapter of prose
    /// only, which the build skips.
    public var targetName: String? {
        cells.isEmpty ? nil : Chapter.targetName(forNumber: number)
    }

    /// Exercise ids in the order the exercises appear.
    public var exerciseIDs: [String] {
        cells.compactMap { cell in
            if case .exercise(let id) = cell.kind { id } else { nil }
        }
    }

    /// The solution cell for an exercise id.
    public func solution(for id: String) -> Cell? {
        cells.first { $0.kind == .solution(id: id) }
    }

    /// The command that reproduces the book's run of the chapter, as a reader types it:
    /// `swift run -c release ch12 --real-corpora`; `nil` for a chapter of prose only.
    public var runCommand: String? {
        targetName.map { (["swift", "run", "-c", "release", $0] + runArguments).joined(separator: " ") }
    }

    /// `ch01` for chapter `01`: executable names must start with a letter.
    public static func targetName(forNumber number: String) -> String {
        "ch" + number
    }
}

/// Markdown between two cells, kept byte for byte (so TeX in it is untouched).
public struct Prose: Sendable {
    public var markdown: String
    /// Line of the prose's first line in the chapter file.
    public var firstLine: Int
}

/// A `##` or `###` heading.
public struct Section: Sendable, Equatable {
    public var title: String
    public var level: Int
    /// A URL fragment made from the title, unique within the chapter.
    public var anchor: String
    public var line: Int
}
