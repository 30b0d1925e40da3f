import ArgumentParser
import Foundation
import Literate

/// The `--chapters` option every subcommand shares, and loading the book from it.
struct ChapterOptions: ParsableArguments {
    @Option(help: "The folder of chapter Markdown files.")
    var chapters: String = "chapters"

    var folder: URL { URL(fileURLWithPath: chapters) }

    /// The package the chapters belong to: the folder above `chapters/`.
    var packageRoot: URL { folder.standardizedFileURL.deletingLastPathComponent() }

    /// Loads the book, or prints every problem with its location and exits 1.
    func loadBook() throws -> Book {
        do {
            return try Book.load(from: folder, displayName: chapters)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
