import Foundation
import ProgramRunner

/// Running `swift` and the programs it builds.
enum SwiftPM {
    /// `swift build ARGUMENTS`, its output going to standard error so that standard output
    /// carries only what the chapters print. Returns the status.
    static func run(_ arguments: [String], in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build"] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.standardError
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `swift ARGUMENTS`, returning what it printed, trimmed.
    static func output(_ arguments: [String], in folder: URL) throws -> String {
        try Subprocess.run("swift", arguments, directory: folder).text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a built program; returns its status and what it printed on standard output.
    static func runProgram(_ program: URL, in folder: URL) throws -> (status: Int32, text: String) {
        let result = try Subprocess.run(program.path, [], directory: folder)
        return (result.status, String(decoding: result.standardOutput, as: UTF8.self))
    }
}
