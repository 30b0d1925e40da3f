import Foundation

/// A page layout from the theme: HTML with `{{name}}` slots. Values are inserted as given,
/// so callers pass HTML they built (and escaped) themselves.
struct Template {
    let text: String

    init(contentsOf url: URL) throws {
        text = try String(contentsOf: url, encoding: .utf8)
    }

    init(text: String) {
        self.text = text
    }

    func render(_ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            out += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
