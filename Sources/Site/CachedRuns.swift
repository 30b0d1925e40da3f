import Foundation
import Literate

/// A chapter's run taken from the cache while it is still good, or made fresh by a runner
/// and cached when it succeeded: the one place that decides, for `book site` and
/// `book solutions` alike, so the two never run the same program twice for the same answer.
public struct CachedRuns {
    public var cache: RunCache
    /// The program's sources (``RunKey/programSources(packageRoot:)``), read once.
    public var sources: [String: String]
    /// Everything else a run's output depends on: the toolchain, the BLAS kernels, the seed.
    public var settings: String
    /// Ignore cached runs (they are still replaced by the new ones).
    public var rerun = false

    public init(cacheFolder: URL, packageRoot: URL, settings: String) {
        cache = RunCache(folder: cacheFolder.appendingPathComponent("runs"))
        sources = RunKey.programSources(packageRoot: packageRoot)
        self.settings = settings
    }

    public func key(for chapter: Chapter, in book: Book) -> String {
        RunKey.key(for: chapter, in: book, sources: sources, toolchain: settings)
    }

    /// The chapters among `chapters` whose runs are not in the cache (all of them with ``rerun``).
    public func missing(_ chapters: [Chapter], in book: Book) -> [Chapter] {
        chapters.filter { chapter in
            guard let target = chapter.targetName else { return false }
            return rerun || cache.load(target: target, key: key(for: chapter, in: book)) == nil
        }
    }

    /// The chapter's run, and whether it came from the cache. A run that failed is never
    /// cached (the next build tries again); a runner that cannot build or start the
    /// program throws.
    public func run(_ chapter: Chapter, in book: Book, runner: ChapterRunning) throws -> (run: ChapterRun, fromCache: Bool) {
        guard let target = chapter.targetName else { return (ChapterRun(key: "", outputs: [:]), true) }
        let key = key(for: chapter, in: book)
        if !rerun, let cached = cache.load(target: target, key: key) { return (cached, true) }
        let run = try runner.run(chapter, key: key)
        try cache.store(run, target: target)
        return (run, false)
    }
}

extension SiteBuilder {
    /// What a chapter's run depends on besides its code, as the cache key and the pages'
    /// footers name it: the toolchain, the BLAS kernels, the seed (`UNROLLED_SEED`) and a
    /// forced packed-product kernel (`UNROLLED_PACKED_GEMM`).
    public static func runSettings(toolchain: String, blas: String,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        var lines = [toolchain, blas, "seed " + (environment["UNROLLED_SEED"] ?? "1")]
        if let packed = environment["UNROLLED_PACKED_GEMM"] { lines.append("UNROLLED_PACKED_GEMM=" + packed) }
        return lines.joined(separator: "\n")
    }
}
