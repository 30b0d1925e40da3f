import Foundation
import Literate

/// Lays out the book's pages: the index and one page per chapter, from the chapter model,
/// the runs' outputs and the theme's layout. Math and code are left as typesetter
/// placeholders; the builder fills them in.
struct PageRenderer {
    let book: Book
    let runs: [String: ChapterRun]
    let layout: Template
    let typesetter: Typesetter
    /// The footer's line on what the outputs were computed with (`SiteBuilder.blasEnvironment`).
    var environment = ""
    /// Plain text of each section, for the search index.
    private(set) var searchEntries: [SearchEntry] = []

    struct SearchEntry: Encodable {
        /// Chapter ("01 One recurrent cell"), section title, URL, text.
        var chapter: String
        var section: String
        var url: String
        var text: String
    }

    init(book: Book, runs: [String: ChapterRun], layout: Template, typesetter: Typesetter) {
        self.book = book
        self.runs = runs
        self.layout = layout
        self.typesetter = typesetter
    }

    static func pageName(_ chapter: Chapter) -> String {
        let file = chapter.path.split(separator: "/").last.map(String.init) ?? chapter.path
        return (file.hasSuffix(".md") ? String(file.dropLast(3)) : file) + ".html"
    }

    static func label(_ chapter: Chapter) -> String {
        "\(chapter.number) · \(chapter.title)"
    }

    // MARK: The index

    func indexPage(introduction: String) -> String {
        var toc = "<ol class=\"contents\">\n"
        for chapter in book.chapters {
            toc += "<li><a class=\"chapter-link\" href=\"\(Self.pageName(chapter))\"><span class=\"number\">\(HTML.escape(chapter.number))</span> \(HTML.escape(chapter.title))</a>"
            if let target = chapter.targetName { toc += " <code class=\"command\">swift run \(HTML.escape(target))</code>" }
            let sections = chapter.sections.filter { $0.level == 2 }
            if !sections.isEmpty {
                toc += "\n<ul class=\"sections\">" + sections.map { "<li><a href=\"\(Self.pageName(chapter))#\(HTML.escape($0.anchor))\">\(HTML.escape($0.title))</a></li>" }.joined() + "</ul>"
            }
            toc += "</li>\n"
        }
        toc += "</ol>\n"
        let content = "<article class=\"index\">\n" + introduction + "\n<h2 id=\"contents\">Contents</h2>\n" + toc + "</article>"
        return layout.render([
            "title": "Unrolled: recurrent neural networks, in Swift",
            "kind": "index-page",
            "toc": "",
            "content": content,
            "pager": "",
            "environment": HTML.escape(environment),
        ])
    }

    // MARK: A chapter

    mutating func chapterPage(_ position: Int) -> String {
        let chapter = book.chapters[position]
        let run = chapter.targetName.flatMap { runs[$0] }
        var prose = ProseRenderer(chapter: chapter, typesetter: typesetter, values: run?.values ?? [:])
        var body = ""
        if let target = chapter.targetName {
            body += "<p class=\"run-command\">This chapter is a program: <code>swift run \(HTML.escape(target))</code>"
            if !chapter.runArguments.isEmpty, let command = chapter.runCommand {
                body += "; the run shown on this page is <code>\(HTML.escape(command))</code>"
            }
            body += "</p>\n"
            if let flags = run?.flags, !flags.isEmpty {
                body += "<details class=\"flags\"><summary>Its flags (<code>swift run \(HTML.escape(target)) --help</code>)</summary>\n"
                    + "<pre class=\"output\">\(HTML.escape(flags))</pre></details>\n"
            }
        }
        var currentSection = (title: chapter.title, anchor: "")
        var sectionText = ""
        let page = Self.pageName(chapter)
        func flushSearch(into entries: inout [SearchEntry]) {
            guard !sectionText.isEmpty else { return }
            entries.append(SearchEntry(chapter: Self.label(chapter), section: currentSection.title,
                                       url: page + (currentSection.anchor.isEmpty ? "" : "#" + currentSection.anchor),
                                       text: String(sectionText.prefix(4000))))
            sectionText = ""
        }
        var sectionsLeft = chapter.sections
        var stopped = false  // after a failing cell, later cells did not run
        // Anything printed before the first cell (a library's start-up message) still shows.
        body += outputs(of: -1, in: run)
        if let failure = run?.failure, failure.cell < 0 {
            body += Self.failureBox(failure, inCell: false)
            stopped = true
        }
        for block in chapter.blocks {
            switch block {
            case .prose(let text):
                let html = prose.render(text)
                // Split the text for search at the sections this prose starts.
                for part in Self.splitAtHeadings(html) {
                    if part.startsHeading, let next = sectionsLeft.first {
                        flushSearch(into: &searchEntries)
                        sectionsLeft.removeFirst()
                        currentSection = (next.title, next.anchor)
                    }
                    sectionText += (sectionText.isEmpty ? "" : " ") + HTML.plainText(Self.withoutPlaceholders(part.html))
                }
                body += html
            case .cell(let cell):
                body += render(cell, of: chapter, run: run, stopped: &stopped)
            }
        }
        flushSearch(into: &searchEntries)

        var pager = "<nav class=\"pager\" aria-label=\"Chapters\">"
        if position > 0 {
            let previous = book.chapters[position - 1]
            pager += "<a rel=\"prev\" href=\"\(Self.pageName(previous))\"><span>Previous</span>\(HTML.escape(Self.label(previous)))</a>"
        } else {
            pager += "<a rel=\"prev\" href=\"index.html\"><span>Previous</span>Contents</a>"
        }
        if position + 1 < book.chapters.count {
            let next = book.chapters[position + 1]
            pager += "<a rel=\"next\" href=\"\(Self.pageName(next))\"><span>Next</span>\(HTML.escape(Self.label(next)))</a>"
        }
        pager += "</nav>"

        return layout.render([
            "title": HTML.escape(chapter.title) + " · Unrolled",
            "kind": "chapter-page",
            "toc": sidebar(current: position),
            "content": "<article class=\"chapter\">\n" + body + "</article>\n" + pager,
            "pager": "",
            "environment": HTML.escape(environment),
        ])
    }

    private func sidebar(current: Int) -> String {
        var html = "<p class=\"toc-title\"><a href=\"index.html\">Contents</a></p><ol>"
        for (i, chapter) in book.chapters.enumerated() {
            let here = i == current
            html += "<li\(here ? " class=\"current\"" : "")><a href=\"\(Self.pageName(chapter))\"\(here ? " aria-current=\"page\"" : "")><span class=\"number\">\(HTML.escape(chapter.number))</span> \(HTML.escape(chapter.title))</a>"
            if here {
                let sections = chapter.sections.filter { $0.level == 2 }
                if !sections.isEmpty {
                    html += "<ul>" + sections.map { "<li><a href=\"#\(HTML.escape($0.anchor))\">\(HTML.escape($0.title))</a></li>" }.joined() + "</ul>"
                }
            }
            html += "</li>"
        }
        return html + "</ol>"
    }

    // MARK: Cells

    private func code(_ cell: Cell, of chapter: Chapter) -> String {
        let highlighted = typesetter.swift(cell.code, origin: "\(chapter.path):\(cell.fenceLine)")
        return "<pre class=\"code\"><code class=\"hljs language-swift\">\(highlighted)</code></pre>\n"
    }

    private func render(_ cell: Cell, of chapter: Chapter, run: ChapterRun?, stopped: inout Bool) -> String {
        let source = "<a class=\"source\" title=\"Where this cell is in the chapter's Markdown\">\(HTML.escape(chapter.path)):\(cell.fenceLine)</a>"
        let outputs = stopped ? "" : self.outputs(of: cell.index, in: run)
        var failure = ""
        if let failed = run?.failure, failed.cell == cell.index, !stopped {
            if run?.failedClaims.isEmpty == false {
                // The program ran on to its end; the failed claims are in the cells' output.
                failure = "<div class=\"run-error\" role=\"alert\"><p><strong>\(HTML.escape(failed.reason)).</strong> The prose says something this run does not show.</p></div>\n"
            } else {
                failure = Self.failureBox(failed, inCell: true)
                stopped = true
            }
        }
        switch cell.kind {
        case .run:
            return "<section class=\"cell\" id=\"cell-\(cell.index)\">\n<div class=\"cell-head\">\(source)</div>\n" + code(cell, of: chapter) + outputs + failure + "</section>\n"
        case .library:
            return "<section class=\"cell library\" id=\"cell-\(cell.index)\">\n<div class=\"cell-head\"><span class=\"badge\">library</span> compiled into <code>Unrolled</code>, used by later chapters \(source)</div>\n" + code(cell, of: chapter) + "</section>\n"
        case .noRun:
            return "<section class=\"cell norun\" id=\"cell-\(cell.index)\">\n<div class=\"cell-head\"><span class=\"badge\">not run</span> an illustration \(source)</div>\n" + code(cell, of: chapter) + "</section>\n"
        case .hidden:
            // The code stays off the page; anything it printed is still the chapter's output.
            return outputs.isEmpty && failure.isEmpty ? "" : "<section class=\"cell hidden-cell\" id=\"cell-\(cell.index)\">\n" + outputs + failure + "</section>\n"
        case .exercise(let id):
            let anchor = "exercise-" + id
            var html = "<section class=\"cell exercise\" id=\"\(HTML.escape(anchor))\">\n<div class=\"cell-head\"><span class=\"badge\">exercise \(HTML.escape(id))</span> check your answer with <code>swift run book exercise \(HTML.escape(id))</code> \(source)</div>\n"
            html += code(cell, of: chapter)
            if let solution = chapter.solution(for: id) {
                html += "<details class=\"solution\"><summary>Solution</summary>\n" + code(solution, of: chapter) + outputs + failure + "</details>\n"
            } else {
                html += outputs + failure
            }
            return html + "</section>\n"
        case .solution:
            return ""  // shown folded under its exercise
        }
    }

    /// What a cell printed and drew, in order.
    private func outputs(of index: Int, in run: ChapterRun?) -> String {
        guard let items = run?.outputs[index], !items.isEmpty else { return "" }
        var html = "<div class=\"outputs\">\n"
        for item in items {
            switch item {
            case .text(let text):
                let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
                guard !trimmed.isEmpty else { continue }
                html += "<pre class=\"output\">\(Self.lineSpans(trimmed))</pre>\n"
            case .figure(let svg):
                do {
                    html += "<figure class=\"plot\">\(try SVGSanitizer.sanitize(svg))</figure>\n"
                } catch {
                    html += "<p class=\"run-error\">This figure could not be shown: \(HTML.escape(String(describing: error))).</p>\n"
                }
            }
        }
        return html + "</div>\n"
    }

    /// Printed text with every line in a `.line` (its leading spaces in `.indent`, the
    /// rest in `.text`), so the stylesheet can wrap a long line under itself on a narrow
    /// screen, as the typesetter does for code. No newlines between lines: each is a block.
    static func lineSpans(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            return "<span class=\"line\"><span class=\"indent\">\(indent)</span><span class=\"text\">\(HTML.escape(String(line.dropFirst(indent.count))))</span></span>"
        }.joined()
    }

    static func failureBox(_ failure: ChapterRun.Failure, inCell: Bool) -> String {
        let what = inCell ? "The chapter stopped in this cell: \(HTML.escape(failure.reason))." : "The chapter did not run: \(HTML.escape(failure.reason))."
        return "<div class=\"run-error\" role=\"alert\"><p><strong>\(what)</strong> \(inCell ? "Later cells" : "Its cells") did not run.</p>"
            + (failure.standardErrorTail.isEmpty ? "" : "<pre>\(HTML.escape(failure.standardErrorTail))</pre>") + "</div>\n"
    }

    // MARK: Helpers for the search index

    struct Part { var html: Substring; var startsHeading: Bool }

    /// The HTML cut before each `<h2 id=` / `<h3 id=` heading the renderer anchored; a
    /// part that begins with such a heading says so.
    static func splitAtHeadings(_ html: String) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(html)
        var startsHeading = false
        while true {
            let from = startsHeading ? rest.index(rest.startIndex, offsetBy: 4) : rest.startIndex
            guard let next = ["<h2 id=", "<h3 id="].compactMap({ rest[from...].range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) else { break }
            parts.append(Part(html: rest[..<next.lowerBound], startsHeading: startsHeading))
            rest = rest[next.lowerBound...]
            startsHeading = true
        }
        parts.append(Part(html: rest, startsHeading: startsHeading))
        return parts
    }

    /// Typesetter placeholders dropped (search matches words, not TeX).
    static func withoutPlaceholders(_ html: Substring) -> String {
        var out = ""
        var inside = false
        for scalar in html.unicodeScalars {
            if scalar == "\u{E000}" { inside = true; continue }
            if scalar == "\u{E001}" { inside = false; continue }
            if !inside { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
