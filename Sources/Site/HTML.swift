/// Escaping for text that goes into HTML: element content and double-quoted attributes.
///
/// Everything on a page that did not come from the theme or from the chapter's own
/// Markdown — what a chapter printed, a sample of the corpus, an error message — passes
/// through here, so a corpus containing `<script>` shows as text.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            // The typesetter's placeholder characters: as references they can never be
            // mistaken for a placeholder in printed output.
            case "\u{E000}": out += "&#xE000;"
            case "\u{E001}": out += "&#xE001;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Undoes cmark's escaping of code-span text (`&amp;`, `&lt;`, `&gt;`, `&quot;`), to
    /// get back the TeX an author wrote.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The text of an HTML fragment without its tags, whitespace collapsed (for search).
    static func plainText(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true; out += " "; continue }
            if character == ">" && inTag { inTag = false; continue }
            if !inTag { out.append(character) }
        }
        return unescape(out).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
