// The text the chapters train on: the book's own chapters and the package's Swift sources
// by default, or any UTF-8 file given with `--data`.

import Foundation
import Notebook

/// Why a corpus could not be loaded. Each case reads as one line for standard error.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    /// Neither the source file's location nor the current directory leads to a folder
    /// holding both `Package.swift` and `chapters/`.
    case packageRootNotFound(searched: [String])
    /// The package root was found but holds no chapters and no Swift sources.
    case defaultCorpusEmpty(root: String)
    case missingFile(String)
    case isDirectory(String)
    /// A FIFO, a device, a socket: reading one could block forever or never end.
    case notRegularFile(String, kind: String)
    case unreadable(String, reason: String)
    case notUTF8(String)
    case empty(String)

    public var description: String {
        switch self {
        case .packageRootNotFound(let searched):
            return "cannot find the package root (a folder with Package.swift and chapters/) for the default corpus; "
                + "looked from \(searched.joined(separator: " and ")). Run from inside the package, or pass --data FILE"
        case .defaultCorpusEmpty(let root):
            return "the default corpus is empty: no chapters/*.md and no Sources/**/*.swift under \(root)"
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
        }
    }
}

/// A text to train on, with a short description of where it came from.
public struct Corpus: Sendable {
    /// The whole text.
    public let text: String
    /// Where it came from, for printing: a path, or a summary of the default corpus.
    public let source: String
    /// For the default corpus, the files it concatenates (relative to the package root),
    /// in the order they appear in `text`; for a file, that one path.
    public let files: [String]

    public init(text: String, source: String, files: [String]) {
        self.text = text
        self.source = source
        self.files = files
    }

    /// The corpus a chapter trains on: the file at `path`, or the default corpus when
    /// `path` is nil.
    public static func load(path: String?) throws(CorpusError) -> Corpus {
        if let path { return try read(file: path) }
        return try DefaultCorpus.load()
    }

    /// Any UTF-8 text file. Missing, unreadable, non-UTF-8 and empty files are errors.
    public static func read(file path: String) throws(CorpusError) -> Corpus {
        let text = try readText(path)
        if text.isEmpty { throw .empty(path) }
        return Corpus(text: text, source: path, files: [path])
    }
}

/// The default corpus: every `chapters/*.md` and every `Sources/**/*.swift` of this
/// package, concatenated in sorted path order. It ships with the repository, belongs to the
/// book, and grows as the book does: prose, math in Markdown, and Swift code.
public enum DefaultCorpus {
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

    /// The files of the default corpus under `root`, as paths relative to it, sorted.
    public static func files(under root: URL) -> [String] {
        let chapters = filePaths(under: root, folder: "chapters", extension: "md", recursive: false)
        let sources = filePaths(under: root, folder: "Sources", extension: "swift", recursive: true)
        return (chapters + sources).sorted()
    }

    /// Loads and concatenates the default corpus.
    public static func load() throws(CorpusError) -> Corpus {
        let root = try packageRoot()
        // Which files make the corpus is an input too: a new chapter changes the text.
        for folder in ["chapters", "Sources"] {
            Notebook.recordInput(path: root.appendingPathComponent(folder).path)
        }
        let paths = files(under: root)
        if paths.isEmpty { throw .defaultCorpusEmpty(root: root.path) }
        var text = ""
        for path in paths {
            text += try readText(root.appendingPathComponent(path).path)
        }
        if text.isEmpty { throw .defaultCorpusEmpty(root: root.path) }
        let chapterCount = paths.filter { $0.hasPrefix("chapters/") }.count
        let source = "the default corpus (\(chapterCount) chapters and \(paths.count - chapterCount) Swift files of this package)"
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
