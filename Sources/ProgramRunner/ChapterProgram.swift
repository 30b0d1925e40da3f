import Foundation

/// Building and running one chapter's program, `chNN`: the one place that knows how. The
/// site, `book exercise`, `book solutions` and `book verify` all go through it, so the
/// build configuration, the `-DEXERCISES` build in its own scratch folder, where the binary
/// lands and the environment a run gets cannot drift apart between them.
public struct ChapterProgram: Sendable {
    /// Which answer to each exercise the program is built with.
    public enum Answers: Sendable {
        /// The book's solutions (the `swift solution=ID` cells): the normal build.
        case solutions
        /// The reader's answers (the `swift exercise=ID` cells), built with `-DEXERCISES` in
        /// `.build-exercises`, so the normal build keeps the solutions.
        case exercises
    }

    public var target: String
    public var packageRoot: URL
    public var release: Bool
    public var answers: Answers
    /// SwiftPM's build folder, relative to the package root (or absolute).
    public var scratchPath: String
    public var swift = "swift"

    public init(target: String, packageRoot: URL, release: Bool, answers: Answers = .solutions, scratchPath: String? = nil) {
        self.target = target
        self.packageRoot = packageRoot
        self.release = release
        self.answers = answers
        self.scratchPath = scratchPath ?? (answers == .exercises ? ".build-exercises" : ".build")
    }

    public var configuration: String { release ? "release" : "debug" }

    /// `swift build …` for this program, as a reader could type it.
    public var buildArguments: [String] {
        ["build", "-c", configuration, "--product", target, "--scratch-path", scratchPath]
            + (answers == .exercises ? ["-Xswiftc", "-DEXERCISES"] : [])
    }

    /// Where the build puts the program: SwiftPM links `<scratch>/<configuration>` to the
    /// platform's folder.
    public var executable: URL {
        let scratch = scratchPath.hasPrefix("/") ? URL(fileURLWithPath: scratchPath) : packageRoot.appendingPathComponent(scratchPath)
        return scratch.appendingPathComponent(configuration).appendingPathComponent(target).standardizedFileURL
    }

    /// The compiler's output when the build failed, with its error lines picked out.
    public struct BuildFailure: Error, CustomStringConvertible {
        public var command: String
        public var output: String
        /// The lines that say `error:`, at most 10: what a person needs to see first.
        public var errorLines: String {
            output.split(separator: "\n").filter { $0.contains("error:") }.prefix(10).joined(separator: "\n")
        }
        public var description: String { "`\(command)` failed\n" + errorLines }
    }

    /// Builds the program; returns what the compiler printed.
    @discardableResult
    public func build(timeout: TimeInterval? = nil) throws -> String {
        let result = try Subprocess.run(swift, buildArguments, directory: packageRoot, timeout: timeout)
        let output = String(decoding: result.standardOutput + result.standardError, as: UTF8.self)
        guard result.succeeded else {
            throw BuildFailure(command: "swift " + buildArguments.joined(separator: " "), output: output)
        }
        return output
    }

    /// Runs the built program in the package's folder, with `environment` on top of this
    /// process's; `notebook` asks it for a transcript (`UNROLLED_NOTEBOOK=1`: cell markers,
    /// figures, recorded values) instead of terminal output.
    public func run(_ arguments: [String] = [], notebook: Bool = false, environment: [String: String] = [:],
                    timeout: TimeInterval? = nil) throws -> Subprocess.Result {
        var full = ProcessInfo.processInfo.environment
        if notebook { full["UNROLLED_NOTEBOOK"] = "1" }
        full.merge(environment) { _, given in given }
        return try Subprocess.run(executable.path, arguments, environment: full, directory: packageRoot, timeout: timeout)
    }
}
