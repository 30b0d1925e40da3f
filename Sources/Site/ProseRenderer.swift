import CCmark
import Foundation
import Literate

/// Turns a chapter's prose into HTML: cmark renders the Markdown, then math and anchors
/// are added to what it produced.
///
/// Math follows the convention cmark leaves untouched: `` $`W_{hh}`$ `` renders as
/// `$<code>W_{hh}</code>$`, and a ```` ```math ```` block as
/// `<pre><code class="language-math">`; both become typesetter placeholders. Headings
/// `##` and `###` get the anchors the chapter model gave them, and links to another
/// chapter's `.md` file are pointed at its page.
struct ProseRenderer {
    let chapter: Chapter
    let typesetter: Typesetter
    /// The values the chapter's run recorded, for `{{key}}` in the prose.
    let values: [String: String]
    /// The sections not yet matched to a heading, in order.
    private var pendingSections: [Section]

    init(chapter: Chapter, typesetter: Typesetter, values: [String: String] = [:]) {
        self.chapter = chapter
        self.typesetter = typesetter
        self.values = values
        self.pendingSections = chapter.sections
    }

    /// Markdown to HTML, with cmark (raw HTML passes through: the chapters are ours).
    static func cmarkHTML(_ markdown: String) -> String {
        let bytes = Array(markdown.utf8)
        guard let rendered = cmark_markdown_to_html(bytes, bytes.count, CMARK_OPT_UNSAFE) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    mutating func render(_ prose: Prose) -> String {
        var html = Self.cmarkHTML(prose.markdown)
        html = Self.fillValues(in: html, values: values)
        html = replaceMath(in: html, prose: prose)
        html = addAnchors(to: html)
        html = Self.pointChapterLinksAtPages(html)
        return html
    }

    private func replaceMath(in html: String, prose: Prose) -> String {
        var out = html
        // Where each formula is in the chapter, for error messages: the line of its first
        // occurrence in the Markdown after the previous formula.
        var cursor = prose.markdown.startIndex
        func origin(of tex: String) -> String {
            var line = prose.firstLine
            if let found = prose.markdown[cursor...].range(of: tex) {
                line += prose.markdown[..<found.lowerBound].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
                cursor = found.upperBound
            }
            return "\(chapter.path):\(line)"
        }
        out = Self.replace(in: out, start: "<pre><code class=\"language-math\">", end: "</code></pre>") { tex in
            let source = HTML.unescape(tex)
            return "<div class=\"math display\">" + typesetter.math(source, display: true, origin: origin(of: source)) + "</div>"
        }
        cursor = prose.markdown.startIndex
        out = Self.replace(in: out, start: "$<code>", end: "</code>$") { tex in
            let source = HTML.unescape(tex)
            return "<span class=\"math\">" + typesetter.math(source, display: false, origin: origin(of: source)) + "</span>"
        }
        return out
    }

    /// `{{key}}` → the value the run recorded; `{{key=TEXT}}` → TEXT, or TEXT and the run's
    /// value side by side where the run recorded something else (the site builder lists
    /// that as a problem, and a strict build fails on it). Code (`<code>`, `<pre>`) is left as it
    /// is, so the book can show the syntax. A value the run did not record (a chapter
    /// rendered with `--keep-going`) shows as a visible gap, never as stale text.
    static func fillValues(in html: String, values: [String: String]) -> String {
        guard html.contains("{{") else { return html }
        var out = ""
        var rest = Substring(html)
        while let open = rest.range(of: "{{") {
            // Copy code elements whole: references inside them are code.
            if let code = ["<code", "<pre"].compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }),
               code.lowerBound < open.lowerBound {
                let closing = rest[code.lowerBound...].hasPrefix("<pre") ? "</pre>" : "</code>"
                let end = rest[code.upperBound...].range(of: closing)?.upperBound ?? rest.endIndex
                out += rest[..<end]
                rest = rest[end...]
                continue
            }
            guard let close = rest[open.upperBound...].range(of: "}}"),
                  let reference = ValueReference.parse(inner: Substring(HTML.unescape(String(rest[open.upperBound..<close.lowerBound]))), line: 0) else {
                out += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            out += rest[..<open.lowerBound]
            if let expected = reference.expected, let value = values[reference.key], value != expected {
                // A reading build renders a disagreeing value rather than stopping: both are shown.
                out += "<span class=\"run-value missing\" title=\"the prose says \(HTML.escape(expected)); this page's run recorded \(HTML.escape(value))\">\(HTML.escape(expected)) [this run: \(HTML.escape(value))]</span>"
            } else if let expected = reference.expected {
                out += "<span class=\"run-value\" title=\"checked against this page's run\">\(HTML.escape(expected))</span>"
            } else if let value = values[reference.key] {
                out += "<span class=\"run-value\" title=\"from this page's run\">\(HTML.escape(value))</span>"
            } else {
                out += "<span class=\"run-value missing\">[\(HTML.escape(reference.key)): not recorded]</span>"
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Replaces every `start…end` span; `body` gets the text between them.
    static func replace(in text: String, start: String, end: String, with body: (String) -> String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: start), let close = rest[open.upperBound...].range(of: end) {
            let inner = rest[open.upperBound..<close.lowerBound]
            // Inline math never spans an element: `$<code>` … `</code>$` with a tag in
            // between is two code spans, not math.
            if start.hasPrefix("$"), inner.contains("<") {
                out += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            out += rest[..<open.lowerBound]
            out += body(String(inner))
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// `<h2>Title</h2>` → `<h2 id="anchor"><a class="anchor" href="#anchor">§</a>Title</h2>`,
    /// matching cmark's headings to the chapter's sections in order.
    private mutating func addAnchors(to html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let (tag, range) = ["<h2>", "<h3>"].compactMap({ tag in rest.range(of: tag).map { (tag, $0) } })
            .min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
            out += rest[..<range.lowerBound]
            rest = rest[range.upperBound...]
            let level = tag == "<h2>" ? 2 : 3
            if let section = pendingSections.first, section.level == level {
                pendingSections.removeFirst()
                let anchor = HTML.escape(section.anchor)
                out += "<h\(level) id=\"\(anchor)\"><a class=\"anchor\" href=\"#\(anchor)\" aria-label=\"Link to this section\">§</a>"
            } else {
                out += tag
            }
        }
        return out + rest
    }

    /// `href="03-the-echo-task.md#x"` → `href="03-the-echo-task.html#x"`.
    static func pointChapterLinksAtPages(_ html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let open = rest.range(of: "href=\"") {
            out += rest[..<open.upperBound]
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: "\"") else { break }
            var link = String(rest[..<close])
            if !link.contains(":"), !link.hasPrefix("#") {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                var path = String(parts[0])
                if path.hasPrefix("../chapters/") { path.removeFirst("../chapters/".count) }
                if path.hasPrefix("chapters/") { path.removeFirst("chapters/".count) }
                if path.hasSuffix(".md"), !path.contains("/") {
                    link = String(path.dropLast(3)) + ".html" + (parts.count > 1 ? "#" + parts[1] : "")
                }
            }
            out += link
            rest = rest[close...]
        }
        return out + rest
    }
}
