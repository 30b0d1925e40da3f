import Foundation
import Literate
import Testing
import Notebook
@testable import Site

@Test func chapterLinksPointAtPages() {
    let html = "<a href=\"03-the-echo-task.md#spikes\">x</a> <a href=\"chapters/02-m.md\">y</a> <a href=\"https://example.org/a.md\">z</a> <a href=\"#local\">w</a>"
    #expect(ProseRenderer.pointChapterLinksAtPages(html)
        == "<a href=\"03-the-echo-task.html#spikes\">x</a> <a href=\"02-m.html\">y</a> <a href=\"https://example.org/a.md\">z</a> <a href=\"#local\">w</a>")
}

@Test func inlineMathIsOnlyACodeSpanBetweenDollars() throws {
    let chapter = try Chapter(path: "chapters/01-x.md", source: "# X\n\nPrice $5 and `code` then $`a_1`$ and $`b`$.\n")
    let typesetter = Typesetter(script: URL(fileURLWithPath: "/unused"))
    var renderer = ProseRenderer(chapter: chapter, typesetter: typesetter)
    guard case .prose(let prose) = chapter.blocks[0] else { Issue.record("no prose"); return }
    let html = renderer.render(prose)
    #expect(typesetter.jobs.map(\.source) == ["a_1", "b"])
    #expect(typesetter.jobs.allSatisfy { !$0.display })
    #expect(html.contains("Price $5 and <code>code</code>"))
    #expect(typesetter.jobs[0].origin == "chapters/01-x.md:3")
}

@Test func displayMathAndEscapedTeX() throws {
    let chapter = try Chapter(path: "chapters/01-x.md", source: "# X\n\nText.\n\n```math\na < b \\quad \\text{and} \\quad c \\& d\n```\n")
    let typesetter = Typesetter(script: URL(fileURLWithPath: "/unused"))
    var renderer = ProseRenderer(chapter: chapter, typesetter: typesetter)
    for case .prose(let prose) in chapter.blocks { _ = renderer.render(prose) }
    #expect(typesetter.jobs.map(\.source) == ["a < b \\quad \\text{and} \\quad c \\& d\n"])
    #expect(typesetter.jobs.first?.display == true)
    #expect(typesetter.jobs.first?.origin == "chapters/01-x.md:6")
}

@Test func placeholdersAreFilledAndPrintedOnesAreNot() {
    let printed = HTML.escape("\u{E000}0\u{E001}")
    #expect(Typesetter.fill("a \u{E000}0\u{E001} b " + printed, with: ["<i>x</i>"]) == "a <i>x</i> b &#xE000;0&#xE001;")
}

@Test func runKeyIgnoresProseAndLineNumbers() throws {
    let one = try Chapter(path: "chapters/01-x.md", source: "# X\n\n```swift\nprint(1)\n```\n")
    let moved = try Chapter(path: "chapters/01-x.md", source: "# X\n\nMore prose.\n\nAnd more.\n\n```swift\nprint(1)\n```\n")
    let changed = try Chapter(path: "chapters/01-x.md", source: "# X\n\n```swift\nprint(2)\n```\n")
    func key(_ c: Chapter, toolchain: String = "t", library: [String: String] = [:]) -> String {
        RunKey.key(for: c, in: Book(chapters: [c]), sources: library, toolchain: toolchain)
    }
    #expect(key(one) == key(moved))
    #expect(key(one) != key(changed))
    #expect(key(one) != key(one, toolchain: "u"))
    #expect(key(one) != key(one, library: ["Sources/Unrolled/Matrix.swift": "struct Matrix {}"]))
}

@Test func transcriptFailuresNameTheLastCell() {
    let transcript = Data("\u{1E}unrolled-cell 0\nok\n\u{1E}unrolled-cell 3\n".utf8)
    #expect(Transcript.read(transcript).lastCell == 3)
    #expect(Transcript.read(Data("no markers".utf8)).lastCell == -1)
}

@Test func sanitizerKeepsDrawingAndDropsTheRest() throws {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" onload=\"x()\"><g fill=\"#fff\"><rect x=\"1\" style=\"a\" width=\"2\"><title>a &amp; b</title></rect></g><script>x()</script><image href=\"http://e/x.png\"/></svg>"
    #expect(try SVGSanitizer.sanitize(svg) == "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><g fill=\"#fff\"><rect x=\"1\" width=\"2\"><title>a &amp; b</title></rect></g></svg>")
    #expect(throws: (any Error).self) { try SVGSanitizer.sanitize("<html/>") }
}

/// Printed output goes on the page one `.line` per line, indentation apart, so the
/// stylesheet can wrap a long line under itself; the text is escaped.
@Test func outputLinesAreSpansWithTheirIndentation() {
    let html = PageRenderer.lineSpans("t=1 <x>\n    indented\n\nlast")
    #expect(html == "<span class=\"line\"><span class=\"indent\"></span><span class=\"text\">t=1 &lt;x&gt;</span></span>"
        + "<span class=\"line\"><span class=\"indent\">    </span><span class=\"text\">indented</span></span>"
        + "<span class=\"line\"><span class=\"indent\"></span><span class=\"text\"></span></span>"
        + "<span class=\"line\"><span class=\"indent\"></span><span class=\"text\">last</span></span>")
    #expect(!html.contains("\n"), "lines are blocks: a newline between them would show as an empty line")
}

