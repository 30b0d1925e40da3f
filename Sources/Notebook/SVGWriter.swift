import Foundation

/// Builds the SVG text of a figure: escaping, the frame (title, axes, caption) shared by
/// the plots with x and y axes, and number formatting for coordinates.
struct SVGWriter {
    static let width = 640.0
    static let font = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"12\""

    private(set) var body = ""

    /// Text safe inside an XML element or a double-quoted attribute (see ``Markup/escape(_:)``).
    static func escape(_ text: String) -> String {
        Markup.escape(text)
    }

    /// A coordinate with two decimals at most.
    static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let rounded = (x * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    mutating func add(_ element: String) {
        body += element
        body += "\n"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil, weight: String? = nil, rotate: Bool = false, extra: String = "") {
        var attributes = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\""
        if let size { attributes += " font-size=\"\(Self.n(size))\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if rotate { attributes += " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" }
        if !extra.isEmpty { attributes += " " + extra }
        add("<text \(attributes)>\(Self.escape(content))</text>")
    }

    /// Splits a caption into lines of at most `limit` characters, at spaces.
    static func wrap(_ text: String, limit: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if !line.isEmpty, line.count + 1 + word.count > limit {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The finished document: the title as the accessible name, then the body, then the
    /// caption lines under everything drawn so far (which ends at `contentBottom`).
    /// `width` is the figure's natural width in CSS pixels: the site shows it at that size
    /// or smaller, never larger, so a small figure stays small and sharp.
    func document(title: String, caption: String, contentBottom: Double, width: Double = SVGWriter.width) -> String {
        // 96 characters of 12.5 px italic fill the standard 640 px.
        let captionLines = Self.wrap(caption, limit: Int(96 * width / Self.width))
        let height = contentBottom + Double(captionLines.count) * 16 + (captionLines.isEmpty ? 4 : 12)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"figure\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" role=\"img\" \(Self.font) fill=\"currentColor\">\n"
        out += "<title>\(Self.escape(title))</title>\n"
        out += "<text x=\"\(Self.n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\">\(Self.escape(title))</text>\n"
        out += body
        for (i, line) in captionLines.enumerated() {
            out += "<text class=\"caption\" x=\"8\" y=\"\(Self.n(contentBottom + 16 + Double(i) * 16))\" font-size=\"12.5\" font-style=\"italic\" opacity=\"0.85\">\(Self.escape(line))</text>\n"
        }
        out += "</svg>"
        return out
    }
}

/// The rectangle a plot draws into, with its axes, ticks and labels.
struct SVGPlotFrame {
    static let left = 64.0, right = 16.0, top = 36.0, plotHeight = 240.0

    var x: LinearScale
    var y: LinearScale
    var plotLeft: Double { Self.left }
    var plotRight: Double { SVGWriter.width - Self.right }
    var plotTop: Double { Self.top }
    var plotBottom: Double { Self.top + Self.plotHeight }

    init(xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>) {
        x = LinearScale(domain: xDomain, range: (Self.left, SVGWriter.width - Self.right))
        y = LinearScale(domain: yDomain, range: (Self.top + Self.plotHeight, Self.top))
    }

    /// Draws the grid, the y axis with its ticks, the x axis (numeric ticks, unless
    /// `xTickLabels` places labels itself) and both axis labels. Returns the y where the
    /// content below the plot ends.
    func drawAxes(into svg: inout SVGWriter, xLabel: String, yLabel: String, numericXTicks: Bool = true) -> Double {
        svg.add("<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.12\">")
        for tick in y.ticks() {
            let py = SVGWriter.n(y(tick))
            svg.add("<line x1=\"\(SVGWriter.n(plotLeft))\" x2=\"\(SVGWriter.n(plotRight))\" y1=\"\(py)\" y2=\"\(py)\"/>")
        }
        svg.add("</g>")
        svg.add("<g class=\"axes\" stroke=\"currentColor\" stroke-opacity=\"0.6\">")
        svg.add("<line x1=\"\(SVGWriter.n(plotLeft))\" x2=\"\(SVGWriter.n(plotLeft))\" y1=\"\(SVGWriter.n(plotTop))\" y2=\"\(SVGWriter.n(plotBottom))\"/>")
        svg.add("<line x1=\"\(SVGWriter.n(plotLeft))\" x2=\"\(SVGWriter.n(plotRight))\" y1=\"\(SVGWriter.n(plotBottom))\" y2=\"\(SVGWriter.n(plotBottom))\"/>")
        svg.add("</g>")
        for tick in y.ticks() {
            svg.text(NumberFormat.short(tick), x: plotLeft - 6, y: y(tick) + 4, anchor: "end", size: 11)
        }
        if numericXTicks {
            for tick in x.ticks(count: 8) {
                svg.add("<line x1=\"\(SVGWriter.n(x(tick)))\" x2=\"\(SVGWriter.n(x(tick)))\" y1=\"\(SVGWriter.n(plotBottom))\" y2=\"\(SVGWriter.n(plotBottom + 4))\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/>")
                svg.text(NumberFormat.short(tick), x: x(tick), y: plotBottom + 17, anchor: "middle", size: 11)
            }
        }
        svg.text(xLabel, x: (plotLeft + plotRight) / 2, y: plotBottom + 36, anchor: "middle")
        svg.text(yLabel, x: 16, y: (plotTop + plotBottom) / 2, anchor: "middle", rotate: true)
        return plotBottom + 44
    }
}
