import Foundation
import Literate
import Notebook
@testable import Site

/// A throwaway book in a temporary folder, built with a runner that hands back canned runs.
struct SiteFixture {
    let root: URL
    var chapters: URL { root.appendingPathComponent("chapters") }
    var output: URL { root.appendingPathComponent("site/_site") }
    var cache: URL { root.appendingPathComponent("site/_cache") }

    /// The repository's theme, found from this file's path.
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../site/theme").standardizedFileURL

    static let hostile = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"

    static let chapterOne = """
        # One cell

        The state is $`h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t)`$, where $`a < b`$ holds.

        ```math
        \\frac{\\partial L}{\\partial W_{hh}} = \\sum_t \\delta_t h_{t-1}^\\top
        ```

        ## The forward pass

        See [the next chapter](02-prose.md#more) for more.

        ```swift
        print("hello")
        ```

        ```swift lib
        public func twice(_ x: Int) -> Int { 2 * x }
        ```

        ```swift hide
        let secretSetup = 42
        ```

        ### Not run

        ```swift norun
        fatalError("never")
        ```

        ## Exercises

        ```swift exercise=1.1
        let answer = 0 // your turn
        ```

        ```swift solution=1.1
        let answer = twice(21)
        print(answer)
        ```

        """

    static let chapterTwo = """
        # Prose only

        ## More

        Words about <em>things</em> and searching for quokka.

        """

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: chapters, withIntermediateDirectories: true)
        try write("01-one-cell.md", Self.chapterOne)
        try write("02-prose.md", Self.chapterTwo)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: chapters.appendingPathComponent(name))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    func configuration(keepGoing: Bool = false) -> SiteBuilder.Configuration {
        var c = SiteBuilder.Configuration(chaptersFolder: chapters, chaptersDisplayName: "chapters", packageRoot: root,
                                          themeFolder: Self.theme, outputFolder: output, cacheFolder: cache, toolchain: "test-toolchain 1.0")
        c.keepGoing = keepGoing
        return c
    }

    func build(_ runner: some ChapterRunning, keepGoing: Bool = false) throws -> SiteBuilder.Report {
        try SiteBuilder(configuration: configuration(keepGoing: keepGoing)).build(runner: runner)
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Stands in for building and running chapters: returns outputs per cell, counts calls.
final class FakeRunner: ChapterRunning, @unchecked Sendable {
    var calls: [String] = []
    var failAtCell: Int?
    /// A claim that fails in the first program cell: the run goes on to its end and exits 1,
    /// as a chapter whose prose says something its run does not show.
    var failingClaim: String?
    /// Values the run records, as `Notebook.record` would.
    var values: [String: String] = [:]
    /// Files each target's run reads (its inputs), as the corpus loader and the packed kernel record them.
    var inputs: [String: [String]] = [:]

    func run(_ chapter: Chapter, key: String) throws -> ChapterRun {
        calls.append(chapter.targetName ?? "?")
        let cells = chapter.cells
        let target = chapter.targetName ?? "?"
        guard let first = cells.first(where: { $0.kind == .run })?.index,
              let hidden = cells.first(where: { $0.kind == .hidden })?.index,
              let exercise = cells.first(where: { $0.kind == .exercise(id: "1.1") })?.index else {
            var run = ChapterRun(key: key, outputs: [:])
            run.inputs = Dictionary(uniqueKeysWithValues: (inputs[target] ?? []).map { ($0, InputFingerprint.of($0)) })
            return run
        }
        if let failingClaim {
            // The transcript the real Notebook writes: the failure under its cell, the count at the end.
            let line = "\(chapter.path):\(cells[first].fenceLine + 1): claim failed: \(failingClaim)"
            var transcript = Notebook.cellMarker(first) + "\nhello\n" + Transcript.claimFailureMarker(line) + "\n"
            for (key, value) in values { transcript += Transcript.valueMarker(key: key, value: value) + "\n" }
            transcript += Transcript.separator + "unrolled-claims-checked 3\n"
            return ChapterRun(key: key, transcript: Data(transcript.utf8),
                              failure: .init(cell: -1, reason: "exit status 1", standardErrorTail: "1 claim failed"), seconds: 0.01)
        }
        let plot = LinePlot(title: "Loss", xLabel: "step", yLabel: "loss", caption: "It falls.",
                            series: [Series("train", y: [3, 2, 1.5, 1.2])])
        let forged = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script><rect width=\"5\" height=\"5\" fill=\"url(http://evil.example/x)\" onclick=\"alert(3)\"><title>ok &lt;b&gt;</title></rect><a href=\"javascript:alert(4)\"><text>link</text></a><foreignObject><div>x</div></foreignObject></svg>"
        var outputs: [Int: [Transcript.Output]] = [
            first: [.text("hello\n" + SiteFixture.hostile + "\n"), .figure(svg: plot.svg()), .figure(svg: forged), .figure(svg: "not xml <")],
            hidden: [.text("printed by a hidden cell\n")],
            exercise: [.text("42\n")],
        ]
        var failure: ChapterRun.Failure?
        if let failAtCell {
            outputs = outputs.filter { $0.key <= failAtCell }
            failure = .init(cell: failAtCell, reason: "exit status 1", standardErrorTail: "Fatal error: " + SiteFixture.hostile)
        }
        var run = ChapterRun(key: key, outputs: outputs, failure: failure, seconds: 0.01)
        run.values = values
        run.inputs = Dictionary(uniqueKeysWithValues: (inputs[target] ?? []).map { ($0, InputFingerprint.of($0)) })
        return run
    }
}
