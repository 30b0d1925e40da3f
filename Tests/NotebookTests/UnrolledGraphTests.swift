import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Notebook

/// The picture of the unrolled network: valid SVG made only of what the site keeps, the
/// right boxes, the highlighted paths, and a terminal drawing that fits 80 columns.
struct UnrolledGraphTests {
    /// The elements the site's SVG sanitizer keeps (no markers, no defs, no styles).
    static let siteElements: Set<String> = ["svg", "g", "title", "desc", "text", "tspan", "line", "polyline", "polygon", "rect", "circle", "ellipse", "path"]

    @Test(arguments: 1...8)
    func svgIsValidAndDrawsEveryStep(_ steps: Int) throws {
        let graph = UnrolledGraph(steps: steps)
        let root = try #require(parseSVG(graph.svg()))
        var names: Set<String> = []
        func collect(_ element: XMLElement) {
            names.insert(element.name ?? "")
            for child in element.children ?? [] { if let child = child as? XMLElement { collect(child) } }
        }
        collect(root)
        #expect(names.isSubset(of: Self.siteElements), "\(names.subtracting(Self.siteElements))")
        let texts = elements(named: "text", in: root).compactMap(\.stringValue)
        for t in 1...steps {
            for symbol in ["x", "h", "y", "L"] {
                #expect(texts.contains(symbol + UnrolledGraph.sub(t)), "\(symbol)\(t) in \(steps) steps")
            }
        }
        #expect(texts.contains("h₀"))
        #expect(texts.contains { $0.hasPrefix("L = L₁") })
        // The two backward paths into h_t (one at the last step), plus the edge from L_t.
        let orange = elements(named: "line", in: root).filter { attribute("stroke", of: $0) == UnrolledGraph.pathColor && $0.children?.isEmpty == false }
        #expect(orange.count == (graph.highlighted < steps ? 3 : 2))
    }

    @Test func highlightsTheChosenStep() throws {
        let root = try #require(parseSVG(UnrolledGraph(steps: 5, highlighted: 2).svg()))
        let texts = elements(named: "text", in: root).compactMap(\.stringValue)
        #expect(texts.contains("from h₃") && texts.contains("from y₂"))
        #expect(UnrolledGraph(steps: 4).highlighted == 3, "by default the step before the last, which has both paths")
    }

    @Test(arguments: [80, 60, 40])
    func textDrawingFitsAndShowsThePaths(_ width: Int) {
        for steps in 1...8 {
            for color in [false, true] {
                let text = UnrolledGraph(steps: steps).text(width: width, color: color)
                for line in text.split(separator: "\n") {
                    #expect(visibleWidth(line) <= width, "\(steps) steps at \(width): \(line)")
                }
                #expect(color || !text.contains("\u{1B}"))
            }
        }
        let four = UnrolledGraph(steps: 4).text()
        #expect(four.contains("h₀ ") && four.contains("▶ h₄"))
        #expect(four.contains("║") && four.contains("◀═"), "the two backward paths into h₃")
        #expect(four.contains("L = L₁ + L₂ + L₃ + L₄"))
    }
}
