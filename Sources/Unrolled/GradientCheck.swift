// Gradient checking: is a hand-derived gradient right? Compare it with central
// differences, entry by entry, and with the compiler's gradient where it exists.

import Notebook   // relativeError(_:_:), shared with the exercise checks

/// The largest relative error between two matrices of the same shape, and where it is.
public func maxRelativeError(_ a: Matrix<Double>, _ b: Matrix<Double>) -> (error: Double, index: Int) {
    precondition(a.rows == b.rows && a.columns == b.columns, "comparing a \(a.shapeText) gradient with a \(b.shapeText) one")
    var worst = (error: 0.0, index: 0)
    for i in 0..<a.count {
        let e = relativeError(a.scalars[i], b.scalars[i])
        if e > worst.error { worst = (e, i) }
    }
    return worst
}

/// One variable (a parameter or the initial state) whose gradient is being checked.
public struct GradientCheckVariable {
    public var name: String
    public var value: Matrix<Double>
    /// The gradient under test (the hand-derived backward pass).
    public var analytic: Matrix<Double>
    /// The compiler's gradient, when automatic differentiation is available.
    public var autodiff: Matrix<Double>?

    public init(name: String, value: Matrix<Double>, analytic: Matrix<Double>, autodiff: Matrix<Double>? = nil) {
        precondition(value.rows == analytic.rows && value.columns == analytic.columns,
                     "\(name): gradient \(analytic.shapeText) differs from the variable's shape \(value.shapeText)")
        self.name = name
        self.value = value
        self.analytic = analytic
        self.autodiff = autodiff
    }
}

/// The outcome of a gradient check, one row per variable.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    public struct Row: Sendable {
        public var name: String
        public var shape: (rows: Int, columns: Int)
        /// How many entries were compared with central differences, out of `count`.
        public var checkedEntries: Int
        public var count: Int
        /// The largest relative error, analytic vs numeric, over the checked entries.
        public var numericError: Double
        /// The entry with that error: its index and both values.
        public var worstEntry: (index: Int, analytic: Double, numeric: Double)
        /// The largest relative error, analytic vs autodiff, over every entry (nil without autodiff).
        public var autodiffError: Double?
    }

    public var rows: [Row]
    /// Thresholds for PASS: analytic vs numeric, and analytic vs autodiff.
    public var numericTolerance: Double
    public var autodiffTolerance: Double

    /// True when every variable is within both tolerances.
    public var passed: Bool {
        rows.allSatisfy { $0.numericError < numericTolerance && ($0.autodiffError ?? 0) < autodiffTolerance }
    }

    /// A table: variable, shape, entries checked, both relative errors, PASS/FAIL.
    public var description: String {
        func scientific(_ x: Double) -> String {
            if x == 0 { return "0" }
            var exponent = 0
            var mantissa = x
            while mantissa >= 10 { mantissa /= 10; exponent += 1 }
            while mantissa < 1 { mantissa *= 10; exponent -= 1 }
            let rounded = (mantissa * 10).rounded() / 10
            return "\(rounded)e\(exponent)"
        }
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        var lines = [pad("variable", 10) + pad("shape", 11) + pad("checked", 12) + pad("vs numeric", 12) + pad("vs autodiff", 13) + "verdict"]
        for row in rows {
            let ok = row.numericError < numericTolerance && (row.autodiffError ?? 0) < autodiffTolerance
            lines.append(pad(row.name, 10) + pad("(\(row.shape.rows), \(row.shape.columns))", 11)
                         + pad("\(row.checkedEntries)/\(row.count)", 12) + pad(scientific(row.numericError), 12)
                         + pad(row.autodiffError.map(scientific) ?? "n/a", 13) + (ok ? "PASS" : "FAIL"))
        }
        lines.append("relative error |a − b| / max(1e-8, |a| + |b|), largest per variable; PASS below \(scientific(numericTolerance)) (numeric) and \(scientific(autodiffTolerance)) (autodiff)")
        if rows.contains(where: { $0.autodiffError == nil }) {
            lines.append("autodiff: not available in this toolchain (no _Differentiation module), so that witness was skipped")
        }
        return lines.joined(separator: "\n")
    }
}

/// A central-difference formula for ∂L/∂θᵢ, with eᵢ the i-th unit vector.
public enum CentralDifference: Sendable {
    /// (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h. Truncation error ∝ h², rounding error ∝ ε·|L|/h
    /// (ε ≈ 1e-16): best near h = 1e-5, where entries smaller than about 1e-5 already
    /// show relative errors above 1e-6 from rounding alone.
    case twoPoint(step: Double)
    /// (−L(θ + 2h·eᵢ) + 8L(θ + h·eᵢ) − 8L(θ − h·eᵢ) + L(θ − 2h·eᵢ)) / 12h. Truncation
    /// error ∝ h⁴, so a larger h (1e-3) keeps rounding 100× smaller for the same accuracy.
    case fivePoint(step: Double)

    /// The standard choice for checking in Double: five points, h = 1e-3.
    public static let standard = CentralDifference.fivePoint(step: 1e-3)

    /// The estimate of the derivative of `f` at 0 along one coordinate.
    public func derivative(_ f: (Double) -> Double) -> Double {
        switch self {
        case .twoPoint(let h):
            return (f(h) - f(-h)) / (2 * h)
        case .fivePoint(let h):
            // Differences first: equal losses (an entry the loss does not use) then give
            // exactly 0, where summing the four terms in order would leave rounding dust.
            return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)
        }
    }
}

/// Checks `variables`' analytic gradients against central differences of `loss` (see
/// `CentralDifference`). Variables with more than `maxEntriesPerVariable` entries are
/// checked on a sample of distinct entries drawn with `seed`. `loss` receives every
/// variable's value, in order, with one entry moved.
public func checkGradients(
    _ variables: [GradientCheckVariable],
    maxEntriesPerVariable: Int = 100, seed: UInt64 = 0, difference: CentralDifference = .standard,
    numericTolerance: Double = 1e-6, autodiffTolerance: Double = 1e-9,
    loss: ([Matrix<Double>]) -> Double
) -> GradientCheckReport {
    precondition(maxEntriesPerVariable > 0, "maxEntriesPerVariable must be positive")
    var generator = SeededGenerator(seed: seed)
    var values = variables.map(\.value)
    var rows: [GradientCheckReport.Row] = []
    for (v, variable) in variables.enumerated() {
        let n = variable.value.count
        let entries = sampleIndices(count: n, maximum: maxEntriesPerVariable, using: &generator)
        var worst = 0.0
        var worstEntry = (index: 0, analytic: 0.0, numeric: 0.0)
        for i in entries {
            let original = values[v].scalars[i]
            let numeric = difference.derivative { offset in
                values[v].scalars[i] = original + offset
                return loss(values)
            }
            values[v].scalars[i] = original
            let error = relativeError(variable.analytic.scalars[i], numeric)
            if error > worst || i == entries.first {
                worst = error
                worstEntry = (i, variable.analytic.scalars[i], numeric)
            }
        }
        let autodiffError = variable.autodiff.map { maxRelativeError(variable.analytic, $0).error }
        rows.append(.init(name: variable.name, shape: variable.value.shape, checkedEntries: entries.count, count: n,
                          numericError: worst, worstEntry: worstEntry, autodiffError: autodiffError))
    }
    return GradientCheckReport(rows: rows, numericTolerance: numericTolerance, autodiffTolerance: autodiffTolerance)
}

/// All of 0..<count if there are at most `maximum`, else `maximum` distinct indices drawn
/// uniformly (a partial Fisher–Yates shuffle), in increasing order.
func sampleIndices(count: Int, maximum: Int, using generator: inout SeededGenerator) -> [Int] {
    guard count > maximum else { return Array(0..<count) }
    var pool = Array(0..<count)
    for i in 0..<maximum {
        let j = i + generator.integer(below: count - i)
        pool.swapAt(i, j)
    }
    return pool[0..<maximum].sorted()
}
