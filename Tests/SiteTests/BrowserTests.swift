import Foundation
import ProgramRunner
import Testing
@testable import Site

/// Opens the real, built site in Debian's headless Chromium. `make test` builds the site
/// and sets `UNROLLED_SITE` to it; without it the test is skipped (a plain `swift test`
/// has no site to open).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["UNROLLED_SITE"] != nil, "set UNROLLED_SITE to a built site (make test does)"))
struct BrowserTests {
    let site = URL(fileURLWithPath: ProcessInfo.processInfo.environment["UNROLLED_SITE"] ?? "/nonexistent")
    var screenshots: URL { site.deletingLastPathComponent().appendingPathComponent("_cache/screenshots") }

    var pages: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? []).filter { $0.hasSuffix(".html") }.sorted()
    }

    static func chromium() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw Failure(description: "no Chromium: install the Debian package chromium (make test does)")
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// The DOM after the page loaded and ran its scripts. Host lookups all fail, so a page
    /// that needed the network would come out broken.
    func dom(_ page: String) throws -> String {
        let result = try Subprocess.run(try Self.chromium(), [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--dump-dom", site.appendingPathComponent(page).absoluteString,
        ], timeout: 120)
        guard result.succeeded else { throw Failure(description: "chromium --dump-dom \(page) failed: \(String(decoding: result.standardError, as: UTF8.self).suffix(500))") }
        return String(decoding: result.standardOutput, as: UTF8.self)
    }

    func screenshot(_ page: String, as name: String, size: String, dark: Bool = false) throws -> URL {
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        let file = screenshots.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: file)
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
                         "--window-size=\(size)", "--screenshot=\(file.path)"]
        if dark { arguments.append("--force-dark-mode") }
        let result = try Subprocess.run(try Self.chromium(), arguments + [site.appendingPathComponent(page).absoluteString], timeout: 120)
        guard result.succeeded, FileManager.default.fileExists(atPath: file.path) else { throw Failure(description: "no screenshot of \(page)") }
        return file
    }

    /// Figures each chapter's cached run drew, by page name, read from the run cache.
    func figuresPerPage() throws -> [String: Int] {
        let runs = site.deletingLastPathComponent().appendingPathComponent("_cache/runs")
        var counts: [String: Int] = [:]
        for page in pages where page != "index.html" {
            let target = "ch" + (page.split(separator: "-").first.map(String.init) ?? "")
            guard let file = try FileManager.default.contentsOfDirectory(atPath: runs.path).first(where: { $0.hasPrefix(target + "-") }) else { continue }
            let run = try JSONDecoder().decode(ChapterRun.self, from: Data(contentsOf: runs.appendingPathComponent(file)))
            counts[page] = run.outputs.values.joined().filter { if case .figure = $0 { true } else { false } }.count
        }
        return counts
    }

    @Test func everyPageRendersWithMathAndFigures() throws {
        #expect(pages.contains("index.html"))
        #expect(pages.count >= 2, "the index and at least one chapter")
        let figures = try figuresPerPage()
        for page in pages {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            let dom = try dom(page)
            #expect(dom.contains("</main>"), "\(page) loaded")
            // Math: every formula typeset by KaTeX, no TeX left as source.
            let formulas = html.components(separatedBy: "<span class=\"math\">").count - 1 + html.components(separatedBy: "<div class=\"math display\">").count - 1
            let typeset = dom.components(separatedBy: "class=\"katex\"").count - 1
            #expect(typeset >= formulas, "\(page): \(formulas) formulas, \(typeset) typeset")
            #expect(!dom.contains("$<code>") && !dom.contains("language-math"), "\(page): raw TeX left")
            // Figures: as many inline SVG images as the chapter's run drew.
            let plots = dom.components(separatedBy: "<figure class=\"plot\"><svg").count - 1
            if let drawn = figures[page] {
                #expect(plots == drawn, "\(page): the run drew \(drawn) figures, the page shows \(plots)")
            }
            // Whatever the chapters printed (samples of a corpus that holds this package's
            // own sources, `<script>` included), the only scripts are the theme's two.
            #expect(dom.components(separatedBy: "<script").count - 1 == 2, "\(page): unexpected <script> elements")
            // The search box is live (JavaScript ran from file://).
            #expect(!dom.contains("<div class=\"search\" role=\"search\" hidden"), "\(page): search box still hidden")
        }
    }

    /// Types a query into the search box of a copy of the index and reads the results.
    @Test func searchFindsSectionsOffline() throws {
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let typing = "<script>var box = document.getElementById('search'); box.value = 'hidden state'; box.dispatchEvent(new Event('input'));</script></body>"
        let probe = ".search-probe-\(UUID().uuidString.prefix(8)).html"
        try Data(index.replacingOccurrences(of: "</body>", with: typing).utf8).write(to: site.appendingPathComponent(probe))
        defer { try? FileManager.default.removeItem(at: site.appendingPathComponent(probe)) }
        let dom = try dom(probe)
        let results = dom.components(separatedBy: "<ol id=\"search-results\"").last?.components(separatedBy: "</ol>").first ?? ""
        let hits = results.components(separatedBy: "<li>").count - 1
        #expect(hits >= 1, "searching for 'hidden state' finds a section")
        #expect(results.contains(".html#"), "results link to sections")
    }

    /// The DOM of a copy of `page` laid out `width` CSS pixels wide, with `script` run
    /// after load; the script writes what it measured into `<pre id="probe">`.
    func measure(_ page: String, width: Int, script: String) throws -> String {
        let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
        let probe = ".layout-probe-\(UUID().uuidString.prefix(8)).html"
        let injected = "<pre id=\"probe\"></pre><script>window.addEventListener('load', function () { document.getElementById('probe').textContent = (function () { \(script) })(); });</script></body>"
        try Data(html.replacingOccurrences(of: "</body>", with: injected).utf8).write(to: site.appendingPathComponent(probe))
        defer { try? FileManager.default.removeItem(at: site.appendingPathComponent(probe)) }
        let result = try Subprocess.run(try Self.chromium(), [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=\(width),900", "--dump-dom", site.appendingPathComponent(probe).absoluteString,
        ], timeout: 120)
        let dom = String(decoding: result.standardOutput, as: UTF8.self)
        return dom.components(separatedBy: "<pre id=\"probe\">").last?.components(separatedBy: "</pre>").first ?? ""
    }

    /// At desktop and phone widths no code runs off the right edge (it wraps), the page
    /// itself never scrolls sideways, and every figure's smallest text is at least 10 CSS
    /// pixels (a figure that cannot shrink that far scrolls inside its box instead).
    @Test(arguments: [1280, 390])
    func codeWrapsAndFiguresStayLegible(_ width: Int) throws {
        let script = """
            var out = [];
            document.querySelectorAll('pre.code').forEach(function (pre, i) {
              if (pre.scrollWidth > pre.clientWidth + 1) out.push('code block ' + i + ' overflows by ' + (pre.scrollWidth - pre.clientWidth) + ' px');
            });
            if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
            document.querySelectorAll('figure.plot svg').forEach(function (svg, i) {
              var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, smallest = 1e9;
              svg.querySelectorAll('text').forEach(function (t) { smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize)); });
              if (smallest * scale < 9.95) out.push('figure ' + i + ': smallest text ' + (smallest * scale).toFixed(1) + ' px');
            });
            return 'measured ' + document.querySelectorAll('pre.code').length + ' code blocks\\n' + out.join('\\n');
            """
        for page in pages where page != "index.html" {
            let report = try measure(page, width: width, script: script)
            #expect(report.hasPrefix("measured "), "\(page) at \(width) px was measured: \(report.prefix(200))")
            let problems = report.split(separator: "\n").dropFirst()
            #expect(problems.isEmpty, "\(page) at \(width) px:\n\(problems.joined(separator: "\n"))")
        }
    }

    @Test func linksAndAssetsResolveOffline() {
        let problems = SiteCheck.problems(in: site)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func screenshotsForPeopleToLookAt() throws {
        let chapter = pages.first { $0 != "index.html" && $0.hasPrefix("01") } ?? pages.first { $0 != "index.html" }
        var shots = [try screenshot("index.html", as: "index.png", size: "1280,1400")]
        if let chapter {
            shots.append(try screenshot(chapter, as: "chapter.png", size: "1280,2400"))
            shots.append(try screenshot(chapter, as: "chapter-phone.png", size: "390,1600"))
            shots.append(try screenshot(chapter, as: "chapter-dark.png", size: "1280,1600", dark: true))
        }
        for shot in shots {
            let size = (try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 10_000, "\(shot.lastPathComponent) is a real picture")
        }
    }
}
