import Foundation

/// Runs another program for a test and collects what it printed.
enum Subprocess {
    /// Runs `executable` with `arguments`; returns the exit status and standard output and
    /// error together.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// A program of this package, built beside the test bundle (`swift build` builds them all).
    static func builtProduct(_ name: String) throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else { throw NotBuilt(path: candidate.path) }
        return candidate
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var path: String
        var description: String { "no program at \(path): run `swift build` before `swift test`" }
    }
}
