// The real texts the book knows by name (`--data tempest`), and where `book data fetch`
// puts them. What each one is, and how it is fetched, lives with the fetcher
// (Sources/CorpusFetch); the chapters only need to turn a name into a file.

import Foundation

/// A corpus the book can fetch, known by a short name.
public struct KnownCorpus: Sendable, Equatable {
    /// What a reader types: `--data tempest`, `book data fetch tempest`.
    public let name: String

    /// The file `book data fetch` writes in the data folder.
    public var fileName: String { name + ".txt" }

    /// The corpora the book knows, in the order `book data list` shows them.
    public static let all: [KnownCorpus] = ["tempest", "shakespeare", "kjv", "linux"].map(KnownCorpus.init(name:))

    /// The known corpus called `name`, if there is one.
    public static func named(_ name: String) -> KnownCorpus? {
        all.first { $0.name == name }
    }

    /// The folder fetched corpora live in: `$UNROLLED_DATA` when set, else `.data/` in the
    /// package root (git-ignored: the texts are large and belong to their authors).
    public static func dataFolder(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CorpusError) -> URL {
        if let folder = environment["UNROLLED_DATA"], !folder.isEmpty {
            return URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        }
        return try DefaultCorpus.packageRoot().appendingPathComponent(".data", isDirectory: true)
    }

    /// Where this corpus is, or will be once fetched, in `folder`.
    public func path(in folder: URL) -> URL {
        folder.appendingPathComponent(fileName)
    }
}

extension Corpus {
    /// What `--data` names, as a file path: a known corpus's name (`tempest`) is its file
    /// in the data folder, which must have been fetched; anything else is a path as given.
    /// A known name wins over a file of the same name in the current folder: write
    /// `./tempest` for that file.
    public static func resolve(_ nameOrPath: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(CorpusError) -> String {
        guard let known = KnownCorpus.named(nameOrPath) else { return nameOrPath }
        let path = known.path(in: try KnownCorpus.dataFolder(environment: environment)).path
        guard FileManager.default.fileExists(atPath: path) else { throw .notFetched(name: known.name, path: path) }
        return path
    }
}
