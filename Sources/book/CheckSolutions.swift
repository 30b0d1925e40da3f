import ArgumentParser
import Foundation
import Literate
import Notebook
import ProgramRunner

/// `book solutions`: the book's own answers must pass its own checks.
///
/// Builds every chapter that has exercises in release mode, runs each once, and requires
/// at least one verdict line per exercise and no FAIL among them.
struct CheckSolutions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solutions",
        abstract: "Check that the book's solution to every exercise passes its check.",
        discussion: "Runs each chapter with exercises once (release build). Exits 1 if any solution fails or prints no verdict."
    )

    @OptionGroup var options: ChapterOptions

    func run() throws {
        let book = try options.loadBook()
        let chapters = book.chapters.filter { !$0.exerciseIDs.isEmpty }
        var failures: [String] = []
        for chapter in chapters {
            guard let target = chapter.targetName else { continue }
            let program = ChapterProgram(target: target, packageRoot: options.packageRoot, release: true)
            do {
                try program.build()
            } catch let failure as ChapterProgram.BuildFailure {
                failures.append("\(chapter.path): does not build\n\(failure.errorLines)")
                continue
            }
            let started = Date()
            let result = try program.run()
            let output = (status: result.status, text: String(decoding: result.standardOutput, as: UTF8.self))
            let seconds = Date().timeIntervalSince(started)
            let lines = output.text.split(separator: "\n").map(String.init)
            if output.status != 0 {
                failures.append("\(chapter.path): \(target) exited with status \(output.status)")
            }
            for id in chapter.exerciseIDs {
                let verdicts = lines.compactMap { ExerciseCheck.verdict(in: $0, for: id) }
                let failed = verdicts.filter { !$0 }.count
                if verdicts.isEmpty {
                    failures.append("\(chapter.path): exercise \(id) printed no verdict")
                } else if failed > 0 {
                    let failedLines = lines.filter { ExerciseCheck.verdict(in: $0, for: id) == false }
                    failures.append("\(chapter.path): exercise \(id): \(failed) of \(verdicts.count) checks FAIL\n" + failedLines.map { "    " + $0 }.joined(separator: "\n"))
                }
                print("exercise \(id.padding(toLength: 6)) \(verdicts.isEmpty || failed > 0 ? "FAIL" : "PASS")  (\(verdicts.count) checks, \(target), \(String(format: "%.1f", seconds)) s)")
            }
        }
        guard failures.isEmpty else {
            printError(failures.map { "error: " + $0 }.joined(separator: "\n"))
            throw ExitCode.failure
        }
        print("all \(chapters.map(\.exerciseIDs.count).reduce(0, +)) exercises' solutions pass")
    }
}
