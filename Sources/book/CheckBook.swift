import ArgumentParser
import Literate

/// `book check`: every chapter parses and tangles, and the package can build each one.
struct CheckBook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that every chapter parses and tangles; report all problems as FILE:LINE.",
        discussion: "Exits 1 if anything is wrong. The compiler checks the Swift itself during `swift build`."
    )

    @OptionGroup var options: ChapterOptions

    func run() throws {
        let book = try options.loadBook()
        let problems = book.layoutProblems(packageRoot: options.packageRoot)
        guard problems.isEmpty else {
            printError(Diagnostics(problems).description)
            throw ExitCode.failure
        }
        var lines = 0
        for chapter in book.chapters {
            lines += Tangler.program(for: chapter).split(separator: "\n").count
            lines += Tangler.library(for: chapter).split(separator: "\n").count
        }
        let cells = book.chapters.map(\.cells.count).reduce(0, +)
        let exercises = book.chapters.map(\.exerciseIDs.count).reduce(0, +)
        print("\(book.chapters.count) chapters, \(cells) cells, \(exercises) exercises: all parse and tangle (\(lines) lines of Swift).")
    }
}
