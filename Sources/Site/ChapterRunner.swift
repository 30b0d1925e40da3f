import Foundation
import ProgramRunner
import Literate

/// Builds chapter programs in release mode and runs them as notebooks, capturing what
/// each cell printed and drew.
public protocol ChapterRunning {
    func run(_ chapter: Chapter, key: String) throws -> ChapterRun
}

/// The real runner: `swift build -c release --product chNN`, then the program with
/// `UNROLLED_NOTEBOOK` set, in the package's folder.
public struct SwiftChapterRunner: ChapterRunning {
    public var packageRoot: URL
    public var scratchPath: String
    public var swift: String
    public var timeout: TimeInterval
    /// Set for the chapter program on top of this process's environment (`UNROLLED_SEED`).
    public var environment: [String: String] = [:]
    /// Called with a line to show the person waiting ("building ch03…").
    public var log: (String) -> Void

    public init(packageRoot: URL, scratchPath: String = ".build", swift: String = "swift", timeout: TimeInterval = 900, log: @escaping (String) -> Void) {
        self.packageRoot = packageRoot
        self.scratchPath = scratchPath
        self.swift = swift
        self.timeout = timeout
        self.log = log
    }

    public struct BuildError: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(_ chapter: Chapter, key: String) throws -> ChapterRun {
        guard let target = chapter.targetName else { return ChapterRun(key: key, outputs: [:]) }
        log("building \(target) (release)…")
        let build = try Subprocess.run(swift, ["build", "-c", "release", "--product", target, "--scratch-path", scratchPath], directory: packageRoot)
        guard build.succeeded else {
            let errors = String(decoding: build.standardOutput + build.standardError, as: UTF8.self)
                .split(separator: "\n").filter { $0.contains("error:") }.prefix(10).joined(separator: "\n")
            throw BuildError(description: "\(chapter.path): error: `swift build -c release --product \(target)` failed\n\(errors)")
        }
        let binary = URL(fileURLWithPath: scratchPath, relativeTo: packageRoot).appendingPathComponent("release/\(target)").path
        log("running \(target)…")
        var environment = ProcessInfo.processInfo.environment
        environment["UNROLLED_NOTEBOOK"] = "1"
        environment.merge(self.environment) { _, given in given }
        let start = Date()
        let result = try Subprocess.run(binary, [], environment: environment, directory: packageRoot, timeout: timeout)
        let seconds = Date().timeIntervalSince(start)
        var failure: ChapterRun.Failure?
        if !result.succeeded {
            let reason: String
            if result.timedOut { reason = "timed out after \(Int(timeout)) s" }
            else if result.wasSignalled { reason = "stopped by signal \(result.status)\(result.status == 4 || result.status == 5 ? " (a trap: failed precondition, index out of range, overflow…)" : "")" }
            else { reason = "exit status \(result.status)" }
            let tail = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).suffix(15).joined(separator: "\n")
            failure = ChapterRun.Failure(cell: ChapterRun.lastCell(in: result.standardOutput), reason: reason, standardErrorTail: tail)
        }
        return ChapterRun(key: key, transcript: result.standardOutput, failure: failure, seconds: seconds)
    }
}
