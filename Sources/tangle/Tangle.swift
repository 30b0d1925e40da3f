import ArgumentParser
import Foundation
import Literate

/// The tool the Tangle build plugin runs: one chapter in, one Swift file out.
///
/// On a bad chapter it prints compiler-style diagnostics (`chapters/x.md:12: error: …`)
/// and exits 1, which fails the build with the chapter's line in the log.
@main
struct Tangle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate Swift from a chapter's cells (run by the build plugin).",
        discussion: "Most readers want `swift run book tangle CHAPTER` instead, which prints the result."
    )

    enum Part: String, ExpressibleByArgument, CaseIterable {
        /// The chapter's executable: its `main.swift`.
        case program
        /// The chapter's `swift lib` cells, for the Unrolled library.
        case library
    }

    @Argument(help: "What to generate: program or library.")
    var part: Part

    @Argument(help: "The chapter's Markdown file.")
    var chapter: String

    @Option(help: "How errors and #sourceLocation name the chapter, e.g. chapters/01-the-recurrent-cell.md.")
    var displayPath: String?

    @Option(help: "Where to write the Swift file.")
    var output: String

    func run() throws {
        let displayPath = displayPath ?? chapter
        let source: String
        do {
            source = try String(contentsOfFile: chapter, encoding: .utf8)
        } catch {
            throw failure(Diagnostic(file: displayPath, line: nil, message: "cannot be read as UTF-8 text").description)
        }
        let parsed: Chapter
        do {
            parsed = try Chapter(path: displayPath, source: source)
        } catch {
            throw failure(error.description)
        }
        let swift = part == .program ? Tangler.program(for: parsed) : Tangler.library(for: parsed)
        // Write only when something changed, so the compiler's incremental build can skip it.
        let outputURL = URL(fileURLWithPath: output)
        if (try? String(contentsOf: outputURL, encoding: .utf8)) != swift {
            try swift.write(to: outputURL, atomically: true, encoding: .utf8)
        }
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return ExitCode.failure
    }
}
