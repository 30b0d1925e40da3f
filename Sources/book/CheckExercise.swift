import ArgumentParser
import Foundation
import Literate
import Notebook
import ProgramRunner

/// `book exercise 1.1`: builds the chapter with the reader's version of an exercise
/// (`-DEXERCISES`) and runs it, then reads the verdicts the chapter printed.
struct CheckExercise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Build a chapter with your answer to an exercise, run it, and report PASS or FAIL.",
        discussion: """
            Your answer is the exercise cell in the chapter's Markdown: edit it there. The chapter \
            is built with -DEXERCISES in its own build folder (.build-exercises), so your normal \
            build keeps the book's solutions. Exits 1 if any check fails.
            """
    )

    @OptionGroup var options: ChapterOptions

    @Argument(help: "The exercise id, as `book list` shows it (for example 1.1).")
    var id: String

    @Flag(help: "Check the book's solution instead of your version.")
    var solution = false

    func run() throws {
        let book = try options.loadBook()
        guard let chapter = book.chapter(withExercise: id), let target = chapter.targetName else {
            let known = book.chapters.flatMap(\.exerciseIDs).joined(separator: ", ")
            printError("error: no exercise \(id); the book has: \(known.isEmpty ? "none" : known)")
            throw ExitCode.failure
        }
        let program = ChapterProgram(target: target, packageRoot: options.packageRoot, release: false,
                                     answers: solution ? .solutions : .exercises)
        printError("Building \(target) with \(solution ? "the book's solution" : "your answer") to exercise \(id)…")
        do {
            try program.build()
        } catch let failure as ChapterProgram.BuildFailure {
            printError(failure.output)
            printError("error: \(chapter.path) does not build with your answer; the compiler's messages above point at its lines")
            throw ExitCode.failure
        }
        let result = try program.run()
        let output = (status: result.status, text: String(decoding: result.standardOutput, as: UTF8.self))
        print(output.text, terminator: "")
        FileHandle.standardError.write(result.standardError)

        let verdicts = output.text.split(separator: "\n").compactMap { ExerciseCheck.verdict(in: String($0), for: id) }
        guard output.status == 0 else {
            printError("error: \(target) stopped with status \(output.status) before it finished checking exercise \(id)")
            throw ExitCode.failure
        }
        guard !verdicts.isEmpty else {
            printError("error: \(target) printed no verdict for exercise \(id)")
            throw ExitCode.failure
        }
        let failed = verdicts.filter { !$0 }.count
        print("exercise \(id): \(verdicts.count - failed) of \(verdicts.count) checks passed")
        if failed > 0 { throw ExitCode.failure }
    }
}
