import Foundation

/// The recurrent network unrolled over a few time steps: one copy of the cell per step, the
/// state passed from each copy to the next, the per-step losses summed into one loss, and
/// the two paths along which backpropagation through time reaches one hidden state.
///
/// Unlike the plots it shows no data: it is the picture the book's derivations refer to,
/// drawn by the same code as the other figures so it follows the page's theme and prints
/// in a terminal.
///
/// ```swift
/// Notebook.show(UnrolledGraph(steps: 4))   // highlights the two paths into h₃
/// ```
public struct UnrolledGraph: Figure {
    /// How many copies of the cell to draw (1…8).
    public var steps: Int
    /// The step (1-based) whose incoming gradient paths are highlighted.
    public var highlighted: Int
    public var title: String
    public var caption: String

    public init(steps: Int, highlighted: Int? = nil, title: String? = nil, caption: String? = nil) {
        precondition((1...8).contains(steps), "UnrolledGraph: draws 1 to 8 steps, not \(steps)")
        let t = highlighted ?? max(1, steps - 1)
        precondition((1...steps).contains(t), "UnrolledGraph: step \(t) is not one of 1…\(steps)")
        self.steps = steps
        self.highlighted = t
        self.title = title ?? "The cell unrolled over \(steps) step\(steps == 1 ? "" : "s")"
        let paths = t < steps
            ? "along two paths (orange): from its own loss L\(Self.sub(t)) through y\(Self.sub(t)), and from the steps after it through h\(Self.sub(t + 1))"
            : "along one path (orange), from its own loss L\(Self.sub(t)) through y\(Self.sub(t)): the last step has no steps after it"
        self.caption = caption ?? "One copy of the cell per step, with the same weights: each hₜ takes xₜ and hₜ₋₁, and the losses Lₜ add up to L. The gradient reaches h\(Self.sub(t)) \(paths)."
    }

    /// `t` written with Unicode subscript digits: 3 → "₃".
    static func sub(_ t: Int) -> String {
        String(String(t).unicodeScalars.map { Character(UnicodeScalar(0x2080 + $0.value - 0x30)!) })
    }

    /// The orange of the highlighted paths, and its terminal colour.
    static let pathColor = Palette.svg(1), pathANSI = Palette.ansi(1)

    // MARK: SVG

    public func svg() -> String {
        var svg = SVGWriter()
        let width = SVGWriter.width
        let left = 120.0, right = width - 40, mid = (left + right) / 2
        let spacing = steps == 1 ? 0 : (right - left) / Double(steps - 1)
        func column(_ t: Int) -> Double { steps == 1 ? (left + right) / 2 : left + Double(t - 1) * spacing }
        let rowL = 56.0, rowLt = 112.0, rowY = 170.0, rowH = 232.0, rowX = 296.0
        let nodeWidth = min(46, max(30, spacing * 0.5)), nodeHeight = 26.0
        let h0 = left - 80
        let totalWidth = max(120, Double(steps) * 34 + 40)

        // The cell copies: a pale band behind x_t, h_t and y_t for each step.
        for t in 1...steps {
            let cx = column(t)
            svg.add("<rect x=\"\(SVGWriter.n(cx - nodeWidth / 2 - 14))\" y=\"\(SVGWriter.n(rowY - nodeHeight / 2 - 10))\" width=\"\(SVGWriter.n(nodeWidth + 28))\" height=\"\(SVGWriter.n(rowX - rowY + nodeHeight + 20))\" rx=\"10\" fill=\"currentColor\" fill-opacity=\"0.05\" stroke=\"currentColor\" stroke-opacity=\"0.18\" stroke-dasharray=\"4 3\"><title>step \(t): the same cell, the same weights</title></rect>")
            svg.text("t = \(t)", x: cx, y: rowX + nodeHeight / 2 + 26, anchor: "middle", size: 11, extra: "opacity=\"0.75\"")
        }

        // Forward edges: input to state, state to logits to loss, state to next state, losses to L.
        let gap = nodeHeight / 2 + 2
        for t in 1...steps {
            let cx = column(t)
            arrow(into: &svg, from: (cx, rowX - gap), to: (cx, rowH + gap))
            arrow(into: &svg, from: (cx, rowH - gap), to: (cx, rowY + gap))
            arrow(into: &svg, from: (cx, rowY - gap), to: (cx, rowLt + gap))
            // Into the bottom edge of L's box, spread over its width in the columns' order.
            let towardL = steps == 1 ? mid : mid + (cx - mid) / ((right - left) / 2) * (totalWidth / 2 - 14)
            arrow(into: &svg, from: (cx, rowLt - gap), to: (towardL, rowL + gap))
            let previous = t == 1 ? h0 : column(t - 1)
            arrow(into: &svg, from: (previous + nodeWidth / 2 + 2, rowH), to: (cx - nodeWidth / 2 - 2, rowH))
        }
        // The weights on the first copy's edges; every copy uses the same ones.
        let first = column(1)
        svg.text("W_xh", x: first - 6, y: (rowX + rowH) / 2 + 4, anchor: "end", size: 11, extra: "font-style=\"italic\"")
        svg.text("W_hy", x: first - 6, y: (rowH + rowY) / 2 + 4, anchor: "end", size: 11, extra: "font-style=\"italic\"")
        svg.text("W_hh", x: (h0 + first) / 2, y: rowH - 8, anchor: "middle", size: 11, extra: "font-style=\"italic\"")

        // The two paths into h_t that backpropagation follows, beside the forward edges.
        let t = highlighted, cx = column(t), offset = 9.0
        path(into: &svg, from: (cx + offset, rowLt + gap), to: (cx + offset, rowY - gap), label: "∂L/∂L\(Self.sub(t)) = 1")
        path(into: &svg, from: (cx + offset, rowY + gap), to: (cx + offset, rowH - gap), label: "from y\(Self.sub(t)): ∂L/∂y\(Self.sub(t)) W_hyᵀ")
        if t < steps {
            let next = column(t + 1)
            path(into: &svg, from: (next - nodeWidth / 2 - 2, rowH + offset), to: (cx + nodeWidth / 2 + 2, rowH + offset), label: "from h\(Self.sub(t + 1))")
            svg.text("from h\(Self.sub(t + 1))", x: (cx + next) / 2, y: rowH + offset + 16, anchor: "middle", size: 11, extra: "fill=\"\(Self.pathColor)\" font-weight=\"600\"")
        }
        svg.text("from y\(Self.sub(t))", x: cx + offset + 6, y: (rowY + rowH) / 2 + 4, anchor: "start", size: 11, extra: "fill=\"\(Self.pathColor)\" font-weight=\"600\"")

        // Nodes on top of the edges.
        node(into: &svg, "L = " + (1...steps).map { "L" + Self.sub($0) }.joined(separator: " + "), x: mid, y: rowL, width: totalWidth, strong: true)
        node(into: &svg, "h" + Self.sub(0), x: h0, y: rowH, width: nodeWidth, strong: false, note: "the initial state")
        for t in 1...steps {
            let cx = column(t)
            let lit = t == highlighted
            node(into: &svg, "L" + Self.sub(t), x: cx, y: rowLt, width: nodeWidth, strong: false, note: "the loss at step \(t)")
            node(into: &svg, "y" + Self.sub(t), x: cx, y: rowY, width: nodeWidth, strong: false, note: "the logits at step \(t)")
            node(into: &svg, "h" + Self.sub(t), x: cx, y: rowH, width: nodeWidth, strong: true, outline: lit ? Self.pathColor : nil, note: "the hidden state after step \(t)")
            node(into: &svg, "x" + Self.sub(t), x: cx, y: rowX, width: nodeWidth, strong: false, note: "the input at step \(t)")
        }

        // Legend: forward in the text colour, backward in orange.
        let legend = rowX + nodeHeight / 2 + 46
        svg.add("<line x1=\"16\" x2=\"44\" y1=\"\(SVGWriter.n(legend - 4))\" y2=\"\(SVGWriter.n(legend - 4))\" stroke=\"currentColor\" stroke-opacity=\"0.6\" stroke-width=\"1.5\"/>")
        svg.text("forward: each step's state feeds the next", x: 50, y: legend, size: 12)
        svg.add("<line x1=\"330\" x2=\"358\" y1=\"\(SVGWriter.n(legend - 4))\" y2=\"\(SVGWriter.n(legend - 4))\" stroke=\"\(Self.pathColor)\" stroke-width=\"3\"/>")
        svg.text("backward: the path\(highlighted < steps ? "s" : "") into h\(Self.sub(highlighted))", x: 364, y: legend, size: 12)
        return svg.document(title: title, caption: caption, contentBottom: legend + 8)
    }

    private func node(into svg: inout SVGWriter, _ label: String, x: Double, y: Double, width: Double, strong: Bool, outline: String? = nil, note: String = "") {
        let stroke = outline.map { "stroke=\"\($0)\" stroke-width=\"2.5\"" } ?? "stroke=\"currentColor\" stroke-opacity=\"0.6\""
        let tooltip = note.isEmpty ? "" : "<title>\(SVGWriter.escape(label)): \(SVGWriter.escape(note))</title>"
        // An opaque fill in the page's background would need CSS; a solid fill under a
        // translucent tint hides the edges behind the node in both themes instead.
        svg.add("<rect x=\"\(SVGWriter.n(x - width / 2))\" y=\"\(SVGWriter.n(y - 13))\" width=\"\(SVGWriter.n(width))\" height=\"26\" rx=\"6\" fill=\"currentColor\" fill-opacity=\"\(strong ? 0.14 : 0.07)\" \(stroke)>\(tooltip)</rect>")
        svg.text(label, x: x, y: y + 5, anchor: "middle", size: 14, weight: strong ? "600" : nil)
    }

    private func arrow(into svg: inout SVGWriter, from a: (Double, Double), to b: (Double, Double)) {
        svg.add("<line x1=\"\(SVGWriter.n(a.0))\" y1=\"\(SVGWriter.n(a.1))\" x2=\"\(SVGWriter.n(b.0))\" y2=\"\(SVGWriter.n(b.1))\" stroke=\"currentColor\" stroke-opacity=\"0.55\" stroke-width=\"1.5\"/>")
        svg.add(head(at: b, from: a, size: 7, fill: "fill=\"currentColor\" fill-opacity=\"0.55\""))
    }

    /// A highlighted backward edge: thick, orange, with its arrowhead at `b`.
    private func path(into svg: inout SVGWriter, from a: (Double, Double), to b: (Double, Double), label: String) {
        svg.add("<line x1=\"\(SVGWriter.n(a.0))\" y1=\"\(SVGWriter.n(a.1))\" x2=\"\(SVGWriter.n(b.0))\" y2=\"\(SVGWriter.n(b.1))\" stroke=\"\(Self.pathColor)\" stroke-width=\"3\" stroke-linecap=\"round\"><title>\(SVGWriter.escape(label))</title></line>")
        svg.add(head(at: b, from: a, size: 9, fill: "fill=\"\(Self.pathColor)\""))
    }

    /// A triangle pointing along a → b with its tip at b. (The site's SVG allows no markers.)
    private func head(at b: (Double, Double), from a: (Double, Double), size: Double, fill: String) -> String {
        let dx = b.0 - a.0, dy = b.1 - a.1
        let length = max(1e-9, (dx * dx + dy * dy).squareRoot())
        let (ux, uy) = (dx / length, dy / length)
        let base = (b.0 - ux * size, b.1 - uy * size)
        let half = size * 0.5
        let points = [(b.0, b.1), (base.0 - uy * half, base.1 + ux * half), (base.0 + uy * half, base.1 - ux * half)]
        return "<polygon points=\"\(points.map { "\(SVGWriter.n($0.0)),\(SVGWriter.n($0.1))" }.joined(separator: " "))\" \(fill)/>"
    }

    // MARK: Text

    public func text(width: Int, color: Bool) -> String {
        // Columns: h₀ at the left, then one column per step, `spacing` characters apart.
        let start = 4
        let spacing = max(6, min(14, (width - start - 10) / max(1, steps)))
        func column(_ t: Int) -> Int { start + 10 + (t - 1) * spacing }
        var canvas = CharacterCanvas(width: width, height: 10)
        let total = "L = " + (1...steps).map { "L" + Self.sub($0) }.joined(separator: " + ")
        canvas.put(total, row: 0, column: max(0, (column(1) + column(steps)) / 2 - total.count / 2))
        for t in 1...steps {
            let c = column(t)
            canvas.put("↑", row: 1, column: c)
            canvas.put("L" + Self.sub(t), row: 2, column: c)
            canvas.put("↑", row: 3, column: c)
            canvas.put("y" + Self.sub(t), row: 4, column: c)
            canvas.put("↑", row: 5, column: c)
            canvas.put("h" + Self.sub(t), row: 6, column: c)
            canvas.put("↑", row: 8, column: c)
            canvas.put("x" + Self.sub(t), row: 9, column: c)
            // From one space after the previous state's label to one space before this one.
            let from = (t == 1 ? start : column(t - 1)) + 3
            canvas.put(String(repeating: "─", count: max(0, c - from - 2)) + "▶", row: 6, column: from)
        }
        canvas.put("h₀", row: 6, column: start)
        canvas.put("W_xh", row: 8, column: max(0, column(1) - 5))
        // The two backward paths into h_t, in orange (or drawn double without colour).
        let t = highlighted, c = column(t) + 2
        canvas.put("║", row: 3, column: c, lit: true)
        canvas.put("║", row: 4, column: c, lit: true)
        canvas.put("▼", row: 5, column: c, lit: true)
        if t < steps {
            let next = column(t + 1)
            canvas.put("◀" + String(repeating: "═", count: max(1, next - column(t) - 4)), row: 7, column: column(t) + 1, lit: true)
        }
        var lines = [TextFrame.centered(title, width: min(width, column(steps) + 4))]
        lines += canvas.lines(color: color, ansi: Self.pathANSI)
        let marks = color ? "orange" : "═ ║"
        lines += SVGWriter.wrap("forward ─▶   backward into h\(Self.sub(t)) (\(marks)): from y\(Self.sub(t))" + (t < steps ? " and from h\(Self.sub(t + 1))" : ""), limit: width)
        // Without colour the paths are the double lines, not orange.
        lines += SVGWriter.wrap(color ? caption : caption.replacingOccurrences(of: "(orange)", with: "(drawn ═ ║)"), limit: width)
        return TextFrame.finish(lines, width: width)
    }
}

/// A grid of characters to draw a diagram on, each cell optionally highlighted.
struct CharacterCanvas {
    let width: Int
    private var cells: [[Character]]
    private var lit: [[Bool]]

    init(width: Int, height: Int) {
        self.width = width
        cells = Array(repeating: Array(repeating: " ", count: width), count: height)
        lit = Array(repeating: Array(repeating: false, count: width), count: height)
    }

    /// Writes `text` from `column` on, cut at the right edge.
    mutating func put(_ text: String, row: Int, column: Int, lit isLit: Bool = false) {
        guard cells.indices.contains(row) else { return }
        for (i, character) in text.enumerated() where (0..<width).contains(column + i) {
            cells[row][column + i] = character
            lit[row][column + i] = isLit
        }
    }

    /// The rows as text; highlighted cells in ANSI colour `ansi` when `color` is true.
    func lines(color: Bool, ansi: Int) -> [String] {
        cells.indices.map { r in
            var line = ""
            for (character, isLit) in zip(cells[r], lit[r]) {
                line += isLit ? TerminalStyle.colored(String(character), ansi: ansi, enabled: color) : String(character)
            }
            return line
        }
    }
}
