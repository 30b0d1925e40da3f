import Foundation

/// The one line every exercise check prints, so that `book exercise ID` can read the
/// verdict from any chapter:
///
///     exercise 4.2 · dW_hh: relative error 3.1e-11 (tolerance 1e-07) PASS
///
/// The relative error is |a − b| / max(1e-8, |a| + |b|) between the reader's answer and
/// the reference, the same measure the gradient checks of chapter 4 use.
public enum ExerciseCheck {
    /// Prints the verdict for one quantity of an exercise and returns whether it passed.
    @discardableResult
    public static func report(_ id: String, _ quantity: String, relativeError: Double, tolerance: Double) -> Bool {
        let passed = relativeError.isFinite && relativeError <= tolerance
        printVerdict(id, "exercise \(id) · \(quantity): relative error \(scientific(relativeError)) (tolerance \(scientific(tolerance))) \(passed ? "PASS" : "FAIL")", passed: passed)
        return passed
    }

    /// Prints the verdict for one quantity, comparing every entry of `yours` with
    /// `expected`, and returns whether it passed.
    ///
    /// On FAIL it says where and how: the entry with the largest error, its expected
    /// value and yours, and, when the two differ in a way a known mistake leaves behind
    /// (all zeros, a flipped sign, a constant factor, a term missing from some entries,
    /// the right numbers in the wrong places), a hint naming that mistake:
    ///
    ///     exercise 4.2 · db_y: relative error 1.0e+00 (tolerance 1.0e-06) FAIL
    ///       largest error at entry 3 of 5: expected 0.0123, yours -0.0123
    ///       hint: every entry has the opposite sign: a sign is flipped
    ///
    /// `columns` (optional) names entries of a row-major matrix by row and column.
    @discardableResult
    public static func report(_ id: String, _ quantity: String, yours: [Double], expected: [Double], tolerance: Double, columns: Int? = nil) -> Bool {
        guard yours.count == expected.count else {
            printVerdict(id, "exercise \(id) · \(quantity): \(yours.count) number\(yours.count == 1 ? "" : "s") where \(expected.count) \(expected.count == 1 ? "is" : "are") expected FAIL", passed: false)
            print("  hint: check the shape of your result: it should hold \(expected.count) numbers")
            return false
        }
        let error = relativeError(yours, expected)
        let passed = report(id, quantity, relativeError: error, tolerance: tolerance)
        if !passed {
            for line in Diagnosis(yours: yours, expected: expected, tolerance: tolerance, columns: columns).lines { print("  " + line) }
        }
        return passed
    }

    /// |a − b| / max(1e-8, |a| + |b|), largest over all entries.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "comparing \(a.count) numbers with \(b.count)")
        var largest = 0.0
        for (x, y) in zip(a, b) {
            let error = entryError(x, y)
            if error.isNaN { return .nan }
            largest = max(largest, error)
        }
        return largest
    }

    /// Whether a line of a chapter's output is a verdict for exercise `id`, and which.
    public static func verdict(in line: String, for id: String) -> Bool? {
        guard line.hasPrefix("exercise \(id) · ") else { return nil }
        if line.hasSuffix(" PASS") { return true }
        if line.hasSuffix(" FAIL") { return false }
        return nil
    }

    /// Prints a verdict line; under the site builder also its marker, so the run's verdicts
    /// are kept with it and `book solutions` can read them from a cached run.
    private static func printVerdict(_ id: String, _ line: String, passed: Bool) {
        print(line)
        if Notebook.isCapturing { print(Transcript.verdictMarker(exercise: id, passed: passed, line: line)) }
    }

    private static func scientific(_ value: Double) -> String {
        String(format: "%.1e", value)
    }
}

/// |a − b| / max(10⁻⁸, |a| + |b|): 0 when two numbers agree, near 1 when they have nothing
/// to do with each other. Scale-free, so one threshold serves large and small entries;
/// the floor keeps two zeros (an unused entry) from dividing 0 by 0. The one measure the
/// gradient checks (`Unrolled`) and the exercise checks use.
public func relativeError(_ a: Double, _ b: Double) -> Double {
    (a - b).magnitude / max(1e-8, a.magnitude + b.magnitude)
}

/// The global `relativeError`, for `ExerciseCheck`, whose own `relativeError` hides it.
private func entryError(_ a: Double, _ b: Double) -> Double { relativeError(a, b) }

/// What a failed comparison looks like: where the largest error is, and which known
/// mistake (if any) leaves that pattern. Patterns are checked from the most specific.
struct Diagnosis {
    var yours: [Double]
    var expected: [Double]
    var tolerance: Double
    var columns: Int?

    /// Two numbers agree "up to rounding" for the pattern checks: looser than most
    /// tolerances, since a reader's formula may round differently from the book's.
    static let close = 1e-6

    static func error(_ a: Double, _ b: Double) -> Double { relativeError(a, b) }

    func entryName(_ i: Int) -> String {
        guard let columns, columns > 0 else { return "entry \(i) of \(expected.count)" }
        return "entry [\(i / columns), \(i % columns)] (row, column) of \(expected.count / columns)×\(columns)"
    }

    static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "+∞" : "−∞") }
        return String(format: "%.6g", x)
    }

    var worst: Int {
        var index = 0, largest = -1.0
        for i in expected.indices {
            let e = yours[i].isFinite ? Self.error(yours[i], expected[i]) : .infinity
            if e > largest { largest = e; index = i }
        }
        return index
    }

    var lines: [String] {
        guard !expected.isEmpty else { return [] }
        let i = worst
        var lines = ["largest error at \(entryName(i)): expected \(Self.number(expected[i])), yours \(Self.number(yours[i]))"]
        if let hint { lines.append("hint: " + hint) }
        return lines
    }

    /// The known mistake the numbers point to, if any.
    var hint: String? {
        let scale = expected.map(abs).max() ?? 0
        // Entries that carry information: the expected value is not (nearly) zero.
        let telling = expected.indices.filter { abs(expected[$0]) > 1e-9 * max(scale, 1e-300) }
        if let bad = yours.firstIndex(where: { !$0.isFinite }) {
            return "\(entryName(bad)) is \(Self.number(yours[bad])): a division by zero, a log of zero or an overflow (exp of a large number?)"
        }
        if yours.allSatisfy({ abs($0) <= 1e-12 * scale }) {
            return "every entry of yours is 0: not written yet, or the result is never added in"
        }
        if !telling.isEmpty, expected.indices.allSatisfy({ Self.error(yours[$0], -expected[$0]) <= Self.close }) {
            return "every entry has the right size and the opposite sign: a sign is flipped (a minus missing, or one too many)"
        }
        if let k = constantFactor {
            let text = Self.number(k)
            if abs(k - 2) < 1e-6 || abs(k - 0.5) < 1e-6 {
                return "yours is \(text) × expected in every entry: a factor of 2 is off (the 2 from differentiating a square, or a ½ in front of it)"
            }
            let n = k >= 1 ? k : 1 / k
            if abs(n - n.rounded()) < 1e-6 * n, n.rounded() >= 2 {
                let m = Int(n.rounded())
                return "yours is \(text) × expected in every entry: off by a factor of \(m): a sum where a mean belongs or the other way round (over \(m) steps or rows?)"
            }
            return "yours is \(text) × expected in every entry: a constant factor is off (a scale applied twice, or missing)"
        }
        if expected.count > 1, sameNumbersElsewhere {
            return "yours holds the expected numbers in other places: a transpose, or two indices swapped"
        }
        // Entries right by more than luck: an expected zero matched by a zero says little.
        let matching = telling.filter { Self.error(yours[$0], expected[$0]) <= tolerance }
        if !matching.isEmpty, let first = expected.indices.first(where: { Self.error(yours[$0], expected[$0]) > tolerance }) {
            return "\(matching.count) of the \(telling.count) nonzero entries are right, the first wrong one is \(entryName(first)): a case or a term that only some entries need is missing (a step, a boundary, the path from h_{t+1}?)"
        }
        let ratios = telling.map { yours[$0] / expected[$0] }
        if ratios.count > 1, ratios.allSatisfy({ $0 > 1 + Self.close }) {
            return "every entry of yours is larger than expected, by different factors: a factor below 1 is missing, such as tanh's derivative 1 − h²"
        }
        if ratios.count > 1, ratios.allSatisfy({ $0 > 0 && $0 < 1 - Self.close }) {
            return "every entry of yours is smaller than expected, by different factors: a contribution is missing from a sum (another step's, or another path's)"
        }
        return nil
    }

    /// k when yours = k · expected in every entry (k ≠ 1, k ≠ −1 handled as a sign).
    var constantFactor: Double? {
        var dot = 0.0, norm = 0.0
        for (y, e) in zip(yours, expected) { dot += y * e; norm += e * e }
        guard norm > 0 else { return nil }
        let k = dot / norm
        guard k != 0, Self.error(k, 1) > Self.close, zip(yours, expected).allSatisfy({ Self.error($0, k * $1) <= Self.close }) else { return nil }
        return k
    }

    /// Whether yours and expected hold the same multiset of numbers (up to rounding).
    var sameNumbersElsewhere: Bool {
        let a = yours.sorted(), b = expected.sorted()
        return zip(a, b).allSatisfy { Self.error($0, $1) <= Self.close }
    }
}
