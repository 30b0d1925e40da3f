import Foundation

/// A status line for long training loops: step, loss, characters per second and the time
/// left, redrawn in place on standard error.
///
/// It draws only when standard error is a terminal and the chapter is not being captured
/// by the site builder, so pages and logs never contain it; print the numbers a reader
/// should keep with `print` as usual.
///
/// ```swift
/// var progress = Progress(total: steps, unit: "chars")
/// for step in 1...steps {
///     let loss = train(window)
///     progress.update(step: step, loss: loss, items: 25)   // 25 characters per step
/// }
/// progress.finish()
/// ```
public struct Progress {
    public let total: Int
    public let unit: String
    private let start: Date
    private var lastDraw: Date
    private var items = 0
    private var visibleWidth = 0
    private let isEnabled: Bool
    private let timeLimit: TimeInterval?

    /// - Parameters:
    ///   - total: the number of steps the loop will take.
    ///   - unit: what `items` counts, shown as "<unit>/s".
    ///   - timeLimit: seconds after which the loop stops whatever `total` says (a training
    ///     budget in wall-clock time), or nil; the percentage and the ETA follow whichever
    ///     of the two ends the loop first.
    ///   - enabled: whether to draw; by default only on a terminal, never when captured.
    public init(total: Int, unit: String = "chars", timeLimit: TimeInterval? = nil, enabled: Bool = Progress.drawsByDefault) {
        self.total = max(1, total)
        self.unit = unit
        self.timeLimit = timeLimit
        self.start = Date()
        self.lastDraw = .distantPast
        self.isEnabled = enabled
    }

    /// Whether a progress line would be drawn here: standard error is a terminal, and the
    /// site builder is not capturing the chapter.
    public static var drawsByDefault: Bool {
        !Notebook.isCapturing && isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Records that `step` (1-based) finished with `loss`, having processed `items` more
    /// items, and redraws at most ten times a second (and always at the last step).
    public mutating func update(step: Int, loss: Double, items: Int = 0) {
        self.items += items
        guard isEnabled else { return }
        let now = Date()
        guard step >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let line = Self.line(step: step, total: total, loss: loss, items: self.items, unit: unit,
                             elapsed: now.timeIntervalSince(start), timeLimit: timeLimit)
        let padding = String(repeating: " ", count: max(0, visibleWidth - line.count))
        visibleWidth = line.count
        FileHandle.standardError.write(Data(("\r" + line + padding).utf8))
    }

    public mutating func update(step: Int, loss: Float, items: Int = 0) {
        update(step: step, loss: Double(loss), items: items)
    }

    /// Ends the line, so what is printed next starts on a fresh one.
    public mutating func finish() {
        guard isEnabled, visibleWidth > 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        visibleWidth = 0
    }

    /// The text of the status line, e.g.
    /// `step 1200/5000  24%  loss 2.3141  5.1k chars/s  ETA 0:38`. With a time limit
    /// that comes before the last step, the total is left out and the percentage and ETA
    /// are of the time: `step 1200  40%  loss 2.3141  5.1k chars/s  ETA 18:00`.
    public static func line(step: Int, total: Int, loss: Double, items: Int, unit: String, elapsed: TimeInterval,
                            timeLimit: TimeInterval? = nil) -> String {
        var fraction = Double(min(step, total)) / Double(max(1, total))
        var left = step > 0 && elapsed > 0 ? elapsed / Double(step) * Double(max(0, total - step)) : Double.nan
        var counted = "step \(step)/\(total)"
        if let timeLimit, timeLimit > 0, step < total, !(left < timeLimit - elapsed) {
            fraction = min(1, elapsed / timeLimit)                    // the clock ends the loop first
            left = max(0, timeLimit - elapsed)
            counted = "step \(step)"
        }
        var parts = [counted, String(format: "%3d%%", Int(fraction * 100)), "loss " + String(format: "%.4f", loss)]
        if items > 0, elapsed > 0 { parts.append(compact(Double(items) / elapsed) + " \(unit)/s") }
        if step < total, left.isFinite {
            parts.append("ETA " + clock(left))
        } else if step >= total {
            parts.append("done in " + clock(elapsed))
        }
        return parts.joined(separator: "  ")
    }

    static func compact(_ x: Double) -> String {
        switch x {
        case 1e6...: String(format: "%.1fM", x / 1e6)
        case 1e3...: String(format: "%.1fk", x / 1e3)
        default: String(format: "%.0f", x)
        }
    }

    static func clock(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
