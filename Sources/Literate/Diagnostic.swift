/// A problem found in a chapter, reported the way compilers report them:
/// `chapters/04-bptt.md:118: error: unknown cell attribute "nrun"`.
///
/// Editors and CI logs turn that form into a clickable location, and SwiftPM passes it
/// through unchanged when the tangler fails during a build.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chapter's path as the reader knows it, e.g. `chapters/01-the-recurrent-cell.md`.
    public var file: String
    /// 1-based line in the Markdown file; `nil` when the problem is with the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): error: \(message)" }
        return "\(file): error: \(message)"
    }
}

/// One or more diagnostics, thrown together so that a reader sees every problem in a
/// chapter at once instead of fixing them one build at a time.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var all: [Diagnostic]

    public init(_ all: [Diagnostic]) {
        self.all = all
    }

    public var description: String {
        all.map(\.description).joined(separator: "\n")
    }
}
