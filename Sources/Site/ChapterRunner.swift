import Foundation
import ProgramRunner
import Literate
import Notebook

/// Builds chapter programs in release mode and runs them as notebooks, capturing what
/// each cell printed and drew.
public protocol ChapterRunning {
    func run(_ chapter: Chapter, key: String) throws -> ChapterRun
    /// Called once before several chapters are run, so their programs can be built
    /// together (SwiftPM then compiles them side by side on every core) rather than one
    /// after another; each `run` still builds its own program, which is then a no-op.
    func prepare(_ chapters: [Chapter])
}

extension ChapterRunning {
    public func prepare(_ chapters: [Chapter]) {}
}

/// The real runner: `swift build -c release --product chNN`, then the program with
/// `UNROLLED_NOTEBOOK` set, in the package's folder, with the arguments the chapter
/// declares (``Chapter/runArguments``).
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

    /// Builds every product of the package in release at once (the chapters, and the
    /// `book` and `bench` commands beside them). Nothing is lost if that fails: each
    /// chapter's own build then says what is wrong with it, at its Markdown line.
    public func prepare(_ chapters: [Chapter]) {
        guard chapters.count > 1 else { return }
        log("building \(chapters.count) chapters' programs together (release)…")
        let arguments = ["build", "-c", "release", "--scratch-path", scratchPath]
        if let result = try? Subprocess.run(swift, arguments, directory: packageRoot, timeout: timeout), !result.succeeded {
            log("building them together failed; building each on its own to find which")
        }
    }

    public func run(_ chapter: Chapter, key: String) throws -> ChapterRun {
        guard let target = chapter.targetName else { return ChapterRun(key: key, outputs: [:]) }
        var program = ChapterProgram(target: target, packageRoot: packageRoot, release: true, scratchPath: scratchPath)
        program.swift = swift
        log("building \(target) (release)…")
        do {
            try program.build()
        } catch let failure as ChapterProgram.BuildFailure {
            throw BuildError(description: "\(chapter.path): error: \(failure)")
        }
        log("running \(([target] + chapter.runArguments).joined(separator: " "))…")
        let start = Date()
        // With the arguments the chapter's ```sh book-run block declares (usually none).
        let result = try program.run(chapter.runArguments, notebook: true, environment: environment, timeout: timeout)
        let seconds = Date().timeIntervalSince(start)
        var failure: ChapterRun.Failure?
        if !result.succeeded {
            let reason: String
            if result.timedOut { reason = "timed out after \(Int(timeout)) s" }
            else if result.wasSignalled { reason = "stopped by signal \(result.status)\(result.status == 4 || result.status == 5 ? " (a trap: failed precondition, index out of range, overflow…)" : "")" }
            else { reason = "exit status \(result.status)" }
            let tail = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).suffix(15).joined(separator: "\n")
            failure = ChapterRun.Failure(cell: Transcript.read(result.standardOutput).lastCell, reason: reason, standardErrorTail: tail)
        }
        var run = ChapterRun(key: key, transcript: result.standardOutput, failure: failure, seconds: seconds)
        // The flags a reader can change, for the page (the Options block is not shown there).
        if let help = try? program.run(["--help"], timeout: 60), help.succeeded {
            run.flags = String(decoding: help.standardOutput, as: UTF8.self)
        }
        return run
    }
}
