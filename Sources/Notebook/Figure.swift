import Foundation

/// A picture a chapter shows with ``Notebook/show(_:)``: drawn with text characters in a
/// terminal and as SVG on the book's site.
///
/// The book's figures are ``LinePlot``, ``BarPlot``, ``Heatmap`` and ``Histogram``, which
/// have axes, and ``UnrolledGraph``, the diagram of the network unrolled in time. Every one
/// has a title and a caption, and is a value: build it, then show it.
public protocol Figure: Sendable {
    var title: String { get }
    /// One or two sentences under the figure saying what to look at.
    var caption: String { get }
    /// A standalone SVG document (no scripts, no external references). Text is drawn in
    /// `currentColor`, so the picture follows the page's light or dark theme.
    func svg() -> String
    /// The figure drawn with characters, `width` columns at most; with ANSI colours when
    /// `color` is true.
    func text(width: Int, color: Bool) -> String
}

extension Figure {
    /// The figure drawn with characters, 80 columns wide, without colour.
    public func text() -> String { text(width: 80, color: false) }
}

/// Numbers as the figures print them: short, and the same in the terminal and the SVG.
enum NumberFormat {
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "-∞") }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", x) }
        if x == x.rounded(), magnitude < 1e5 { return String(Int(x)) }
        var text = String(format: "%.4g", x)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

/// A linear map from data values to a span of pixels or cells, with readable ticks.
struct LinearScale {
    var domain: ClosedRange<Double>
    /// Where the domain's lower and upper bounds land; `from` may be above `to` (screen y).
    var range: (from: Double, to: Double)

    init(domain: ClosedRange<Double>, range: (from: Double, to: Double)) {
        self.domain = domain
        self.range = range
    }

    /// A domain that covers `values` (finite ones only), widened when they are all equal.
    static func domain(covering values: [Double], including extra: [Double] = []) -> ClosedRange<Double> {
        let finite = (values + extra).filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return 0...1 }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        return lo...hi
    }

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        var t = span == 0 ? 0.5 : (value - domain.lowerBound) / span
        if !t.isFinite { t = 0.5 }
        return range.from + t * (range.to - range.from)
    }

    /// Round numbers (1, 2 or 5 times a power of ten apart) inside the domain, about `count` of them.
    func ticks(count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return [domain.lowerBound] }
        let raw = span / Double(max(1, count))
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var ticks: [Double] = []
        var tick = (domain.lowerBound / step).rounded(.up) * step
        while tick <= domain.upperBound + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }
}

/// The colours of the figures' series, chosen to read on light and dark backgrounds.
enum Palette {
    static let svg = ["#2f6fdf", "#e8730c", "#1a9b6c", "#d1335b", "#8a5cd6", "#8c6d1f"]
    /// ANSI foreground colours in the same order.
    static let ansi = [34, 33, 32, 31, 35, 36]
    /// For terminals without colour, one symbol per series.
    static let symbols: [Character] = ["•", "×", "+", "o", "*", "#"]

    static func svg(_ index: Int) -> String { svg[index % svg.count] }
    static func ansi(_ index: Int) -> Int { ansi[index % ansi.count] }
    static func symbol(_ index: Int) -> Character { symbols[index % symbols.count] }
}

/// Whether to colour terminal output.
enum TerminalStyle {
    static var standardOutputHasColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        guard environment["NO_COLOR"] == nil, environment["TERM"] != "dumb" else { return false }
        return isatty(STDOUT_FILENO) != 0
    }

    static func colored(_ text: String, ansi: Int, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(ansi)m\(text)\u{1B}[0m" : text
    }
}
