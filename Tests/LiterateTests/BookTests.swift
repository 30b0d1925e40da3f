import Foundation
import Testing
@testable import Literate

@Suite struct BookTests {
    func problems(_ files: [String: String]?) throws -> [String] {
        let book = try TemporaryBook(files)
        defer { book.remove() }
        do {
            _ = try Book.load(from: book.chapters)
            return []
        } catch {
            return error.all.map(\.description)
        }
    }

    @Test func missingChaptersFolder() throws {
        #expect(try problems(nil) == ["chapters/: error: no chapters folder: the book's Markdown lives in chapters/NN-slug.md"])
    }

    @Test func emptyChaptersFolder() throws {
        #expect(try problems([:]) == ["chapters/: error: the chapters folder has no chapters: add one as chapters/01-slug.md"])
    }

    @Test func chaptersAreSortedAndOtherFilesIgnored() throws {
        let folder = try TemporaryBook(["02-b.md": "# B\n", "01-a.md": "# A\n", "notes.txt": "not a chapter"])
        defer { folder.remove() }
        let book = try Book.load(from: folder.chapters)
        #expect(book.chapters.map(\.title) == ["A", "B"])
        #expect(book.chapter(named: "2")?.title == "B")
        #expect(book.chapter(named: "ch01")?.title == "A")
        #expect(book.chapter(named: "02-b.md")?.title == "B")
        #expect(book.chapter(named: "7") == nil)
    }

    @Test func problemsInSeveralChaptersAreAllReported() throws {
        let found = try problems([
            "01-a.md": "# A\n\n```swift bogus\n```\n",
            "02-b.md": "no title\n",
        ])
        #expect(found == [
            "chapters/01-a.md:3: error: unknown cell attribute \"bogus\" (known: lib, hide, norun, exercise=ID, solution=ID)",
            "chapters/02-b.md:1: error: a chapter starts with its title as a first-level heading: '# Title'",
        ])
    }

    @Test func exerciseIDsAreUniqueAcrossTheBook() throws {
        let pair = "```swift exercise=1.1\n```\n\n```swift solution=1.1\n```\n"
        let found = try problems(["01-a.md": "# A\n\n" + pair, "02-b.md": "# B\n\n" + pair])
        #expect(found == ["chapters/02-b.md:3: error: exercise id 1.1 is also used in chapters/01-a.md"])
    }

    @Test func twoChaptersWithOneNumber() throws {
        let found = try problems(["01-a.md": "# A\n", "01-b.md": "# B\n"])
        #expect(found == ["chapters/01-b.md: error: chapter number 01 is also used by chapters/01-a.md"])
    }

    @Test func chapterWithCellsNeedsATargetFolder() throws {
        let folder = try TemporaryBook(["00-words.md": "# Words\n", "01-code.md": "# Code\n\n```swift\nprint(1)\n```\n"])
        defer { folder.remove() }
        let book = try Book.load(from: folder.chapters)
        let problems = book.layoutProblems(packageRoot: folder.root).map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("chapters/01-code.md: error: has Swift cells, so it needs the folder Sources/Chapters/ch01/") == true)
        try folder.addTargetFolder("ch01")
        #expect(book.layoutProblems(packageRoot: folder.root).isEmpty)
    }
}

@Suite struct ManifestListTests {
    @Test func readsTheChapterNumbersOfAManifest() {
        let manifest = "import PackageDescription\n\nlet chapterNumbers = [\"00\", \"01\",\n    \"A\"]\nlet package = Package(name: \"x\")\n"
        #expect(Book.declaredChapterNumbers(inManifest: manifest) == ["00", "01", "A"])
        #expect(Book.declaredChapterNumbers(inManifest: "let package = Package(name: \"x\")") == nil)
    }

    @Test func chaptersAndTheManifestMustAgree() throws {
        let folder = try TemporaryBook(["01-code.md": "# Code\n\n```swift\nprint(1)\n```\n", "02-words.md": "# Words\n"])
        defer { folder.remove() }
        try folder.addTargetFolder("ch01")
        try "let chapterNumbers = [\"02\"]\n".write(to: folder.root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let book = try Book.load(from: folder.chapters)
        #expect(book.layoutProblems(packageRoot: folder.root).map(\.description) == [
            "chapters/01-code.md: error: has Swift cells, so Package.swift's chapterNumbers must list \"01\"",
            "Package.swift: error: chapterNumbers lists \"02\", but no chapter 02 with Swift cells exists",
        ])
        try "let chapterNumbers = [\"01\"]\n".write(to: folder.root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        #expect(book.layoutProblems(packageRoot: folder.root).isEmpty)
    }
}
