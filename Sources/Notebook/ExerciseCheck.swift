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
