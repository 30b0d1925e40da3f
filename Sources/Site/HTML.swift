import Notebook

/// Escaping for text that goes into HTML: element content and double-quoted attributes.
///
/// Everything on a page that did not come from the theme or from the chapter's own
/// Markdown — what a chapter printed, a sample of the corpus, an error message — passes
/// through here, so a corpus containing `<script>` shows as text.
public enum HTML {
    public static func escape(_ text: String) -> String {
        let escaped = Markup.escape(text)
        // The typesetter's placeholder characters: as references they can never be
        // mistaken for a placeholder in printed output.
        guard escaped.unicodeScalars.contains(where: { $0 == "\u{E000}" || $0 == "\u{E001}" }) else { return escaped }
        return escaped.replacingOccurrences(of: "\u{E000}", with: "&#xE000;").replacingOccurrences(of: "\u{E001}", with: "&#xE001;")
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
