import CCmark

/// The parts of cmark's syntax tree that the book needs, copied out of C memory.
///
/// cmark does the CommonMark parsing; this file only walks its tree once and keeps, for
/// every block we care about, its kind, its lines and its text. Nothing here knows about
/// cells or chapters.
struct MarkdownBlock: Equatable {
    enum Kind: Equatable {
        /// A fenced or indented code block; `info` is the fence's info string ("" if none).
        case codeBlock(info: String, literal: String)
        case heading(level: Int, text: String)
        case other
    }

    var kind: Kind
    var startLine: Int
    var endLine: Int
    /// Whether the block sits directly in the document rather than in a list or quote.
    var isTopLevel: Bool
}

enum MarkdownTree {
    /// Parses CommonMark text and lists its headings and code blocks in document order,
    /// plus every other top-level block (so callers can tell prose apart from cells).
    static func blocks(of markdown: String) -> [MarkdownBlock] {
        let bytes = Array(markdown.utf8)
        guard let document = cmark_parse_document(bytes, bytes.count, CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_node_free(document) }

        var result: [MarkdownBlock] = []
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let isTopLevel = cmark_node_parent(node) == document
            let kind: MarkdownBlock.Kind
            switch type {
            case CMARK_NODE_CODE_BLOCK:
                kind = .codeBlock(info: string(cmark_node_get_fence_info(node)), literal: string(cmark_node_get_literal(node)))
            case CMARK_NODE_HEADING:
                kind = .heading(level: Int(cmark_node_get_heading_level(node)), text: plainText(of: node))
            default:
                guard isTopLevel else { continue }
                kind = .other
            }
            result.append(MarkdownBlock(
                kind: kind,
                startLine: Int(cmark_node_get_start_line(node)),
                endLine: Int(cmark_node_get_end_line(node)),
                isTopLevel: isTopLevel
            ))
        }
        return result
    }

    /// The text of a node's inline children, without markup: `## The *tanh* cell` -> "The tanh cell".
    private static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += string(cmark_node_get_literal(child))
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: break
            }
        }
        return text
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
