import Foundation

/// Runs a program to completion, with its output collected through temporary files (so a
/// chatty program can never fill a pipe and stall), an optional input and a time limit.
public struct Subprocess {
    public struct Result {
        public var status: Int32
        public var wasSignalled: Bool
        public var timedOut: Bool
        public var standardOutput: Data
        public var standardError: Data
        public var succeeded: Bool { status == 0 && !wasSignalled && !timedOut }

        /// Standard output, then standard error, as text: what a person would have seen,
        /// for checks that only ask whether a line was printed.
        public var text: String {
            String(decoding: standardOutput, as: UTF8.self) + String(decoding: standardError, as: UTF8.self)
        }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` (a path, or a name looked up on the PATH) with `arguments`.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    directory: URL? = nil, input: Data? = nil, timeout: TimeInterval? = nil) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err"), inURL = scratch.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: input ?? Data())

        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL), inp = try FileHandle(forReadingFrom: inURL)
        defer { try? out.close(); try? err.close(); try? inp.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        do {
            try process.run()
        } catch {
            throw LaunchError(description: "cannot start \(executable): \(error.localizedDescription)")
        }
        var timedOut = false
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning {
                if Date() > deadline {
                    timedOut = true
                    process.terminate()
                    break
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            wasSignalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            standardOutput: (try? Data(contentsOf: outURL)) ?? Data(),
            standardError: (try? Data(contentsOf: errURL)) ?? Data())
    }

    /// A program built into the same folder as the running one, as SwiftPM puts every
    /// product of a package (`.build/debug/book` beside `.build/debug/ch01`, or beside the
    /// test bundle, which on macOS sits inside an `.xctest` folder).
    public static func builtBeside(_ name: String) throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw LaunchError(description: "no program \(name) at \(candidate.path): run `swift build` first")
        }
        return candidate
    }
}
