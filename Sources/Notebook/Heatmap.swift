import Foundation

/// A grid of coloured cells: rows are hidden units, columns are time steps, and the input
/// characters label the columns, so a reader can see which unit lights up on which letter.
///
/// Values whose range spans zero (tanh activations in [-1, 1]) get a diverging scale —
/// blue below zero, red above, pale at zero — symmetric about zero; other values get a
/// sequential scale from pale to dark.
///
/// ```swift
/// Notebook.show(Heatmap(
///     title: "Hidden state over \"hello world\"", xLabel: "input character", yLabel: "hidden unit",
///     caption: "Unit 3 saturates at +1 after every space.",
///     values: hs,                          // [[Double]]: one row per unit, one column per step
///     columnLabels: "hello world".map(String.init),
///     range: -1...1))
/// ```
public struct Heatmap: Figure {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var caption: String
    /// `values[row][column]`: all rows have the same length.
    public var values: [[Double]]
    /// One label per column (the input characters); may be empty.
    public var columnLabels: [String]
    /// One label per row; empty means `0, 1, 2, …`.
    public var rowLabels: [String]
    /// The values at the ends of the colour scale; `nil` means the data's own range.
    public var range: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, caption: String = "", values: [[Double]], columnLabels: [String] = [], rowLabels: [String] = [], range: ClosedRange<Double>? = nil) {
        let columns = values.first?.count ?? 0
        precondition(values.allSatisfy { $0.count == columns }, "Heatmap \"\(title)\": rows have different lengths")
        precondition(columnLabels.isEmpty || columnLabels.count == columns, "Heatmap \"\(title)\": \(columnLabels.count) column labels for \(columns) columns")
        precondition(rowLabels.isEmpty || rowLabels.count == values.count, "Heatmap \"\(title)\": \(rowLabels.count) row labels for \(values.count) rows")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.caption = caption
        self.values = values
        self.columnLabels = columnLabels
        self.rowLabels = rowLabels
        self.range = range
    }

    /// The same for `Float` values or any other floating-point type.
    public init<Value: BinaryFloatingPoint>(title: String, xLabel: String, yLabel: String, caption: String = "", values: [[Value]], columnLabels: [String] = [], rowLabels: [String] = [], range: ClosedRange<Double>? = nil) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, caption: caption, values: values.map { $0.map { Double($0) } }, columnLabels: columnLabels, rowLabels: rowLabels, range: range)
    }

    var rowCount: Int { values.count }
    var columnCount: Int { values.first?.count ?? 0 }
    func rowLabel(_ r: Int) -> String { rowLabels.isEmpty ? String(r) : rowLabels[r] }

    /// The colour scale: diverging and symmetric about zero when the range spans zero.
    var scale: ColorScale {
        let domain = range ?? LinearScale.domain(covering: values.flatMap { $0 })
        if domain.lowerBound < 0 && domain.upperBound > 0 {
            let m = max(-domain.lowerBound, domain.upperBound)
            return ColorScale(lo: -m, hi: m, diverging: true)
        }
        return ColorScale(lo: domain.lowerBound, hi: domain.upperBound, diverging: false)
    }

    public func svg() -> String {
        var svg = SVGWriter()
        let scale = self.scale
        let left = 64.0, top = 36.0
        // A small grid gets large cells with its values written in them, and a figure
        // only as wide as it needs; a large one fills the standard width.
        let written = showsValues
        let plotWidth = SVGWriter.width - left - 16
        let cellWidth = written ? 60 : min(28, plotWidth / Double(max(1, columnCount)))
        let cellHeight = written ? 34 : min(22, max(3, 420 / Double(max(1, rowCount))))
        // Narrow enough for a phone's column (about 340 px) when the grid allows, and
        // wide enough for the title (15 px bold: about 8.6 px a character).
        let width = written ? max(left + Double(columnCount) * cellWidth + 24, Double(title.count) * 8.6 + 24) : SVGWriter.width
        // Row labels are never drawn below 10 px: on a crowded axis, only every few rows.
        let labelEveryRow = max(1, Int((11 / cellHeight).rounded(.up)))
        let labelEveryColumn = max(1, Int((9 / cellWidth).rounded(.up)))
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let column = columnLabels.isEmpty ? "\(xLabel) \(c)" : "\(xLabel) \(c) \(TextFrame.visible(columnLabels[c]).debugQuoted)"
                let x = left + Double(c) * cellWidth, y = top + Double(r) * cellHeight
                svg.add("<rect x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" width=\"\(SVGWriter.n(cellWidth + 0.3))\" height=\"\(SVGWriter.n(cellHeight + 0.3))\" fill=\"\(scale.hex(value))\"><title>\(SVGWriter.escape("\(yLabel) \(rowLabel(r)), \(column)")): \(NumberFormat.short(value))</title></rect>")
                if written {
                    // Dark text on pale cells, white on strong ones, in either page theme.
                    let ink = abs(scale.position(value)) > 0.55 ? "#ffffff" : "#1d1f23"
                    svg.text(String(format: "%+.2f", value), x: x + cellWidth / 2, y: y + cellHeight / 2 + 4.5, anchor: "middle", size: 13, extra: "fill=\"\(ink)\" font-family=\"ui-monospace, monospace\"")
                }
            }
            if r % labelEveryRow == 0 {
                svg.text(rowLabel(r), x: left - 5, y: top + (Double(r) + 0.5) * cellHeight + 4, anchor: "end", size: min(written ? 13 : 11, max(10, cellHeight)))
            }
        }
        let gridBottom = top + Double(rowCount) * cellHeight
        for (c, label) in columnLabels.enumerated() where c % labelEveryColumn == 0 {
            svg.text(TextFrame.visible(label), x: left + (Double(c) + 0.5) * cellWidth, y: gridBottom + 15, anchor: "middle", size: written ? 14 : 12, extra: "font-family=\"ui-monospace, monospace\" xml:space=\"preserve\"")
        }
        let gridRight = left + Double(columnCount) * cellWidth
        svg.text(xLabel, x: (left + gridRight) / 2, y: gridBottom + 34, anchor: "middle")
        svg.text(yLabel, x: 16, y: (top + gridBottom) / 2, anchor: "middle", rotate: true)
        // The colour bar: twenty swatches from the low end to the high end.
        let barTop = gridBottom + 46, barLeft = left, swatch = 12.0
        for i in 0..<20 {
            let value = scale.lo + (scale.hi - scale.lo) * (Double(i) + 0.5) / 20
            svg.add("<rect x=\"\(SVGWriter.n(barLeft + Double(i) * swatch))\" y=\"\(SVGWriter.n(barTop))\" width=\"\(SVGWriter.n(swatch + 0.3))\" height=\"10\" fill=\"\(scale.hex(value))\"/>")
        }
        svg.text(NumberFormat.short(scale.lo), x: barLeft, y: barTop + 24, anchor: "start", size: 11)
        if scale.diverging { svg.text("0", x: barLeft + 10 * swatch, y: barTop + 24, anchor: "middle", size: 11) }
        svg.text(NumberFormat.short(scale.hi), x: barLeft + 20 * swatch, y: barTop + 24, anchor: "end", size: 11)
        return svg.document(title: title, caption: caption, contentBottom: barTop + 32, width: width)
    }

    /// Whether the grid is small enough to write every value in its cell (at most 8 columns and 12 rows of
    /// finite values), as chapter 1's few hidden units over a short word are.
    var showsValues: Bool {
        columnCount > 0 && columnCount <= 8 && rowCount <= 12 && values.allSatisfy { $0.allSatisfy(\.isFinite) }
    }

    public func text(width: Int, color: Bool) -> String {
        let scale = self.scale
        let labelWidth = (0..<rowCount).map { rowLabel($0).count }.max() ?? 1
        let available = max(4, width - labelWidth - 2)
        let cellWidth = columnCount * 2 <= available ? 2 : 1
        let shown = min(columnCount, available / cellWidth)
        var lines = [TextFrame.centered(title, width: min(width, labelWidth + 2 + shown * cellWidth))]
        if !yLabel.isEmpty { lines.append(yLabel) }
        for r in 0..<rowCount {
            var line = TextFrame.padLeft(rowLabel(r), labelWidth) + " │"
            for c in 0..<shown {
                line += scale.terminalCell(values[r][c], width: cellWidth, color: color)
            }
            lines.append(line)
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + "└" + String(repeating: "─", count: shown * cellWidth))
        if !columnLabels.isEmpty {
            lines.append(String(repeating: " ", count: labelWidth + 2) + columnLabels.prefix(shown).map { String(TextFrame.visible($0).prefix(1)).padding(toColumns: cellWidth) }.joined())
        }
        if !xLabel.isEmpty { lines.append(TextFrame.centered(xLabel, width: labelWidth + 2 + shown * cellWidth)) }
        var key = scale.terminalKey(color: color)
        if shown < columnCount { key += "   (first \(shown) of \(columnCount) columns shown)" }
        lines.append(key)
        lines += SVGWriter.wrap(caption, limit: width)
        return TextFrame.finish(lines, width: width)
    }
}

/// Maps values to colours: a diverging blue–pale–red scale or a sequential pale–blue one.
struct ColorScale {
    var lo: Double
    var hi: Double
    var diverging: Bool

    typealias RGB = (r: Double, g: Double, b: Double)
    static let negative: RGB = (33, 102, 172), neutral: RGB = (240, 240, 240), positive: RGB = (178, 24, 43)
    static let sequentialLow: RGB = (240, 244, 250), sequentialHigh: RGB = (8, 48, 107)

    /// Position on the scale: -1...1 when diverging (0 at zero), 0...1 otherwise.
    func position(_ value: Double) -> Double {
        guard value.isFinite, hi > lo else { return diverging ? 0 : 0.5 }
        if diverging { return min(1, max(-1, value / hi)) }
        return min(1, max(0, (value - lo) / (hi - lo)))
    }

    func rgb(_ value: Double) -> RGB {
        func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB { (a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t) }
        let t = position(value)
        if diverging { return t < 0 ? mix(Self.neutral, Self.negative, -t) : mix(Self.neutral, Self.positive, t) }
        return mix(Self.sequentialLow, Self.sequentialHigh, t)
    }

    func hex(_ value: Double) -> String {
        guard value.isFinite else { return "#888888" }
        let c = rgb(value)
        return String(format: "#%02x%02x%02x", Int(c.r.rounded()), Int(c.g.rounded()), Int(c.b.rounded()))
    }

    /// Symbols for terminals without colour, from the low end to the high end.
    var symbols: [Character] { diverging ? ["=", "-", "·", "+", "#"] : [" ", "░", "▒", "▓", "█"] }

    func symbol(_ value: Double) -> Character {
        guard value.isFinite else { return "?" }
        let t = diverging ? (position(value) + 1) / 2 : position(value)
        return symbols[min(symbols.count - 1, Int(t * Double(symbols.count)))]
    }

    func terminalCell(_ value: Double, width: Int, color: Bool) -> String {
        guard color else { return String(repeating: symbol(value), count: width) }
        let c = rgb(value)
        return "\u{1B}[48;2;\(Int(c.r));\(Int(c.g));\(Int(c.b))m" + String(repeating: " ", count: width) + "\u{1B}[0m"
    }

    func terminalKey(color: Bool) -> String {
        let stops = diverging ? [lo, lo / 2, 0, hi / 2, hi] : (0..<5).map { lo + (hi - lo) * Double($0) / 4 }
        return "scale: " + stops.map { terminalCell($0, width: 2, color: color) + " " + NumberFormat.short($0) }.joined(separator: "  ")
    }
}

extension String {
    /// The string in double quotes, as a tooltip shows a character.
    var debugQuoted: String { "\"" + self + "\"" }
}
