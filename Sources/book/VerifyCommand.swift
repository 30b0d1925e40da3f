import ArgumentParser
import CommandLineSupport
import Foundation
import Literate
import Site

/// `book verify --seeds 1,2,3`: do the chapters' claims hold for every seed, not a lucky one?
struct VerifyClaims: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run chapters with several seeds and report every claim about a run that fails.",
        discussion: """
            Each chapter is built in release mode and run as the site runs it (with the arguments \
            its ```sh book-run block declares, if it has one), once per seed (UNROLLED_SEED, which \
            every chapter's --seed defaults to). A run fails when one of its \
            claim(…) checks fails, when the prose shows a {{key}} the run did not record or a \
            {{key=TEXT}} the run recorded differently, or when the program stops with an error. \
            The kernels OpenBLAS uses are part of the experiment (each set rounds differently): \
            --kernels Prescott,Haswell,SkylakeX runs every seed under each set this processor has \
            the instructions for, and says which it skipped. Before merging a chapter change: \
            --seeds 1,2,3,4,5 --kernels Prescott,Haswell,SkylakeX. Exits 1 if anything failed.
            """
    )

    @OptionGroup var options: ChapterOptions

    @Option(help: "Seeds to run, separated by commas.", transform: VerifyClaims.parseSeeds)
    var seeds: [UInt64] = [1, 2, 3]

    @Option(help: "Chapter numbers to run, separated by commas (default: every chapter with a program).")
    var only: String?

    @Option(help: "OpenBLAS kernel sets to run each seed under (OPENBLAS_CORETYPE), separated by commas, from Prescott, Haswell, SkylakeX; those this processor cannot run are skipped and named (default: the environment's).",
            transform: OpenBLASKernelSets.parse)
    var kernels: [String]?

    @OptionGroup var running: ChapterRunOptions

    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let seeds = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !seeds.isEmpty, seeds.allSatisfy({ UInt64($0) != nil }) else {
            throw ValidationError("--seeds takes whole numbers separated by commas, like 1,2,3; got \"\(text)\"")
        }
        return seeds.map { UInt64($0)! }
    }

    func run() throws {
        let book = try options.loadBook()
        var chapters = book.chapters.filter { $0.targetName != nil }
        if let only {
            let wanted = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let unknown = wanted.filter { number in !chapters.contains { $0.number == number || Int($0.number) == Int(number) } }
            guard unknown.isEmpty else {
                printError("error: --only names no chapter with a program: \(unknown.joined(separator: ", ")); the book has \(chapters.map(\.number).joined(separator: ", "))")
                throw ExitCode.failure
            }
            chapters = chapters.filter { chapter in wanted.contains { chapter.number == $0 || Int(chapter.number) == Int($0) } }
        }
        // Each kernel set to run under (nil: the environment's own).
        var kernelSets: [String?] = [nil]
        if let kernels {
            let (runnable, skipped) = OpenBLASKernelSets.partition(kernels, cpuFlags: OpenBLASKernelSets.processorFlags())
            if !skipped.isEmpty {
                print("skipped kernel sets: " + kernels.filter { skipped[$0] != nil }.map { "\($0) (\(skipped[$0]!))" }.joined(separator: "; "))
            }
            if runnable.isEmpty { print("no requested kernel set runs here: verifying with this machine's BLAS as it is") }
            else { kernelSets = runnable }
        }
        func describe(_ set: String?) -> String {
            if let set { return "OPENBLAS_CORETYPE=\(set)" }
            return ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" } ?? "OpenBLAS's default kernels"
        }
        print("verifying \(chapters.count) chapter\(chapters.count == 1 ? "" : "s") with seeds \(seeds.map(String.init).joined(separator: ", ")) and \(kernelSets.map(describe).joined(separator: ", "))")
        var failures = 0
        SwiftChapterRunner(packageRoot: options.packageRoot, scratchPath: running.scratchPath, timeout: running.timeout) {
            printError("verify: " + $0)
        }.prepare(chapters)
        for set in kernelSets {
            for seed in seeds {
                var runner = SwiftChapterRunner(packageRoot: options.packageRoot, scratchPath: running.scratchPath, timeout: running.timeout) { printError("verify: " + $0) }
                runner.environment["UNROLLED_SEED"] = String(seed)
                if let set { runner.environment["OPENBLAS_CORETYPE"] = set }
                let label = "seed \(seed)" + (set.map { " \($0)" } ?? "")
                for chapter in chapters {
                    let target = chapter.targetName!
                    let run: ChapterRun
                    do {
                        run = try runner.run(chapter, key: "verify")
                    } catch {
                        printError(String(describing: error))
                        throw ExitCode.failure
                    }
                    var problems = run.failedClaims
                    if run.failure != nil, run.failedClaims.isEmpty {
                        problems.append(SiteBuilder.describe(run.failure!, of: run, in: chapter))
                    }
                    if run.failure == nil || run.failedOnlyItsClaims { problems += chapter.valueProblems(recorded: run.values) }
                    let references = chapter.valueReferences.count
                    let status = problems.isEmpty ? "ok" : "FAILED"
                    print("\(label)  \(target)  \(status): \(run.claimsChecked) claims checked, \(references) prose values"
                          + String(format: " (%.1f s)", run.seconds))
                    for problem in problems { print("  \(label): " + problem.replacingOccurrences(of: "\n", with: "\n  ")) }
                    failures += problems.isEmpty ? 0 : 1
                }
            }
        }
        if failures > 0 {
            print("\(failures) chapter run\(failures == 1 ? "" : "s") failed")
            throw ExitCode.failure
        }
        print("every claim held")
    }
}
