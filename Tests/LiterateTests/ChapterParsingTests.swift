import Testing
@testable import Literate

/// The parser's rules: what a chapter is made of, and where it says so.
@Suite struct ChapterParsingTests {
    let chapter = """
        # One recurrent cell

        Some prose with $`W_{hh} h_{t-1}`$ in it.

        ## Shapes, once and for all

        ```swift hide
        import Foundation
        ```

        ```swift
        let h = tanh(0.5)
        print(h)
        ```

        ```swift lib
        public let answer = 42
        ```

        ```text
        not a cell
        ```

        ## Exercise

        ```swift exercise=1.1
        let guess = 0
        ```

        ```swift solution=1.1
        let guess = 1
        ```

        ```swift norun
        while true {}
        ```
        """

    @Test func readsTitleSectionsAndCells() throws {
        let parsed = try Chapter(path: "chapters/01-the-cell.md", source: chapter)
        #expect(parsed.title == "One recurrent cell")
        #expect(parsed.number == "01")
        #expect(parsed.slug == "the-cell")
        #expect(parsed.targetName == "ch01")
        #expect(parsed.sections.map(\.title) == ["Shapes, once and for all", "Exercise"])
        #expect(parsed.sections.map(\.anchor) == ["shapes-once-and-for-all", "exercise"])
        #expect(parsed.cells.map(\.kind) == [.hidden, .run, .library, .exercise(id: "1.1"), .solution(id: "1.1"), .noRun])
        #expect(parsed.cells.map(\.fenceLine) == [7, 11, 16, 26, 30, 34])
        #expect(parsed.cells[1].code == "let h = tanh(0.5)\nprint(h)\n")
        #expect(parsed.cells.map(\.index) == Array(0..<6))
        #expect(parsed.exerciseIDs == ["1.1"])
    }

    @Test func otherLanguagesAreProse() throws {
        let parsed = try Chapter(path: "chapters/01-the-cell.md", source: chapter)
        let prose = parsed.blocks.compactMap { block -> Prose? in
            if case .prose(let prose) = block { prose } else { nil }
        }
        #expect(prose.contains { $0.markdown.contains("```text\nnot a cell\n```") })
        #expect(prose.first?.firstLine == 1)
    }

    @Test func mathComesThroughByteForByte() throws {
        let inline = "$`W_{hh} h_{t-1} + \\frac{a*b}{c*d}`$"
        let display = "```math\n\\begin{aligned} h_t &= \\tanh(x_t W_{xh}) \\\\\n y_t &= h_t W_{hy} \\end{aligned}\n```"
        let source = "# Math\n\nInline \(inline) here.\n\n\(display)\n\n```swift\nprint(1)\n```\n"
        let parsed = try Chapter(path: "chapters/02-math.md", source: source)
        guard case .prose(let before) = parsed.blocks[0] else {
            Issue.record("expected prose first")
            return
        }
        #expect(before.markdown.contains(inline))
        #expect(before.markdown.contains(display))
    }

    @Test func proseOnlyChapterHasNoTarget() throws {
        let parsed = try Chapter(path: "chapters/00-reading.md", source: "# Reading this book\n\nJust words.\n\n```sh\nswift run ch01\n```\n")
        #expect(parsed.cells.isEmpty)
        #expect(parsed.targetName == nil)
    }

    @Test func crlfLineEndingsKeepLinesAndLoseCarriageReturns() throws {
        let unix = try Chapter(path: "chapters/01-the-cell.md", source: chapter)
        let windows = try Chapter(path: "chapters/01-the-cell.md", source: chapter.replacingOccurrences(of: "\n", with: "\r\n"))
        let oldMac = try Chapter(path: "chapters/01-the-cell.md", source: chapter.replacingOccurrences(of: "\n", with: "\r"))
        for other in [windows, oldMac] {
            #expect(other.cells.map(\.fenceLine) == unix.cells.map(\.fenceLine))
            #expect(other.cells.map(\.code) == unix.cells.map(\.code))
            #expect(!other.cells.contains { $0.code.contains("\r") })
        }
    }

    @Test func nonASCIIProseAndIdentifiers() throws {
        let source = "# Über Zustände — état caché 隠れ状態\n\nProse: naïve café, ∂L/∂h.\n\n```swift\nlet état = 1.0\nlet 隠れ = état * 2\nprint(隠れ)\n```\n"
        let parsed = try Chapter(path: "chapters/03-etat.md", source: source)
        #expect(parsed.title == "Über Zustände — état caché 隠れ状態")
        #expect(parsed.cells[0].code == "let état = 1.0\nlet 隠れ = état * 2\nprint(隠れ)\n")
        #expect(parsed.cells[0].fenceLine == 5)
    }
}

/// Every bad input gets one line naming the file and line.
@Suite struct ChapterDiagnosticsTests {
    func diagnostics(_ source: String, path: String = "chapters/04-bptt.md") -> [String] {
        do {
            _ = try Chapter(path: path, source: source)
            return []
        } catch {
            return error.all.map(\.description)
        }
    }

    /// cmark replaces a NUL byte with U+FFFD without a word; the chapter would compile a
    /// different program from the one in the file.
    @Test func nulByteIsAnErrorWithItsLine() {
        let found = diagnostics("# T\n\nprose\n\n```swift\nprint(\"a\u{0}b\")\n```\n")
        #expect(found == ["chapters/04-bptt.md:6: error: a NUL byte (U+0000): chapters are text; remove it"])
    }

    @Test func unknownAttribute() {
        let found = diagnostics("# T\n\ntext\n\n```swift nrun\nprint(1)\n```\n")
        #expect(found == ["chapters/04-bptt.md:5: error: unknown cell attribute \"nrun\" (known: lib, hide, norun, exercise=ID, solution=ID)"])
    }

    @Test func twoAttributes() {
        let found = diagnostics("# T\n\n```swift lib hide\nprint(1)\n```\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("chapters/04-bptt.md:3: error: a cell takes at most one attribute"))
    }

    @Test func badExerciseID() {
        let found = diagnostics("# T\n\n```swift exercise=\n```\n")
        #expect(found.first?.hasPrefix("chapters/04-bptt.md:3: error: exercise id \"\"") == true)
    }

    @Test func unclosedFence() {
        let found = diagnostics("# T\n\nprose\n\n```swift\nprint(1)\n\nmore prose that was swallowed\n")
        #expect(found == ["chapters/04-bptt.md:5: error: code fence opened here is never closed: add a line '```' after the code"])
    }

    @Test func unclosedFenceInOtherLanguageToo() {
        let found = diagnostics("# T\n\n~~~~text\nx\n~~~\n")
        #expect(found == ["chapters/04-bptt.md:3: error: code fence opened here is never closed: add a line '~~~~' after the code"])
    }

    @Test func closedFencesAreFine() {
        #expect(diagnostics("# T\n\n````swift\nprint(1)\n`````\n\n~~~\nx\n~~~\n") == [])
    }

    @Test func twoSolutionsForOneExercise() {
        let found = diagnostics("# T\n\n```swift exercise=4.1\n```\n\n```swift solution=4.1\n```\n\n```swift solution=4.1\n```\n")
        #expect(found == ["chapters/04-bptt.md:9: error: exercise 4.1 has two solutions (the first at line 6)"])
    }

    @Test func exerciseWithoutSolution() {
        let found = diagnostics("# T\n\n```swift exercise=4.2\nlet x = 1\n```\n")
        #expect(found == ["chapters/04-bptt.md:3: error: exercise 4.2 has no solution: add a cell fenced ```swift solution=4.2"])
    }

    @Test func solutionWithoutExercise() {
        let found = diagnostics("# T\n\n```swift solution=4.3\nlet x = 1\n```\n")
        #expect(found == ["chapters/04-bptt.md:3: error: solution 4.3 has no exercise: add a cell fenced ```swift exercise=4.3"])
    }

    @Test func swiftCellInsideAList() {
        let found = diagnostics("# T\n\n- item\n\n  ```swift\n  print(1)\n  ```\n")
        #expect(found == ["chapters/04-bptt.md:5: error: a Swift cell must not be inside a list or block quote: move the fence to the start of a line"])
    }

    @Test func missingTitle() {
        let found = diagnostics("Just prose.\n")
        #expect(found == ["chapters/04-bptt.md:1: error: a chapter starts with its title as a first-level heading: '# Title'"])
    }

    @Test func badFileName() {
        let found = diagnostics("# T\n", path: "chapters/bptt.md")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("chapters/bptt.md: error: a chapter's file name must be NN-slug.md"))
    }

    @Test func everyProblemIsReportedInLineOrder() {
        let found = diagnostics("# T\n\n```swift wat\n```\n\n```swift exercise=9\n```\n\n```swift\n")
        #expect(found.count == 3)
        #expect(found.map { $0.split(separator: ":")[1] } == ["3", "6", "9"])
    }
}

@Test func valueReferencesAreFoundInProseOnly() throws {
    let markdown = """
        The loss is {{loss}} and T = {{T=4}}; braces {{ like this }} are text.
        Code spans are code: `{{notA}}` and ``{{notB}}``.

        ```sh
        echo {{notC}}
        ```

        After the fence, {{after.fence-1_x}}, and in math $`B = {{batch}}`$.
        """
    let references = ValueReference.scan(markdown, firstLine: 10)
    #expect(references == [
        ValueReference(key: "loss", expected: nil, line: 10),
        ValueReference(key: "T", expected: "4", line: 10),
        ValueReference(key: "after.fence-1_x", expected: nil, line: 17),
        ValueReference(key: "batch", expected: nil, line: 17, isInMath: true),
    ])
}
