import Foundation
import Testing
@testable import Site

/// These build a small fixture book end to end (typesetting needs Node.js, libjs-katex
/// and libjs-highlight.js, which `make test` installs), with a fake runner for the runs.
@Suite(.serialized) struct SiteBuilderTests {
    @Test func pagesHaveEverythingInPlace() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let report = try fixture.build(FakeRunner())
        #expect(report.pages == 3)
        let page = try fixture.page("01-one-cell.html")

        // Math typeset at build time, none left as source.
        #expect(page.contains("class=\"katex\""))
        #expect(page.contains("class=\"katex-display\""))
        #expect(!page.contains("$<code>"))
        #expect(!page.contains("language-math"))
        // Headings anchored; links to chapters point at pages.
        #expect(page.contains("<h2 id=\"the-forward-pass\">"))
        #expect(page.contains("href=\"02-prose.html#more\""))
        // Swift highlighted; library marked; hidden code absent, its output present.
        #expect(page.contains("<span class=\"hljs-keyword\">public</span>"))
        // Every code line is a .line, so a long one wraps under itself; no empty last line.
        #expect(page.contains("<pre class=\"code\"><code class=\"hljs language-swift\"><span class=\"line\"><span class=\"indent\">"))
        #expect(!page.contains("<span class=\"text\"></span></span></code>"))
        #expect(page.contains("<span class=\"badge\">library</span>"))
        #expect(!page.contains("secretSetup"))
        #expect(page.contains("printed by a hidden cell"))
        #expect(page.contains("<span class=\"badge\">not run</span>"))
        // Exercise shown, solution folded with its output.
        let details = try #require(page.range(of: "<details class=\"solution\">"))
        #expect(page[details.lowerBound...].contains("twice"))
        #expect(page[details.lowerBound...].contains("42"))
        #expect(page.contains("swift run book exercise 1.1"))
        #expect(page.contains("swift run ch01"))
        // Navigation.
        #expect(page.contains("rel=\"next\" href=\"02-prose.html\""))
        #expect(try fixture.page("02-prose.html").contains("rel=\"prev\" href=\"01-one-cell.html\""))
        let index = try fixture.page("index.html")
        #expect(index.contains("href=\"01-one-cell.html#the-forward-pass\""))
        // Figures inline as SVG.
        #expect(page.contains("<figure class=\"plot\"><svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(page.contains("<title>train: step 1, loss 2</title>"))
    }

    @Test func nothingFromARunCanInject() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        _ = try fixture.build(FakeRunner())
        let page = try fixture.page("01-one-cell.html")
        #expect(page.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // The only scripts are the theme's two, at the end of the page.
        #expect(page.components(separatedBy: "<script").count - 1 == 2)
        for forbidden in ["<img", "onload=", "onclick=", "onerror=\"", "javascript:", "url(http", "<foreignObject", ">link</text>"] {
            #expect(!page.contains(forbidden), "\(forbidden) reached the page")
        }
        // The forged figure keeps its harmless parts; the broken one is reported, escaped.
        #expect(page.contains("<title>ok &lt;b&gt;</title>"))
        #expect(page.contains("This figure could not be shown"))
    }

    @Test func everyLinkAndAssetResolvesAndNothingIsRemote() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        _ = try fixture.build(FakeRunner())
        let problems = SiteCheck.problems(in: fixture.output)
        #expect(problems.isEmpty, "\(problems)")
        #expect(FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("assets/katex/fonts/KaTeX_Main-Regular.woff2").path))
    }

    @Test func searchIndexHasSections() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        _ = try fixture.build(FakeRunner())
        let index = try String(contentsOf: fixture.output.appendingPathComponent("assets/search-index.js"), encoding: .utf8)
        #expect(index.contains("\"section\":\"More\""))
        #expect(index.contains("quokka"))
        #expect(index.contains("\"url\":\"02-prose.html#more\""))
        #expect(!index.contains("\u{E000}"))
    }

    /// Chapter outputs depend on the OpenBLAS kernels (rounding grows through training into
    /// different samples): every page says which built it, and a run made with other
    /// kernels is not served from the cache.
    @Test func pagesNameTheKernelsAndTheCacheKeysThem() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let runner = FakeRunner()
        var configuration = fixture.configuration()
        configuration.environment = "OpenBLAS kernels: OPENBLAS_CORETYPE=SkylakeX"
        _ = try SiteBuilder(configuration: configuration).build(runner: runner)
        for page in ["index.html", "01-one-cell.html"] {
            #expect(try fixture.page(page).contains("Outputs computed with OpenBLAS kernels: OPENBLAS_CORETYPE=SkylakeX."))
        }
        configuration.environment = "OpenBLAS kernels: chosen by OpenBLAS (OPENBLAS_CORETYPE unset)"
        _ = try SiteBuilder(configuration: configuration).build(runner: runner)
        #expect(runner.calls == ["ch01", "ch01"], "other kernels: run again")
        #expect(SiteBuilder.blasEnvironment(["OPENBLAS_CORETYPE": "Haswell"]).hasSuffix("OPENBLAS_CORETYPE=Haswell")
                || SiteBuilder.blasEnvironment([:]) == "BLAS: Accelerate")
    }

    @Test func runsAreCachedAndProseEditsDoNotRerun() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let runner = FakeRunner()
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01"])
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01"], "unchanged book: from the cache")
        try fixture.write("01-one-cell.md", SiteFixture.chapterOne.replacingOccurrences(of: "# One cell\n", with: "# One cell\n\nA new paragraph of prose.\n\nAnd another.\n"))
        let report = try fixture.build(runner)
        #expect(runner.calls == ["ch01"], "prose edit: from the cache")
        #expect(report.chaptersFromCache == ["ch01"])
        #expect(try fixture.page("01-one-cell.html").contains("A new paragraph of prose."))
        try fixture.write("01-one-cell.md", SiteFixture.chapterOne.replacingOccurrences(of: "print(\"hello\")", with: "print(\"hello!\")"))
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01", "ch01"], "code edit: run again")
        try fixture.write("02-prose.md", SiteFixture.chapterTwo + "\n```swift lib\npublic let shared = 1\n```\n")
        _ = try fixture.build(runner)
        #expect(runner.calls.suffix(2).sorted() == ["ch01", "ch02"], "library edit in another chapter: run again (ch02 now has a program too)")
    }

    @Test func aFailingChapterFailsTheBuildAndKeepsTheOldSite() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        _ = try fixture.build(FakeRunner())
        let before = try fixture.page("01-one-cell.html")
        try fixture.write("01-one-cell.md", SiteFixture.chapterOne.replacingOccurrences(of: "print(\"hello\")", with: "print(\"boom\")"))
        let failing = FakeRunner()
        failing.failAtCell = 0
        #expect {
            try fixture.build(failing)
        } throws: { error in
            let message = String(describing: error)
            return message.contains("chapters/01-one-cell.md:13: error: cell 0 of ch01 failed: exit status 1")
        }
        #expect(try fixture.page("01-one-cell.html") == before, "the last good site stays")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.output.deletingLastPathComponent().path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no staging folders left: \(leftovers)")
    }

    /// A sentence a run does not bear out costs the reader nothing: the new site is written,
    /// the page shows the failed claim under its cell, the summary names its line, and only
    /// a strict build (`book site --strict`, as `make test` runs it) fails.
    @Test func aFailedClaimIsShownListedAndFailsOnlyAStrictBuild() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        _ = try fixture.build(FakeRunner())
        try fixture.write("01-one-cell.md", SiteFixture.chapterOne.replacingOccurrences(of: "## The forward pass", with: "## The forward pass, planted")
            .replacingOccurrences(of: "print(\"hello\")", with: "print(\"planted\")"))
        let runner = FakeRunner()
        runner.failingClaim = "the moon is made of cheese"
        let report = try fixture.build(runner)
        let expected = "chapters/01-one-cell.md:14: claim failed: the moon is made of cheese"
        #expect(report.failedClaims == [expected])
        #expect(report.chaptersFailed.isEmpty)
        let page = try fixture.page("01-one-cell.html")
        #expect(page.contains("The forward pass, planted"), "the new site is written, not the old one kept")
        #expect(page.contains("⚠ " + expected))
        #expect(page.contains("1 claim about the run failed"))

        let reading = report.summary(strict: false, seconds: 1)
        #expect(!reading.fails)
        #expect(reading.lines.contains("  " + expected))
        let strict = report.summary(strict: true, seconds: 1)
        #expect(strict.fails)
        #expect(strict.lines.contains("  " + expected))
        // A run whose claims failed is not cached: the next build tries again.
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01", "ch01"])
    }

    @Test func aValueTheRunRecordedOtherwiseIsShownAndListed() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("01-one-cell.md", SiteFixture.chapterOne.replacingOccurrences(
            of: "## The forward pass\n", with: "## The forward pass\n\nIt is {{answer=42}}, and {{unrecorded}}.\n"))
        let runner = FakeRunner()
        runner.values = ["answer": "41"]
        let report = try fixture.build(runner)
        #expect(report.valueProblems.count == 2, "\(report.valueProblems)")
        #expect(report.valueProblems.contains { $0.hasPrefix("chapters/01-one-cell.md:11: claim failed: the prose says answer = 42, the run recorded 41") })
        let page = try fixture.page("01-one-cell.html")
        #expect(page.contains("42 [this run: 41]"))
        #expect(page.contains("[unrecorded: not recorded]"))
        #expect(report.summary(strict: true, seconds: 0).fails)
        #expect(!report.summary(strict: false, seconds: 0).fails)
    }

    @Test func keepGoingRendersTheError() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let failing = FakeRunner()
        failing.failAtCell = 0
        let report = try fixture.build(failing, keepGoing: true)
        #expect(report.chaptersFailed == ["ch01"])
        let page = try fixture.page("01-one-cell.html")
        #expect(page.contains("The chapter stopped in this cell: exit status 1."))
        #expect(page.contains("Fatal error: &lt;script&gt;"))
        #expect(!page.contains("printed by a hidden cell"), "cells after the failure did not run")
        // Failures are not cached: the next build runs the chapter again.
        _ = try fixture.build(failing, keepGoing: true)
        #expect(failing.calls.count == 2)
    }

    @Test func badInputIsAOneLineError() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("03-bad.md", "# Bad\n\n```swift nrun\nprint(1)\n```\n")
        #expect {
            try fixture.build(FakeRunner())
        } throws: { error in
            String(describing: error) == "chapters/03-bad.md:3: error: unknown cell attribute \"nrun\" (known: lib, hide, norun, exercise=ID, solution=ID)"
        }
        try fixture.write("03-bad.md", "# Bad math\n\nSee $`\\frac{1}{`$.\n")
        #expect {
            try fixture.build(FakeRunner())
        } throws: { error in
            String(describing: error).hasPrefix("chapters/03-bad.md:3: error: cannot typeset math `\\frac{1}{`")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.output.path), "no half-written site")
    }
}
