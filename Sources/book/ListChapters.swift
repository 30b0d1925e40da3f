import ArgumentParser
import Literate

/// `book list`: the table of contents, with the command that runs each chapter.
struct ListChapters: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the chapters, the command that runs each, and their exercises."
    )

    @OptionGroup var options: ChapterOptions

    func run() throws {
        let book = try options.loadBook()
        let titleWidth = book.chapters.map(\.title.count).max() ?? 0
        for chapter in book.chapters {
            let run = chapter.targetName.map { "swift run \($0)" } ?? "(prose only)"
            var line = chapter.number.padding(toLength: 4) + chapter.title.padding(toLength: titleWidth + 2) + run.padding(toLength: 16)
            if !chapter.exerciseIDs.isEmpty {
                line += "exercises " + chapter.exerciseIDs.joined(separator: ", ")
            }
            print(line.trimmingTrailingSpaces())
        }
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }

    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
