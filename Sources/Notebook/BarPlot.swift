/// Grouped bars: for each category along the x axis (a time step, a character), one bar
/// per group (input, target, prediction), side by side.
///
/// ```swift
/// Notebook.show(BarPlot(
///     title: "Echo: row 0, first 15 steps", xLabel: "time step", yLabel: "value",
///     caption: "The prediction follows the input three steps late.",
///     categories: (0..<15).map(String.init),
///     groups: [("input", x), ("target", y), ("P(1)", p)]))
/// ```
public struct BarPlot: Figure {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var caption: String
    /// The labels along the x axis, one per bar group.
    public var categories: [String]
    /// Named rows of values, each with one value per category.
    public var groups: [(name: String, values: [Double])]

    public init(title: String, xLabel: String, yLabel: String, caption: String = "", categories: [String], groups: [(name: String, values: [Double])]) {
        for group in groups {
            precondition(group.values.count == categories.count, "BarPlot \"\(title)\": group \"\(group.name)\" has \(group.values.count) values for \(categories.count) categories")
        }
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.caption = caption
        self.categories = categories
        self.groups = groups
    }

    /// A single group of bars, in any floating-point type.
    public init<Value: BinaryFloatingPoint>(title: String, xLabel: String, yLabel: String, caption: String = "", categories: [String], values: [Value], name: String = "") {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, caption: caption, categories: categories, groups: [(name, values.map { Double($0) })])
    }

    private var yDomain: ClosedRange<Double> {
        LinearScale.domain(covering: groups.flatMap(\.values), including: [0])
    }

    public func svg() -> String {
        var svg = SVGWriter()
        let frame = SVGPlotFrame(xDomain: 0...Double(max(1, categories.count)), yDomain: yDomain)
        var bottom = frame.drawAxes(into: &svg, xLabel: xLabel, yLabel: yLabel, numericXTicks: false)
        let slot = (frame.plotRight - frame.plotLeft) / Double(max(1, categories.count))
        let barWidth = slot * 0.8 / Double(max(1, groups.count))
        let zero = frame.y(min(max(0, yDomain.lowerBound), yDomain.upperBound))
        let labelEvery = max(1, Int((Double(categories.count) * 7 * Double(categories.map(\.count).max() ?? 1) / (frame.plotRight - frame.plotLeft)).rounded(.up)))
        for (c, category) in categories.enumerated() {
            let slotLeft = frame.plotLeft + Double(c) * slot
            for (g, group) in groups.enumerated() {
                let value = group.values[c]
                guard value.isFinite else { continue }
                let top = frame.y(value)
                let name = group.name.isEmpty ? "" : group.name + ", "
                svg.add("<rect x=\"\(SVGWriter.n(slotLeft + slot * 0.1 + Double(g) * barWidth))\" y=\"\(SVGWriter.n(min(top, zero)))\" width=\"\(SVGWriter.n(max(barWidth - 1, 0.5)))\" height=\"\(SVGWriter.n(max(abs(zero - top), 0.5)))\" fill=\"\(Palette.svg(g))\"><title>\(SVGWriter.escape(name + xLabel + " " + category)): \(NumberFormat.short(value))</title></rect>")
            }
            if c % labelEvery == 0 {
                svg.text(TextFrame.visible(category), x: slotLeft + slot / 2, y: frame.plotBottom + 16, anchor: "middle", size: 11, extra: "xml:space=\"preserve\"")
            }
        }
        bottom = SVGLegend.draw(names: groups.map(\.name), into: &svg, y: bottom, shape: .box)
        return svg.document(title: title, caption: caption, contentBottom: bottom)
    }

    public func text(width: Int, color: Bool) -> String {
        let domain = yDomain
        let labels = [domain.upperBound, (domain.lowerBound + domain.upperBound) / 2, domain.lowerBound].map(NumberFormat.short)
        let labelWidth = labels.map(\.count).max()!
        let available = max(10, width - labelWidth - 2)
        // Each category takes one column per group plus a gap; show as many as fit.
        let groupWidth = groups.count + (groups.count > 1 ? 1 : 0)
        let shown = min(categories.count, max(1, available / max(1, groupWidth)))
        let rows = 10
        let fills: [Character] = color ? ["█"] : ["█", "▒", "░", "▚", "▓", "▞"]
        var columns: [[String]] = []
        for c in 0..<shown {
            for (g, group) in groups.enumerated() {
                let fill = fills[g % fills.count]
                let cells = BlockColumns.column(value: group.values[c], lo: domain.lowerBound, hi: domain.upperBound, rows: rows, fill: fill)
                columns.append(cells.map { TerminalStyle.colored(String($0), ansi: Palette.ansi(g), enabled: color && $0 != " ") })
            }
            if groups.count > 1 { columns.append(Array(repeating: " ", count: rows)) }
        }
        let grid = (0..<rows).map { r in columns.map { $0[r] } }
        // Category labels under their group when they fit, otherwise first and last.
        var tickLine = ""
        let fitsAll = categories.prefix(shown).allSatisfy { $0.count <= max(1, groupWidth - 1) || ($0.count <= groupWidth) }
        if fitsAll {
            for category in categories.prefix(shown) {
                tickLine += TextFrame.visible(category).padding(toColumns: groupWidth)
            }
        } else if shown > 0 {
            tickLine = TextFrame.spread(TextFrame.visible(categories[0]), TextFrame.visible(categories[shown - 1]), width: shown * groupWidth)
        }
        var legend = groups.count > 1 || !(groups.first?.name.isEmpty ?? true)
            ? groups.enumerated().map { g, group in
                TerminalStyle.colored(String(fills[g % fills.count]) + String(fills[g % fills.count]), ansi: Palette.ansi(g), enabled: color) + " " + group.name
            }.joined(separator: "   ")
            : ""
        if shown < categories.count { legend += (legend.isEmpty ? "" : "   ") + "(first \(shown) of \(categories.count) shown)" }
        let frame = TextFrame(
            title: title, caption: caption, yLabel: yLabel, xLabel: xLabel,
            yTop: labels[0], yMiddle: labels[1], yBottom: labels[2], xTickLine: tickLine, legend: legend)
        return frame.render(rows: grid, width: width)
    }
}

extension String {
    func padding(toColumns width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}

extension TextFrame {
    /// A label as it can sit in one terminal row: newline, tab and space made visible,
    /// other control characters replaced.
    static func visible(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "\n": "⏎"
            case "\t": "⇥"
            case " ": "␣"
            default: scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "·" : Character(scalar)
            }
        })
    }
}
