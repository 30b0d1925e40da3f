import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Notebook

/// Parses SVG text as strict XML and returns its root, or records why it is not well formed.
func parseSVG(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> XMLElement? {
    do {
        let document = try XMLDocument(data: Data(svg.utf8), options: [])
        return document.rootElement()
    } catch {
        Issue.record("SVG is not well-formed XML: \(error)\n\(svg.prefix(400))", sourceLocation: sourceLocation)
        return nil
    }
}

/// An attribute's value, looked up by name among all of the element's attributes
/// (corelibs Foundation's `attribute(forName:)` misses them in a namespaced document).
func attribute(_ name: String, of element: XMLElement) -> String? {
    element.attributes?.first { $0.name == name }?.stringValue
}

func elements(named name: String, in element: XMLElement) -> [XMLElement] {
    var found: [XMLElement] = element.name == name ? [element] : []
    for child in element.children ?? [] {
        if let child = child as? XMLElement { found += elements(named: name, in: child) }
    }
    return found
}

/// Visible width of a line of terminal text: escape sequences take no columns.
func visibleWidth(_ line: Substring) -> Int {
    var width = 0
    var inEscape = false
    for scalar in line.unicodeScalars {
        if inEscape { if scalar == "m" { inEscape = false }; continue }
        if scalar == "\u{1B}" { inEscape = true; continue }
        width += 1
    }
    return width
}

let hostile = "<script>alert('x')</script> & \"q\" \u{7}"

let figures: [any Figure] = [
    LinePlot(title: "Loss " + hostile, xLabel: "step", yLabel: "loss", caption: "Two curves; the caption is long enough that it has to wrap onto a second line in the picture, which is what we check here.",
             series: [Series("train", y: (0..<500).map { 4 * exp(-Double($0) / 100) + 0.1 * sin(Double($0)) }),
                      Series("valid " + hostile, x: [0, 100, 200, 300, 400], y: [4.1, 2.0, .nan, 1.0, 0.9])]),
    BarPlot(title: "Echo", xLabel: "time step", yLabel: "value", caption: "Bars.",
            categories: (0..<15).map(String.init),
            groups: [("input", (0..<15).map { Double($0 % 2) }), ("target", (0..<15).map { Double(($0 + 1) % 2) }), ("P(1)", (0..<15).map { Double($0) / 15 - 0.2 })]),
    Heatmap(title: "Hidden state", xLabel: "input", yLabel: "unit", caption: "tanh values",
            values: (0..<8).map { r in (0..<11).map { c in tanh(Double(r - c) / 3) } },
            columnLabels: "hello <&>\n!".map(String.init), range: -1...1),
    Histogram(title: "Norms", xLabel: "norm", caption: "Skewed.", values: (0..<1000).map { pow(Double($0) / 1000, 3) } + [.infinity], bins: 25),
    UnrolledGraph(steps: 4),
    ColoredText(title: "Unit 3 " + hostile, caption: "Coloured by the unit.", label: "unit 3 " + hostile,
                text: coloredSample, values: coloredSample.indices.map { sin(Double(coloredSample.distance(from: coloredSample.startIndex, to: $0)) / 7) }, range: -1...1),
]

/// Text for the coloured-text figure: markup, a bell, a tab, newlines and a line longer than any width.
let coloredSample = "let s = \"<b>&amp;</b>\"\u{7}\tx\n" + String(repeating: "(a [b] {c}) ", count: 12) + "\n`code` and \"quotes\"\n" + hostile + "\nend\n"

@Test(arguments: figures.indices)
func svgIsWellFormedAndEscaped(_ i: Int) throws {
    let svg = figures[i].svg()
    let root = try #require(parseSVG(svg))
    #expect(root.name == "svg")
    #expect(root.attribute(forName: "xmlns")?.stringValue == "http://www.w3.org/2000/svg" || root.uri == "http://www.w3.org/2000/svg")
    #expect(!svg.contains("<script"))
    #expect(!svg.lowercased().contains("javascript"))
    #expect(!svg.contains("http://") || svg.components(separatedBy: "http://").count == 2, "only the namespace may be a URL")
    // The figure's title is its accessible name: the first child.
    let title = (root.children?.first as? XMLElement)
    #expect(title?.name == "title")
    #expect(title?.stringValue == figures[i].title.replacingOccurrences(of: "\u{7}", with: "\u{FFFD}"))
}

@Test func hostileTextSurvivesAsText() throws {
    let svg = figures[0].svg()
    #expect(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; \u{FFFD}"))
    let root = try #require(parseSVG(svg))
    let texts = elements(named: "text", in: root).compactMap(\.stringValue)
    #expect(texts.contains { $0.hasPrefix("Loss <script>") })
}

@Test func tooltipsCarryValues() throws {
    let bar = try #require(parseSVG(figures[1].svg()))
    let barTitles = elements(named: "rect", in: bar).compactMap { rect in (rect.children?.first as? XMLElement)?.stringValue }
    #expect(barTitles.count == 45)
    #expect(barTitles.contains("target, time step 0: 1"))
    let heat = try #require(parseSVG(figures[2].svg()))
    let cells = elements(named: "rect", in: heat).filter { $0.children?.isEmpty == false }
    #expect(cells.count == 8 * 11)
    #expect(cells.compactMap(\.stringValue).contains("unit 0, input 4 \"o\": 0.9996") == false)
    #expect(cells.compactMap(\.stringValue).contains { $0.hasPrefix("unit 0, input 5 \"␣\": ") })
    let line = try #require(parseSVG(figures[0].svg()))
    let points = elements(named: "circle", in: line).compactMap(\.stringValue)
    #expect(points.contains("valid <script>alert('x')</script> & \"q\" \u{FFFD}: step 100, loss 2"))
    let histogram = try #require(parseSVG(figures[3].svg()))
    let bins = elements(named: "rect", in: histogram).compactMap(\.stringValue)
    #expect(bins.count == 25)
    #expect(bins.first == "0 to 0.03988: 342")
}

@Test func histogramCountsEveryFiniteValue() {
    let histogram = Histogram(title: "h", xLabel: "x", values: [0, 0.5, 1, 1, .nan, 2], bins: 4)
    let (edges, counts) = histogram.counts
    #expect(edges == [0, 0.5, 1, 1.5, 2])
    #expect(counts == [1, 1, 2, 1])
    #expect(histogram.text().contains("(1 NaN or infinite values not counted.)"))
}

@Test(arguments: [80, 60, 40])
func terminalRenderingFitsTheWidth(_ width: Int) {
    for figure in figures {
        for color in [false, true] {
            let text = figure.text(width: width, color: color)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= 8, "\(figure.title) is drawn")
            for line in lines {
                #expect(visibleWidth(line) <= width, "\(figure.title) at width \(width): \(line)")
            }
            #expect(color || !text.contains("\u{1B}"), "no escape codes without colour")
        }
    }
}

@Test func terminalLinePlotShowsBothSeriesAndRange() {
    let text = figures[0].text(width: 80, color: false)
    #expect(text.contains("• train"))
    #expect(text.contains("× valid"))
    #expect(text.contains("•") && text.contains("×"))
    let braille = LinePlot(title: "one", xLabel: "x", yLabel: "y", series: [Series("", y: [1, 2, 3])]).text()
    #expect(braille.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    #expect(braille.contains("┤"))
}

@Test func terminalHeatmapLabelsColumnsWithTheInput() {
    let text = figures[2].text(width: 80, color: false)
    let lines = text.split(separator: "\n")
    #expect(lines.contains { $0.contains("h e l l o ␣ < & > ⏎ !") })
    // Rows: 8 units drawn with the diverging symbols.
    #expect(lines.filter { $0.contains("│") }.count == 8)
    #expect(text.contains("#") && text.contains("="))
}

@Test func terminalBarPlotSaysWhenCategoriesAreCut() {
    let many = BarPlot(title: "many", xLabel: "t", yLabel: "v", categories: (0..<100).map(String.init),
                       groups: [("a", Array(repeating: 1, count: 100)), ("b", Array(repeating: 2, count: 100))])
    #expect(many.text(width: 80, color: false).contains("of 100 shown)"))
}

@Test func nonFiniteValuesDoNotBreakFigures() throws {
    let plots: [any Figure] = [
        LinePlot(title: "nan", xLabel: "x", yLabel: "y", series: [Series("s", y: [.nan, .infinity, -.infinity])]),
        Heatmap(title: "empty", xLabel: "x", yLabel: "y", values: []),
        Histogram(title: "none", xLabel: "x", values: []),
        BarPlot(title: "flat", xLabel: "x", yLabel: "y", categories: ["a"], groups: [("g", [.nan])]),
    ]
    for plot in plots {
        _ = try #require(parseSVG(plot.svg()))
        #expect(!plot.text().isEmpty)
    }
}

@Test func numbersAreShort() {
    #expect(NumberFormat.short(4) == "4")
    #expect(NumberFormat.short(0.123456) == "0.1235")
    #expect(NumberFormat.short(2.5) == "2.5")
    #expect(NumberFormat.short(123456) == "1.23e+05")
    #expect(NumberFormat.short(.nan) == "NaN")
}

@Test func ticksAreRoundNumbers() {
    let unit = LinearScale(domain: 0...1, range: (0, 1)).ticks(count: 5)
    #expect(unit.count == 6 && abs(unit[3] - 0.6) < 1e-12)
    #expect(LinearScale(domain: 3...97, range: (0, 1)).ticks(count: 5) == [20, 40, 60, 80])
}

@Test func aFixedYRangeClipsAndLabelsTheAxis() throws {
    let plot = LinePlot(title: "clipped", xLabel: "x", yLabel: "y", series: [Series("s", y: [0.5, 3, 0.2])], yRange: 0...1)
    let root = try #require(parseSVG(plot.svg()))
    #expect(elements(named: "svg", in: root).count == 2, "a nested viewport clips the line")
    let labels = elements(named: "text", in: root).compactMap(\.stringValue)
    #expect(labels.contains("1") && labels.contains("0") && !labels.contains("3"))
    let text = plot.text()
    #expect(text.contains("1 ┤") && text.contains("0 ┤"))
}

@Test func smallHeatmapsWriteTheirValuesAndKeepTheirSize() throws {
    let small = Heatmap(title: "echo", xLabel: "letter", yLabel: "unit", values: [[0.53, -0.2, 0.91, -0.77], [0.05, 0.4, -0.95, 0.3], [-0.6, 0.12, 0, 0.7]],
                        columnLabels: ["e", "c", "h", "o"], range: -1...1)
    let root = try #require(parseSVG(small.svg()))
    let texts = elements(named: "text", in: root).compactMap(\.stringValue)
    #expect(texts.contains("+0.91") && texts.contains("-0.95"))
    let width = try #require(attribute("width", of: root).flatMap(Double.init))
    #expect(width < SVGWriter.width, "a 4-column grid is not stretched to the full width")
    // A large grid keeps the standard width and labels rows at 10 px or more.
    let large = try #require(parseSVG(Heatmap(title: "h", xLabel: "t", yLabel: "unit", values: (0..<100).map { r in (0..<30).map { Double(r - $0) } }).svg()))
    #expect(attribute("width", of: large) == "640")
    let sizes = elements(named: "text", in: large).compactMap { attribute("font-size", of: $0).flatMap(Double.init) }
    #expect(!sizes.isEmpty)
    #expect(sizes.allSatisfy { $0 >= 10 })
}


@Test func coloredTextGivesEveryCharacterATooltipAndSendsNoControlCharacters() throws {
    let figure = ColoredText(title: "t", label: "unit <7>", text: "a<\u{1B}x1m\n\"", values: [0.5, -0.5, 1, 0, 0, 0, 0.25, -1])
    let root = try #require(parseSVG(figure.svg()))
    let tips = elements(named: "title", in: root).compactMap(\.stringValue).filter { $0.hasPrefix("unit <7>") }
    #expect(tips.count == 8, "one tooltip per character")
    #expect(tips.contains("unit <7> after \"<\": -0.5"))
    for color in [false, true] {
        let text = figure.text(width: 40, color: color)
        let withoutOurEscapes = color ? text.replacingOccurrences(of: "\u{1B}[", with: "") : text
        #expect(!withoutOurEscapes.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control characters from the text reach the terminal")
    }
}
