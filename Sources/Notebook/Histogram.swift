/// How values are distributed: counts in equal-width bins between the smallest and the
/// largest value (gradient norms, weights, activations).
///
/// ```swift
/// Notebook.show(Histogram(
///     title: "Gradient norms over training", xLabel: "‖∂L/∂W_hh‖", yLabel: "windows",
///     caption: "A long tail: a few windows carry most of the gradient.",
///     values: norms, bins: 30))
/// ```
///
/// NaN and infinite values are not counted; the caption line in the terminal says how
/// many were left out.
public struct Histogram: Figure {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var caption: String
    public var values: [Double]
    public var bins: Int

    public init(title: String, xLabel: String, yLabel: String = "count", caption: String = "", values: [Double], bins: Int = 20) {
        precondition(bins > 0, "Histogram \"\(title)\": bins must be positive, not \(bins)")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.caption = caption
        self.values = values
        self.bins = bins
    }

    /// The same for `Float` values or any other floating-point type.
    public init<Value: BinaryFloatingPoint>(title: String, xLabel: String, yLabel: String = "count", caption: String = "", values: [Value], bins: Int = 20) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, caption: caption, values: values.map { Double($0) }, bins: bins)
    }

    /// The bins' edges (`bins + 1` of them) and counts.
    public var counts: (edges: [Double], counts: [Int]) {
        let domain = LinearScale.domain(covering: values)
        let width = (domain.upperBound - domain.lowerBound) / Double(bins)
        let edges = (0...bins).map { domain.lowerBound + Double($0) * width }
        var counts = Array(repeating: 0, count: bins)
        for value in values where value.isFinite {
            let position = (value - domain.lowerBound) / width
            let bin = position.isFinite ? min(bins - 1, max(0, Int(position))) : 0
            counts[bin] += 1
        }
        return (edges, counts)
    }

    private var leftOut: Int { values.count - values.filter(\.isFinite).count }

    public func svg() -> String {
        let (edges, counts) = self.counts
        var svg = SVGWriter()
        let frame = SVGPlotFrame(xDomain: edges.first!...edges.last!, yDomain: 0...Double(max(1, counts.max() ?? 1)))
        let bottom = frame.drawAxes(into: &svg, xLabel: xLabel, yLabel: yLabel)
        for (i, count) in counts.enumerated() {
            let x0 = frame.x(edges[i]), x1 = frame.x(edges[i + 1])
            let top = frame.y(Double(count))
            svg.add("<rect x=\"\(SVGWriter.n(x0 + 0.5))\" y=\"\(SVGWriter.n(top))\" width=\"\(SVGWriter.n(max(0.5, x1 - x0 - 1)))\" height=\"\(SVGWriter.n(frame.plotBottom - top))\" fill=\"\(Palette.svg(0))\"><title>\(NumberFormat.short(edges[i])) to \(NumberFormat.short(edges[i + 1])): \(count)</title></rect>")
        }
        var caption = self.caption
        if leftOut > 0 { caption += (caption.isEmpty ? "" : " ") + "(\(leftOut) NaN or infinite values not counted.)" }
        return svg.document(title: title, caption: caption, contentBottom: bottom)
    }

    public func text(width: Int, color: Bool) -> String {
        let (edges, counts) = self.counts
        let top = max(1, counts.max() ?? 1)
        let labels = [String(top), String(top / 2), "0"]
        let labelWidth = labels.map(\.count).max()!
        let available = max(10, width - labelWidth - 2)
        let columnWidth = max(1, available / bins)
        let rows = 10
        var grid = Array(repeating: [String](), count: rows)
        for count in counts {
            let cells = BlockColumns.column(value: Double(count), lo: 0, hi: Double(top), rows: rows)
            for r in 0..<rows {
                let cell = TerminalStyle.colored(String(repeating: cells[r], count: columnWidth), ansi: Palette.ansi(0), enabled: color && cells[r] != " ")
                grid[r].append(contentsOf: [cell] + Array(repeating: "", count: columnWidth - 1))
            }
        }
        var caption = self.caption
        if leftOut > 0 { caption += (caption.isEmpty ? "" : " ") + "(\(leftOut) NaN or infinite values not counted.)" }
        let frame = TextFrame(
            title: title, caption: caption, yLabel: yLabel, xLabel: xLabel,
            yTop: labels[0], yMiddle: labels[1], yBottom: labels[2],
            xTickLine: TextFrame.spread(NumberFormat.short(edges.first!), NumberFormat.short(edges.last!), width: bins * columnWidth))
        return frame.render(rows: grid, width: width)
    }
}
