/// Turns a chapter's cells into Swift source ("tangling", in Knuth's word).
///
/// Every cell is preceded by `#sourceLocation(file:line:)`, so the compiler's errors and
/// the runtime's traps name the Markdown line the reader wrote, not the generated file.
public enum Tangler {
    /// The chapter's `main.swift`: its `swift`, `hide`, exercise and solution cells in order.
    ///
    /// Before each cell the program calls `Notebook.beginCell`, which lets the site builder
    /// file what the cell prints under it. An exercise and its solution are compiled in the
    /// exercise's place as `#if EXERCISES` (the reader's version) `#else` (the solution).
    /// `norun` cells sit inside `#if false`: the compiler parses them, so a typo is still
    /// caught, but never type-checks or runs them.
    ///
    /// - Parameter imports: the modules every chapter program sees; tests that compile a
    ///   program on its own pass none and define `Notebook` themselves.
    public static func program(for chapter: Chapter, imports: [String] = ["Notebook", "Unrolled"]) -> String {
        var out = header(for: chapter, purpose: "the program `swift run \(chapter.targetName ?? "")` runs")
        out += imports.map { "import \($0)\n" }.joined() + "\n"
        if !chapter.runArguments.isEmpty {
            // The chapter's ```sh book-run block: run with these, its claims are binding.
            out += "Notebook.bookArguments = [\(chapter.runArguments.map { "\"\($0)\"" }.joined(separator: ", "))]\n\n"
        }
        for cell in chapter.cells {
            switch cell.kind {
            case .run, .hidden:
                out += "Notebook.beginCell(\(cell.index), line: \(cell.fenceLine))\n"
                out += located(cell, in: chapter)
            case .noRun:
                out += "#if false // swift norun: parsed, never run\n"
                out += located(cell, in: chapter)
                out += "#endif\n"
            case .exercise(let id):
                out += "Notebook.beginCell(\(cell.index), line: \(cell.fenceLine))\n"
                out += "#if EXERCISES // exercise \(id): the reader's version\n"
                out += located(cell, in: chapter)
                if let solution = chapter.solution(for: id) {
                    out += "#else // exercise \(id): the book's solution\n"
                    out += located(solution, in: chapter)
                }
                out += "#endif\n"
            case .solution, .library:
                break  // Solutions go in their exercise's place; library cells go to the library.
            }
            out += "\n"
        }
        out += "Notebook.finish()  // exit status 1 if a claim about the run failed\n"
        return out
    }

    /// The chapter's share of the `Unrolled` library: its `swift lib` cells in order.
    public static func library(for chapter: Chapter) -> String {
        var out = header(for: chapter, purpose: "the chapter's `swift lib` cells, compiled into the Unrolled library")
        for cell in chapter.cells where cell.kind == .library {
            out += located(cell, in: chapter) + "\n"
        }
        return out
    }

    private static func header(for chapter: Chapter, purpose: String) -> String {
        "// Generated from \(chapter.path) by `tangle`: \(purpose).\n// Edit the chapter, not this file.\n\n"
    }

    private static func located(_ cell: Cell, in chapter: Chapter) -> String {
        var code = cell.code
        if !code.isEmpty, !code.hasSuffix("\n") { code += "\n" }
        return "#sourceLocation(file: \"\(chapter.path)\", line: \(cell.firstCodeLine))\n" + code + "#sourceLocation()\n"
    }
}
