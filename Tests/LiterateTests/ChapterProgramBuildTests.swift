import Foundation
@testable import ProgramRunner
import Testing

/// `ChapterProgram` is the one description of how a chapter is built and run; the site,
/// `book exercise`, `book solutions` and `book verify` all use it.
@Suite struct ChapterProgramBuildTests {
    let root = URL(fileURLWithPath: "/tmp/book")

    @Test func theReadersAnswersBuildApartWithExercisesDefined() {
        let program = ChapterProgram(target: "ch04", packageRoot: root, release: false, answers: .exercises)
        #expect(program.buildArguments == ["build", "-c", "debug", "--product", "ch04", "--scratch-path", ".build-exercises", "-Xswiftc", "-DEXERCISES"])
        #expect(program.executable.path == "/tmp/book/.build-exercises/debug/ch04")
    }

    @Test func theSolutionsBuildInTheNormalFolder() {
        let program = ChapterProgram(target: "ch06", packageRoot: root, release: true)
        #expect(program.buildArguments == ["build", "-c", "release", "--product", "ch06", "--scratch-path", ".build"])
        #expect(program.executable.path == "/tmp/book/.build/release/ch06")
        let elsewhere = ChapterProgram(target: "ch06", packageRoot: root, release: true, scratchPath: "/scratch/site")
        #expect(elsewhere.executable.path == "/scratch/site/release/ch06")
    }

    @Test func aFailedBuildKeepsTheCompilersErrorLines() {
        let failure = ChapterProgram.BuildFailure(command: "swift build", output: "Compiling\nchapters/04-x.md:12:5: error: cannot find 'h' in scope\nnote: here\n")
        #expect(failure.errorLines == "chapters/04-x.md:12:5: error: cannot find 'h' in scope")
        #expect(failure.description.hasPrefix("`swift build` failed\n"))
    }
}
