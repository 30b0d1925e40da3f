import Foundation
import Literate
import Notebook
import Testing
@testable import Site

/// A runner whose runs come from a closure, counting the chapters it ran.
final class ScriptedRunner: ChapterRunning, @unchecked Sendable {
    var calls: [String] = []
    let make: (Chapter, String) -> ChapterRun

    init(_ make: @escaping (Chapter, String) -> ChapterRun) {
        self.make = make
    }

    func run(_ chapter: Chapter, key: String) throws -> ChapterRun {
        calls.append(chapter.targetName ?? "?")
        return make(chapter, key)
    }
}

/// The prose shows the run's values, and the build fails where the prose and the run disagree.
@Suite(.serialized) struct RunValuesTests {
    static let chapter = """
        # Values

        The loss fell to {{loss}} after {{steps=400}} steps.
        In code, `{{loss}}` is left alone.

        ```swift
        print("run")
        ```

        """

    /// A run of the chapter above that recorded `values`.
    static func run(_ values: [String: String]) -> ScriptedRunner {
        ScriptedRunner { _, key in
            var transcript = Notebook.cellMarker(0) + "\nrun\n"
            for (key, value) in values { transcript += Transcript.valueMarker(key: key, value: value) + "\n" }
            return ChapterRun(key: key, transcript: Data(transcript.utf8))
        }
    }

    @Test func proseShowsTheRecordedValuesEscaped() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter)
        _ = try fixture.build(Self.run(["loss": "1.25 <b>", "steps": "400"]))
        let page = try fixture.page("03-values.html")
        #expect(page.contains("fell to <span class=\"run-value\" title=\"from this page's run\">1.25 &lt;b&gt;</span>"))
        #expect(page.contains("after <span class=\"run-value\" title=\"checked against this page's run\">400</span> steps"))
        #expect(page.contains("<code>{{loss}}</code>"))
    }

    @Test func thePageListsTheProgramsFlags() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter)
        let runner = ScriptedRunner { chapter, key in
            var run = Self.run(["loss": "1", "steps": "400"]).make(chapter, key)
            run.flags = "USAGE: ch03 [--steps <steps>]\n  --seed <seed> <fair & square>\n"
            return run
        }
        _ = try fixture.build(runner)
        let page = try fixture.page("03-values.html")
        #expect(page.contains("<details class=\"flags\"><summary>Its flags (<code>swift run ch03 --help</code>)</summary>"))
        #expect(page.contains("--seed &lt;seed&gt; &lt;fair &amp; square&gt;"))
    }

    /// A reading build shows both the prose's value and the run's and lists the line; a
    /// strict build fails on it.
    @Test func aValueThatDisagreesWithTheRunIsListedAtItsLine() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter)
        let report = try fixture.build(Self.run(["loss": "1.25", "steps": "300"]))
        #expect(report.valueProblems == ["chapters/03-values.md:3: claim failed: the prose says steps = 400, the run recorded 300"])
        #expect(try fixture.page("03-values.html").contains("400 [this run: 300]"))
        #expect(report.summary(strict: true, seconds: 0).fails)
    }

    @Test func aValueTheRunDidNotRecordIsListedAndAVisibleGap() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter)
        let report = try fixture.build(Self.run(["steps": "400"]))
        #expect(report.valueProblems.count == 1)
        #expect(report.valueProblems.first?.hasPrefix("chapters/03-values.md:3: error: the prose shows {{loss}}, which the run did not record") == true)
        #expect(try fixture.page("03-values.html").contains("<span class=\"run-value missing\">[loss: not recorded]</span>"))
        #expect(report.summary(strict: true, seconds: 0).fails)
        #expect(!report.summary(strict: false, seconds: 0).fails)
    }

    @Test func aValueInsideMathIsAnError() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter.replacingOccurrences(of: "In code,", with: "In math, $`B = {{steps}}`$, and in code,"))
        let error = #expect(throws: SiteBuilder.BuildError.self) {
            _ = try fixture.build(Self.run(["loss": "1.25", "steps": "400"]))
        }
        #expect(error?.description == "chapters/03-values.md:4: error: {{steps}} is inside math, which is typeset as written; put it outside the $`…`$")
    }

    @Test func aFailedClaimNamesItsLineAndShowsUnderItsCell() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-values.md", Self.chapter)
        let claimLine = "chapters/03-values.md:7: claim failed: the loss falls below 2"
        let runner = ScriptedRunner { _, key in
            let transcript = Notebook.cellMarker(0) + "\nrun\n" + Transcript.claimFailureMarker(claimLine) + "\n"
                + Transcript.valueMarker(key: "loss", value: "3") + "\n" + Transcript.valueMarker(key: "steps", value: "400") + "\n"
            return ChapterRun(key: key, transcript: Data(transcript.utf8),
                              failure: .init(cell: 0, reason: "exit status 1", standardErrorTail: claimLine + "\n1 claim failed"))
        }
        let error = #expect(throws: SiteBuilder.BuildError.self) { _ = try fixture.build(runner) }
        #expect(error?.description == claimLine)
        _ = try fixture.build(runner, keepGoing: true)
        let page = try fixture.page("03-values.html")
        #expect(page.contains("⚠ " + claimLine))
        #expect(page.contains("1 claim about the run failed."))
    }

    /// The run key covers the data a run read: a chapter that read another chapter's
    /// Markdown (as the default corpus does) runs again when that prose changes; one that
    /// read nothing comes from the cache.
    @Test func aRunIsRedoneWhenAFileItReadChanges() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let corpusFile = fixture.chapters.appendingPathComponent("02-prose.md").path
        try fixture.write("03-reads-nothing.md", "# Reads nothing\n\n```swift\nprint(1)\n```\n")
        try fixture.write("04-reads-the-book.md", "# Reads the book\n\n```swift\nprint(2)\n```\n")
        let runner = ScriptedRunner { chapter, key in
            var transcript = Notebook.cellMarker(0) + "\nran\n"
            if chapter.number == "04" {
                transcript += Transcript.inputMarker(path: corpusFile) + "\n"
                transcript += Transcript.inputMarker(path: fixture.chapters.path) + "\n"
            }
            return ChapterRun(key: key, transcript: Data(transcript.utf8))
        }
        _ = try fixture.build(runner)
        #expect(runner.calls.sorted() == ["ch01", "ch03", "ch04"])

        runner.calls = []
        _ = try fixture.build(runner)
        #expect(runner.calls == [], "nothing changed, everything comes from the cache")

        try fixture.write("02-prose.md", SiteFixture.chapterTwo + "\nA new sentence of prose.\n")
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch04"], "only the chapter that read chapter 2 runs again")

        runner.calls = []
        try fixture.write("05-new.md", "# New\n\nProse only.\n")
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch04"], "a new file in a folder the run listed changes its corpus")
    }
}
