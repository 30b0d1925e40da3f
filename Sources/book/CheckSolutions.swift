import ArgumentParser
import Foundation
import Literate
import Notebook
import Site

/// `book solutions`: the book's own answers must pass its own checks.
///
/// Every chapter that has exercises runs as the site runs it (release build, with its
/// output captured), and its run records each check's verdict. A run the site already
/// made with the same code, toolchain, kernels and seed is read from the site's cache
/// instead of being made again, which is what `make test` relies on. It requires at least
/// one verdict per exercise and no FAIL among them.
struct CheckSolutions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solutions",
        abstract: "Check that the book's solution to every exercise passes its check.",
        discussion: """
            Runs each chapter with exercises once (release build), or reads the verdicts of the run \
            `book site` cached for the same code, toolchain, BLAS kernels and seed. Exits 1 if any \
            solution fails or prints no verdict.
            """
    )

    @OptionGroup var options: ChapterOptions

    @Option(help: "Where cached runs are kept (default: site/_cache in the package, where `book site` keeps them).")
    var cache: String?

    @Flag(help: "Run every chapter again, ignoring cached runs.")
    var rerun = false

    @OptionGroup var running: ChapterRunOptions

    func run() throws {
        let book = try options.loadBook()
        let chapters = book.chapters.filter { !$0.exerciseIDs.isEmpty && $0.targetName != nil }
        let toolchain = try toolchainVersionOrExit()
        let cacheFolder = cache.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? options.packageRoot.appendingPathComponent("site/_cache")
        var runs = CachedRuns(cacheFolder: cacheFolder, packageRoot: options.packageRoot,
                              settings: SiteBuilder.runSettings(toolchain: toolchain, blas: SiteBuilder.blasEnvironment()))
        runs.rerun = rerun
        let runner = SwiftChapterRunner(packageRoot: options.packageRoot, scratchPath: running.scratchPath, timeout: running.timeout) {
            printError("solutions: " + $0)
        }
        var failures: [String] = []
        runner.prepare(runs.missing(chapters, in: book))
        for chapter in chapters {
            let target = chapter.targetName!
            let run: ChapterRun, fromCache: Bool
            do {
                (run, fromCache) = try runs.run(chapter, in: book, runner: runner)
            } catch {
                failures.append("\(chapter.path): does not build\n\(error)")
                continue
            }
            if let failure = run.failure, !run.failedOnlyItsClaims {
                failures.append(SiteBuilder.describe(failure, of: run, in: chapter))
            }
            let origin = fromCache ? "the cached run" : String(format: "ran in %.1f s", run.seconds)
            for id in chapter.exerciseIDs {
                let verdicts = run.verdicts.filter { $0.exercise == id }
                let failed = verdicts.filter { !$0.passed }
                if verdicts.isEmpty {
                    failures.append("\(chapter.path): exercise \(id) printed no verdict")
                } else if !failed.isEmpty {
                    failures.append("\(chapter.path): exercise \(id): \(failed.count) of \(verdicts.count) checks FAIL\n"
                                    + failed.map { "    " + $0.line }.joined(separator: "\n"))
                }
                print("exercise \(id.padding(toLength: 6)) \(verdicts.isEmpty || !failed.isEmpty ? "FAIL" : "PASS")  (\(verdicts.count) checks, \(target), \(origin))")
            }
        }
        guard failures.isEmpty else {
            printError(failures.map { "error: " + $0 }.joined(separator: "\n"))
            throw ExitCode.failure
        }
        print("all \(chapters.map(\.exerciseIDs.count).reduce(0, +)) exercises' solutions pass")
    }
}
