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
        print("exercise \(id) · \(quantity): relative error \(scientific(relativeError)) (tolerance \(scientific(tolerance))) \(passed ? "PASS" : "FAIL")")
        return passed
    }

    /// |a − b| / max(1e-8, |a| + |b|), largest over all entries.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "comparing \(a.count) numbers with \(b.count)")
        var largest = 0.0
        for (x, y) in zip(a, b) {
            let error = abs(x - y) / max(1e-8, abs(x) + abs(y))
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

    private static func scientific(_ value: Double) -> String {
        String(format: "%.1e", value)
    }
}
