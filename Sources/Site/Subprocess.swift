import Foundation

/// Runs a program to completion, with its output collected through temporary files (so a
/// chatty program can never fill a pipe and stall), an optional input and a time limit.
struct Subprocess {
    struct Result {
        var status: Int32
        var wasSignalled: Bool
        var timedOut: Bool
        var standardOutput: Data
        var standardError: Data
        var succeeded: Bool { status == 0 && !wasSignalled && !timedOut }
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
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
}
