import Foundation

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
        let result = try capture(URL(fileURLWithPath: "/usr/bin/env"), ["swift"] + arguments, in: folder)
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func runProgram(_ program: URL, in folder: URL) throws -> (status: Int32, text: String) {
        try capture(program, [], in: folder)
    }

    private static func capture(_ executable: URL, _ arguments: [String], in folder: URL) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
