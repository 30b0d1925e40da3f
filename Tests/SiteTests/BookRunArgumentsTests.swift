import Foundation
import Literate
import Testing
@testable import Site

/// A chapter that declares the arguments the book runs it with (```sh book-run): the runner
/// passes them, the cache key includes them, and the page names the command.
@Suite(.serialized) struct BookRunArgumentsTests {
    static let declaring = SiteFixture.chapterOne.replacingOccurrences(
        of: "## The forward pass\n",
        with: "## The forward pass\n\n```sh book-run\nswift run -c release ch01 --fast --steps 3\n```\n")

    /// The real runner, with a stand-in compiler and program: `swift build` is `true`, and
    /// the "built" program is a script that prints the arguments it was given.
    @Test func theRunnerPassesTheDeclaredArguments() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        let release = fixture.root.appendingPathComponent("scratch/release")
        try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
        let program = release.appendingPathComponent("ch01")
        try Data("#!/bin/sh\necho \"arguments: [$*] seed $UNROLLED_SEED\"\n".utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        var runner = SwiftChapterRunner(packageRoot: fixture.root, scratchPath: fixture.root.appendingPathComponent("scratch").path,
                                        swift: "/bin/true", timeout: 60) { _ in }
        runner.environment["UNROLLED_SEED"] = "7"

        let chapter = try Chapter(path: "chapters/01-one-cell.md", source: Self.declaring)
        let run = try runner.run(chapter, key: "k")
        #expect(run.failure == nil)
        #expect(run.outputs[-1] == [.text("arguments: [--fast --steps 3] seed 7\n")], "\(run.outputs)")

        let plain = try Chapter(path: "chapters/01-one-cell.md", source: SiteFixture.chapterOne)
        #expect(try runner.run(plain, key: "k").outputs[-1] == [.text("arguments: [] seed 7\n")])
    }

    @Test func theArgumentsAreInTheCacheKey() throws {
        let plain = try Chapter(path: "chapters/01-one-cell.md", source: SiteFixture.chapterOne)
        let declaring = try Chapter(path: "chapters/01-one-cell.md", source: Self.declaring)
        let other = try Chapter(path: "chapters/01-one-cell.md", source: Self.declaring.replacingOccurrences(of: "--steps 3", with: "--steps 4"))
        func key(_ chapter: Chapter) -> String {
            RunKey.key(for: chapter, in: Book(chapters: [chapter]), sources: [:], toolchain: "t")
        }
        #expect(key(plain) != key(declaring))
        #expect(key(declaring) != key(other))
        #expect(key(declaring) == key(try Chapter(path: "chapters/01-one-cell.md", source: Self.declaring + "\nMore prose.\n")))
    }

    @Test func thePageNamesTheCommandAndAChangeReruns() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        try fixture.write("01-one-cell.md", Self.declaring)
        let runner = FakeRunner()
        _ = try fixture.build(runner)
        let page = try fixture.page("01-one-cell.html")
        #expect(page.contains("the run shown on this page is <code>swift run -c release ch01 --fast --steps 3</code>"))
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01"], "unchanged: from the cache")
        try fixture.write("01-one-cell.md", Self.declaring.replacingOccurrences(of: "--steps 3", with: "--steps 4"))
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch01", "ch01"], "other arguments: run again")
    }
}
