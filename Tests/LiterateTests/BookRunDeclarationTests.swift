import Testing
@testable import Literate

/// A chapter's ```sh book-run block: the arguments the book runs its program with, read
/// by the parser, refused with a located one-line diagnostic when malformed, and tangled
/// into the program so that its claims bind for exactly those arguments.
@Suite struct BookRunDeclarationTests {
    func chapter(_ declaration: String, cells: String = "```swift\nprint(1)\n```\n") -> String {
        "# T\n\nProse.\n\n\(declaration)\n\n\(cells)"
    }

    func diagnostics(_ source: String) -> [String] {
        do {
            _ = try Chapter(path: "chapters/12-t.md", source: source)
            return []
        } catch {
            return error.all.map(\.description)
        }
    }

    @Test func aChapterWithoutTheBlockRunsWithNoArguments() throws {
        let parsed = try Chapter(path: "chapters/12-t.md", source: "# T\n\n```sh\nswift run ch12 --hidden 8\n```\n\n```swift\nprint(1)\n```\n")
        #expect(parsed.runArguments == [])
        #expect(parsed.runCommand == "swift run -c release ch12")
    }

    @Test func theBlockGivesTheArgumentsAndStaysProse() throws {
        let parsed = try Chapter(path: "chapters/12-t.md", source: chapter("```sh book-run\nswift run -c release ch12 --real-corpora --steps 300\n```"))
        #expect(parsed.runArguments == ["--real-corpora", "--steps", "300"])
        #expect(parsed.runCommand == "swift run -c release ch12 --real-corpora --steps 300")
        #expect(parsed.cells.count == 1)
        let prose = parsed.blocks.compactMap { block -> String? in
            if case .prose(let text) = block { text.markdown } else { nil }
        }.joined()
        #expect(prose.contains("```sh book-run\nswift run -c release ch12 --real-corpora --steps 300\n```"), "the page shows the command")
    }

    @Test func malformedDeclarationsAreLocatedOneLiners() {
        let cases: [(String, String)] = [
            ("```bash book-run\nswift run -c release ch12 --x\n```", "is fenced ```sh book-run, got ```bash book-run"),
            ("```sh book-run\nswift run ch12 --x\n```", "the book's run is a release build"),
            ("```sh book-run\nswift run -c release ch11 --x\n```", "this chapter's program is ch12, not ch11"),
            ("```sh book-run\nswift run -c release ch12 --x\nswift run -c release ch12 --y\n```", "found 2 lines"),
            ("```sh book-run\n```", "found 0 lines"),
            ("```sh book-run\nswift run -c release ch12 --seed 3\n```", "the book chooses the seed"),
            ("```sh book-run\nswift run -c release ch12 -- --x\n```", "without a `--`"),
            ("```sh book-run\nswift run -c release ch12 --data \"my file\"\n```", "contains \"\"\""),
            ("```sh book-run\nswift run -c release ch12 --x;rm\n```", "contains \";\""),
        ]
        for (declaration, expected) in cases {
            let found = diagnostics(chapter(declaration))
            #expect(found.count == 1, "\(declaration)")
            #expect(found.first?.hasPrefix("chapters/12-t.md:5: error: ") == true && found.first?.contains(expected) == true, "\(found)")
        }
    }

    @Test func oneDeclarationPerChapterAndOnlyWithAProgram() {
        let twice = diagnostics(chapter("```sh book-run\nswift run -c release ch12 --x\n```\n\n```sh book-run\nswift run -c release ch12 --y\n```"))
        #expect(twice == ["chapters/12-t.md:9: error: the chapter declares the book's run twice (first at line 5): keep one ```sh book-run block"])
        let proseOnly = diagnostics(chapter("```sh book-run\nswift run -c release ch12 --x\n```", cells: ""))
        #expect(proseOnly.count == 1 && proseOnly[0].hasPrefix("chapters/12-t.md:5: error: a ```sh book-run block declares"))
        let inList = diagnostics(chapter("- item\n\n  ```sh book-run\n  swift run -c release ch12 --x\n  ```"))
        #expect(inList.count == 1 && inList[0].contains("must not be inside a list"), "\(inList)")
    }

    @Test func theProgramKnowsItsBookArguments() throws {
        let declared = try Chapter(path: "chapters/12-t.md", source: chapter("```sh book-run\nswift run -c release ch12 --real-corpora\n```"))
        let program = Tangler.program(for: declared)
        let setting = program.range(of: "Notebook.bookArguments = [\"--real-corpora\"]\n")
        let firstCell = program.range(of: "Notebook.beginCell(0")
        #expect(setting != nil && firstCell != nil && setting!.lowerBound < firstCell!.lowerBound, "set before any cell runs")
        let plain = try Chapter(path: "chapters/12-t.md", source: "# T\n\n```swift\nprint(1)\n```\n")
        #expect(!Tangler.program(for: plain).contains("bookArguments"), "programs without a declaration are tangled as before")
    }
}
