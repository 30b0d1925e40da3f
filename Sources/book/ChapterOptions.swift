import ArgumentParser
import CommandLineSupport
import Foundation
import Literate
import Site

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

/// How `book site` and `book verify` build and run the chapters.
struct ChapterRunOptions: ParsableArguments {
    @Option(help: "SwiftPM's build folder for the release builds of the chapters.")
    var scratchPath: String = ".build"

    @Option(help: "Seconds a chapter may run before it counts as failed.", range: 1...86_400)
    var timeout: Double = 900
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// `swift --version`, which every cached run is keyed by, or one line and exit 1.
func toolchainVersionOrExit() throws -> String {
    do {
        return try SiteBuilder.toolchainVersion()
    } catch {
        printError("error: cannot run `swift --version`: \(error)")
        throw ExitCode.failure
    }
}
