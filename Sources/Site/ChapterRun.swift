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
/// editing prose above a cell does not count), the arguments it is run with, the library (every chapter's `lib` cells
/// and the Swift sources of `Unrolled*` and `Notebook`), and the toolchain's version.
/// The data a run reads cannot be known before it runs: the run lists the files it read
/// (``ChapterRun/inputs``) and the cache checks them when it loads the run.
public enum RunKey {
    public static func key(for chapter: Chapter, in book: Book, librarySources: [String: String], toolchain: String) -> String {
        var hash = ContentHash()
        hash.add("format", "3")
        hash.add("toolchain", toolchain)
        for cell in chapter.cells where cell.kind.isInProgram {
            hash.add("cell", "\(cell.kind)\n\(cell.index)\n\(cell.code)")
        }
        // The arguments the chapter is run with (only when it declares some, so the keys
        // of the chapters run without any are what they were).
        if !chapter.runArguments.isEmpty {
            hash.add("arguments", chapter.runArguments.joined(separator: "\n"))
        }
        for other in book.chapters {
            for cell in other.cells where cell.kind == .library {
                hash.add("lib " + other.path, cell.code)
            }
        }
        for path in librarySources.keys.sorted() {
            hash.add("source " + path, librarySources[path]!)
        }
        return hash.hex
    }

    /// The Swift files under `Sources/Unrolled*` and `Sources/Notebook`, by path.
    public static func librarySources(packageRoot: URL) -> [String: String] {
        var sources: [String: String] = [:]
        let sourcesFolder = packageRoot.appendingPathComponent("Sources")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: sourcesFolder.path)) ?? [])
            .filter { $0.hasPrefix("Unrolled") || $0 == "Notebook" }
        for folder in folders {
            let root = sourcesFolder.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = "Sources/\(folder)/\(relative)"
                sources[path] = (try? String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)) ?? ""
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
