import ArgumentParser
import CommandLineSupport
import Foundation
import Site

/// `book site`: the book as a website, with every chapter's real outputs and figures.
struct BuildSite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Build the book's website: run each chapter as a notebook and write HTML pages.",
        discussion: """
            Chapters are built in release mode and run with their output captured cell by cell. \
            Runs are cached by the chapter's code, the program's sources, the Swift version, the \
            BLAS kernels and the seed, so a change to prose only re-renders the pages. The site \
            works offline from file://.

            A reading build (the default, `make site`) writes the site even when a claim about a \
            run fails or the prose shows a value the run recorded otherwise: the page shows the \
            failure beside its sentence, the summary lists each with its chapters/FILE.md:LINE, \
            and the exit status is 0. With --strict (what `make test` runs) the same build exits 1. \
            A chapter that does not build or stops with an error stops the build either way and \
            keeps the previous site, unless --keep-going.
            """
    )

    @OptionGroup var options: ChapterOptions

    @Option(help: "Where to write the site (default: site/_site in the package).")
    var output: String?

    @Option(help: "Where to keep cached runs (default: site/_cache in the package).")
    var cache: String?

    @Option(help: "The theme folder: layout, styles, scripts (default: site/theme in the package).")
    var theme: String?

    @OptionGroup var running: ChapterRunOptions

    @Flag(help: "Render a chapter that fails to run, with its error on the page, instead of failing the build.")
    var keepGoing = false

    @Flag(help: "A check, not a reading build: exit 1 when a claim about a run fails or a value in the prose disagrees with its run (the site is still written).")
    var strict = false

    @Flag(help: "Run every chapter again, ignoring cached runs.")
    var rerun = false

    func run() throws {
        let start = Date()
        let root = options.packageRoot
        func folder(_ given: String?, _ fallback: String) -> URL {
            given.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? root.appendingPathComponent(fallback)
        }
        let toolchain = try toolchainVersionOrExit()
        var configuration = SiteBuilder.Configuration(
            chaptersFolder: options.folder, chaptersDisplayName: options.chapters, packageRoot: root,
            themeFolder: folder(theme, "site/theme"), outputFolder: folder(output, "site/_site"),
            cacheFolder: folder(cache, "site/_cache"), toolchain: toolchain)
        configuration.keepGoing = keepGoing
        configuration.rerun = rerun
        let log: (String) -> Void = { printError("site: " + $0) }
        let runner = SwiftChapterRunner(packageRoot: root, scratchPath: running.scratchPath, timeout: running.timeout, log: log)
        let report: SiteBuilder.Report
        do {
            report = try SiteBuilder(configuration: configuration, log: log).build(runner: runner)
        } catch {
            printError(String(describing: error))
            printError("The previous site, if any, is unchanged.")
            throw ExitCode.failure
        }
        let index = configuration.outputFolder.appendingPathComponent("index.html")
        let summary = report.summary(strict: strict, seconds: Date().timeIntervalSince(start))
        print(summary.lines[0])
        print("Open \(index.absoluteString)")
        for line in summary.lines.dropFirst() { print(line) }
        if summary.fails { throw ExitCode.failure }
    }
}
