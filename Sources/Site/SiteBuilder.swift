import Foundation
import ProgramRunner
import Literate

/// `book site`: runs the chapters as notebooks (or takes their runs from the cache),
/// lays out every page, typesets math and code, and writes the site atomically.
///
/// The pipeline, one stage at a time:
/// 1. load the book (Literate);
/// 2. for each chapter with a program, look its run up in the cache by ``RunKey``, or run
///    it (``ChapterRunning``) and cache the result (``CachedRuns``). A run whose claims
///    fail, or whose values the prose shows differently, is rendered with the failure
///    beside its sentence and listed in the report: the reader still gets a site, and
///    `book site --strict` (what `make test` runs) fails on it;
/// 3. lay out the pages (``PageRenderer``), typeset math and Swift in one Node.js call
///    (``Typesetter``);
/// 4. write everything into a fresh folder next to the output, then swap it in, so a
///    build that stops (a chapter that does not build or crashes, bad Markdown) leaves
///    the previous site whole.
public struct SiteBuilder {
    public struct Configuration {
        public var chaptersFolder: URL
        /// How diagnostics name the chapters folder (`chapters`).
        public var chaptersDisplayName: String
        public var packageRoot: URL
        /// The theme: `page.html`, `introduction.html`, `style.css`, `search.js`, `typeset.js`.
        public var themeFolder: URL
        public var outputFolder: URL
        public var cacheFolder: URL
        /// Render a chapter that fails to run, with the error shown, instead of failing.
        public var keepGoing = false
        /// Ignore cached runs.
        public var rerun = false
        /// `swift --version`'s output; part of every run's cache key.
        public var toolchain: String
        /// What the chapters' outputs depend on beyond their code: the BLAS kernels (their
        /// rounding grows through training into different samples). Shown in every page's
        /// footer and part of every run's cache key.
        public var environment = SiteBuilder.blasEnvironment()
        /// The process environment the chapters run in, for the settings in the cache key
        /// that are not shown in the footer (the seed, a forced packed-product kernel).
        public var runEnvironment = ProcessInfo.processInfo.environment
        public var katexFolder = URL(fileURLWithPath: "/usr/share/javascript/katex")
        public var highlightScript = URL(fileURLWithPath: "/usr/share/javascript/highlight.js/highlight.js")
        public var node = "node"

        public init(chaptersFolder: URL, chaptersDisplayName: String, packageRoot: URL, themeFolder: URL, outputFolder: URL, cacheFolder: URL, toolchain: String) {
            self.chaptersFolder = chaptersFolder
            self.chaptersDisplayName = chaptersDisplayName
            self.packageRoot = packageRoot
            self.themeFolder = themeFolder
            self.outputFolder = outputFolder
            self.cacheFolder = cacheFolder
            self.toolchain = toolchain
        }
    }

    public struct Report {
        public var pages = 0
        public var chaptersRun: [String] = []
        public var chaptersFromCache: [String] = []
        /// Chapters that stopped with an error (shown on their pages with `--keep-going`).
        public var chaptersFailed: [String] = []
        /// Every claim about a run that did not hold, as `chapters/FILE.md:LINE: claim failed: …`.
        public var failedClaims: [String] = []
        /// Every `{{key}}` the run did not record and `{{key=TEXT}}` it recorded otherwise.
        public var valueProblems: [String] = []
        /// Whether the prose says anything its runs do not bear out: what `--strict` fails on.
        public var proseDisagreesWithRuns: Bool { !failedClaims.isEmpty || !valueProblems.isEmpty }
        public var figures = 0
        public var typesetJobs = 0
    }

    public struct BuildError: Error, CustomStringConvertible {
        public var description: String
    }

    public var configuration: Configuration
    public var log: (String) -> Void

    public init(configuration: Configuration, log: @escaping (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.log = log
    }

    public func build(runner: ChapterRunning) throws -> Report {
        let c = configuration
        let book: Book
        do {
            book = try Book.load(from: c.chaptersFolder, displayName: c.chaptersDisplayName)
        } catch {
            throw BuildError(description: error.description)
        }
        var report = Report()

        // 2. Runs, from the cache or fresh.
        var cachedRuns = CachedRuns(cacheFolder: c.cacheFolder, packageRoot: c.packageRoot,
                                    settings: Self.runSettings(toolchain: c.toolchain, blas: c.environment, environment: c.runEnvironment))
        cachedRuns.rerun = c.rerun
        var runs: [String: ChapterRun] = [:]
        runner.prepare(cachedRuns.missing(book.chapters, in: book))
        for chapter in book.chapters {
            guard let target = chapter.targetName else { continue }
            var run: ChapterRun
            do {
                let (made, fromCache) = try cachedRuns.run(chapter, in: book, runner: runner)
                run = made
                if fromCache {
                    report.chaptersFromCache.append(target)
                    runs[target] = run
                    continue
                }
            } catch {
                guard c.keepGoing else { throw BuildError(description: String(describing: error)) }
                run = ChapterRun(key: cachedRuns.key(for: chapter, in: book), outputs: [:],
                                 failure: .init(cell: -1, reason: "it did not build", standardErrorTail: String(describing: error)))
            }
            report.chaptersRun.append(target)
            if run.failedOnlyItsClaims {
                // A sentence the run does not bear out: the page shows it beside the sentence,
                // the summary lists it, and only a strict build fails on it.
                report.failedClaims += run.failedClaims
                log("ran \(target) in \(String(format: "%.1f", run.seconds)) s; \(run.failedClaims.count) claim\(run.failedClaims.count == 1 ? "" : "s") failed:\n" + run.failedClaims.joined(separator: "\n"))
            } else if let failure = run.failure {
                report.chaptersFailed.append(target)
                let message = Self.describe(failure, of: run, in: chapter)
                guard c.keepGoing else { throw BuildError(description: message) }
                log(message + " (rendered with the error, --keep-going)")
            } else {
                log("ran \(target) in \(String(format: "%.1f", run.seconds)) s")
            }
            runs[target] = run
        }

        // The prose's values must be the runs' values: `{{key}}` recorded, `{{key=TEXT}}` equal.
        // Like a failed claim, a value that disagrees is shown on its page and listed.
        // (A reference inside math is a mistake in the Markdown, not in a run: that stops the build.)
        for chapter in book.chapters {
            let misplaced = chapter.valueReferences.filter(\.isInMath).map { reference in
                "\(chapter.path):\(reference.line): error: {{\(reference.key)}} is inside math, which is typeset as written; put it outside the $`…`$"
            }
            if !misplaced.isEmpty, !c.keepGoing { throw BuildError(description: misplaced.joined(separator: "\n")) }
            let run = chapter.targetName.flatMap { runs[$0] }
            if let run, run.failure != nil, !run.failedOnlyItsClaims { continue }  // already reported
            let problems = chapter.valueProblems(recorded: run?.values ?? [:])
            guard !problems.isEmpty else { continue }
            report.valueProblems += problems
            log(problems.joined(separator: "\n"))
        }

        report.figures = runs.values.flatMap { $0.outputs.values.flatMap { $0 } }.filter {
            if case .figure = $0 { true } else { false }
        }.count

        // 3. Pages.
        let typesetter = Typesetter(script: c.themeFolder.appendingPathComponent("typeset.js"), node: c.node,
                                    katex: c.katexFolder.appendingPathComponent("katex.js").path, highlight: c.highlightScript.path)
        let layout = try readTheme { try Template(contentsOf: c.themeFolder.appendingPathComponent("page.html")) }
        let introduction = try readTheme { try String(contentsOf: c.themeFolder.appendingPathComponent("introduction.html"), encoding: .utf8) }
        var renderer = PageRenderer(book: book, runs: runs, layout: layout, typesetter: typesetter)
        renderer.environment = c.environment
        var pages: [String: String] = ["index.html": renderer.indexPage(introduction: introduction)]
        for position in book.chapters.indices {
            pages[PageRenderer.pageName(book.chapters[position])] = renderer.chapterPage(position)
        }
        let typeset: [String]
        do {
            typeset = try typesetter.run()
        } catch {
            throw BuildError(description: String(describing: error))
        }
        report.typesetJobs = typeset.count
        pages = pages.mapValues { Typesetter.fill($0, with: typeset) }
        report.pages = pages.count

        // 4. Write, then swap in.
        try writeAtomically(pages: pages, searchEntries: renderer.searchEntries)
        return report
    }

    public static func describe(_ failure: ChapterRun.Failure, of run: ChapterRun, in chapter: Chapter) -> String {
        if !run.failedClaims.isEmpty { return run.failedClaims.joined(separator: "\n") }
        let cell = chapter.cells.first { $0.index == failure.cell }
        let place = cell.map { "\(chapter.path):\($0.fenceLine): error: cell \($0.index) of \(chapter.targetName ?? chapter.path)" } ?? "\(chapter.path): error: \(chapter.targetName ?? "the chapter")"
        var message = "\(place) failed: \(failure.reason)"
        let tail = failure.standardErrorTail.split(separator: "\n").suffix(6).joined(separator: "\n")
        if !tail.isEmpty { message += "\n" + tail }
        return message
    }

    private func readTheme<T>(_ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch {
            throw BuildError(description: "error: cannot read the theme in \(configuration.themeFolder.path): \(error.localizedDescription)")
        }
    }

    private func writeAtomically(pages: [String: String], searchEntries: [PageRenderer.SearchEntry]) throws {
        let c = configuration
        let fileManager = FileManager.default
        let parent = c.outputFolder.deletingLastPathComponent()
        let name = c.outputFolder.lastPathComponent
        let staging = parent.appendingPathComponent(".\(name).new-\(UUID().uuidString.prefix(8))")
        do {
            try fileManager.createDirectory(at: staging.appendingPathComponent("assets/katex"), withIntermediateDirectories: true)
            for (file, html) in pages {
                try Data(html.utf8).write(to: staging.appendingPathComponent(file))
            }
            for asset in ["style.css", "search.js"] {
                try fileManager.copyItem(at: c.themeFolder.appendingPathComponent(asset), to: staging.appendingPathComponent("assets/" + asset))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let index = String(decoding: try encoder.encode(searchEntries), as: UTF8.self)
            try Data(("// The search index, loaded as a script so search works from file://.\nwindow.UNROLLED_SEARCH = " + index + ";\n").utf8)
                .write(to: staging.appendingPathComponent("assets/search-index.js"))
            // KaTeX's stylesheet and fonts (Debian's fonts folder is a symbolic link).
            let katexCSS = c.katexFolder.appendingPathComponent("katex.min.css")
            guard fileManager.fileExists(atPath: katexCSS.path) else {
                throw BuildError(description: "error: \(katexCSS.path) not found: install the Debian packages libjs-katex and fonts-katex (`make site` does)")
            }
            try fileManager.copyItem(at: katexCSS, to: staging.appendingPathComponent("assets/katex/katex.min.css"))
            let fonts = c.katexFolder.appendingPathComponent("fonts").resolvingSymlinksInPath()
            try fileManager.createDirectory(at: staging.appendingPathComponent("assets/katex/fonts"), withIntermediateDirectories: true)
            for font in try fileManager.contentsOfDirectory(atPath: fonts.path) {
                try fileManager.copyItem(at: fonts.appendingPathComponent(font).resolvingSymlinksInPath(), to: staging.appendingPathComponent("assets/katex/fonts/" + font))
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            if let error = error as? BuildError { throw error }
            throw BuildError(description: "error: cannot write the site: \(error.localizedDescription)")
        }
        // The swap: the old site steps aside, the new one takes its name, the old one goes.
        let old = parent.appendingPathComponent(".\(name).old-\(UUID().uuidString.prefix(8))")
        let hadOld = fileManager.fileExists(atPath: c.outputFolder.path)
        do {
            if hadOld { try fileManager.moveItem(at: c.outputFolder, to: old) }
            try fileManager.moveItem(at: staging, to: c.outputFolder)
        } catch {
            if hadOld, !fileManager.fileExists(atPath: c.outputFolder.path) { try? fileManager.moveItem(at: old, to: c.outputFolder) }
            try? fileManager.removeItem(at: staging)
            throw BuildError(description: "error: cannot move the new site into \(c.outputFolder.path): \(error.localizedDescription)")
        }
        try? fileManager.removeItem(at: old)
    }
}

extension SiteBuilder {
    /// Which matrix-product kernels the chapters ran with, as one line.
    public static func blasEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        #if os(Linux)
        if let kernels = environment["OPENBLAS_CORETYPE"], !kernels.isEmpty {
            return "OpenBLAS kernels: OPENBLAS_CORETYPE=\(kernels)"
        }
        return "OpenBLAS kernels: chosen by OpenBLAS (OPENBLAS_CORETYPE unset)"
        #else
        return "BLAS: Accelerate"
        #endif
    }

    /// The toolchain's `swift --version`, which every cached run is keyed by.
    public static func toolchainVersion(swift: String = "swift") throws -> String {
        let result = try Subprocess.run(swift, ["--version"], timeout: 60)
        guard result.succeeded else { throw BuildError(description: "error: `\(swift) --version` failed") }
        return String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension SiteBuilder.Report {
    /// What `book site` prints when the site is written, and whether the build counts as
    /// failed: a reading build never does; a strict one (`--strict`, `make test`) does when
    /// the prose says something its runs do not bear out. The statements come last, each
    /// with its `chapters/FILE.md:LINE`, so they are what a person sees when it ends.
    public func summary(strict: Bool, seconds: Double) -> (lines: [String], fails: Bool) {
        var first = "\(pages) pages, \(figures) figures; chapters run: \(chaptersRun.count), from cache: \(chaptersFromCache.count)"
        if !chaptersFailed.isEmpty { first += "; FAILED (shown on their pages): " + chaptersFailed.joined(separator: ", ") }
        var lines = [first + String(format: " (%.1f s)", seconds)]
        guard proseDisagreesWithRuns else { return (lines, false) }
        let problems = failedClaims + valueProblems
        let one = problems.count == 1
        lines.append("\(problems.count) statement\(one ? "" : "s") in the prose \(one ? "is" : "are") not borne out by \(one ? "its run" : "the runs") (each is shown on its page, beside its sentence):")
        lines += problems.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }
        if strict {
            lines.append("book site --strict: failed, as a check does when the prose and a run disagree")
        } else {
            lines.append("The site is written all the same; `book site --strict` (as `make test` runs it) fails on these.")
        }
        return (lines, strict)
    }
}
