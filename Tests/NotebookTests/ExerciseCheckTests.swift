import Foundation
import Testing
@testable import Notebook

/// What `book exercise` says on FAIL: the worst entry, and a hint when the numbers look
/// like a known mistake.
struct ExerciseCheckTests {
    let expected: [Double] = [0.5, -0.25, 1.5, 2.0, -3.0, 0.125]

    func hint(_ yours: [Double], columns: Int? = nil) -> String {
        Diagnosis(yours: yours, expected: expected, tolerance: 1e-9, columns: columns).hint ?? "(none)"
    }

    @Test func namesTheEntryWithTheLargestError() {
        var yours = expected
        yours[4] = -2.5
        yours[1] = -0.2501
        let lines = Diagnosis(yours: yours, expected: expected, tolerance: 1e-9, columns: nil).lines
        #expect(lines.first == "largest error at entry 4 of 6: expected -3, yours -2.5")
        let matrix = Diagnosis(yours: yours, expected: expected, tolerance: 1e-9, columns: 3).lines
        #expect(matrix.first == "largest error at entry [1, 1] (row, column) of 2×3: expected -3, yours -2.5")
    }

    @Test func hintsNameKnownMistakes() {
        #expect(hint(expected.map { _ in 0 }).contains("not written yet"))
        #expect(hint(expected.map { -$0 }).contains("sign is flipped"))
        #expect(hint(expected.map { 2 * $0 }).contains("factor of 2"))
        #expect(hint(expected.map { $0 / 8 }).contains("off by a factor of 8"))
        #expect(hint(expected.map { $0 * 8 }).contains("off by a factor of 8"))
        #expect(hint(expected.map { 1.7 * $0 }).contains("1.7 × expected"))
        // A missing 1 − h² makes every entry larger by its own factor.
        #expect(hint(expected.map { $0 / (1 - tanh($0) * tanh($0)) }).contains("1 − h²"))
        // A missing contribution (another step's, another path's) makes them smaller.
        #expect(hint(expected.map { $0 * (0.5 + 0.05 * $0 * $0) }).contains("missing from a sum"))
        #expect(hint(expected.enumerated().map { $0.offset < 3 ? $0.element : $0.element + 1 }).contains("3 of the 6 nonzero entries are right, the first wrong one is entry 3"))
        // Zeros matched by zeros do not count as right.
        let sparse = Diagnosis(yours: [0, 0, 1, 2], expected: [0, 0, 3, 5], tolerance: 1e-9, columns: nil).hint ?? ""
        #expect(!sparse.contains("entries are right"))
        #expect(hint([0.5, 1.5, -0.25, 2.0, -3.0, 0.125]).contains("transpose"))
        #expect(hint(expected.map { $0 / 0 }).contains("division by zero"))
        // Noise has no pattern, and then no hint is better than a wrong one.
        #expect(hint([0.3, 0.1, -2, 2.5, 1, 0.4]) == "(none)")
    }

    @Test func reportKeepsTheVerdictLineBookExerciseReads() {
        #expect(ExerciseCheck.verdict(in: "exercise 4.2 · db_y: relative error 1.0e+00 (tolerance 1.0e-06) FAIL", for: "4.2") == false)
        #expect(ExerciseCheck.report("9.1", "same", yours: expected, expected: expected, tolerance: 0))
        #expect(!ExerciseCheck.report("9.1", "shorter", yours: [1], expected: expected, tolerance: 1))
        #expect(!ExerciseCheck.report("9.1", "flipped", yours: expected.map { -$0 }, expected: expected, tolerance: 1e-6))
    }
}
