// The text the chapters train on: a snapshot of the book's own chapters and Swift sources
// (`corpus/default.txt`) by default, or any UTF-8 file given with `--data`.

import Foundation
import Notebook

/// Why a corpus could not be loaded. Each case reads as one line for standard error.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    /// Neither the source file's location nor the current directory leads to a folder
    /// holding both `Package.swift` and `chapters/`.
    case packageRootNotFound(searched: [String])
    /// The package root was found but holds no chapters and no Swift sources.
    case defaultCorpusEmpty(root: String)
    /// The package root holds no `corpus/default.txt`.
    case snapshotMissing(String)
    case missingFile(String)
    case isDirectory(String)
    /// A FIFO, a device, a socket: reading one could block forever or never end.
    case notRegularFile(String, kind: String)
    case unreadable(String, reason: String)
    case notUTF8(String)
    case empty(String)
    /// A text of one distinct character (`xxxx…`, a file of newlines): a character model
    /// over V = 1 has nothing to predict, since its only character has probability 1.
    case oneCharacter(String, Unicode.Scalar)
    /// A known corpus (`--data tempest`) that `book data fetch` has not fetched yet.
    case notFetched(name: String, path: String)

    public var description: String {
        switch self {
        case .packageRootNotFound(let searched):
            return "cannot find the package root (a folder with Package.swift and chapters/) for the default corpus; "
                + "looked from \(searched.joined(separator: " and ")). Run from inside the package, or pass --data FILE"
        case .defaultCorpusEmpty(let root):
            return "the default corpus is empty: no chapters/*.md and no Sources/**/*.swift under \(root)"
        case .snapshotMissing(let path):
            return "the default corpus \(path) is missing: `swift run book corpus --refresh` writes it from the chapters and sources, or pass --data FILE"
        case .missingFile(let path):
            return "no such file: \(path)"
        case .isDirectory(let path):
            return "\(path) is a directory; --data needs a text file"
        case .notRegularFile(let path, let kind):
            return "\(path) is \(kind), not a regular file; --data needs a text file"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .notUTF8(let path):
            return "\(path) is not valid UTF-8 text"
        case .empty(let path):
            return "\(path) is empty: there is nothing to learn from"
        case .oneCharacter(let path, let symbol):
            return "\(path) has only 1 distinct character, \(String(reflecting: String(symbol))); "
                + "a character model needs at least 2, so --data needs a text with more"
        case .notFetched(let name, let path):
            return "the corpus \(name) is not fetched yet (no \(path)): `swift run book data fetch \(name)` gets it"
        }
    }
}

/// A text to train on, with a short description of where it came from.
public struct Corpus: Sendable {
    /// The whole text.
    public let text: String
    /// Where it came from, for printing: a path, or a summary of the default corpus.
    public let source: String
    /// For the default corpus, the files it joins (relative to the package root), in the
    /// order in which `text` starts each; for a file, that one path.
    public let files: [String]

    public init(text: String, source: String, files: [String]) {
        self.text = text
        self.source = source
        self.files = files
    }

    /// The corpus a chapter trains on: the file at `path` (or the fetched corpus it names,
    /// `tempest`: see `resolve`), or the default corpus when `path` is nil.
    public static func load(path: String?) throws(CorpusError) -> Corpus {
        if let path { return try read(file: try resolve(path)) }
        return try DefaultCorpus.load()
    }

    /// Any UTF-8 text file. Missing, unreadable, non-UTF-8 and empty files are errors, and
    /// so is a file of one character repeated: every program that reads `--data` trains a
    /// model over the text's characters, and with V = 1 there is nothing to learn (it used
    /// to end chapter 6 in a trap), so the check lives here, once, for all of them.
    public static func read(file path: String) throws(CorpusError) -> Corpus {
        let text = try readText(path)
        guard let first = text.unicodeScalars.first else { throw .empty(path) }
        if !text.unicodeScalars.contains(where: { $0 != first }) { throw .oneCharacter(path, first) }
        return Corpus(text: text, source: path, files: [path])
    }
}

/// The default corpus: every `chapters/*.md` and every `Sources/**/*.swift` of this
/// package, cut at blank lines into pieces of about `pieceLength` characters, the pieces of
/// prose and of code interleaved from the start (`interleave`), and every character the text
/// uses fewer than `minimumCount` times written as `replacement`.
/// It ships with the repository, belongs to the book: prose, math in Markdown, and Swift code.
///
/// Why a snapshot (`corpus/default.txt`, made by `build(root:)` and written by
/// `swift run book corpus --refresh`) and not the live files: every chapter that trains on
/// the book would otherwise learn from a different text after any edit anywhere, even a
/// comment, and what the prose states about those runs would move with it. The snapshot is
/// refreshed deliberately, and then every chapter that trains on it is verified again.
///
/// Why interleaved, and in pieces: a character model trained for a while reads only the
/// start of a long text, and the chapters and sources sorted by path put 300,000 characters
/// of Swift first; whole files would still give it 50,000 characters of one kind at a time,
/// and its samples echo whichever kind it read last.
/// Why rare characters become one: a glyph seen a handful of times gives the network
/// nothing to learn from, yet costs it a row and a column of weights that the optimiser
/// still moves (chapter 6 shows what that does); one shared symbol is seen often enough.
public enum DefaultCorpus {
    /// The pieces files are cut into are at least this long (in characters), up to the next blank line.
    public static let pieceLength = 3000
    /// A character the corpus uses fewer times than this is written as `replacement`.
    public static let minimumCount = 20
    /// U+FFFD, Unicode's own symbol for "a character that is not represented here".
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// The package root: found from this source file's compile-time path (`#filePath`,
    /// `Sources/Unrolled/DefaultCorpus.swift`), or else by walking up from the current
    /// directory to a folder holding `Package.swift` and `chapters/`.
    ///
    /// `sourceFile` stands in for this file's path in tests; it is not a `#filePath` default
    /// argument, because such a default is the *caller's* path.
    public static func packageRoot(sourceFile: String? = nil,
                                   currentDirectory: String = FileManager.default.currentDirectoryPath) throws(CorpusError) -> URL {
        let fromSource = URL(fileURLWithPath: sourceFile ?? thisSourceFile)
            .deletingLastPathComponent()   // Sources/Unrolled
            .deletingLastPathComponent()   // Sources
            .deletingLastPathComponent()   // the root
        if isPackageRoot(fromSource) { return fromSource.standardizedFileURL }
        var folder = URL(fileURLWithPath: currentDirectory, isDirectory: true).standardizedFileURL
        while true {
            if isPackageRoot(folder) { return folder }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        throw .packageRootNotFound(searched: [fromSource.path, currentDirectory])
    }

    /// This file's absolute path when it was compiled.
    private static let thisSourceFile: String = #filePath

    /// The files of the default corpus under `root`, as paths relative to it: the chapters
    /// and the Swift sources, each sorted by path.
    public static func files(under root: URL) -> (chapters: [String], sources: [String]) {
        (filePaths(under: root, folder: "chapters", extension: "md", recursive: false).sorted(),
         filePaths(under: root, folder: "Sources", extension: "swift", recursive: true).sorted())
    }

    /// Merges two lists, keeping the order within each, so that at every point each list has
    /// been read about as far as the other, in proportion to its total `length`: the next
    /// item comes from the list whose items so far are the smaller share of its total
    /// (`first` on a tie). Prose and code then alternate from the start of the corpus.
    public static func interleave<Item>(_ first: [Item], _ second: [Item], length: (Item) -> Int) -> [Item] {
        let total = (Double(max(1, first.reduce(0) { $0 + length($1) })),
                     Double(max(1, second.reduce(0) { $0 + length($1) })))
        var merged: [Item] = [], i = 0, j = 0, read = (0, 0)
        while i < first.count || j < second.count {
            let takeFirst = j == second.count
                || (i < first.count && Double(read.0) / total.0 <= Double(read.1) / total.1)
            if takeFirst {
                merged.append(first[i]); read.0 += length(first[i]); i += 1
            } else {
                merged.append(second[j]); read.1 += length(second[j]); j += 1
            }
        }
        return merged
    }

    /// `text` cut after blank lines ("\n\n") into pieces of at least `length` characters
    /// (the last may be shorter); joined, they are `text`.
    public static func pieces(of text: String, length: Int) -> [String] {
        var pieces: [String] = [], current = String.UnicodeScalarView(), previous: Unicode.Scalar = " "
        for symbol in text.unicodeScalars {
            current.append(symbol)
            if symbol == "\n" && previous == "\n" && current.count >= length {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            }
            previous = symbol
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces
    }

    /// `text` with every character it uses fewer than `minimumCount` times replaced by
    /// `replacement`, and the characters replaced (in code-point order).
    public static func replacingRareCharacters(in text: String, minimumCount: Int,
                                               with replacement: Unicode.Scalar) -> (text: String, replaced: [Unicode.Scalar]) {
        var counts: [Unicode.Scalar: Int] = [:]
        for symbol in text.unicodeScalars { counts[symbol, default: 0] += 1 }
        let rare = Set(counts.filter { $0.value < minimumCount && $0.key != replacement }.keys)
        if rare.isEmpty { return (text, []) }
        var scalars = String.UnicodeScalarView()
        for symbol in text.unicodeScalars { scalars.append(rare.contains(symbol) ? replacement : symbol) }
        return (String(scalars), rare.sorted { $0.value < $1.value })
    }

    /// Where the snapshot lives, relative to the package root.
    public static let snapshotPath = "corpus/default.txt"

    /// Loads the default corpus: the snapshot `corpus/default.txt`.
    public static func load(root given: URL? = nil) throws(CorpusError) -> Corpus {
        let root: URL
        if let given { root = given } else { root = try packageRoot() }
        let path = root.appendingPathComponent(snapshotPath).path
        guard FileManager.default.fileExists(atPath: path) else { throw .snapshotMissing(snapshotPath) }
        let text = try readText(path)
        if text.isEmpty { throw .defaultCorpusEmpty(root: root.path) }
        let source = "the default corpus (\(snapshotPath): a snapshot of this book's chapters and Swift files, "
            + "interleaved in pieces, every character used fewer than \(minimumCount) times written as \(replacement))"
        return Corpus(text: text, source: source, files: [snapshotPath])
    }

    /// Builds the default corpus afresh from the chapters and sources under `root` (the
    /// package root unless given): the files interleaved, rare characters replaced. This is
    /// what `book corpus --refresh` writes to `snapshotPath`.
    public static func build(root given: URL? = nil) throws(CorpusError) -> Corpus {
        let root: URL
        if let given { root = given } else { root = try packageRoot() }
        let (chapters, sources) = files(under: root)
        var texts: [String: String] = [:]
        for path in chapters + sources {
            texts[path] = try readText(root.appendingPathComponent(path).path)
        }
        func cut(_ paths: [String]) -> [(path: String, text: String)] {
            paths.flatMap { path in pieces(of: texts[path]!, length: pieceLength).map { (path, $0) } }
        }
        let interleaved = interleave(cut(chapters), cut(sources)) { $0.text.unicodeScalars.count }
        let whole = interleaved.map(\.text).joined()
        var paths: [String] = []                                  // in order of first appearance
        for piece in interleaved where !paths.contains(piece.path) { paths.append(piece.path) }
        if whole.isEmpty { throw .defaultCorpusEmpty(root: root.path) }
        let (text, replaced) = replacingRareCharacters(in: whole, minimumCount: minimumCount, with: replacement)
        let source = "the default corpus (\(chapters.count) chapters and \(sources.count) Swift files of this package, "
            + "interleaved in pieces; the \(replaced.count) characters used fewer than \(minimumCount) times written as \(replacement))"
        return Corpus(text: text, source: source, files: paths)
    }

    private static func isPackageRoot(_ folder: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: folder.appendingPathComponent("chapters").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Paths relative to `root` of the files in `root/folder` ending in `.extension`,
    /// skipping hidden files and folders.
    private static func filePaths(under root: URL, folder: String, extension ext: String, recursive: Bool) -> [String] {
        let base = root.appendingPathComponent(folder)
        let manager = FileManager.default
        var found: [String] = []
        let names = recursive ? ((try? manager.subpathsOfDirectory(atPath: base.path)) ?? [])
                              : ((try? manager.contentsOfDirectory(atPath: base.path)) ?? [])
        for name in names where name.hasSuffix("." + ext) {
            // Skip hidden files and anything inside a hidden folder.
            if name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isDirectory: ObjCBool = false
            let full = base.appendingPathComponent(name).path
            guard manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found.append(folder + "/" + name)
        }
        return found
    }
}

/// The UTF-8 text of the file at `path`, or the reason it cannot be had.
private func readText(_ path: String) throws(CorpusError) -> String {
    // stat (which follows symbolic links, so /dev/stdin is seen as what it points to)
    // tells what the path is without opening it: opening a FIFO would wait for a writer.
    var status = stat()
    guard stat(path, &status) == 0 else {
        if errno == ENOENT || errno == ENOTDIR { throw .missingFile(path) }
        throw .unreadable(path, reason: String(cString: strerror(errno)))
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw .isDirectory(path)
    case S_IFIFO: throw .notRegularFile(path, kind: "a FIFO (named pipe)")
    case S_IFCHR, S_IFBLK: throw .notRegularFile(path, kind: "a device")
    case S_IFSOCK: throw .notRegularFile(path, kind: "a socket")
    default: throw .notRegularFile(path, kind: "a special file")
    }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw .unreadable(path, reason: (error as NSError).localizedDescription)
    }
    guard let text = String(validating: data, as: UTF8.self) else { throw .notUTF8(path) }
    Notebook.recordInput(path: URL(fileURLWithPath: path).standardizedFileURL.path)
    return text
}
