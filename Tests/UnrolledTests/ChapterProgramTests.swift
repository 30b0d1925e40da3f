import Foundation
import ProgramRunner
import Testing

/// Chapters are programs a reader runs with their own flags and data: bad input must end
/// in one line on standard error and a non-zero exit, never a crash or a screen of `nan`.
@Suite(.serialized) struct ChapterProgramTests {
    func run(_ chapter: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run(try Subprocess.builtBeside(chapter).path, arguments)
        return (result.status, result.text)
    }

    @Test func divergingTrainingStopsWithOneLine() throws {
        let result = try run("ch03", ["--learning-rate", "1e30", "--epochs", "1"])
        #expect(result.status == 1, "\(result.output)")
        let complaint = result.output.split(separator: "\n").filter { $0.contains("training diverged") }
        #expect(complaint.count == 1, "\(result.output)")
        #expect(complaint.first?.hasPrefix("ch03: training diverged: the loss became") == true)
    }

    /// Chapter 7: bad settings and a diverging run are one line each and exit status 1.
    @Test func chapter7BadInputIsOneLineAndStatusOne() throws {
        let cases: [([String], String)] = [
            (["--unroll", "0"], "--unroll must be between 1 and 640"),
            (["--unroll", "-3"], "--unroll must be between 1 and 640"),
            (["--learning-rate", "0"], "--learning-rate must be a positive number"),
            (["--learning-rate", "-0.5"], "--learning-rate must be a positive number"),
            (["--learning-rate", "1e30", "--updates", "5"], "training diverged: the loss became"),
        ]
        try expectOneLineFailures("ch07", cases)
    }

    /// Each case's arguments end the chapter with status 1 and exactly one line
    /// `chNN: …` that contains the expected text.
    func expectOneLineFailures(_ chapter: String, _ cases: [([String], String)]) throws {
        for (arguments, expected) in cases {
            let result = try run(chapter, arguments)
            #expect(result.status == 1, "\(arguments): \(result.output)")
            let errorLines = result.output.split(separator: "\n").filter { $0.hasPrefix("\(chapter): ") }
            #expect(errorLines.count == 1 && errorLines[0].contains(expected), "\(arguments): \(result.output)")
        }
    }

    @Test func badTextInputIsOneLineAndStatusOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-ch06-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        let cases: [([String], String)] = [
            (["--data", empty.path], "is empty"),
            (["--data", folder.appendingPathComponent("missing.txt").path], "no such file"),
            (["--temperature", "0"], "--temperature must be a positive number"),
            (["--prime", "§¤", "--steps", "1"], "characters not in the vocabulary"),
        ]
        try expectOneLineFailures("ch06", cases)
    }
}
