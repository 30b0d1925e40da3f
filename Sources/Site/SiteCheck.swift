import Foundation

/// Checks a written site the way a reader offline would meet it: every internal link and
/// asset exists (and every `#fragment` names an id on its page), and nothing is loaded
/// from the network (no `src`, stylesheet or CSS `url()` pointing off the site).
/// Links to other websites in the prose are allowed: following them is the reader's choice.
public enum SiteCheck {
    public static func problems(in site: URL) -> [String] {
        var problems: [String] = []
        let files = (FileManager.default.enumerator(atPath: site.path)?.allObjects as? [String]) ?? []
        var ids: [String: Set<String>] = [:]
        func idsOf(_ file: String) -> Set<String> {
            if let known = ids[file] { return known }
            let text = (try? String(contentsOf: site.appendingPathComponent(file), encoding: .utf8)) ?? ""
            let found = Set(values(of: "id", in: text))
            ids[file] = found
            return found
        }
        for file in files where file.hasSuffix(".html") || file.hasSuffix(".css") {
            guard let text = try? String(contentsOf: site.appendingPathComponent(file), encoding: .utf8) else {
                problems.append("\(file): cannot be read")
                continue
            }
            let folder = (file as NSString).deletingLastPathComponent
            var references: [(String, isLoad: Bool)] = []
            if file.hasSuffix(".css") {
                references = cssURLs(in: text).map { ($0, true) }
            } else {
                references = values(of: "src", in: text).map { ($0, true) }
                    + linkedStylesheets(in: text).map { ($0, true) }
                    + values(of: "href", in: text).map { ($0, false) }
                references += cssURLs(in: text).map { ($0, true) }
            }
            for (reference, isLoad) in references {
                let lowered = reference.lowercased()
                if lowered.hasPrefix("http:") || lowered.hasPrefix("https:") || lowered.hasPrefix("//") {
                    if isLoad { problems.append("\(file): loads \(reference) from the network") }
                    continue
                }
                if lowered.hasPrefix("mailto:") || lowered.hasPrefix("data:") { continue }
                if lowered.hasPrefix("javascript:") { problems.append("\(file): javascript: link"); continue }
                let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let path = parts[0].split(separator: "?").first.map(String.init) ?? ""
                let target = path.isEmpty ? file : ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
                if !path.isEmpty, !FileManager.default.fileExists(atPath: site.appendingPathComponent(target).path) {
                    problems.append("\(file): \(reference) does not exist")
                    continue
                }
                if parts.count > 1, !parts[1].isEmpty, target.hasSuffix(".html") {
                    let fragment = parts[1].removingPercentEncoding ?? parts[1]
                    if !idsOf(target).contains(fragment) { problems.append("\(file): \(reference) names no id on \(target)") }
                }
            }
        }
        return problems
    }

    /// Values of `name="…"` attributes (HTML-unescaped).
    static func values(of name: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = Substring(html)
        let needle = " \(name)=\""
        while let start = rest.range(of: needle) {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            found.append(HTML.unescape(String(rest[..<end])))
            rest = rest[end...]
        }
        return found
    }

    static func linkedStylesheets(in html: String) -> [String] {
        html.components(separatedBy: "<link ").dropFirst().compactMap { tag in
            values(of: "href", in: " " + (tag.components(separatedBy: ">").first ?? "")).first
        }
    }

    static func cssURLs(in css: String) -> [String] {
        css.components(separatedBy: "url(").dropFirst().compactMap { part in
            guard let end = part.firstIndex(of: ")") else { return nil }
            return part[..<end].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
    }
}
