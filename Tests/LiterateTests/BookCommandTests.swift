import Foundation
import ProgramRunner
import Testing

/// `book check` as a reader runs it: exit 0 on a good book, 1 with locations on a bad one.
@Suite(.serialized) struct BookCommandTests {
    func check(_ book: TemporaryBook) throws -> Subprocess.Result {
        try Subprocess.run(try Subprocess.builtBeside("book").path, ["check", "--chapters", book.chapters.path])
    }

    @Test func goodBookPasses() throws {
        let book = try TemporaryBook(["00-words.md": "# Words\n", "01-code.md": "# Code\n\n```swift\nprint(1)\n```\n"])
        defer { book.remove() }
        try book.addTargetFolder("ch01")
        let result = try check(book)
        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("2 chapters, 1 cells, 0 exercises"))
    }

    @Test(arguments: [
        ("unclosed fence", "01-a.md", "# A\n\n```swift\nprint(1)\n", "01-a.md:3: error: code fence opened here is never closed"),
        ("unknown attribute", "01-a.md", "# A\n\n```swift nrun\n```\n", "01-a.md:3: error: unknown cell attribute \"nrun\""),
        ("two solutions", "01-a.md", "# A\n\n```swift exercise=1\n```\n\n```swift solution=1\n```\n\n```swift solution=1\n```\n", "01-a.md:9: error: exercise 1 has two solutions"),
        ("exercise without solution", "01-a.md", "# A\n\n```swift exercise=1\n```\n", "01-a.md:3: error: exercise 1 has no solution"),
        ("bad file name", "chapter-one.md", "# A\n", "chapter-one.md: error: a chapter's file name must be NN-slug.md"),
        ("cells but no target folder", "02-b.md", "# B\n\n```swift\n```\n", "02-b.md: error: has Swift cells, so it needs the folder Sources/Chapters/ch02/"),
    ])
    func brokenBookFails(_ name: String, _ file: String, _ markdown: String, _ expected: String) throws {
        let book = try TemporaryBook([file: markdown])
        defer { book.remove() }
        try book.addTargetFolder("ch01")
        let result = try check(book)
        #expect(result.status == 1, "\(name): \(result.text)")
        #expect(result.text.contains("\(book.chapters.path)/\(expected)"), "\(name): \(result.text)")
    }

    @Test func missingAndEmptyChapterFoldersFail() throws {
        let missing = try TemporaryBook(nil)
        defer { missing.remove() }
        let noFolder = try check(missing)
        #expect(noFolder.status == 1)
        #expect(noFolder.text.contains("error: no chapters folder"))

        let empty = try TemporaryBook([:])
        defer { empty.remove() }
        let noChapters = try check(empty)
        #expect(noChapters.status == 1)
        #expect(noChapters.text.contains("error: the chapters folder has no chapters"))
    }
}
