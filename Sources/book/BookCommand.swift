import ArgumentParser
import CommandLineSupport
import Foundation

/// `swift run book …`: the reader's and the author's tool for the book as a whole.
@main
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Work with Unrolled, the book: list its chapters, check them, see the Swift they become.",
        subcommands: [ListChapters.self, CheckBook.self, ShowTangled.self, CheckExercise.self, CheckSolutions.self, BuildSite.self, VerifyClaims.self, GradCheck.self, CorpusCommand.self, DataCommand.self, SampleCommand.self]
    )

    /// Parsed as every program of the book is: one leading `--` ignored, bad input one line.
    static func main() {
        lineBufferStandardOutput()
        runCommandLine()
    }
}
