import Testing
@testable import Literate

@Suite struct TanglerTests {
    let source = """
        # T

        ```swift
        print("first")
        ```

        ```swift lib
        public func double(_ x: Int) -> Int { 2 * x }
        ```

        ```swift exercise=1.1
        let answer = 0 // your derivation here
        ```

        ```swift norun
        neverRuns()
        ```

        ```swift solution=1.1
        let answer = 42
        ```
        """

    @Test func programHasCellsInOrderWithLocations() throws {
        let chapter = try Chapter(path: "chapters/01-t.md", source: source)
        let program = Tangler.program(for: chapter)
        #expect(program.contains("import Notebook\nimport Unrolled\n"))
        #expect(program.contains("Notebook.beginCell(0, line: 3)\n#sourceLocation(file: \"chapters/01-t.md\", line: 4)\nprint(\"first\")\n#sourceLocation()\n"))
        #expect(!program.contains("double"), "library cells go to the library, not the program")
        #expect(program.contains("""
            Notebook.beginCell(2, line: 11)
            #if EXERCISES // exercise 1.1: the reader's version
            #sourceLocation(file: "chapters/01-t.md", line: 12)
            let answer = 0 // your derivation here
            #sourceLocation()
            #else // exercise 1.1: the book's solution
            #sourceLocation(file: "chapters/01-t.md", line: 20)
            let answer = 42
            #sourceLocation()
            #endif
            """))
        #expect(program.contains("#if false // swift norun: parsed, never run\n#sourceLocation(file: \"chapters/01-t.md\", line: 16)\nneverRuns()\n"))
        #expect(program.components(separatedBy: "let answer = 42").count == 2, "the solution is compiled once, in the exercise's place")
    }

    @Test func libraryHasOnlyLibraryCells() throws {
        let chapter = try Chapter(path: "chapters/01-t.md", source: source)
        let library = Tangler.library(for: chapter)
        #expect(library.contains("#sourceLocation(file: \"chapters/01-t.md\", line: 8)\npublic func double(_ x: Int) -> Int { 2 * x }\n#sourceLocation()\n"))
        #expect(!library.contains("print"))
        #expect(!library.contains("Notebook"))
    }

    @Test func proseOnlyChapterTanglesToNothingButAHeader() throws {
        let chapter = try Chapter(path: "chapters/00-words.md", source: "# Words\n\nOnly words.\n")
        #expect(!Tangler.library(for: chapter).contains("#sourceLocation"))
        #expect(!Tangler.program(for: chapter).contains("#sourceLocation"))
    }
}
