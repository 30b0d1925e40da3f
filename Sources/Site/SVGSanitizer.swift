import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Makes a figure safe to put inline in a page.
///
/// Figures reach the site through a chapter's standard output, which also carries text
/// from the corpus; a corpus could forge a figure. So a figure is parsed as XML and
/// written out again keeping only the shapes and attributes the Notebook draws with: no
/// scripts, no event handlers, no links, no `url(…)`, no styles. Text is re-escaped.
enum SVGSanitizer {
    static let elements: Set<String> = ["svg", "g", "title", "desc", "text", "tspan", "line", "polyline", "polygon", "rect", "circle", "ellipse", "path"]
    static let attributes: Set<String> = [
        "class", "viewBox", "width", "height", "role", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry",
        "points", "d", "fill", "stroke", "stroke-width", "stroke-opacity", "fill-opacity", "opacity", "font-family",
        "font-size", "font-weight", "font-style", "text-anchor", "transform", "stroke-linejoin", "stroke-linecap",
        "stroke-dasharray", "xml:space", "dominant-baseline", "aria-label",
    ]

    struct Rejected: Error, CustomStringConvertible {
        var description: String
    }

    /// The figure rebuilt from allowed parts only; throws when it is not an SVG document.
    static func sanitize(_ svg: String) throws -> String {
        // Quick refusal of what is plainly not SVG, before libxml2 complains about it on stderr.
        guard svg.drop(while: \.isWhitespace).hasPrefix("<svg") else {
            throw Rejected(description: "the figure is not an <svg> element")
        }
        let document: XMLDocument
        do {
            document = try XMLDocument(data: Data(svg.utf8), options: [])
        } catch {
            throw Rejected(description: "the figure is not well-formed SVG")
        }
        guard let root = document.rootElement(), root.localName == "svg" else {
            throw Rejected(description: "the figure is not an <svg> element")
        }
        var out = ""
        write(root, into: &out, isRoot: true)
        return out
    }

    private static func write(_ element: XMLElement, into out: inout String, isRoot: Bool) {
        guard let name = element.localName, elements.contains(name) else { return }
        out += "<" + name
        if isRoot { out += " xmlns=\"http://www.w3.org/2000/svg\"" }
        for attribute in element.attributes ?? [] {
            guard let key = attribute.name, attributes.contains(key), let value = attribute.stringValue else { continue }
            let lowered = value.lowercased()
            guard !lowered.contains("url("), !lowered.contains("javascript:"), !lowered.contains("expression(") else { continue }
            out += " \(key)=\"\(HTML.escape(value))\""
        }
        out += ">"
        for child in element.children ?? [] {
            switch child.kind {
            case .element: write(child as! XMLElement, into: &out, isRoot: false)
            case .text: out += HTML.escape(child.stringValue ?? "")
            default: break
            }
        }
        out += "</" + name + ">"
    }
}
