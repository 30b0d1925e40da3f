import Foundation
import Literate
import Notebook

/// What running a chapter produced: each cell's printed text and figures, in order, or
/// where and how the run failed. This is what the cache stores and the pages show.
public struct ChapterRun: Codable, Sendable, Equatable {
    public struct Failure: Codable, Sendable, Equatable {
        /// The cell that was running when the program stopped (-1: before the first cell).
        public var cell: Int
        /// "exit status 1", "signal 4 (a trap: precondition, index out of range…)", "timed out after 600 s".
        public var reason: String
        /// The last lines the program wrote to standard error.
        public var standardErrorTail: String
    }

    /// The cache key the run was made under.
    public var key: String
    /// Outputs per cell index (-1: printed before the first cell).
    public var outputs: [Int: [Transcript.Output]]
    public var failure: Failure?
    /// Wall-clock seconds the chapter ran.
    public var seconds: Double
    /// The values the run recorded for the prose (`{{key}}`), by key.
    public var values: [String: String] = [:]
    /// Every file the run read, with its ``InputFingerprint`` then: the cached run is
    /// good only while each is unchanged.
    public var inputs: [String: String] = [:]
    /// The claims about the run that failed, each as `chapters/FILE.md:LINE: claim failed: …`.
    public var failedClaims: [String] = []
    /// How many claims the run checked.
    public var claimsChecked = 0
    /// The program's `--help`: the flags a reader can change, listed on the page.
    public var flags: String?
    /// Whether the program reached its end: a run that failed only its claims ran every cell.
    public var finished = false
    /// The exercise checks' verdicts the run printed (`book solutions` reads them here).
    public var verdicts: [Transcript.ExerciseVerdict] = []

    /// Whether the run went wrong only in what it claims: every cell ran, and the program
    /// exited 1 because some claims about the run did not hold. The page shows each beside
    /// its sentence; only a strict build (`book site --strict`, `book verify`) fails on it.
    public var failedOnlyItsClaims: Bool {
        failure != nil && finished && !failedClaims.isEmpty
    }

    public init(key: String, outputs: [Int: [Transcript.Output]], failure: Failure? = nil, seconds: Double = 0) {
        self.key = key
        self.outputs = outputs
        self.failure = failure
        self.seconds = seconds
    }

    /// Files a captured transcript's outputs under their cells, and keeps what the run
    /// recorded about itself.
    public init(key: String, transcript: Data, failure: Failure? = nil, seconds: Double = 0) {
        let contents = Transcript.read(transcript)
        self.init(key: key, outputs: contents.outputs, failure: failure, seconds: seconds)
        values = contents.values
        inputs = Dictionary(uniqueKeysWithValues: contents.inputs.map { ($0, InputFingerprint.of($0)) })
        failedClaims = contents.failedClaims
        claimsChecked = contents.claimsChecked
        finished = contents.finished
        verdicts = contents.verdicts
        // A program whose claims failed ran to its end and then exited 1: say so, in the
        // cell of the first failed claim, rather than "stopped in the last cell".
        if var failed = self.failure, let firstCell = contents.failedClaimCells.first {
            failed.cell = firstCell
            failed.reason = "\(failedClaims.count) claim\(failedClaims.count == 1 ? "" : "s") about the run failed"
            self.failure = failed
        }
    }
}

/// The cache key of a chapter's run: it changes when anything that can change the
/// chapter's output changes, and only then.
///
/// It covers the chapter's program cells (kind and code, not their line numbers, so
/// editing prose above a cell does not count), the arguments it is run with, every
/// chapter's `lib` cells, the toolchain's version and the run's settings (kernels, seed),
/// and the program's sources: every Swift, C and header file under `Sources/` and
/// `Plugins/`, and `Package.swift`. That list is derived, not written out, so a new target
/// or file is covered the day it appears; what is left out is named:
/// - ``toolOnlyTargets``: code no chapter program links (the tools that build and read
///   the book). `RunKeyTests` checks against the manifest that no chapter depends on them.
/// - ``recordedWhenUsed``: code every program links but only some call. A run that calls
///   it lists its files among the inputs it read, as it lists its data files, so touching
///   the packed kernel re-runs chapters 10 and 12 and leaves chapter 3 alone.
/// - other chapters' placeholder folders under `Sources/Chapters`.
/// The data a run reads cannot be known before it runs: the run lists the files it read
/// (``ChapterRun/inputs``) and the cache checks them when it loads the run.
public enum RunKey {
    /// Targets under `Sources/` that no chapter program links.
    public static let toolOnlyTargets: Set<String> = ["book", "bench", "Site", "ProgramRunner", "CorpusFetch"]
    /// Targets every chapter links but only some runs call; a run that calls one records
    /// its files as inputs (`Sources/Unrolled/PackedKernelSources.swift`).
    public static let recordedWhenUsed: Set<String> = ["CPackedGEMM"]
    /// The kinds of file a program's build reads.
    static let sourceSuffixes = [".swift", ".c", ".h", ".modulemap"]

    public static func key(for chapter: Chapter, in book: Book, sources: [String: String], toolchain: String) -> String {
        var hash = ContentHash()
        hash.add("format", "4")
        hash.add("toolchain", toolchain)
        for cell in chapter.cells where cell.kind.isInProgram {
            hash.add("cell", "\(cell.kind)\n\(cell.index)\n\(cell.code)")
        }
        // The arguments the chapter is run with (only when it declares some).
        if !chapter.runArguments.isEmpty {
            hash.add("arguments", chapter.runArguments.joined(separator: "\n"))
        }
        for other in book.chapters {
            for cell in other.cells where cell.kind == .library {
                hash.add("lib " + other.path, cell.code)
            }
        }
        let ownFolder = chapter.targetName.map { "Sources/Chapters/\($0)/" }
        for path in sources.keys.sorted()
        where !path.hasPrefix("Sources/Chapters/") || (ownFolder.map { path.hasPrefix($0) } ?? false) {
            hash.add("source " + path, sources[path]!)
        }
        return hash.hex
    }

    /// The files a chapter program is built from, by path relative to the package root:
    /// `Package.swift`, and every Swift, C, header and module map file under `Sources/`
    /// and `Plugins/` except those of ``toolOnlyTargets`` and ``recordedWhenUsed``.
    public static func programSources(packageRoot: URL) -> [String: String] {
        var sources: [String: String] = [:]
        let manager = FileManager.default
        func read(_ relative: String) {
            sources[relative] = (try? String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)) ?? "unreadable"
        }
        if manager.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path) { read("Package.swift") }
        for top in ["Sources", "Plugins"] {
            let folder = packageRoot.appendingPathComponent(top)
            for target in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
                if top == "Sources" && (toolOnlyTargets.contains(target) || recordedWhenUsed.contains(target)) { continue }
                let root = folder.appendingPathComponent(target)
                for relative in ((try? manager.subpathsOfDirectory(atPath: root.path)) ?? []).sorted()
                where sourceSuffixes.contains(where: relative.hasSuffix) {
                    read("\(top)/\(target)/\(relative)")
                }
            }
        }
        return sources
    }
}

/// Runs saved as JSON files, one per chapter, named by chapter and key.
public struct RunCache {
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    func file(for target: String, key: String) -> URL {
        folder.appendingPathComponent("\(target)-\(key).json")
    }

    public func load(target: String, key: String) -> ChapterRun? {
        guard let data = try? Data(contentsOf: file(for: target, key: key)),
              let run = try? JSONDecoder().decode(ChapterRun.self, from: data), run.key == key else { return nil }
        // A run is good only while every file it read is as it was.
        for (path, fingerprint) in run.inputs where InputFingerprint.of(path) != fingerprint { return nil }
        return run
    }

    /// Stores a successful run (failures are never cached: the next build tries again),
    /// and removes the chapter's older entries.
    public func store(_ run: ChapterRun, target: String) throws {
        guard run.failure == nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(run).write(to: file(for: target, key: run.key), options: .atomic)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(target + "-") && name != "\(target)-\(run.key).json" {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}

/// What a run's input file looked like: a hash of its bytes; for a folder, of the names
/// below it (a file added to the default corpus changes the corpus); "missing" when it
/// is gone.
public enum InputFingerprint {
    public static func of(_ path: String) -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return "missing" }
        var hash = ContentHash()
        if isDirectory.boolValue {
            let names = ((try? manager.subpathsOfDirectory(atPath: path)) ?? []).sorted()
            hash.add("folder", names.joined(separator: "\n"))
        } else {
            guard let data = manager.contents(atPath: path) else { return "unreadable" }
            hash.add("file", bytes: data)
        }
        return hash.hex
    }
}
