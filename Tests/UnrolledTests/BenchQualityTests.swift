import Foundation
import ProgramRunner
import Testing

/// `make bench-quality` where Tiny Shakespeare is missing, as in any clone: it must say in
/// one line what to do, before building anything; and QUALITY_DATA as a word is a corpus
/// name, handed to `book data fetch`. `-o deps` leaves the Debian packages alone, and
/// `SWIFT=true` with the debug `book` keeps make from building in release.
@Suite struct BenchQualityTests {
    func make(_ arguments: [String]) throws -> Subprocess.Result {
        let book = try Subprocess.builtBeside("book").path
        return try Subprocess.run("make", ["-s", "-o", "deps", "bench-quality", "SWIFT=true", "BOOK_RELEASE=\(book)"] + arguments,
                                  directory: DocumentedCommand.packageRoot, timeout: 120)
    }

    @Test func missingTinyShakespeareNamesTheCorpusToFetch() throws {
        let result = try make(["QUALITY_DATA=/nonexistent/tinyshakespeare.txt"])
        #expect(result.status != 0 && !result.wasSignalled, "\(result.text)")
        let lines = String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("make bench-quality: /nonexistent/tinyshakespeare.txt is missing")
                && lines[0].contains("QUALITY_DATA=shakespeare"), "\(result.text)")
    }

    @Test func aWordIsACorpusNameForBookDataFetch() throws {
        let result = try make(["QUALITY_DATA=nosuchcorpus"])
        #expect(result.status != 0 && !result.wasSignalled, "\(result.text)")
        #expect(String(decoding: result.standardError, as: UTF8.self).contains("book: no corpus called nosuchcorpus"), "\(result.text)")
    }
}
