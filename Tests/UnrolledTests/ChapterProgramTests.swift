import Foundation
import ProgramRunner
import Testing

/// Chapters are programs a reader runs with their own flags and data: bad input must end
/// in one line on standard error and a non-zero exit, never a crash or a screen of `nan`.
@Suite(.serialized) struct ChapterProgramTests {
    func run(_ chapter: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run(try Subprocess.builtBeside(chapter).path, arguments, timeout: timeout)
        #expect(!result.timedOut, "\(chapter) \(arguments) did not finish in \(timeout) s")
        return (result.status, result.text)
    }

    /// Runs `chapter` with each list of arguments and expects `status` (1 for bad data, 64
    /// for an option the command line refuses) and exactly one line `chNN: …` that contains
    /// the expected text.
    func expectOneLineFailures(_ chapter: String, status: Int32 = 1, _ cases: [([String], String)]) throws {
        for (arguments, expected) in cases {
            let result = try run(chapter, arguments)
            #expect(result.status == status, "\(arguments): \(result.output)")
            let errorLines = result.output.split(separator: "\n").filter { $0.hasPrefix("\(chapter): ") }
            #expect(errorLines.count == 1 && errorLines[0].contains(expected), "\(arguments): \(result.output)")
        }
    }

    @Test func divergingTrainingStopsWithOneLine() throws {
        let result = try run("ch03", ["--learning-rate", "1e38", "--epochs", "1"])
        #expect(result.status == 1, "\(result.output)")
        let complaint = result.output.split(separator: "\n").filter { $0.contains("training diverged") }
        #expect(complaint.count == 1, "\(result.output)")
        #expect(complaint.first?.hasPrefix("ch03: training diverged: the loss became") == true)
    }

    /// Chapter 7: a non-positive unroll length or learning rate is one line and the usage
    /// status, 64; a run whose loss stops being a number is one line and status 1.
    @Test func chapter7BadInputIsOneLine() throws {
        try expectOneLineFailures("ch07", status: 64, [
            (["--unroll", "0"], "--unroll <unroll>': must be a whole number from 1 to 640"),
            (["--unroll", "-3"], "--unroll <unroll>': must be a whole number from 1 to 640"),
            (["--learning-rate", "0"], "--learning-rate <learning-rate>': must be a number above 0"),
            (["--learning-rate", "-0.5"], "--learning-rate <learning-rate>': must be a number above 0"),
        ])
        try expectOneLineFailures("ch07", [(["--learning-rate", "1e38", "--updates", "5"], "training diverged: the loss became")])
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
            (["--prime", "§¤", "--steps", "1"], "characters not in the vocabulary"),
        ]
        try expectOneLineFailures("ch06", cases)
    }

    /// Chapter 8: text with nothing left after the mapping to 27 symbols and a diverging run
    /// end in one line and status 1; a non-positive unroll length or learning rate in one
    /// line and the command line's status, 64.
    @Test func chapterEightBadInputIsOneLineAndStatusOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-ch08-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let noLetters = folder.appendingPathComponent("symbols.txt")
        try Data("!!! ∑ ∂ → 🎉\n\n--- ...\n".utf8).write(to: noLetters)
        try expectOneLineFailures("ch08", [
            (["--data", noLetters.path], "mapped to a–z and space it is empty"),
            (["--learning-rate", "1e30", "--steps", "20"], "training diverged: the loss became"),
        ])
        try expectOneLineFailures("ch08", status: 64, [
            (["--unroll", "0"], "'--unroll <unroll>': must be a whole number from 1"),
            (["--learning-rate", "0"], "'--learning-rate <learning-rate>': must be a number above 0"),
            (["--learning-rate", "-0.5"], "'--learning-rate <learning-rate>': must be a number above 0"),
        ])
    }

    /// A FIFO, /dev/stdin, /dev/zero and a folder as `--data`: each is refused at once with
    /// one line saying what it is (a FIFO used to block forever waiting for a writer, and
    /// /dev/zero read without end), for both chapters that read text.
    @Test(arguments: ["ch05", "ch06"])
    func nonRegularDataIsOneLineAndNeverHangs(chapter: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let cases = [(fifo.path, "is a FIFO (named pipe), not a regular file"), ("/dev/stdin", "/dev/stdin is"),  // what it points to: here the test's empty input file
                     ("/dev/zero", "is a device, not a regular file"), (folder.path, "is a directory")]
        for (path, expected) in cases {
            let result = try run(chapter, ["--data", path], timeout: 30)
            #expect(result.status == 1, "\(path): \(result.output)")
            let errorLines = result.output.split(separator: "\n").filter { $0.hasPrefix("\(chapter): ") }
            #expect(errorLines.count == 1 && errorLines[0].contains(expected), "\(path): \(result.output)")
        }
    }

    /// An error line stays one line, and cannot move the cursor: control characters the
    /// reader typed are shown escaped. Counts read as English.
    @Test func errorLinesEscapeControlCharactersAndCountInTheSingular() throws {
        let prime = try run("ch06", ["--prime", "a\rb\u{1B}[2J", "--steps", "1"], timeout: 60)
        let line = prime.output.split(separator: "\n").first { $0.hasPrefix("ch06: ") }
        #expect(line?.contains(#"--prime "a\rb\u{1B}[2J""#) == true, "\(prime.output)")
        #expect(!prime.output.contains("\r") && !prime.output.contains("\u{1B}"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-one-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A text of one character has one distinct character, which is refused before its length.
        let one = folder.appendingPathComponent("one.txt"), two = folder.appendingPathComponent("two.txt")
        try Data("a".utf8).write(to: one)
        try Data("ab".utf8).write(to: two)
        let single = try run("ch06", ["--data", one.path], timeout: 30)
        #expect(single.status == 1 && single.output.contains("has only 1 distinct character,"), "\(single.output)")
        let short = try run("ch06", ["--data", two.path], timeout: 30)
        #expect(short.status == 1 && short.output.contains("has 2 characters;"), "\(short.output)")
    }

    /// Chapter 11: an empty --data fails before any training; a training text too short
    /// for the streams is refused with what to raise.
    @Test func chapterElevenBadInputIsOneLineAndStatusOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-ch11-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        try expectOneLineFailures("ch11", [
            (["--data", empty.path], "is empty"),
            (["--training-strings", "100", "--unroll", "5000"], "raise --training-strings"),
        ])
    }

    /// Every program that reads `--data`, with settings small enough that a debug build runs
    /// it to the end in seconds.
    static let dataPrograms: [String: [String]] = [
        "ch05": ["--steps", "5", "--hidden", "8"],
        "ch06": ["--steps", "10", "--numpy-seconds", "0", "--length", "20"],
        "ch07": ["--updates", "3", "--hidden", "8"],
        "ch08": ["--steps", "5", "--hidden", "8", "--length", "20"],
        "ch09": ["--updates", "3", "--hidden", "8", "--sample-length", "100", "--check-every", "1"],
        "ch10": ["--delays", "2", "--echo-updates", "2", "--echo-test-sequences", "10", "--echo-hidden", "4",
                 "--text-updates", "3", "--text-hidden", "8", "--text-check-every", "1"],
        "ch11": ["--training-strings", "200", "--updates", "3", "--hidden", "8", "--test-strings", "10", "--samples", "10",
                 "--text-updates", "3", "--text-hidden", "8"],
        "ch12": ["--steps", "3", "--hidden", "8", "--embedding", "4", "--eval-every", "1", "--sample-length", "20"],
        "bench": ["--windows", "1"],
    ]

    /// Tiny vocabularies. A text of one distinct character (V = 1: `x` repeated, or only
    /// newlines) is refused by every program that reads `--data`, in one line that says so:
    /// chapter 6 used to trap on it (every gradient is zero when V = 1, and it took the
    /// median of an empty list). A text of two (V = 2, `xy` repeated) runs to the end; too
    /// short a one is one line. Never a signal.
    @Test(arguments: dataPrograms.keys.sorted())
    func tinyVocabulariesRunOrStopWithOneLine(program: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-tiny-\(program)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let settings = Self.dataPrograms[program]! + (program == "ch12" ? ["--checkpoint", folder.appendingPathComponent("ch12.safetensors").path] : [])
        func outcome(_ path: String) throws -> (result: Subprocess.Result, errorLines: [Substring]) {
            let result = try Subprocess.run(try Subprocess.builtBeside(program).path, ["--data", path] + settings, timeout: 600)
            #expect(!result.wasSignalled && !result.timedOut, "\(program) --data \(path) crashed: \(result.text)")
            let errorLines = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("\(program): ") }
            return (result, errorLines)
        }

        let oneCharacter = [("x.txt", String(repeating: "x", count: 50_000), #""x""#),
                            ("newlines.txt", String(repeating: "\n", count: 50_000), #""\n""#),
                            ("one-x.txt", "x", #""x""#)]
        for (name, text, shown) in oneCharacter {
            let (result, errorLines) = try outcome(try file(name, text))
            #expect(result.status != 0, "\(program) \(name): \(result.text)")
            #expect(errorLines.count == 1 && errorLines.first?.contains("has only 1 distinct character, \(shown); a character model needs at least 2") == true,
                    "\(program) \(name): \(result.text)")
        }

        let twoCharacters = try outcome(try file("xy.txt", String(repeating: "xy", count: 15_000)))
        #expect(twoCharacters.result.status == 0, "\(program) on xy repeated: \(twoCharacters.result.text)")

        let short = try outcome(try file("xy-short.txt", "xy"))
        #expect(short.result.status != 0 && short.errorLines.count == 1 && short.errorLines[0].contains(" 2 characters"),
                "\(program) on xy: \(short.result.text)")
    }

    /// `--temperature 1e-308` used to pass validation, train for the whole run, and trap
    /// when sampling (1/τ = ∞). Now the whole chapter runs, and the tiny-τ sample is argmax.
    @Test(arguments: ["1e-308", "1e-300"])
    func tinyTemperatureRunsToTheEnd(τ: String) throws {
        let result = try run("ch06", ["--steps", "2", "--temperature", τ, "--length", "20", "--numpy-seconds", "0"], timeout: 300)
        #expect(result.status == 0, "\(result.output)")
    }
}
