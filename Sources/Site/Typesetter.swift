import Foundation
import ProgramRunner

/// Math (KaTeX) and Swift highlighting (highlight.js), done at build time by one Node.js
/// process for the whole book, from Debian's `libjs-katex` and `libjs-highlight.js`.
///
/// Renderers ask for a job (``math(_:display:origin:)``, ``swift(_:origin:)``) and get back
/// a placeholder to put in their HTML; once every page is laid out, ``run()`` typesets all
/// the jobs and ``fill(_:with:)`` swaps each placeholder for its result.
public final class Typesetter {
    public struct Job: Encodable {
        public var kind: String
        public var source: String
        public var display: Bool
        /// Where the job came from, for error messages (`chapters/01-x.md:12`).
        var origin: String

        enum CodingKeys: String, CodingKey { case kind, source, display }
    }

    public struct TypesetError: Error, CustomStringConvertible {
        public var description: String
    }

    public private(set) var jobs: [Job] = []
    let script: URL
    let katex: String
    let highlight: String
    let node: String

    public init(script: URL, node: String = "node",
                katex: String = "/usr/share/javascript/katex/katex.js",
                highlight: String = "/usr/share/javascript/highlight.js/highlight.js") {
        self.script = script
        self.node = node
        self.katex = katex
        self.highlight = highlight
    }

    static let open = "\u{E000}", close = "\u{E001}"

    /// Registers TeX to typeset and returns its placeholder.
    public func math(_ tex: String, display: Bool, origin: String) -> String {
        add(Job(kind: "math", source: tex, display: display, origin: origin))
    }

    /// Registers Swift code to highlight and returns its placeholder.
    public func swift(_ code: String, origin: String) -> String {
        add(Job(kind: "swift", source: code, display: false, origin: origin))
    }

    private func add(_ job: Job) -> String {
        jobs.append(job)
        return Self.open + String(jobs.count - 1) + Self.close
    }

    /// Runs every job; throws naming the origin of each one that failed.
    public func run() throws -> [String] {
        guard !jobs.isEmpty else { return [] }
        for (path, package) in [(katex, "libjs-katex"), (highlight, "libjs-highlight.js")] where !FileManager.default.fileExists(atPath: path) {
            throw TypesetError(description: "error: \(path) not found: install the Debian package \(package) (`make site` does)")
        }
        struct Request: Encodable { var katex: String; var highlight: String; var jobs: [Job] }
        let input = try JSONEncoder().encode(Request(katex: katex, highlight: highlight, jobs: jobs))
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(node, [script.path], input: input, timeout: 300)
        } catch {
            throw TypesetError(description: "error: cannot run Node.js (`\(node)`) to typeset math: install the Debian package nodejs (`make site` does)")
        }
        guard result.succeeded else {
            throw TypesetError(description: "error: typesetting failed: " + String(decoding: result.standardError, as: UTF8.self).split(separator: "\n").prefix(5).joined(separator: "\n"))
        }
        struct Reply: Decodable { var html: String?; var error: String? }
        let replies = try JSONDecoder().decode([Reply].self, from: result.standardOutput)
        guard replies.count == jobs.count else { throw TypesetError(description: "error: typesetting returned \(replies.count) results for \(jobs.count) jobs") }
        var problems: [String] = []
        var html: [String] = []
        for (job, reply) in zip(jobs, replies) {
            if let text = reply.html { html.append(text) } else {
                problems.append("\(job.origin): error: cannot typeset \(job.kind == "math" ? "math" : "code") `\(job.source.prefix(60))`: \(reply.error ?? "no result")")
                html.append("")
            }
        }
        guard problems.isEmpty else { throw TypesetError(description: problems.joined(separator: "\n")) }
        return html
    }

    /// Replaces the placeholders in `text` with the typeset HTML.
    public static func fill(_ text: String, with results: [String]) -> String {
        guard text.contains(open) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: open) {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: close), let index = Int(rest[start.upperBound..<end.lowerBound]), results.indices.contains(index) else {
                out += rest[start]
                rest = rest[start.upperBound...]
                continue
            }
            out += results[index]
            rest = rest[end.upperBound...]
        }
        return out + rest
    }
}
