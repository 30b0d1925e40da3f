import Foundation
import Testing
@testable import Literate

/// The promise of `#sourceLocation`: when a reader's cell is wrong, the compiler names the
/// line of the Markdown file, not a line of generated Swift.
@Suite(.serialized) struct SourceLocationTests {
    /// Stands in for the Notebook module, so a tangled program compiles on its own.
    let notebookStub = "enum Notebook { static func beginCell(_ index: Int, line: Int) { print(\"[cell \\(index)]\") }; static func finish() {} }\n"

    @Test func typeErrorInProgramCellPointsAtTheChapter() throws {
        let chapter = try Chapter(path: "chapters/01-planted.md", source: "# Planted\n\nSome words.\n\n```swift\nlet fine = 1\nlet broken: Int = \"not a number\"\n```\n")
        let result = try Compiler.compile(
            ["main.swift": Tangler.program(for: chapter, imports: []), "Notebook.swift": notebookStub],
            arguments: ["-typecheck"]
        )
        #expect(result.status != 0)
        #expect(result.output.contains("chapters/01-planted.md:7:"), "compiler said: \(result.output)")
    }

    @Test func libraryCellThatDoesNotCompilePointsAtTheChapter() throws {
        let chapter = try Chapter(path: "chapters/02-lib.md", source: "# Lib\n\n```swift lib\npublic func good() -> Int { 1 }\n```\n\nProse.\n\n```swift lib\npublic func bad() -> Int { \"one\" }\n```\n")
        let result = try Compiler.compile(["Library.swift": Tangler.library(for: chapter)], arguments: ["-typecheck", "-parse-as-library"])
        #expect(result.status != 0)
        #expect(result.output.contains("chapters/02-lib.md:10:"), "compiler said: \(result.output)")
    }

    @Test func runtimeTrapPointsAtTheChapter() throws {
        let chapter = try Chapter(path: "chapters/03-trap.md", source: "# Trap\n\n```swift\nlet xs = [1, 2, 3]\nlet i = xs.count + Int(CommandLine.arguments.count)\nprecondition(i < xs.count, \"index past the end\")\n```\n")
        let result = try Compiler.compile(["main.swift": Tangler.program(for: chapter, imports: []), "Notebook.swift": notebookStub], arguments: [], run: true)
        #expect(result.status != 0)
        // Traps name `#fileID`, which is the module and the file's name: `ch03/03-trap.md:6`.
        #expect(result.output.contains("/03-trap.md:6: Precondition failed"), "program said: \(result.output)")
    }

    @Test func exercisesBuildTheReadersVersionOnlyWhenAsked() throws {
        let chapter = try Chapter(path: "chapters/04-ex.md", source: """
            # Exercises

            ```swift
            print("before")
            ```

            ```swift exercise=4.1
            let derivative = "reader"
            ```

            ```swift norun
            undefinedFunction(42) // parses, would not type-check
            ```

            ```swift solution=4.1
            let derivative = "solution"
            ```

            ```swift
            print(derivative)
            ```
            """)
        let files = ["main.swift": Tangler.program(for: chapter, imports: []), "Notebook.swift": notebookStub]
        let solution = try Compiler.compile(files, arguments: [], run: true)
        #expect(solution.output == "[cell 0]\nbefore\n[cell 1]\n[cell 4]\nsolution\n")
        let exercise = try Compiler.compile(files, arguments: ["-DEXERCISES"], run: true)
        #expect(exercise.output == "[cell 0]\nbefore\n[cell 1]\n[cell 4]\nreader\n")
    }

    @Test func norunCellsMustStillParse() throws {
        let chapter = try Chapter(path: "chapters/05-norun.md", source: "# N\n\n```swift norun\nlet = 5\n```\n")
        let result = try Compiler.compile(["main.swift": Tangler.program(for: chapter, imports: []), "Notebook.swift": notebookStub], arguments: ["-typecheck"])
        #expect(result.status != 0)
        #expect(result.output.contains("chapters/05-norun.md:4:"), "compiler said: \(result.output)")
    }
}
