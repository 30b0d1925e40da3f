/// One named line of a ``LinePlot``: points (x, y) in order of x.
public struct Series: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    /// A series with explicit x values (for example the step at which each loss was taken).
    public init(_ name: String, x: [Double], y: [Double]) {
        precondition(x.count == y.count, "Series \"\(name)\": \(x.count) x values but \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
    }

    /// A series whose x values are 0, 1, 2, …
    public init(_ name: String, y: [Double]) {
        self.init(name, x: y.indices.map(Double.init), y: y)
    }

    /// The same for `Float` values (the book's training precision) or any other floating-point type.
    public init<Value: BinaryFloatingPoint>(_ name: String, y: [Value]) {
        self.init(name, y: y.map { Double($0) })
    }

    /// Explicit x values, with y in any floating-point type.
    public init<Value: BinaryFloatingPoint>(_ name: String, x: [Double], y: [Value]) {
        self.init(name, x: x, y: y.map { Double($0) })
    }
}

/// Several series against a shared x axis: loss curves, gradient norms per step.
///
/// ```swift
/// Notebook.show(LinePlot(
///     title: "Loss per window", xLabel: "window", yLabel: "cross-entropy",
///     caption: "Spikes mark each new epoch, when the state starts from zero again.",
///     series: [Series("train", y: losses), Series("validation", x: checkpoints, y: validation)]))
/// ```
///
/// Points that are NaN or infinite are left out (a diverging run still draws). Long series
/// are thinned for drawing by keeping each pixel column's extremes, so spikes survive.
public struct LinePlot: Figure {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var caption: String
    public var series: [Series]
    /// The y axis's extent; `nil` fits the data. Give `0...` something to keep zero in
    /// view, or a fixed range to compare plots side by side. Points outside are clipped.
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, caption: String = "", series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.caption = caption
        self.series = series
        self.yRange = yRange
    }

    private var allX: [Double] { series.flatMap(\.x) }
    private var allY: [Double] { series.flatMap(\.y) }
    private var yDomain: ClosedRange<Double> {
        if let yRange, yRange.upperBound > yRange.lowerBound, yRange.lowerBound.isFinite, yRange.upperBound.isFinite { return yRange }
        return LinearScale.domain(covering: allY)
    }

    public func svg() -> String {
        var svg = SVGWriter()
        let frame = SVGPlotFrame(xDomain: LinearScale.domain(covering: allX), yDomain: yDomain)
        var bottom = frame.drawAxes(into: &svg, xLabel: xLabel, yLabel: yLabel)
        for (k, line) in series.enumerated() {
            let color = Palette.svg(k)
            let kept = Self.thinned(line, buckets: Int(frame.plotRight - frame.plotLeft))
            // Break the line where a value is missing rather than joining across the gap.
            var segments: [[String]] = [[]]
            for i in kept {
                guard line.x[i].isFinite, line.y[i].isFinite else {
                    if !(segments.last!.isEmpty) { segments.append([]) }
                    continue
                }
                segments[segments.count - 1].append("\(SVGWriter.n(frame.x(line.x[i]))),\(SVGWriter.n(frame.y(line.y[i])))")
            }
            // A fixed y range may leave points outside the plot: a nested <svg> clips them.
            let clip = yRange != nil
            if clip {
                let (x, y, w, h) = (frame.plotLeft - 3, frame.plotTop - 3, frame.plotRight - frame.plotLeft + 6, frame.plotBottom - frame.plotTop + 6)
                svg.add("<svg x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" width=\"\(SVGWriter.n(w))\" height=\"\(SVGWriter.n(h))\" viewBox=\"\(SVGWriter.n(x)) \(SVGWriter.n(y)) \(SVGWriter.n(w)) \(SVGWriter.n(h))\">")
            }
            svg.add("<g class=\"series\">")
            svg.add("<title>\(SVGWriter.escape(line.name))</title>")
            for segment in segments where !segment.isEmpty {
                if segment.count == 1 {
                    let xy = segment[0].split(separator: ",")
                    svg.add("<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(color)\"/>")
                } else {
                    svg.add("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"\(segment.joined(separator: " "))\"/>")
                }
            }
            svg.add("</g>")
            // Hover targets: at most 80 points per series, each with its values.
            let stride = max(1, line.x.count / 80)
            svg.add("<g class=\"points\" fill=\"\(color)\" fill-opacity=\"0\">")
            for i in Swift.stride(from: 0, to: line.x.count, by: stride) where line.x[i].isFinite && line.y[i].isFinite {
                svg.add("<circle cx=\"\(SVGWriter.n(frame.x(line.x[i])))\" cy=\"\(SVGWriter.n(frame.y(line.y[i])))\" r=\"4\"><title>\(SVGWriter.escape(line.name)): \(SVGWriter.escape(xLabel)) \(NumberFormat.short(line.x[i])), \(SVGWriter.escape(yLabel)) \(NumberFormat.short(line.y[i]))</title></circle>")
            }
            svg.add("</g>")
            if clip { svg.add("</svg>") }
        }
        bottom = SVGLegend.draw(names: series.map(\.name), into: &svg, y: bottom, shape: .line)
        return svg.document(title: title, caption: caption, contentBottom: bottom)
    }

    /// Indices to draw: for each of `buckets` ranges of x, the first, lowest, highest and
    /// last point, in order. Short series are kept whole.
    static func thinned(_ series: Series, buckets: Int) -> [Int] {
        guard series.x.count > buckets * 4, series.x.allSatisfy(\.isFinite),
              let lo = series.x.first, let hi = series.x.last, hi > lo, (hi - lo).isFinite else {
            return Array(series.x.indices)
        }
        var kept: [Int] = []
        var start = 0
        while start < series.x.count {
            let bucket = Int((series.x[start] - lo) / (hi - lo) * Double(buckets))
            var end = start
            var low = start, high = start
            while end < series.x.count, Int((series.x[end] - lo) / (hi - lo) * Double(buckets)) == bucket {
                if series.y[end] < series.y[low] { low = end }
                if series.y[end] > series.y[high] { high = end }
                end += 1
            }
            end = max(end, start + 1)
            kept += Set([start, low, high, end - 1]).sorted()
            start = end
        }
        return kept
    }

    public func text(width: Int, color: Bool) -> String {
        let yDomain = self.yDomain
        let xDomain = LinearScale.domain(covering: allX)
        let labels = [yDomain.upperBound, (yDomain.lowerBound + yDomain.upperBound) / 2, yDomain.lowerBound].map(NumberFormat.short)
        let labelWidth = labels.map(\.count).max()!
        let columns = max(10, width - labelWidth - 2)
        var canvas = BrailleCanvas(columns: columns, rows: 12)
        let px = LinearScale(domain: xDomain, range: (0, Double(canvas.dotWidth - 1)))
        let py = LinearScale(domain: yDomain, range: (Double(canvas.dotHeight - 1), 0))
        for (k, line) in series.enumerated() {
            var previous: (Int, Int)?
            for i in Self.thinned(line, buckets: canvas.dotWidth) {
                guard line.x[i].isFinite, line.y[i].isFinite else { previous = nil; continue }
                let point = (Int(px(line.x[i]).rounded()), Int(py(line.y[i]).rounded()))
                if let previous { canvas.line(from: previous, to: point, series: k) } else { canvas.set(point.0, point.1, series: k) }
                previous = point
            }
        }
        var legend = ""
        if series.count > 1 {
            legend = series.enumerated().map { k, line in
                let mark = color ? TerminalStyle.colored("━━", ansi: Palette.ansi(k), enabled: true) : String(Palette.symbol(k))
                return mark + " " + line.name
            }.joined(separator: "   ")
        }
        let frame = TextFrame(
            title: title, caption: caption, yLabel: yLabel, xLabel: xLabel,
            yTop: labels[0], yMiddle: labels[1], yBottom: labels[2],
            xTickLine: TextFrame.spread(NumberFormat.short(xDomain.lowerBound), NumberFormat.short(xDomain.upperBound), width: columns),
            legend: legend)
        return frame.render(rows: canvas.cells(color: color, seriesCount: series.count), width: width)
    }
}

/// A row of coloured keys naming the series, under a plot.
enum SVGLegend {
    enum Shape { case line, box }

    /// Draws the legend starting at `y` (nothing for a single unnamed series) and returns
    /// the y below it.
    static func draw(names: [String], into svg: inout SVGWriter, y: Double, shape: Shape) -> Double {
        guard names.count > 1 || (names.count == 1 && !names[0].isEmpty) else { return y }
        var x = SVGPlotFrame.left
        for (k, name) in names.enumerated() {
            let color = Palette.svg(k)
            switch shape {
            case .line: svg.add("<line x1=\"\(SVGWriter.n(x))\" x2=\"\(SVGWriter.n(x + 18))\" y1=\"\(SVGWriter.n(y + 6))\" y2=\"\(SVGWriter.n(y + 6))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>")
            case .box: svg.add("<rect x=\"\(SVGWriter.n(x + 4))\" y=\"\(SVGWriter.n(y))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>")
            }
            svg.text(name, x: x + 24, y: y + 10)
            x += 24 + Double(name.count) * 7 + 20
        }
        return y + 20
    }
}
