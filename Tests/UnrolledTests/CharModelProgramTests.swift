import Foundation
import ProgramRunner
import SafeTensors
import Testing
import Unrolled

/// `ch12` and `book sample` as a reader runs them: a resumed run ends where the
/// uninterrupted one does, and a bad checkpoint or option is one line, exit 1 (64 for an
/// option refused), with the checkpoint on disk left as it was.
@Suite(.serialized) struct CharModelProgramTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ch12-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run(try Subprocess.builtBeside(program).path, arguments, timeout: 300)
        #expect(!result.timedOut)
        return (result.status, result.text)
    }

    /// A small text and a small, fast model: every run below uses these flags.
    func smallRun(_ extra: [String]) throws -> (status: Int32, output: String) {
        let text = path("text.txt")
        if !FileManager.default.fileExists(atPath: text) {
            try String(repeating: "to be or not to be, that is the question. ", count: 60).write(toFile: text, atomically: true, encoding: .utf8)
        }
        return try run("ch12", ["--data", text, "--hidden", "8", "--embedding", "4", "--batch", "2", "--unroll", "8",
                                "--eval-every", "2", "--validation-characters", "1000", "--sample-length", "5"] + extra)
    }

    func expectOneLine(_ result: (status: Int32, output: String), _ program: String, status: Int32 = 1, containing text: String) {
        #expect(result.status == status, "\(result.output)")
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("\(program): ") }
        #expect(lines.count == 1 && lines[0].contains(text), "\(result.output)")
    }

    @Test func resumedRunEqualsUninterruptedAndBadResumesAreOneLine() throws {
        let straight = try smallRun(["--steps", "8", "--checkpoint", path("straight.safetensors")])
        #expect(straight.status == 0, "\(straight.output)")
        let half = try smallRun(["--steps", "4", "--checkpoint", path("half.safetensors")])
        #expect(half.status == 0, "\(half.output)")
        let halfBytes = try Data(contentsOf: folder.appendingPathComponent("half.safetensors"))
        let resumed = try smallRun(["--steps", "8", "--resume", path("half.safetensors"), "--checkpoint", path("resumed.safetensors")])
        #expect(resumed.status == 0, "\(resumed.output)")
        let a = try CharCheckpoint.read(from: folder.appendingPathComponent("straight.safetensors"))
        let b = try CharCheckpoint.read(from: folder.appendingPathComponent("resumed.safetensors"))
        #expect(a.model == b.model && a.history == b.history && a.update == 8)
        #expect(FileManager.default.fileExists(atPath: path("straight.best.safetensors")))

        // Refusals, each before anything is written: the checkpoint stays byte for byte.
        let half2 = ["--resume", path("half.safetensors"), "--checkpoint", path("half.safetensors")]
        expectOneLine(try smallRun(["--steps", "8", "--cell", "gru"] + half2), "ch12", containing: "lstm model, --cell says gru")
        expectOneLine(try smallRun(["--steps", "8", "--hidden", "9"] + half2), "ch12", containing: "H = 8")
        expectOneLine(try smallRun(["--steps", "8", "--unroll", "9"] + half2), "ch12", containing: "other settings")
        expectOneLine(try smallRun(["--steps", "4"] + half2), "ch12", containing: "already at update 4")
        expectOneLine(try smallRun(["--steps", "8", "--threads", "2"] + half2), "ch12", containing: "other settings")
        expectOneLine(try smallRun(["--steps", "8", "--threads", "3"] + half2), "ch12", containing: "--threads 3 must divide --batch 2")
        let other = path("other.txt")
        try String(repeating: "the quick brown fox jumps over the lazy dog! ", count: 60).write(toFile: other, atomically: true, encoding: .utf8)
        expectOneLine(try run("ch12", ["--data", other, "--hidden", "8", "--embedding", "4", "--batch", "2", "--unroll", "8",
                                       "--validation-characters", "1000", "--steps", "8"] + half2), "ch12", containing: "vocabulary")
        let shuffled = path("shuffled.txt")                                  // the same characters, another text
        try String(repeating: "that is the question, to be or not to be. ", count: 60).write(toFile: shuffled, atomically: true, encoding: .utf8)
        expectOneLine(try run("ch12", ["--data", shuffled, "--hidden", "8", "--embedding", "4", "--batch", "2", "--unroll", "8",
                                       "--eval-every", "2", "--validation-characters", "1000", "--sample-length", "5", "--steps", "8"] + half2),
                      "ch12", containing: "another text")
        #expect(try Data(contentsOf: folder.appendingPathComponent("half.safetensors")) == halfBytes)

        try halfBytes.prefix(halfBytes.count / 2).write(to: folder.appendingPathComponent("truncated.safetensors"))
        expectOneLine(try smallRun(["--steps", "8", "--resume", path("truncated.safetensors"), "--checkpoint", path("truncated.safetensors")]),
                      "ch12", containing: "truncated.safetensors")
        #expect(try Data(contentsOf: folder.appendingPathComponent("truncated.safetensors")).count == halfBytes.count / 2)
        expectOneLine(try smallRun(["--steps", "8", "--resume", path("nothing.safetensors")]), "ch12", containing: "no such file")
        expectOneLine(try smallRun(["--steps", "8", "--checkpoint", path("no-folder/x.safetensors")]), "ch12", containing: "x.safetensors")
        expectOneLine(try smallRun(["--steps", "8", "--checkpoint", folder.path]), "ch12", containing: "is a folder")

        // book sample on the checkpoint ch12 wrote.
        let sampled = try run("book", ["sample", "--checkpoint", path("straight.safetensors"), "--prime", "to be", "--length", "20", "--seed", "3"])
        #expect(sampled.status == 0 && sampled.output.hasPrefix("to be"), "\(sampled.output)")
        let again = try run("book", ["sample", "--checkpoint", path("straight.safetensors"), "--prime", "to be", "--length", "20", "--seed", "3"])
        #expect(again.output == sampled.output)
        expectOneLine(try run("book", ["sample", "--checkpoint", path("straight.safetensors"), "--prime", "TO BE"]), "book", containing: "not in the vocabulary")
        expectOneLine(try run("book", ["sample", "--checkpoint", path("straight.safetensors"), "--temperature", "0"]), "book", status: 64, containing: "--temperature")
        expectOneLine(try run("book", ["sample", "--checkpoint", path("straight.safetensors"), "--temperature", "-1"]), "book", status: 64, containing: "--temperature")
        expectOneLine(try run("book", ["sample", "--checkpoint", path("truncated.safetensors")]), "book", containing: "truncated.safetensors")
        expectOneLine(try run("book", ["sample", "--checkpoint", path("text.txt")]), "book", containing: "text.txt")
    }

    /// The book's run (--real-corpora) needs three fetched corpora; without one it stops
    /// before any training with one line that says how to fetch it.
    @Test func theRealCorporaRunNamesTheFetchCommandOfAMissingCorpus() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["UNROLLED_DATA"] = folder.appendingPathComponent("no-corpora-here").path
        let result = try Subprocess.run(try Subprocess.builtBeside("ch12").path, ["--real-corpora"], environment: environment, timeout: 60)
        expectOneLine((result.status, result.text), "ch12", containing: "`swift run book data fetch shakespeare`")
    }
}
