import Foundation

/// Text with every character's background coloured by a value: one hidden unit's
/// activation after reading that character, as in Karpathy, Johnson and Fei-Fei's pictures of
/// the cells of a character LSTM (2015).
///
/// On the site each character is a cell of a monospace grid with a tooltip (`<title>`)
/// naming the character and its value; in a terminal the characters get ANSI background
/// colours, or, without colour, a line of scale symbols under every line of text. Every
/// character is escaped on the site, and control characters are never sent to a terminal.
///
/// ```swift
/// Notebook.show(ColoredText(title: "Unit 12 of the text model", label: "unit 12",
///                           text: "let x = \"quoted\"\n", values: activations, range: -1...1))
/// ```
public struct ColoredText: Figure {
    public var title: String
    public var caption: String
    /// What the values are, for the tooltips: "unit 12".
    public var label: String
    public var characters: [Character]
    /// One value per character.
    public var values: [Double]
    /// The values at the ends of the colour scale; `nil` means the data's own range.
    public var range: ClosedRange<Double>?

    public init(title: String, caption: String = "", label: String, text: String, values: [Double], range: ClosedRange<Double>? = nil) {
        let characters = Array(text)
        precondition(characters.count == values.count, "ColoredText \"\(title)\": \(values.count) values for \(characters.count) characters")
        self.title = title
        self.caption = caption
        self.label = label
        self.characters = characters
        self.values = values
        self.range = range
    }

    /// The colour scale, diverging about zero when the range spans zero (as `Heatmap`'s).
    var scale: ColorScale {
        let domain = range ?? LinearScale.domain(covering: values)
        if domain.lowerBound < 0 && domain.upperBound > 0 {
            let m = max(-domain.lowerBound, domain.upperBound)
            return ColorScale(lo: -m, hi: m, diverging: true)
        }
        return ColorScale(lo: domain.lowerBound, hi: domain.upperBound, diverging: false)
    }

    /// The text cut into lines of at most `width` cells: a newline ends a line (and is drawn
    /// as ⏎, since it has a value too), a longer line wraps. Each cell is (index, glyph).
    func lines(width: Int) -> [[(index: Int, glyph: String)]] {
        var lines: [[(index: Int, glyph: String)]] = [[]]
        for (i, character) in characters.enumerated() {
            if lines[lines.count - 1].count == width { lines.append([]) }
            lines[lines.count - 1].append((i, Self.glyph(character)))
            if character == "\n" { lines.append([]) }
        }
        if lines.last?.isEmpty == true && lines.count > 1 { lines.removeLast() }
        return lines
    }

    /// One printable glyph for a character: the newline and the tab as symbols, other
    /// control characters as a middle dot.
    static func glyph(_ character: Character) -> String {
        switch character {
        case "\n", "\r\n": "⏎"
        case "\t": "⇥"
        default: character.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) } ? String(character) : "·"
        }
    }

    public func svg() -> String {
        var svg = SVGWriter()
        let scale = self.scale
        let columns = 76, cellWidth = 7.9, lineHeight = 17.0, left = 12.0, top = 36.0
        let lines = self.lines(width: columns)
        for (row, line) in lines.enumerated() {
            let y = top + Double(row) * lineHeight
            for (column, cell) in line.enumerated() {
                let x = left + Double(column) * cellWidth
                let value = values[cell.index]
                let tip = "\(label) after \(TextFrame.visible(String(characters[cell.index])).debugQuoted): \(NumberFormat.short(value))"
                svg.add("<rect x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" width=\"\(SVGWriter.n(cellWidth + 0.3))\" height=\"\(SVGWriter.n(lineHeight + 0.3))\" fill=\"\(scale.hex(value))\"><title>\(SVGWriter.escape(tip))</title></rect>")
                if cell.glyph != " " {
                    // Dark ink on pale cells, white on strong ones, in either page theme.
                    let ink = abs(scale.position(value)) > 0.55 ? "#ffffff" : "#1d1f23"
                    svg.text(cell.glyph, x: x + cellWidth / 2, y: y + lineHeight - 4.5, anchor: "middle", size: 13,
                             extra: "fill=\"\(ink)\" font-family=\"ui-monospace, monospace\" pointer-events=\"none\"")
                }
            }
        }
        // The colour bar, as under a heatmap.
        let barTop = top + Double(lines.count) * lineHeight + 12, swatch = 12.0
        for i in 0..<20 {
            let value = scale.lo + (scale.hi - scale.lo) * (Double(i) + 0.5) / 20
            svg.add("<rect x=\"\(SVGWriter.n(left + Double(i) * swatch))\" y=\"\(SVGWriter.n(barTop))\" width=\"\(SVGWriter.n(swatch + 0.3))\" height=\"10\" fill=\"\(scale.hex(value))\"/>")
        }
        svg.text(NumberFormat.short(scale.lo), x: left, y: barTop + 24, anchor: "start", size: 11)
        if scale.diverging { svg.text("0", x: left + 10 * swatch, y: barTop + 24, anchor: "middle", size: 11) }
        svg.text(NumberFormat.short(scale.hi), x: left + 20 * swatch, y: barTop + 24, anchor: "end", size: 11)
        svg.text(label, x: left + 20 * swatch + 12, y: barTop + 9, anchor: "start", size: 11)
        return svg.document(title: title, caption: caption, contentBottom: barTop + 32,
                            width: max(left * 2 + Double(columns) * cellWidth, Double(title.count) * 8.6 + 24))
    }

    public func text(width: Int, color: Bool) -> String {
        let scale = self.scale
        var out = [TextFrame.centered(title, width: width)]
        for line in lines(width: max(10, width)) {
            if color {
                out.append(line.map { cell in
                    let c = scale.rgb(values[cell.index])
                    let ink = abs(scale.position(values[cell.index])) > 0.55 ? "97" : "30"
                    return "\u{1B}[\(ink);48;2;\(Int(c.r));\(Int(c.g));\(Int(c.b))m\(cell.glyph)\u{1B}[0m"
                }.joined())
            } else {
                // Without colour, a line of scale symbols under each line of text.
                out.append(line.map(\.glyph).joined())
                out.append(String(line.map { scale.symbol(values[$0.index]) }))
            }
        }
        out.append(scale.terminalKey(color: color) + "   (\(label))")
        out += SVGWriter.wrap(caption, limit: width)
        return TextFrame.finish(out, width: width)
    }
}
