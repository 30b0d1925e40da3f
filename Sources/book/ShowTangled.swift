import ArgumentParser
import Literate

/// `book tangle CHAPTER`: the Swift a chapter becomes, as the compiler sees it.
struct ShowTangled: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tangle",
        abstract: "Print the Swift generated from a chapter's cells."
    )

    @OptionGroup var options: ChapterOptions

    @Argument(help: "The chapter: its number (1 or 01), its target (ch01) or its file name.")
    var chapter: String

    @Flag(help: "Print the chapter's library cells (the part of the Unrolled library it defines) instead of its program.")
    var library = false

    func run() throws {
        let book = try options.loadBook()
        guard let found = book.chapter(named: chapter) else {
            printError("error: no chapter \"\(chapter)\"; `swift run book list` shows them all")
            throw ExitCode.failure
        }
        print(library ? Tangler.library(for: found) : Tangler.program(for: found), terminator: "")
    }
}
